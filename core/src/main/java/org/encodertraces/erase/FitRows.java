package org.encodertraces.erase;

import java.util.List;

/** Row selection and means shared by the fitters: which rows have every concept label known. */
final class FitRows {
    private FitRows() {
    }

    static boolean[] usable(int n, List<Concept> concepts) {
        if (concepts.isEmpty()) {
            throw new IllegalArgumentException("no concept to erase");
        }
        boolean[] use = new boolean[n];
        java.util.Arrays.fill(use, true);
        for (Concept k : concepts) {
            if (k.labels().length != n) {
                throw new IllegalArgumentException("concept '" + k.name() + "' has " + k.labels().length + " labels for " + n + " rows");
            }
            for (int i = 0; i < n; i++) {
                use[i] &= k.labels()[i] >= 0;
            }
        }
        return use;
    }

    static int count(boolean[] use) {
        int m = 0;
        for (boolean b : use) {
            m += b ? 1 : 0;
        }
        return m;
    }

    static double[] mean(float[] x, int n, int d, boolean[] use) {
        double[] mean = new double[d];
        int m = 0;
        for (int i = 0; i < n; i++) {
            if (!use[i]) {
                continue;
            }
            m++;
            int o = i * d;
            for (int j = 0; j < d; j++) {
                mean[j] += x[o + j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= m;
        }
        return mean;
    }
}
