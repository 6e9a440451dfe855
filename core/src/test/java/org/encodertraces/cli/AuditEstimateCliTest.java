package org.encodertraces.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 22, item 7: the audit's estimate follows the images' decoded size, and a resumed audit says
 * what it reuses and estimates only what is left. Estimates are compared with each other, never
 * with a clock.
 */
@Timeout(180)
class AuditEstimateCliTest {
    /** {@code n} JPEGs of {@code w x h} in two class folders. */
    static Path folder(Path dir, int n, int w, int h) throws IOException {
        for (int i = 0; i < n; i++) {
            ReliabilityProcessTest.gradientJpeg(dir.resolve(i % 2 == 0 ? "a" : "b").resolve(String.format("%03d.jpg", i)), w, h, i);
        }
        return dir;
    }

    private static List<String> audit(Path images, Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("audit", "--images", images.toString(), "--model", "builtin:jpeg-forensic",
                "--tasks", "jpeg", "--mask", "0", "--protocol", "robust", "--trials", "2", "--seeds", "2", "--threads", "2",
                "-o", out.toString()));
        a.addAll(List.of(more));
        return a;
    }

    /** Seconds of one stage in the plan's "estimated ... (embedding 1 min 3 s, ...)" line, 0 when the stage is not there. */
    static double stageSeconds(String out, String stage) {
        String line = out.lines().filter(l -> l.startsWith("  estimated ")).findFirst().orElseThrow(() -> new AssertionError(out));
        Matcher m = Pattern.compile("(?:\\(|, )" + stage + " (?:(\\d+) min )?(\\d+(?:\\.\\d)?) s").matcher(line);
        if (!m.find()) {
            return 0;
        }
        return (m.group(1) == null ? 0 : 60 * Integer.parseInt(m.group(1))) + Double.parseDouble(m.group(2));
    }

    @Test
    void theEstimateScalesWithTheImagesPixels(@TempDir Path tmp) throws Exception {
        Path small = folder(tmp.resolve("small"), 40, 240, 180);
        Path large = folder(tmp.resolve("large"), 40, 2400, 1600);
        CliRun s = CliRun.of(audit(small, tmp.resolve("out-small"), "--dry-run").toArray(String[]::new));
        CliRun l = CliRun.of(audit(large, tmp.resolve("out-large"), "--dry-run").toArray(String[]::new));
        assertEquals(0, s.exit(), s.err());
        assertEquals(0, l.exit(), l.err());
        assertTrue(s.out().contains("images median 0.04 MP, mean 0.04 MP (headers of all 40 images)"), s.out());
        assertTrue(l.out().contains("images median 3.8 MP, mean 3.8 MP (headers of all 40 images)"), l.out());
        double es = stageSeconds(s.out(), "embedding");
        double el = stageSeconds(l.out(), "embedding");
        // 100 times the pixels: decoding, the operations and the encoder's resize grow with them, inference does not
        // (small images are bound by the pipeline's hand-offs, not by their pixels: not 100 times)
        assertTrue(es > 0 && el >= 5 * es, "3.8 MP images cost far more to embed than 0.04 MP ones: " + es + " s vs " + el + " s\n"
                + s.out() + l.out());
        assertTrue(s.out().contains("dry run: nothing embedded or written"), s.out());
        assertFalse(Files.exists(tmp.resolve("out-small")), "a dry run writes nothing");
    }

    @Test
    void aRerunSaysWhatItReusesAndEstimatesOnlyWhatIsLeft(@TempDir Path tmp) throws Exception {
        Path images = folder(tmp.resolve("img"), 20, 160, 120);
        Path out = tmp.resolve("out");
        String[] args = audit(images, out).toArray(String[]::new);
        CliRun first = CliRun.of(args);
        assertEquals(0, first.exit(), first.err());
        assertFalse(first.out().contains("reused from"), first.out());
        double whole = stageSeconds(first.out(), "embedding");
        assertTrue(whole > 0, first.out());

        CliRun again = CliRun.of(args);
        assertEquals(0, again.exit(), again.err());
        assertTrue(again.out().contains("reused from " + out.resolve("embeddings")), again.out());
        assertTrue(again.out().contains("builtin:jpeg-forensic: 6 of 6 embedding sets complete: nothing to embed"), again.out());
        String estimate = again.out().lines().filter(l -> l.startsWith("  estimated ")).findFirst().orElseThrow();
        assertTrue(estimate.contains("for what is left") && !estimate.contains("embedding"), estimate);
        // nothing was embedded, so there is no embedding bar at all (it read "audit [ ] 0/1 0.0/s")
        assertFalse(again.err().contains("0/1") || again.err().contains("audit ["), again.err());

        // one set lost: the plan says what is left, and estimates its embedding
        String base = "img__JPEG95_444__builtin_jpeg-forensic";
        Files.delete(out.resolve("embeddings").resolve(base + ".safetensors"));
        Files.delete(out.resolve("embeddings").resolve(base + ".json"));
        CliRun dry = CliRun.of(audit(images, out, "--dry-run").toArray(String[]::new));
        assertEquals(0, dry.exit(), dry.err());
        assertTrue(dry.out().contains("builtin:jpeg-forensic: 5 of 6 embedding sets complete; 20 of 120 image embeddings left"), dry.out());
        double left = stageSeconds(dry.out(), "embedding");
        assertTrue(left > 0 && left < whole / 2, "one set of six left to embed: " + left + " s of " + whole + " s\n" + dry.out());
    }
}
