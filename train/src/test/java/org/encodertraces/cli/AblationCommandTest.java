package org.encodertraces.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.encodertraces.train.TinyData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code traces ablation} end to end on a tiny generated set: every run trained, audited and reported; a second call reuses them. */
class AblationCommandTest {
    @TempDir
    Path tmp;

    @Test
    void trainsAuditsAndReportsEveryRecipeAndSeed() throws Exception {
        Path train = TinyData.zip(tmp.resolve("train.zip"), 32, 1);
        Path test = TinyData.zip(tmp.resolve("test.zip"), 40, 2);
        Path out = tmp.resolve("abl");
        String[] args = {"ablation", "--images", "zip:" + train, "--test", "zip:" + test, "--recipes", "none,trace", "--seeds", "0",
                "--width", "4", "--stages", "2", "--epochs", "1", "--batch-size", "16", "--probe-per-class", "40", "--trials", "1",
                "--probe-seeds", "1", "--threads", "1", "--quiet", "-o", out.toString()};
        TrainCommandTest.Run r = TrainCommandTest.cli(args);
        assertEquals(0, r.exit(), r.out() + r.err());
        String md = Files.readString(out.resolve("ablation.md"));
        assertTrue(md.contains("| none | 1 |") && md.contains("| trace | 1 |"), md);
        assertTrue(md.contains("Sharpening (33.3)") && md.contains("JPEG (16.7)"), md);
        JsonNode doc = new ObjectMapper().readTree(out.resolve("ablation.json").toFile());
        assertEquals(2, doc.path("runs").size());
        for (JsonNode run : doc.path("runs")) {
            double acc = run.path("testAccuracy").asDouble();
            assertTrue(acc >= 0 && acc <= 1, run.toString());
            assertEquals(5, run.path("probeAccuracy").size(), run.toString());
        }
        assertEquals(3, Files.readAllLines(out.resolve("ablation.csv")).size());
        assertTrue(Files.isRegularFile(out.resolve("runs/trace__seed0/model.onnx")));

        TrainCommandTest.Run again = TrainCommandTest.cli(args);
        assertEquals(0, again.exit(), again.out() + again.err());
        assertTrue(again.out().contains("(reused)"), again.out());
        assertEquals(md.replaceAll("\\| \\d+ s \\|", ""), Files.readString(out.resolve("ablation.md")).replaceAll("\\| \\d+ s \\|", ""),
                "the same figures from the reused runs");
    }
}
