package org.encodertraces.train.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.encodertraces.provenance.ArtifactProvenance;
import org.encodertraces.train.TinyData;
import org.encodertraces.train.TrainedEncoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CLIP run's {@code training.json} through the typed provenance, and the runs trained before:
 * a folder whose {@code training.json} is in the format of 2026-12-07 (written by that day's code,
 * committed as a fixture) is still recognised as the same finished run, so its weights are reused
 * and not trained again.
 */
class ClipProvenanceTest {
    /**
     * training.json as {@code traces train --objective clip} wrote it on 2026-12-07 (commit 1a1c0ca) for the run of
     * {@link #args} on {@code TinyData.captions(zip, 16, 7)}: made by running this class's first test at that commit and
     * copying the first run's training.json.
     */
    static final String FIXTURE = "/org/encodertraces/train/clip-training-2026-12-07.json";

    @TempDir
    Path tmp;

    private List<String> args() {
        return ClipTrainCommandTest.clipArgs(tmp.resolve("tiny-captions.zip"), tmp.resolve("run"), 1);
    }

    /** Trains the one-epoch run of {@link #args} on {@code TinyData.captions(zip, 16, 7)} with today's code; returns its folder. */
    private Path trained() throws Exception {
        // every fourth image in test: the split TinyData wrote when the fixture was made (its data hash is in the run key)
        TinyData.captions(tmp.resolve("tiny-captions.zip"), 16, 7, i -> i % 4 == 3);
        TrainCommandTest.Run r = ClipTrainCommandTest.cli(args());
        assertEquals(0, r.exit(), r.err());
        return tmp.resolve("run");
    }

    @Test
    void aFolderWithTodaysTrainingJsonIsReusedWithItsRecordedRecall() throws Exception {
        Path run = trained();
        // the folder as 2026-12-07's code left it: its training.json in that day's format
        try (InputStream in = ClipProvenanceTest.class.getResourceAsStream(FIXTURE)) {
            Files.copy(in, run.resolve(TrainedEncoder.PROVENANCE), StandardCopyOption.REPLACE_EXISTING);
        }
        byte[] checkpoint = Files.readAllBytes(run.resolve(TrainedEncoder.CHECKPOINT));
        JsonNode old = new ObjectMapper().readTree(run.resolve(TrainedEncoder.PROVENANCE).toFile());
        TrainCommandTest.Run again = ClipTrainCommandTest.cli(args());
        assertEquals(0, again.exit(), again.err());
        assertTrue(again.out().contains("already complete"), "the same run key and test set: reused, not trained again\n" + again.out());
        assertTrue(java.util.Arrays.equals(checkpoint, Files.readAllBytes(run.resolve(TrainedEncoder.CHECKPOINT))), "the checkpoint was not rewritten");
        // the recall printed is the one the old file recorded
        for (JsonNode r : old.path("test").path("zeroShotRetrieval")) {
            String line = String.format(java.util.Locale.ROOT, "  %s R@%d %.1f%% [%.1f%%, %.1f%%] (chance %.1f%%, n = %d)", r.path("direction").asText(),
                    r.path("k").asInt(), 100 * r.path("recall").asDouble(), 100 * r.path("ci95").path(0).asDouble(),
                    100 * r.path("ci95").path(1).asDouble(), 100 * r.path("chance").asDouble(), r.path("n").asInt());
            assertTrue(again.out().contains(line), line + "\n" + again.out());
        }
        assertFalse(old.path("test").path("zeroShotRetrieval").isEmpty());
    }

    @Test
    void trainingJsonIsTheTypedProvenanceWithTheRunsOwnRecord() throws Exception {
        Path run = trained();
        JsonNode n = new ObjectMapper().readTree(run.resolve(TrainedEncoder.PROVENANCE).toFile());
        ArtifactProvenance p = ArtifactProvenance.fromJson(n);
        // the typed fields, written as every other artifact writes them
        assertEquals(org.encodertraces.provenance.Platform.current(), p.platform());
        assertTrue(n.has("tool_version") && n.has("git_commit") && !n.has("platform"), n.toString());
        assertEquals("tiny-captions_train", p.dataset().name());
        assertEquals(24, p.dataset().samples());
        assertEquals(n.path("data").path("manifestSha256").asText(), p.dataset().manifestSha256());
        assertEquals(5L, p.seed());
        assertTrue(p.started() != null && p.finished() != null && !p.finished().isBefore(p.started()));
        // the run's own record under the keys of 2026-12-07's files
        JsonNode old;
        try (InputStream in = ClipProvenanceTest.class.getResourceAsStream(FIXTURE)) {
            old = new ObjectMapper().readTree(in);
        }
        for (String k : List.of("kind", "runKey", "model", "textModel", "training", "data", "test", "logitScale", "libraries", "epochs",
                "resumedFromEpoch", "trainingSecondsThisCall", "started", "finished")) {
            assertTrue(n.has(k), "training.json lacks '" + k + "': " + n);
        }
        assertEquals(old.path("runKey"), n.path("runKey"), "the same run keeps its key");
        assertEquals(old.path("training"), n.path("training"));
        // (the recall and the towers' sha256 are left out: bit-identical weights hold on one machine, not across CPUs)
        assertEquals(old.path("test").path("zeroShotRetrieval").size(), n.path("test").path("zeroShotRetrieval").size());
        assertEquals(old.path("data"), withoutSource(n.path("data"), old.path("data")));
        assertEquals("scratch", n.path("training").path("mode").asText());
        assertEquals(1, n.path("epochs").size());
        assertTrue(n.path("epochs").path(0).has("meanLoss"), n.toString());
    }

    /** {@code data} with the source of {@code like} (the zip's temporary folder differs between runs). */
    private static JsonNode withoutSource(JsonNode data, JsonNode like) {
        com.fasterxml.jackson.databind.node.ObjectNode o = data.deepCopy();
        o.set("source", like.path("source"));
        return o;
    }
}
