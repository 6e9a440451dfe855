package org.encodertraces.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.encodertraces.Requirements;
import org.encodertraces.SharedData;
import org.encodertraces.TestData;
import org.encodertraces.image.ImageDecoder;
import org.encodertraces.image.RgbImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The user paths over Pillow's corpus: {@code traces process --op IDENTITY} refuses, naming file
 * and reason, the broken files Pillow refuses, and writes Pillow's exact pixels for lossy WebP;
 * {@code traces exif} applies the same truncation rule and labels AVIF and FLI files truthfully.
 */
class CorpusCliTest {
    private static final Map<String, String> REFUSED = new LinkedHashMap<>();

    static {
        REFUSED.put("truncated_jpeg.jpg", "before the eoi marker");
        REFUSED.put("png_decompression_dos.png", "decompressed data too large");
        REFUSED.put("rgb32h52.bmp", "unsupported bmp header type (52 bytes)");
        REFUSED.put("decompression_bomb.gif", "4364696535 pixels");
        REFUSED.put("8bit.s.tif", "unknown pixel mode");
    }

    @Test
    void processRefusesWhatPillowRefusesAndDecodesWebpAsPillow(@TempDir Path tmp) throws Exception {
        Path corpus = SharedData.require("data/pillow-test-images");
        Path in = tmp.resolve("in");
        Files.createDirectories(in);
        for (String rel : new String[] {"truncated_jpeg.jpg", "png_decompression_dos.png", "bmp/q/rgb32h52.bmp",
                "decompression_bomb.gif", "8bit.s.tif", "flower.webp"}) {
            Files.copy(corpus.resolve(rel), in.resolve(Path.of(rel).getFileName().toString()));
        }
        Path out = tmp.resolve("out");
        CliRun r = CliRun.of("process", "--op", "IDENTITY", in.toString(), "-o", out.toString());
        assertEquals(1, r.exit(), "some inputs failed\n" + r.err());
        for (Map.Entry<String, String> e : REFUSED.entrySet()) {
            String line = r.err().lines().filter(l -> l.contains(e.getKey())).findFirst().orElse("");
            assertTrue(line.toLowerCase().contains(e.getValue()), e.getKey() + " should be refused with '" + e.getValue() + "': " + line);
        }
        JsonNode prov = new ObjectMapper().readTree(out.resolve("processing.json").toFile());
        assertEquals(REFUSED.size(), prov.get("failed").asInt());
        String decoder = prov.get("provenance").get("image_decoder").asText();
        assertTrue(decoder.contains("WebP: "), decoder);
        RgbImage webp = new ImageDecoder().decode(out.resolve("IDENTITY").resolve("flower.png")).image();
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(webp.data()));
        String pillow = Files.readAllLines(TestData.fixture("pillow/corpus/outcomes.tsv")).stream()
                .filter(l -> l.startsWith("flower.webp\t")).findFirst().orElseThrow().split("\t")[4];
        // the fallback's name also says "libwebp" ("... fallback: libwebp not loadable ..."): look for libwebp as the codec
        if (Requirements.presentOrFallback(decoder.contains("WebP: libwebp "), Requirements.libWebpMissing(decoder))) {
            assertEquals(pillow, sha, "lossy WebP through libwebp gives Pillow's pixels");
        } else {
            System.out.println("libwebp not installed: WebP pixel identity not checked here (" + decoder + ")");
        }
    }

    @Test
    void exifSharesTheTruncationRuleAndLabelsAvifAndFli(@TempDir Path tmp) throws Exception {
        Path corpus = SharedData.require("data/pillow-test-images");
        CliRun r = CliRun.of("exif", "--format", "tsv", corpus.resolve("truncated_jpeg.jpg").toString(),
                corpus.resolve("avif/hopper.avif").toString(), corpus.resolve("fli_oob/03r/03r00.fli").toString());
        Map<String, Map<String, String>> rows = ExifCommandTest.rows(r.out());
        assertEquals(1, r.exit(), r.err());
        Map<String, String> jpeg = rows.get("truncated_jpeg.jpg");
        assertEquals("error", jpeg.get("status"));
        assertTrue(jpeg.get("error").contains("before the EOI marker"), jpeg.get("error"));
        Map<String, String> avif = rows.get("hopper.avif");
        assertEquals("AVIF", avif.get("format"));
        assertEquals("partial", avif.get("status"));
        Map<String, String> fli = rows.get("03r00.fli");
        assertEquals("error", fli.get("status"));
        assertTrue(fli.get("error").contains("03r00.fli: not a photo"), fli.get("error"));
    }
}
