package org.encodertraces.probe;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded stratified split of row indices: each class gives {@code round(fraction * n_c)} of
 * its rows (at most n_c - 1, so every class keeps a training row) to the validation part, chosen
 * uniformly at random.
 *
 * @param train row indices kept for training, ascending
 * @param val   row indices held out for validation, ascending
 */
public record StratifiedSplit(int[] train, int[] val) {
    /** Splits rows with labels {@code y} in [0, k). */
    public static StratifiedSplit of(int[] y, int k, double fraction, long seed) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("validation fraction must be in (0, 1), got " + fraction);
        }
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < y.length; i++) {
            byClass.get(y[i]).add(i);
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] isVal = new int[y.length];
        int nVal = 0;
        for (List<Integer> members : byClass) {
            int n = members.size();
            int take = (int) Math.min(Math.max(0, n - 1), Math.round(fraction * n));
            int[] idx = members.stream().mapToInt(Integer::intValue).toArray();
            for (int i = 0; i < take; i++) {
                int j = i + rnd.nextInt(n - i);
                int t = idx[i];
                idx[i] = idx[j];
                idx[j] = t;
                isVal[idx[i]] = 1;
            }
            nVal += take;
        }
        int[] train = new int[y.length - nVal];
        int[] val = new int[nVal];
        int a = 0;
        int b = 0;
        for (int i = 0; i < y.length; i++) {
            if (isVal[i] == 1) {
                val[b++] = i;
            } else {
                train[a++] = i;
            }
        }
        Arrays.sort(train);
        return new StratifiedSplit(train, val);
    }
}
