package org.encodertraces.probe;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.encodertraces.rng.NumpyGenerator;
import org.encodertraces.rng.Protocol;

/**
 * The study's processing-prediction protocol. Input: K embedding matrices of the same N images
 * in the same row order, one per processing operation, and which images are for training and
 * which for testing. Each training image is represented by exactly one of its K versions, drawn
 * uniformly with the run's seed, and labelled by that draw; the test set is every test image
 * under all K operations. The search uses the draw of the search seed and a stratified validation
 * split of it; each repeat r redraws the training versions with seed + r, refits on all training
 * images and evaluates. The draws and the split are the study's own ({@code default_rng(seed).choice},
 * {@code random.shuffle}) under {@link Protocol#STUDY}, order-free seeded ones under
 * {@link Protocol#ROBUST}.
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

    /** Runs the protocol; {@code sets.get(op)} is the [N][D] matrix of operation {@code operations.get(op)}, split by {@code split}. */
    public ProbeResult run(String task, List<String> operations, List<float[][]> sets, ImageSplit split) {
        int n = checkSets(operations, sets, "set");
        for (int i : split.train()) {
            check(i, n);
        }
        for (int i : split.test()) {
            check(i, n);
        }
        List<float[][]> train = new ArrayList<>();
        List<float[][]> test = new ArrayList<>();
        for (float[][] m : sets) {
            train.add(LinearProbe.rows(m, split.train()));
            test.add(LinearProbe.rows(m, split.test()));
        }
        return run(task, operations, train, test);
    }

    /**
     * Runs the protocol on the study's layout: {@code trainSets.get(op)} holds the train-split
     * images under operation op, {@code testSets.get(op)} the val-split (test) images, rows of the
     * same image aligned across operations.
     *
     * <p>{@link Protocol#STUDY}: the search draws each training image's operation with
     * {@code np.random.default_rng(searchSeed).choice(K, N)}, holds out the study's per-class
     * validation part ({@link StratifiedSplit#study}, Python's {@code random} seeded with the search
     * seed) and searches (unless the hyper-parameters are fixed); repeat r redraws with
     * {@code default_rng(seed + r).choice(K, N)} and trains on every training image in row order.
     * {@link Protocol#ROBUST}: draws and split from {@code SplittableRandom} with the seeds.
     */
    public ProbeResult run(String task, List<String> operations, List<float[][]> trainSets, List<float[][]> testSets) {
        int nTrain = checkSets(operations, trainSets, "training set");
        checkSets(operations, testSets, "test set");
        int k = operations.size();
        if (trainSets.get(0)[0].length != testSets.get(0)[0].length) {
            throw new IllegalArgumentException("training sets have dimension " + trainSets.get(0)[0].length + ", test sets "
                    + testSets.get(0)[0].length);
        }
        ProbeConfig cfg = probe.config();
        boolean study = cfg.protocol() == Protocol.STUDY;
        int nTest = testSets.get(0).length;
        float[][] test = new float[k * nTest][];
        int[] yTest = new int[test.length];
        int t = 0;
        for (int op = 0; op < k; op++) {
            for (int i = 0; i < nTest; i++) {
                test[t] = testSets.get(op)[i];
                yTest[t++] = op;
            }
        }
        HyperparameterSearch.Result search;
        int searchTrain = 0;
        int searchVal = 0;
        List<String> notes = new ArrayList<>();
        if (cfg.fixed()) {
            search = HyperparameterSearch.Result.fixed(cfg.fixedParams());
        } else {
            int[] draw = study ? new NumpyGenerator(cfg.searchSeed()).choice(k, nTrain) : draw(nTrain, k, cfg.searchSeed());
            float[][] train = trainRows(trainSets, draw);
            SearchSplit chosen = SearchSplit.of(draw, k, cfg, operations, "processing operation");
            StratifiedSplit sp = chosen.split();
            if (chosen.note() != null) {
                notes.add(searchNote(chosen.note(), k, cfg));
            }
            search = probe.search(LinearProbe.rows(train, sp.train()), LinearProbe.pick(draw, sp.train()),
                    LinearProbe.rows(train, sp.val()), LinearProbe.pick(draw, sp.val()), k);
            searchTrain = sp.train().length;
            searchVal = sp.val().length;
        }
        List<LinearProbe.Evaluation> evals = new ArrayList<>();
        for (int r = 0; r < cfg.repeats(); r++) {
            long seed = cfg.seed() + r;
            int[] y = study ? studyDraw(nTrain, k, seed) : draw(nTrain, k, seed);
            evals.add(probe.evaluate(search.best().params(), trainRows(trainSets, y), y, test, yTest, k, seed));
        }
        return probe.assemble(task, operations, search, evals, nTrain, searchTrain, searchVal, test.length, notes);
    }

    /**
     * What {@link #run} will note about the search's validation split on nTrain training images: null
     * when it is the protocol's own (always with fixed hyper-parameters), else why the fallback split
     * is used and, under the study's protocol, from how many training images the study's split forms.
     * The draw depends only on nTrain, K and the search seed, so a plan can say this before any work.
     */
    public static String searchNote(List<String> operations, int nTrain, ProbeConfig cfg) {
        if (cfg.fixed() || nTrain < 1) {
            return null;
        }
        int k = operations.size();
        int[] draw = cfg.protocol() == Protocol.STUDY ? new NumpyGenerator(cfg.searchSeed()).choice(k, nTrain) : draw(nTrain, k, cfg.searchSeed());
        try {
            String note = SearchSplit.of(draw, k, cfg, operations, "processing operation").note();
            return note == null ? null : searchNote(note, k, cfg);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    private static String searchNote(String note, int k, ProbeConfig cfg) {
        int min = cfg.protocol() == Protocol.STUDY ? studySplitMinTrain(k, cfg.searchSeed()) : -1;
        return note + (min > 0 ? "; with search seed " + cfg.searchSeed() + " the study's split forms from " + min + " training images on" : "");
    }

    /**
     * The fewest training images from which the study's search draw (seed {@code searchSeed}, K operations)
     * gives every operation at least 2 images, so that the study's validation split can always be formed
     * (the draw of N images is the first N of any longer draw); -1 beyond 100,000.
     */
    public static int studySplitMinTrain(int k, long searchSeed) {
        int[] draw = new NumpyGenerator(searchSeed).choice(k, 100_000);
        int[] counts = new int[k];
        int below = k;
        for (int i = 0; i < draw.length; i++) {
            if (++counts[draw[i]] == 2) {
                below--;
            }
            if (below == 0) {
                return i + 1;
            }
        }
        return -1;
    }

    /** Whether the study's search split can be formed on nTrain training images (seed {@code searchSeed}, K operations). */
    public static boolean studySplitForms(int nTrain, int k, long searchSeed) {
        return StratifiedSplit.studySingleton(new NumpyGenerator(searchSeed).choice(k, nTrain)) < 0;
    }

    /** The study's training-version draw of a seed: {@code np.random.default_rng(seed).choice(k, nTrain)}. */
    public static int[] studyDraw(int nTrain, int k, long seed) {
        return new NumpyGenerator(seed).choice(k, nTrain);
    }

    /** The robust protocol's training-version draw of a seed: label (operation index) of each training image. */
    public static int[] draw(int nTrain, int k, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] y = new int[nTrain];
        for (int i = 0; i < nTrain; i++) {
            y[i] = rnd.nextInt(k);
        }
        return y;
    }

    private static int checkSets(List<String> operations, List<float[][]> sets, String what) {
        int k = operations.size();
        if (k < 2 || sets.size() != k) {
            throw new IllegalArgumentException("need one embedding set per operation and at least two operations; got "
                    + sets.size() + " " + what + "s for " + operations);
        }
        int n = sets.get(0).length;
        if (n == 0) {
            throw new IllegalArgumentException("the " + what + " of " + operations.get(0) + " is empty");
        }
        int d = sets.get(0)[0].length;
        for (int op = 0; op < k; op++) {
            if (sets.get(op).length != n) {
                throw new IllegalArgumentException(what + " of " + operations.get(op) + " has " + sets.get(op).length
                        + " rows, " + what + " of " + operations.get(0) + " has " + n + ": sets must hold the same images in the same order");
            }
            if (sets.get(op)[0].length != d) {
                throw new IllegalArgumentException(what + " of " + operations.get(op) + " has dimension " + sets.get(op)[0].length + ", expected " + d);
            }
        }
        return n;
    }

    private static float[][] trainRows(List<float[][]> sets, int[] draw) {
        float[][] o = new float[draw.length][];
        for (int i = 0; i < draw.length; i++) {
            o[i] = sets.get(draw[i])[i];
        }
        return o;
    }

    private static void check(int i, int n) {
        if (i < 0 || i >= n) {
            throw new IllegalArgumentException("image index " + i + " outside [0, " + n + ")");
        }
    }
}
