package org.encodertraces.train.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
        assertEquals("ablation", doc.path("experiment").asText());
        assertEquals(2, doc.path("metrics").path("runs").size());
        for (JsonNode run : doc.path("metrics").path("runs")) {
            double acc = run.path("test_accuracy").asDouble();
            assertTrue(acc >= 0 && acc <= 1, run.toString());
            assertEquals(5, run.path("probe_accuracy").size(), run.toString());
        }
        assertEquals(3, Files.readAllLines(out.resolve("ablation.csv")).size());
        assertTrue(Files.isRegularFile(out.resolve("runs/trace__seed0/model.onnx")));

        TrainCommandTest.Run again = TrainCommandTest.cli(args);
        assertEquals(0, again.exit(), again.out() + again.err());
        assertTrue(again.out().contains("(reused)"), again.out());
        assertEquals(md.replaceAll("\\| \\d+ s \\|", ""), Files.readString(out.resolve("ablation.md")).replaceAll("\\| \\d+ s \\|", ""),
                "the same figures from the reused runs");

        // the same ablation with both runs at once: the same weights and figures, in recipe/seed order
        Path par = tmp.resolve("abl-jobs");
        List<String> jobsArgs = new ArrayList<>(List.of(args));
        jobsArgs.set(jobsArgs.indexOf("-o") + 1, par.toString());
        jobsArgs.addAll(List.of("--jobs", "2"));
        TrainCommandTest.Run j = TrainCommandTest.cli(jobsArgs.toArray(String[]::new));
        assertEquals(0, j.exit(), j.out() + j.err());
        assertTrue(j.out().contains("2 runs at a time, 1 thread(s) each"), j.out());
        assertTrue(!j.out().contains("(reused)"), "trained afresh: " + j.out());
        for (String run : List.of("none__seed0", "trace__seed0")) {
            assertArrayEquals(Files.readAllBytes(out.resolve("runs").resolve(run).resolve("model.onnx")),
                    Files.readAllBytes(par.resolve("runs").resolve(run).resolve("model.onnx")), run + ": the same weights as one run at a time");
        }
        assertEquals(withoutSeconds(out.resolve("ablation.csv")), withoutSeconds(par.resolve("ablation.csv")),
                "the same figures, rows in recipe/seed order");
        assertEquals(2, Files.readAllLines(par.resolve("ablation.csv")).size() - 1);

        TrainCommandTest.Run bad = TrainCommandTest.cli("ablation", "--images", "zip:" + train, "--test", "zip:" + test, "--jobs", "0",
                "-o", tmp.resolve("bad").toString());
        assertEquals(2, bad.exit(), bad.out() + bad.err());
        assertTrue(bad.err().contains("--jobs must be at least 1, got 0"), bad.err());
    }

    @Test
    void simclrAblationRunsInFoldersOfItsOwnAndSaysHowItMeasuredAccuracy() throws Exception {
        Path train = TinyData.zip(tmp.resolve("train.zip"), 32, 1);
        Path test = TinyData.zip(tmp.resolve("test.zip"), 40, 2);
        Path out = tmp.resolve("abl-simclr");
        TrainCommandTest.Run r = TrainCommandTest.cli("ablation", "--images", "zip:" + train, "--test", "zip:" + test, "--recipes", "crop-flip",
                "--seeds", "0", "--objective", "simclr", "--projection-dim", "8", "--width", "4", "--stages", "2", "--epochs", "1",
                "--batch-size", "16", "--probe-per-class", "40", "--trials", "1", "--probe-seeds", "1", "--threads", "1", "--quiet",
                "-o", out.toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(Files.isRegularFile(out.resolve("runs/simclr_crop-flip__seed0/model.onnx")), r.out());
        String md = Files.readString(out.resolve("ablation.md"));
        assertTrue(md.contains("SimCLR NT-Xent (temperature 0.5, 8-d projection; semantic accuracy by 20-NN on the training embeddings)"), md);
        assertTrue(md.contains("| crop-flip | 1 |"), md);

        TrainCommandTest.Run none = TrainCommandTest.cli("ablation", "--images", "zip:" + train, "--test", "zip:" + test, "--recipes",
                "crop-flip,none", "--objective", "simclr", "-o", tmp.resolve("bad").toString());
        assertEquals(2, none.exit(), none.out() + none.err());
        assertTrue(none.err().contains("needs a random augmentation recipe"), none.err());
    }

    /** The CSV without its last column (training seconds, a timing). */
    private static List<String> withoutSeconds(Path csv) throws java.io.IOException {
        return Files.readAllLines(csv).stream().map(l -> l.substring(0, l.lastIndexOf(','))).toList();
    }
}
