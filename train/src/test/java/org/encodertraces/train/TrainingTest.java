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
    void simclrRunIsBitReproducibleAndItsLossFalls() throws Exception {
        TrainingImages data = TinyData.images(32, 1);
        TrainConfig cfg = new TrainConfig(new Architecture("resnet", 8, 1, 2, 32), Recipe.parse("crop-flip"), 6, 5, 16, 0.3, 0.9, 5e-4, 1,
                Objective.simclr(0.5, 16));
        Training.Result a = Training.run(cfg, data, tmp.resolve("s1.ckpt"), "k", QUIET, 0);
        Training.Result b = Training.run(cfg, data, tmp.resolve("s2.ckpt"), "k", QUIET, 0);
        for (Map.Entry<String, float[]> e : a.weights().entrySet()) {
            assertArrayEquals(e.getValue(), b.weights().get(e.getKey()), e.getKey());
        }
        assertEquals(16 * cfg.arch().embeddingDim(), a.weights().get("fc.weight").length, "the head is the 16-d projection");
        // NT-Xent over 2 x 16 views starts near log(31) = 3.43 and falls as the views find their partners
        assertTrue(a.epochs().get(0).meanLoss() > 2.5, a.epochs().toString());
        assertTrue(a.epochs().get(5).meanLoss() < a.epochs().get(0).meanLoss() - 0.3, "loss falls: " + a.epochs());
        double knn = Evaluation.knnAccuracy(cfg, a.weights(), data, TinyData.images(32, 2), false);
        double loo = Evaluation.knnAccuracy(cfg, a.weights(), data, data, true);
        assertTrue(knn >= 0 && knn <= 1 && loo >= 0 && loo <= 1, knn + " " + loo);
        assertTrue(knn > 0.75, "labels unused, yet the two ramps stay apart in the embedding: kNN accuracy " + knn);
    }

    @Test
    void objectiveEntersTheDescriptionOnlyWhenNotTheDefault() {
        TrainConfig ce = config("ssl", 0, 2);
        assertTrue(!ce.describe().containsKey("objective"), ce.describe().toString());
        assertEquals(ce.describe(), ce.withObjective(Objective.crossEntropy()).describe());
        Map<String, Object> d = ce.withObjective(Objective.simclr(0.2, 64)).describe();
        assertEquals("simclr", ((Map<?, ?>) d.get("objective")).get("kind"));
        assertEquals(0.2, ((Map<?, ?>) d.get("objective")).get("temperature"));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> config("none", 0, 2).withObjective(Objective.simclr(0.5, 16)));
        assertTrue(e.getMessage().contains("needs a random augmentation recipe"), e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Objective.simclr(0, 16));
        assertTrue(e.getMessage().contains("temperature must be in (0, 10]"), e.getMessage());
    }

    @Test
    void theNetworkLearnsATinyTask() throws Exception {
        TrainConfig cfg = new TrainConfig(new Architecture("resnet", 8, 1, 2, 32), Recipe.parse("none"), 4, 3, 16, 0.1, 0.9, 5e-4, 1);
        Training.Result r = Training.run(cfg, TinyData.images(64, 1), tmp.resolve("l.ckpt"), "k", QUIET, 0);
        double acc = Evaluation.accuracy(cfg, r.weights(), 2, TinyData.images(32, 2));
        assertTrue(r.epochs().get(3).meanLoss() < r.epochs().get(0).meanLoss(), "loss falls: " + r.epochs());
        assertTrue(acc > 0.9, "the two ramps are easy to tell apart; held-out accuracy " + acc + ", " + r.epochs());
    }
}
