package org.encodertraces.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tiny training run: it learns, and the same seed and thread count give the same bits. */
class TrainingTest {
    @TempDir
    Path tmp;

    static final Training.Listener QUIET = new Training.Listener() {
        @Override
        public void step(int epoch, int step, int steps, float loss) {
        }

        @Override
        public void epoch(int epoch, double meanLoss, double trainAccuracy) {
        }
    };

    @BeforeAll
    static void engine() {
        Libtorch.start(1, Libtorch.defaultCache(System.getenv()));
    }

    static TrainConfig config(String recipe, long seed, int epochs) {
        return new TrainConfig(new Architecture("resnet", 8, 1, 2, 32), Recipe.parse(recipe), epochs, seed, 16, 0.05, 0.9, 5e-4, 1);
    }

    @Test
    void sameSeedGivesBitIdenticalWeightsAndTheNetworkLearns() throws Exception {
        TrainingImages data = TinyData.images(32, 1);
        TrainConfig cfg = config("crop-flip+trace", 7, 3);
        Training.Result a = Training.run(cfg, data, tmp.resolve("a.ckpt"), "k", QUIET, 0);
        Training.Result b = Training.run(cfg, data, tmp.resolve("b.ckpt"), "k", QUIET, 0);
        for (Map.Entry<String, float[]> e : a.weights().entrySet()) {
            assertArrayEquals(e.getValue(), b.weights().get(e.getKey()), e.getKey());
        }
        Training.Result c = Training.run(config("crop-flip+trace", 8, 3), data, tmp.resolve("c.ckpt"), "k", QUIET, 0);
        assertTrue(!java.util.Arrays.equals(a.weights().get("fc.weight"), c.weights().get("fc.weight")), "another seed, other weights");
        assertEquals(3, a.epochs().size());
    }

    @Test
    void theNetworkLearnsATinyTask() throws Exception {
        TrainConfig cfg = new TrainConfig(new Architecture("resnet", 8, 1, 2, 32), Recipe.parse("none"), 4, 3, 16, 0.1, 0.9, 5e-4, 1);
        Training.Result r = Training.run(cfg, TinyData.images(64, 1), tmp.resolve("l.ckpt"), "k", QUIET, 0);
        double acc = Training.accuracy(cfg, r.weights(), 2, TinyData.images(32, 2));
        assertTrue(r.epochs().get(3).meanLoss() < r.epochs().get(0).meanLoss(), "loss falls: " + r.epochs());
        assertTrue(acc > 0.9, "the two ramps are easy to tell apart; held-out accuracy " + acc + ", " + r.epochs());
    }
}
