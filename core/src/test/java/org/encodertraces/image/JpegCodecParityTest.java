package org.encodertraces.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * Our JPEG encoder writes the very bytes Pillow 9.4 (libjpeg-turbo) writes for the same pixels,
 * quality and subsampling, and decodes them to the same pixels. Tolerance: none (sha256 of the
 * stream and max abs pixel difference 0).
 */
class JpegCodecParityTest {
    private static final Path DIR = TestData.fixture("pillow/ops");

    static Stream<Arguments> jpegCases() throws Exception {
        JsonNode m = new ObjectMapper().readTree(DIR.resolve("manifest.json").toFile());
        List<Arguments> out = new ArrayList<>();
        for (JsonNode c : m.get("cases")) {
            String op = c.get("op").asText();
            if (op.matches("JPEG\\d+_\\d{3}")) {
                for (JpegBackend b : JpegBackend.values()) {
                    out.add(Arguments.of(b, c.get("input").asText(), op, c.get("expected").asText(), c.get("jpeg_sha256").asText()));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("jpegCases")
    void encodesPillowsBytesAndDecodesPillowsPixels(JpegBackend backend, String input, String op, String expected, String sha) throws Exception {
        assumeBackend(backend);
        RgbImage in = TestData.readRgbPng(DIR.resolve("inputs").resolve(input));
        int quality = Integer.parseInt(op.substring(4, op.indexOf('_')));
        ChromaSubsampling sub = ChromaSubsampling.valueOf("S" + op.substring(op.indexOf('_') + 1));
        byte[] jpeg = JpegCodec.encode(in, quality, sub, backend);
        assertEquals(sha, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(jpeg)), op + " encoded bytes");
        RgbImage want = TestData.readRgbPng(DIR.resolve("expected").resolve(expected));
        RgbImage got = JpegCodec.roundTrip(in, quality, sub, backend);
        assertEquals(0, want.maxAbsDiff(got), op + " decoded pixels");
        JpegHeader h = JpegHeader.parse(jpeg);
        assertEquals(sub.label(), h.subsampling());
        assertEquals(0xC0, h.sofMarker(), "baseline frame");
        // the file decoder (ImageDecoder) on the same path gives the same pixels
        DecodedImage file = new ImageDecoder(ImageDecoder.PILLOW_MAX_PIXELS, false, true, backend).decode(jpeg, op + ".jpg");
        assertEquals(0, want.maxAbsDiff(file.image()), op + " decoded through ImageDecoder");
        assertEquals(backend == JpegBackend.TURBOJPEG ? TurboJpeg.codecName() : "JDK ImageIO JPEG (IJG libjpeg 6b)", file.codec(),
                "codec recorded");
    }

    /**
     * Skips (never passes) a TurboJPEG case where libturbojpeg.so.0 is not installed, and fails it
     * under TRACES_REQUIRE_ALL=1 ({@link Requirements#jpegBackend}).
     */
    static void assumeBackend(JpegBackend backend) {
        Requirements.jpegBackend(backend);
    }
}
