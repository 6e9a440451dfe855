package org.encodertraces.probe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LinearProbeTest {
    static final List<String> SIX = List.of("a", "b", "c", "d", "e", "f");

    /**
     * Labels shuffled at random (train and test alike) carry no information, so a probe must land
     * at chance: each test prediction then hits its label with probability 1/6; on a balanced test set of n = 1800 rows with K = 6 the accuracy is Binomial(n, 1/6)/n, standard
     * deviation 0.0088; we accept 1/6 +- 4 standard deviations.
     */
    @Test
    void shuffledLabelsLandAtChance() {
        Clusters train = Clusters.make(1200, 16, 6, 4.0, 11);
        Clusters test = Clusters.make(1800, 16, 6, 4.0, 12);
        int[] shuffled = shuffle(train.y(), 99);
        int[] shuffledTest = shuffle(test.y(), 98);
        ProbeConfig cfg = ProbeConfig.study().withTrainer(TrainerKind.LBFGS).withBudget(6, 1);
        ProbeResult r = new LinearProbe(cfg).run("shuffled", SIX, train.x(), shuffled, test.x(), shuffledTest);
        double p = 1.0 / 6;
        double sd = Math.sqrt(p * (1 - p) / test.x().length);
        assertEquals(p, r.metrics().chance(), 1e-12);
        assertEquals(p, r.metrics().majorityRate(), 1e-12);
        assertEquals(p, r.accuracyMean(), 4 * sd, "shuffled-label accuracy " + r.accuracyMean());
        // the same data with true labels is easy: the protocol itself works
        ProbeResult real = new LinearProbe(cfg).run("real", SIX, train.x(), train.y(), test.x(), test.y());
        assertTrue(real.accuracyMean() > 0.95, "true-label accuracy " + real.accuracyMean());
        assertEquals(6, real.trials().size());
        assertEquals(960, real.searchTrainSize());
        assertEquals(240, real.valSize());
        assertEquals(1200, real.trainSize());
    }

    static int[] shuffle(int[] y, long seed) {
        int[] s = y.clone();
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = s.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = s[i];
            s[i] = s[j];
            s[j] = t;
        }
        return s;
    }

    @Test
    void sgdLearnsSeparableClustersDeterministically() {
        Clusters train = Clusters.make(2500, 24, 5, 5.0, 1);
        Clusters test = Clusters.make(500, 24, 5, 5.0, 2);
        Normalizer nz = FeatureNormalization.L2.fit(train.x());
        SgdTrainer sgd = new SgdTrainer(10, 1e-6, 20, 1024, 0.9, 7, 1);
        FitReport a = sgd.fit(nz.apply(train.x()), train.y(), 5);
        FitReport b = sgd.withThreads(3).fit(nz.apply(train.x()), train.y(), 5);
        double acc = ClassificationMetrics.of(test.y(), a.model().predict(nz.apply(test.x())), 5).accuracy();
        assertTrue(acc >= 0.99, "SGD accuracy on separable clusters " + acc);
        assertTrue(a.converged());
        assertEquals(20, a.iterations());
        for (int c = 0; c < 5; c++) {
            assertArrayEquals(a.model().weights()[c], b.model().weights()[c], 0.0, "thread count changed the weights");
        }
        assertArrayEquals(a.model().bias(), b.model().bias(), 0.0);
        FitReport again = sgd.fit(nz.apply(train.x()), train.y(), 5);
        assertArrayEquals(a.model().weights()[3], again.model().weights()[3], 0.0, "same seed, different weights");
        FitReport other = new SgdTrainer(10, 1e-6, 20, 1024, 0.9, 8, 1).fit(nz.apply(train.x()), train.y(), 5);
        assertTrue(other.model().weights()[3][0] != a.model().weights()[3][0], "the seed should change the shuffles");
    }

    @Test
    void lbfgsIsIndependentOfThreadCount() {
        Clusters train = Clusters.make(3000, 20, 4, 1.0, 5);  // three blocks of rows
        FitReport one = LogisticRegression.of(1.0).fit(train.x(), train.y(), 4);
        FitReport three = LogisticRegression.of(1.0).withThreads(3).fit(train.x(), train.y(), 4);
        assertEquals(one.objective(), three.objective(), 0.0);
        assertEquals(one.iterations(), three.iterations());
        for (int c = 0; c < 4; c++) {
            assertArrayEquals(one.model().weights()[c], three.model().weights()[c], 0.0);
        }
    }

    @Test
    void processingProtocolDrawsOneVersionPerTrainingImage() {
        int n = 600;
        int d = 16;
        List<String> ops = List.of("JPEG95_444", "SHARPEN_2", "SHARPEN_4");
        Clusters content = Clusters.make(n, d, 10, 3.0, 21);  // what the images show
        List<float[][]> sets = new ArrayList<>();
        SplittableRandom rnd = new SplittableRandom(3);
        for (int op = 0; op < ops.size(); op++) {
            float[][] s = new float[n][d];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < d; j++) {
                    s[i][j] = content.x()[i][j] + (j == op ? 3f : 0f) + (float) (0.05 * Clusters.gaussian(rnd));
                }
            }
            sets.add(s);
        }
        ProcessingProbe.ImageSplit split = ProcessingProbe.ImageSplit.random(n, 0.25, 4);
        assertEquals(150, split.test().length);
        ProbeConfig cfg = ProbeConfig.study().withTrainer(TrainerKind.LBFGS).withNormalization(FeatureNormalization.STANDARD)
                .withBudget(4, 3).withSeed(100);
        ProbeResult r = new ProcessingProbe(cfg).run("sharpening", ops, sets, split);
        assertEquals(450, r.trainSize());
        assertEquals(450, r.testSize());  // every test image under all 3 operations
        assertEquals(List.of(100L, 101L, 102L), r.repeats().stream().map(ProbeResult.Repeat::seed).toList());
        assertEquals(3 * 450, r.metrics().total());
        assertArrayEquals(new long[] {450, 450, 450}, r.metrics().support());
        assertTrue(r.accuracyMean() > 0.9, "processing accuracy " + r.accuracyMean());
        assertEquals(r.metrics().accuracy(), r.accuracyMean(), 1e-12);
        int[] draw = ProcessingProbe.draw(450, 3, 100);
        int[] counts = new int[3];
        for (int v : draw) {
            counts[v]++;
        }
        for (int c : counts) {
            assertEquals(150, c, 40, "uniform draw");
        }
    }

    @Test
    void stratifiedSplitIsProportionalAndSeeded() {
        int[] y = new int[1000];
        for (int i = 0; i < y.length; i++) {
            y[i] = i < 700 ? 0 : i < 950 ? 1 : 2;
        }
        StratifiedSplit s = StratifiedSplit.of(y, 3, 0.2, 5);
        int[] per = new int[3];
        for (int i : s.val()) {
            per[y[i]]++;
        }
        assertArrayEquals(new int[] {140, 50, 10}, per);
        assertEquals(800, s.train().length);
        assertArrayEquals(s.val(), StratifiedSplit.of(y, 3, 0.2, 5).val());
        assertTrue(!java.util.Arrays.equals(s.val(), StratifiedSplit.of(y, 3, 0.2, 6).val()));
    }

    @Test
    void searchIsSeededAndStaysInRange() {
        SearchSpace space = TrainerKind.SGD.searchSpace();
        for (HyperparameterSearch.Sampler sampler : HyperparameterSearch.Sampler.values()) {
            // a smooth score peaking at lr = 3, wd = 1e-8
            HyperparameterSearch hs = new HyperparameterSearch(space, sampler, 30, 42);
            java.util.function.ToDoubleFunction<Map<String, Double>> f = p ->
                    -Math.pow(Math.log10(p.get("lr") / 3), 2) - 0.1 * Math.pow(Math.log10(p.get("weight_decay") / 1e-8), 2);
            HyperparameterSearch.Result a = hs.run(f);
            HyperparameterSearch.Result b = hs.run(f);
            assertEquals(30, a.trials().size());
            assertEquals(a.trials(), b.trials());
            for (Trial t : a.trials()) {
                assertTrue(t.params().get("lr") >= 0.1 && t.params().get("lr") <= 100);
                assertTrue(t.params().get("weight_decay") >= 1e-12 && t.params().get("weight_decay") <= 1e-4);
            }
            assertTrue(a.best().score() > -0.3, sampler + " best " + a.best());
        }
    }

    @Test
    void metricsFromConfusion() {
        ClassificationMetrics m = ClassificationMetrics.of(new int[] {0, 0, 0, 1, 2, 2}, new int[] {0, 0, 1, 1, 0, 2}, 4);
        assertEquals(4.0 / 6, m.accuracy(), 1e-12);
        assertEquals((2.0 / 3 + 1 + 0.5) / 3, m.meanPerClassAccuracy(), 1e-12);
        assertTrue(Double.isNaN(m.perClassAccuracy()[3]));
        assertEquals(0.25, m.chance());
        assertEquals(0.5, m.majorityRate(), 1e-12);
        assertEquals(1, m.confusion()[2][0]);
    }
}
