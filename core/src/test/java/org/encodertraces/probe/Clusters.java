package org.encodertraces.probe;

import java.util.SplittableRandom;

/** Seeded Gaussian clusters for probe tests: balanced labels, centres at a given distance (centre seed 0 by default). */
record Clusters(float[][] x, int[] y) {
    static Clusters make(int n, int d, int k, double separation, long seed) {
        return make(n, d, k, separation, 0, seed);
    }

    /** Clusters whose centres depend only on {@code centreSeed}, so train and test sets can share them. */
    static Clusters make(int n, int d, int k, double separation, long centreSeed, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        SplittableRandom centresRnd = new SplittableRandom(centreSeed ^ 0x5DEECE66DL);
        double[][] centres = new double[k][d];
        for (int c = 0; c < k; c++) {
            for (int j = 0; j < d; j++) {
                centres[c][j] = gaussian(centresRnd) * separation / Math.sqrt(d);
            }
        }
        float[][] x = new float[n][d];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % k;
            for (int j = 0; j < d; j++) {
                x[i][j] = (float) (centres[y[i]][j] + gaussian(rnd) * 0.3);
            }
        }
        return new Clusters(x, y);
    }

    static double gaussian(SplittableRandom r) {
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }
}
