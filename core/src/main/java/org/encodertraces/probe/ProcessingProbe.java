package org.encodertraces.probe;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The study's processing-prediction protocol. Input: K embedding matrices of the same N images
 * in the same row order, one per processing operation, and which images are for training and
 * which for testing. Each training image is represented by exactly one of its K versions, drawn
 * uniformly with the run's seed, and labelled by that draw; the test set is every test image
 * under all K operations. The search uses the draw of the base seed and a stratified validation
 * split of it; each repeat r redraws the training versions with seed + r, refits on all training
 * images and evaluates.
 */
public final class ProcessingProbe {
    private final LinearProbe probe;

    /** A processing probe with the given settings. */
    public ProcessingProbe(ProbeConfig config) {
        this.probe = new LinearProbe(config);
    }

    /**
     * A seeded split of N images into train and test.
     *
     * @param train image indices for training, ascending
     * @param test  image indices for testing, ascending
     */
    public record ImageSplit(int[] train, int[] test) {
        /** Every image goes to test with probability testFraction (exactly round(fraction * n) of them, chosen at random). */
        public static ImageSplit random(int n, double testFraction, long seed) {
            int nTest = (int) Math.round(testFraction * n);
            if (nTest <= 0 || nTest >= n) {
                throw new IllegalArgumentException("test fraction " + testFraction + " of " + n + " images leaves an empty side");
            }
            int[] perm = new int[n];
            for (int i = 0; i < n; i++) {
                perm[i] = i;
            }
            SplittableRandom rnd = new SplittableRandom(seed);
            for (int i = 0; i < nTest; i++) {
                int j = i + rnd.nextInt(n - i);
                int t = perm[i];
                perm[i] = perm[j];
                perm[j] = t;
            }
            int[] test = java.util.Arrays.copyOf(perm, nTest);
            int[] train = java.util.Arrays.copyOfRange(perm, nTest, n);
            java.util.Arrays.sort(test);
            java.util.Arrays.sort(train);
            return new ImageSplit(train, test);
        }
    }

    /** Runs the protocol; {@code sets.get(op)} is the [N][D] matrix of operation {@code operations.get(op)}. */
    public ProbeResult run(String task, List<String> operations, List<float[][]> sets, ImageSplit split) {
        int k = operations.size();
        if (k < 2 || sets.size() != k) {
            throw new IllegalArgumentException("need one embedding set per operation and at least two operations; got "
                    + sets.size() + " sets for " + operations);
        }
        int n = sets.get(0).length;
        int d = n == 0 ? 0 : sets.get(0)[0].length;
        for (int op = 0; op < k; op++) {
            if (sets.get(op).length != n) {
                throw new IllegalArgumentException("set of " + operations.get(op) + " has " + sets.get(op).length
                        + " rows, set of " + operations.get(0) + " has " + n + ": sets must hold the same images in the same order");
            }
            if (n > 0 && sets.get(op)[0].length != d) {
                throw new IllegalArgumentException("set of " + operations.get(op) + " has dimension " + sets.get(op)[0].length + ", expected " + d);
            }
        }
        for (int i : split.train()) {
            check(i, n);
        }
        for (int i : split.test()) {
            check(i, n);
        }
        ProbeConfig cfg = probe.config();
        float[][] test = new float[k * split.test().length][];
        int[] yTest = new int[test.length];
        int t = 0;
        for (int op = 0; op < k; op++) {
            for (int i : split.test()) {
                test[t] = sets.get(op)[i];
                yTest[t++] = op;
            }
        }
        int[] draw = draw(split.train().length, k, cfg.seed());
        float[][] train = trainRows(sets, split.train(), draw);
        StratifiedSplit sp = StratifiedSplit.of(draw, k, cfg.valFraction(), cfg.seed());
        HyperparameterSearch.Result search = probe.search(LinearProbe.rows(train, sp.train()), LinearProbe.pick(draw, sp.train()),
                LinearProbe.rows(train, sp.val()), LinearProbe.pick(draw, sp.val()), k);
        List<LinearProbe.Evaluation> evals = new ArrayList<>();
        for (int r = 0; r < cfg.repeats(); r++) {
            long seed = cfg.seed() + r;
            int[] y = draw(split.train().length, k, seed);
            evals.add(probe.evaluate(search.best().params(), trainRows(sets, split.train(), y), y, test, yTest, k, seed));
        }
        return probe.assemble(task, operations, search, evals, train.length, sp.train().length, sp.val().length, test.length, List.of());
    }

    /** The training-version draw of a seed: label (operation index) of each training image. */
    public static int[] draw(int nTrain, int k, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] y = new int[nTrain];
        for (int i = 0; i < nTrain; i++) {
            y[i] = rnd.nextInt(k);
        }
        return y;
    }

    private static float[][] trainRows(List<float[][]> sets, int[] images, int[] draw) {
        float[][] o = new float[images.length][];
        for (int i = 0; i < images.length; i++) {
            o[i] = sets.get(draw[i])[images[i]];
        }
        return o;
    }

    private static void check(int i, int n) {
        if (i < 0 || i >= n) {
            throw new IllegalArgumentException("image index " + i + " outside [0, " + n + ")");
        }
    }
}
