package org.encodertraces.probe;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A seeded stratified split of row indices: each class gives {@code round(fraction * n_c)} of
 * its rows (at most n_c - 1, so every class keeps a training row) to the validation part, chosen
 * uniformly at random.
 *
 * <p>{@link #study} is the study's own split instead ({@code _split_trainval} of
 * {@code processing_prediction.py}), whose rows come in the study's order.
 *
 * @param train row indices kept for training ({@link #of}: ascending)
 * @param val   row indices held out for validation ({@link #of}: ascending)
 */
public record StratifiedSplit(int[] train, int[] val) {
    /** Splits rows with labels {@code y} in [0, k): {@code round(fraction * n_c)} of each class (at most n_c - 1) to validation. */
    public static StratifiedSplit of(int[] y, int k, double fraction, long seed) {
        checkFraction(fraction);
        return draw(y, k, seed, n -> (int) Math.min(Math.max(0, n - 1), Math.round(fraction * n)));
    }

    /**
     * A stratified split for few rows: every class with at least two rows gives
     * {@code max(1, round(fraction * n_c))} of them (at most n_c - 1) to validation, chosen with the
     * seed; a class with a single row keeps it for training. Used for the hyper-parameter search when
     * the study's split cannot be formed ({@link #studySingleton}) or {@link #of} would leave no
     * validation row.
     */
    public static StratifiedSplit fallback(int[] y, int k, double fraction, long seed) {
        checkFraction(fraction);
        return draw(y, k, seed, n -> n < 2 ? 0 : (int) Math.min(n - 1, Math.max(1, Math.round(fraction * n))));
    }

    private static void checkFraction(double fraction) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("validation fraction must be in (0, 1), got " + fraction);
        }
    }

    /**
     * Per class (labels in [0, k)), {@code take.applyAsInt(n_c)} rows drawn with the seed go to
     * validation (a partial Fisher-Yates shuffle of the class's rows); both sides ascending.
     */
    private static StratifiedSplit draw(int[] y, int k, long seed, java.util.function.IntUnaryOperator take) {
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < y.length; i++) {
            byClass.get(y[i]).add(i);
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        boolean[] isVal = new boolean[y.length];
        for (List<Integer> members : byClass) {
            int n = members.size();
            int t = take.applyAsInt(n);
            int[] idx = members.stream().mapToInt(Integer::intValue).toArray();
            for (int i = 0; i < t; i++) {
                int j = i + rnd.nextInt(n - i);
                int tmp = idx[i];
                idx[i] = idx[j];
                idx[j] = tmp;
                isVal[idx[i]] = true;
            }
        }
        int[] train = java.util.stream.IntStream.range(0, y.length).filter(i -> !isVal[i]).toArray();
        int[] val = java.util.stream.IntStream.range(0, y.length).filter(i -> isVal[i]).toArray();
        return new StratifiedSplit(train, val);
    }

    /**
     * The label of the first class (ascending) with exactly one row, which the study's
     * {@link #study} split cannot take (it needs 0 or at least 2 rows per class), or -1 when the
     * study's split can be formed.
     */
    public static int studySingleton(int[] y) {
        java.util.TreeMap<Integer, Integer> counts = new java.util.TreeMap<>();
        for (int v : y) {
            counts.merge(v, 1, Integer::sum);
        }
        for (Map.Entry<Integer, Integer> e : counts.entrySet()) {
            if (e.getValue() == 1) {
                return e.getKey();
            }
        }
        return -1;
    }

    /**
     * The study's {@code _split_trainval(X, Y, per_val)}: for each class in ascending label order,
     * its row indices (ascending) are shuffled with Python's {@code random.shuffle} on the one
     * shared generator, the last {@code int(n_c * per_val)} go to validation and the rest to
     * training, class after class (so both lists come grouped by class, in shuffled order within a
     * class). A class with too few rows for one validation row takes one and, as in the study,
     * that lowers {@code per_val} to {@code 1 / n_c} for the classes after it.
     *
     * @param y      labels of the rows
     * @param perVal the study's {@code dataset_per_val} (0.2)
     * @param random the generator after {@code random.seed(22)}; advanced by the shuffles
     */
    public static StratifiedSplit study(int[] y, double perVal, org.encodertraces.rng.PythonRandom random) {
        java.util.TreeMap<Integer, List<Integer>> byClass = new java.util.TreeMap<>();
        for (int i = 0; i < y.length; i++) {
            byClass.computeIfAbsent(y[i], c -> new ArrayList<>()).add(i);
        }
        List<Integer> train = new ArrayList<>();
        List<Integer> val = new ArrayList<>();
        double pv = perVal;
        for (Map.Entry<Integer, List<Integer>> e : byClass.entrySet()) {
            int[] inds = e.getValue().stream().mapToInt(Integer::intValue).toArray();
            random.shuffle(inds);
            int nVal = (int) (inds.length * pv);
            if (nVal == 0) {
                if (inds.length < 2) {
                    throw new IllegalArgumentException("class " + e.getKey() + " has " + inds.length
                            + " training row(s): the study's split needs at least 2 to keep one for validation");
                }
                nVal = 1;
                pv = (double) nVal / inds.length;
            }
            for (int i = 0; i < inds.length - nVal; i++) {
                train.add(inds[i]);
            }
            for (int i = inds.length - nVal; i < inds.length; i++) {
                val.add(inds[i]);
            }
        }
        return new StratifiedSplit(train.stream().mapToInt(Integer::intValue).toArray(), val.stream().mapToInt(Integer::intValue).toArray());
    }
}
