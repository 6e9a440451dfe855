package org.encodertraces.train.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.encodertraces.train.ClipArchitecture;
import org.encodertraces.train.ClipModel;
import org.junit.jupiter.api.Test;

/**
 * {@code traces bench-train --objective clip}: times the CLIP training step of
 * {@code traces train --objective clip} on random batches, says which network it timed (its label
 * and parameter count, what {@code tools/bench/clip_throughput.py} prints for the same network),
 * and splits the time into forward, backward and AdamW; options of the other objective are refused.
 */
class BenchTrainCommandTest {
    private static final String[] TINY = {"bench-train", "--objective", "clip", "--size", "16", "--patch", "8", "--width", "8", "--depth", "1",
            "--heads", "2", "--context", "6", "--text-width", "8", "--text-depth", "1", "--text-heads", "2", "--embed-dim", "4", "--vocab", "20",
            "--batch-size", "4", "--steps", "2", "--warmup", "1"};

    @Test
    void clipBenchTimesTheClipNetworkAndItsPhases() {
        TrainCommandTest.Run r = TrainCommandTest.cli(TINY);
        assertEquals(0, r.exit(), r.out() + r.err());
        Matcher m = Pattern.compile("^djl \\S+ \\S+ threads=1 clip-vit-p8-w8-d1-h2-cls-text-w8-d1-c6-e4-16px vocab=20 params=(\\d+) batch=4 steps=2: "
                + "[0-9.]+ ms/step, \\d+ img/s \\(forward\\+loss [0-9.]+, backward [0-9.]+, adamw [0-9.]+ ms/step\\)$", Pattern.MULTILINE)
                .matcher(r.out());
        assertTrue(m.find(), r.out());
        ClipArchitecture arch = new ClipArchitecture("vit", 16, 8, 8, 1, 2, "cls", null, 6, 8, 1, 2, 4);
        try (NDManager root = NDManager.newBaseManager(); ClipModel net = new ClipModel(arch, 20, 0, root)) {
            long params = net.parameters().values().stream().mapToLong(a -> a.getShape().size()).sum();
            assertEquals(params, Long.parseLong(m.group(1)), "the parameters of traces train --objective clip's model");
        }
    }

    @Test
    void optionsOfTheOtherObjectiveAndUnknownObjectivesAreUsageErrors() {
        TrainCommandTest.Run stages = TrainCommandTest.cli("bench-train", "--objective", "clip", "--stages", "3", "--steps", "1");
        assertEquals(2, stages.exit(), stages.out());
        assertTrue(stages.err().contains("--stages"), stages.err());
        TrainCommandTest.Run vocab = TrainCommandTest.cli("bench-train", "--vocab", "100", "--steps", "1");
        assertEquals(2, vocab.exit(), vocab.out());
        assertTrue(vocab.err().contains("--vocab") && vocab.err().contains("cross-entropy"), vocab.err());
        TrainCommandTest.Run unknown = TrainCommandTest.cli("bench-train", "--objective", "simclr", "--steps", "1");
        assertEquals(2, unknown.exit(), unknown.out());
        assertTrue(unknown.err().contains("unknown --objective 'simclr'"), unknown.err());
        TrainCommandTest.Run heads = TrainCommandTest.cli("bench-train", "--objective", "clip", "--width", "10", "--heads", "4", "--steps", "1");
        assertEquals(2, heads.exit(), heads.out());
        assertTrue(heads.err().contains("heads dividing the width"), heads.err());
    }
}
