package org.encodertraces.erase;

import java.util.stream.IntStream;

/**
 * The covariance's inner product {@code C += X^T X} for a block of centred rows, in double precision:
 * the rows are transposed so that each feature's values are contiguous, and C's lower triangle is
 * computed in 4 x 4 register tiles (16 independent accumulators), tile rows in parallel, then
 * mirrored. EJML's general products ran at under 1 GFLOP/s here; this is several times faster.
 * Each entry is summed in the same order whatever the thread count, so results do not depend on it.
 */
final class Gram {
    private Gram() {
    }

    /**
     * Adds {@code X^T X} to {@code cov} (d x d, row-major, only the lower triangle and diagonal are
     * written; call {@link #mirror} once at the end).
     *
     * @param xt feature-major block: {@code xt[a * b + i]} is feature a of row i
     * @param d  features
     * @param b  rows in the block
     */
    static void addLower(double[] xt, int d, int b, double[] cov, boolean parallel) {
        int tiles = (d + 3) / 4;
        IntStream s = IntStream.range(0, tiles);
        (parallel ? s.parallel() : s).forEach(t -> tileRow(xt, d, b, cov, t * 4));
    }

    private static void tileRow(double[] xt, int d, int b, double[] cov, int a0) {
        if (a0 + 4 > d) {
            for (int a = a0; a < d; a++) {
                for (int c = 0; c <= a; c++) {
                    cov[a * d + c] += dot(xt, a * b, c * b, b);
                }
            }
            return;
        }
        for (int c0 = 0; c0 <= a0; c0 += 4) {
            int p0 = a0 * b;
            int p1 = p0 + b;
            int p2 = p1 + b;
            int p3 = p2 + b;
            int q0 = c0 * b;
            int q1 = q0 + b;
            int q2 = q1 + b;
            int q3 = q2 + b;
            double s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
            double s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
            for (int i = 0; i < b; i++) {
                double x0 = xt[p0 + i];
                double x1 = xt[p1 + i];
                double x2 = xt[p2 + i];
                double x3 = xt[p3 + i];
                double y0 = xt[q0 + i];
                double y1 = xt[q1 + i];
                double y2 = xt[q2 + i];
                double y3 = xt[q3 + i];
                s00 += x0 * y0;
                s01 += x0 * y1;
                s02 += x0 * y2;
                s03 += x0 * y3;
                s10 += x1 * y0;
                s11 += x1 * y1;
                s12 += x1 * y2;
                s13 += x1 * y3;
                s20 += x2 * y0;
                s21 += x2 * y1;
                s22 += x2 * y2;
                s23 += x2 * y3;
                s30 += x3 * y0;
                s31 += x3 * y1;
                s32 += x3 * y2;
                s33 += x3 * y3;
            }
            double[] s = {s00, s01, s02, s03, s10, s11, s12, s13, s20, s21, s22, s23, s30, s31, s32, s33};
            for (int r = 0; r < 4; r++) {
                for (int c = 0; c < 4; c++) {
                    if (c0 + c <= a0 + r) {
                        cov[(a0 + r) * d + c0 + c] += s[r * 4 + c];
                    }
                }
            }
        }
    }

    private static double dot(double[] x, int p, int q, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += x[p + i] * x[q + i];
        }
        return s;
    }

    /** Copies the lower triangle onto the upper one. */
    static void mirror(double[] cov, int d) {
        for (int a = 0; a < d; a++) {
            for (int c = a + 1; c < d; c++) {
                cov[a * d + c] = cov[c * d + a];
            }
        }
    }
}
