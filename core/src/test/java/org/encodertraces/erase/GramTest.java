package org.encodertraces.erase;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The blocked covariance against the plain double sum: full and partial blocks, widths with and without a 4-tile remainder, skipped rows. */
class GramTest {
    @ParameterizedTest
    @CsvSource({"5000, 7", "4097, 16", "300, 1", "2049, 9", "10, 64"})
    void matchesThePlainSum(int n, int d) {
        SplittableRandom r = new SplittableRandom(n * 31L + d);
        float[] x = new float[n * d];
        boolean[] use = new boolean[n];
        for (int i = 0; i < n; i++) {
            use[i] = r.nextInt(5) != 0;
            for (int j = 0; j < d; j++) {
                x[i * d + j] = (float) (r.nextGaussian() + j);
            }
        }
        double[] mean = FitRows.mean(x, n, d, use);
        DMatrixRMaj cov = Leace.covariance(x, n, d, use, mean);
        int m = FitRows.count(use);
        for (int a = 0; a < d; a++) {
            for (int c = 0; c < d; c++) {
                double s = 0;
                for (int i = 0; i < n; i++) {
                    if (use[i]) {
                        s += (x[i * d + a] - mean[a]) * (x[i * d + c] - mean[c]);
                    }
                }
                assertEquals(s / m, cov.get(a, c), 1e-12 * Math.max(1, Math.abs(s / m)), "entry " + a + "," + c);
            }
        }
    }
}
