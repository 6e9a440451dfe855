package org.encodertraces.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.encodertraces.Requirements;
import org.encodertraces.TestData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Decoding parity with Pillow 9.4's {@code Image.open(f).convert("RGB")}, against the fixtures of
 * tools/pillow-fixtures/make_decode_fixtures.py. Tolerance: bit-exact (max abs difference 0)
 * unless a case is listed in {@link #TOLERANCE} with the reason.
 */
class DecoderParityTest {
    private static final Path DIR = TestData.fixture("pillow/decode");

    /**
     * Known non-exact cases: none when libwebp is installed (WebP then goes through it, as in
     * Pillow). Without it, lossy WebP falls back to the TwelveMonkeys VP8 decoder, whose chroma
     * upsampling and YUV-to-RGB rounding differ from libwebp's (measured on the fixture: max 24,
     * mean 1.70), so it is allowed max 32 and mean 2.5; {@link #twelveMonkeysFallbackStaysClose}
     * holds the fallback to that everywhere. Under TRACES_REQUIRE_ALL=1 a missing libwebp fails the
     * WebP cases instead ({@link Requirements#presentOrFallback}).
     */
    private static int tolerance(String input) {
        return input.equals("lossy.webp") && !libWebp(input) ? 32 : 0;
    }

    private static double meanTolerance(String input) {
        return input.equals("lossy.webp") && !libWebp(input) ? 2.5 : 0;
    }

    /** Whether libwebp decodes this WebP input; false (the fallback is checked) or a failure under the switch when it is missing. */
    private static boolean libWebp(String input) {
        return !input.endsWith(".webp")
                || Requirements.presentOrFallback(LibWebp.available(), Requirements.libWebpMissing(LibWebp.unavailableReason()));
    }

    @org.junit.jupiter.api.Test
    void twelveMonkeysFallbackStaysClose() throws IOException {
        DecodedImage got = new ImageDecoder(ImageDecoder.PILLOW_MAX_PIXELS, false, false).decode(DIR.resolve("inputs").resolve("lossy.webp"));
        RgbImage want = TestData.readRgbPng(DIR.resolve("expected").resolve("lossy__webp.png"));
        assertTrue(got.codec().contains("twelvemonkeys"), got.codec());
        assertTrue(want.maxAbsDiff(got.image()) <= 32 && want.meanAbsDiff(got.image()) <= 2.5,
                "fallback max " + want.maxAbsDiff(got.image()) + " mean " + want.meanAbsDiff(got.image()));
        DecodedImage lossless = new ImageDecoder(ImageDecoder.PILLOW_MAX_PIXELS, false, false).decode(DIR.resolve("inputs").resolve("lossless.webp"));
        assertEquals(0, TestData.readRgbPng(DIR.resolve("expected").resolve("lossless__webp.png")).maxAbsDiff(lossless.image()));
    }

    static Stream<Arguments> cases() throws IOException {
        JsonNode m = new ObjectMapper().readTree(DIR.resolve("manifest.json").toFile());
        List<Arguments> out = new ArrayList<>();
        for (JsonNode c : m.get("cases")) {
            String input = c.get("input").asText();
            // JPEG inputs are decoded on both codec paths; the others do not touch the JPEG codec
            for (JpegBackend b : input.endsWith(".jpg") ? JpegBackend.values() : new JpegBackend[] {JpegBackend.JDK}) {
                out.add(Arguments.of(input, c.get("expected").asText(), c.get("pillow_mode").asText(), b));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {3}")
    @MethodSource("cases")
    void decodesLikePillow(String input, String expected, String mode, JpegBackend backend) throws IOException {
        JpegCodecParityTest.assumeBackend(backend);
        DecodedImage got = new ImageDecoder(ImageDecoder.PILLOW_MAX_PIXELS, true, true, backend).decode(DIR.resolve("inputs").resolve(input));
        RgbImage want = TestData.readRgbPng(DIR.resolve("expected").resolve(expected));
        assertEquals(want.width(), got.image().width(), "width");
        assertEquals(want.height(), got.image().height(), "height");
        int max = want.maxAbsDiff(got.image());
        double mean = want.meanAbsDiff(got.image());
        System.out.printf("decode %-22s max %d mean %.4f%n", input, max, mean);
        assertTrue(max <= tolerance(input), input + ": max abs diff " + max + " (mean " + mean + ") above " + tolerance(input));
        assertTrue(mean <= meanTolerance(input), input + ": mean abs diff " + mean + " above " + meanTolerance(input));
        assertEquals(mode, got.sourceMode(), "Pillow mode");
    }

    static Stream<Arguments> realPhotos() throws IOException {
        JsonNode m = new ObjectMapper().readTree(DIR.resolve("manifest.json").toFile());
        List<Arguments> out = new ArrayList<>();
        for (JsonNode c : m.get("real_photos")) {
            for (JpegBackend b : JpegBackend.values()) {
                out.add(Arguments.of(c.get("path").asText(), c.get("rgb_sha256").asText(), c.get("channel_sums"), b));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {3}")
    @MethodSource("realPhotos")
    void realPhotosDecodeToPillowsExactBytes(String rel, String sha, JsonNode sums, JpegBackend backend) throws Exception {
        JpegCodecParityTest.assumeBackend(backend);
        Path file = TestData.shared().resolve(rel);
        RgbImage img = new ImageDecoder(ImageDecoder.PILLOW_MAX_PIXELS, true, true, backend).decode(file).image();
        long[] s = new long[3];
        byte[] d = img.data();
        for (int i = 0; i < d.length; i++) {
            s[i % 3] += d[i] & 0xFF;
        }
        String got = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(d));
        assertEquals(sha, got, rel + ": RGB bytes differ from Pillow's; channel sums ours "
                + s[0] + "," + s[1] + "," + s[2] + " Pillow's " + sums);
    }
}
