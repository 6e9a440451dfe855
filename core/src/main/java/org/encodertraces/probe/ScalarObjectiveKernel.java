package org.encodertraces.probe;

import java.util.Arrays;

/**
 * The portable {@link ObjectiveKernel}: scalar float64 dot products, four rows and four classes
 * at a time. The fallback when the Vector API module is absent.
 */
final class ScalarObjectiveKernel implements ObjectiveKernel {
    @Override
    public int scratchSize(int k, int d) {
        return 4 * k;
    }

    @Override
    public double block(float[][] x, int[] y, int k, double[] w, int[] rows, int from, int to, double[] g, double[] z) {
        Arrays.fill(g, 0.0);
        final int d = x[0].length;
        final int biasAt = k * d;
        double loss = 0;
        for (int t = from; t < to; t += 4) {
            int nr = Math.min(4, to - t);
            for (int r = 0; r < nr; r++) {
                int row = rows == null ? t + r : rows[t + r];
                logits(w, x[row], k, z, r * k);
                loss += ObjectiveKernel.softmaxResidual(z, r * k, k, y[row]);
            }
            if (nr == 4) {
                float[] x0 = x[rows == null ? t : rows[t]];
                float[] x1 = x[rows == null ? t + 1 : rows[t + 1]];
                float[] x2 = x[rows == null ? t + 2 : rows[t + 2]];
                float[] x3 = x[rows == null ? t + 3 : rows[t + 3]];
                for (int c = 0; c < k; c++) {
                    double r0 = z[c];
                    double r1 = z[k + c];
                    double r2 = z[2 * k + c];
                    double r3 = z[3 * k + c];
                    int go = c * d;
                    for (int j = 0; j < d; j++) {
                        g[go + j] += r0 * x0[j] + r1 * x1[j] + r2 * x2[j] + r3 * x3[j];
                    }
                    g[biasAt + c] += r0 + r1 + r2 + r3;
                }
            } else {
                for (int r = 0; r < nr; r++) {
                    float[] xr = x[rows == null ? t + r : rows[t + r]];
                    for (int c = 0; c < k; c++) {
                        double rc = z[r * k + c];
                        int go = c * d;
                        for (int j = 0; j < d; j++) {
                            g[go + j] += rc * xr[j];
                        }
                        g[biasAt + c] += rc;
                    }
                }
            }
        }
        return loss;
    }

    /** z[at+c] = b_c + w_c . row, four classes at a time with two independent sums each. */
    private static void logits(double[] w, float[] row, int k, double[] z, int at) {
        final int d = row.length;
        final int biasAt = k * d;
        int c = 0;
        for (; c + 4 <= k; c += 4) {
            int o0 = c * d;
            int o1 = o0 + d;
            int o2 = o1 + d;
            int o3 = o2 + d;
            double a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
            int j = 0;
            for (; j + 2 <= d; j += 2) {
                double u = row[j];
                double v = row[j + 1];
                a0 += u * w[o0 + j];
                a1 += u * w[o1 + j];
                a2 += u * w[o2 + j];
                a3 += u * w[o3 + j];
                b0 += v * w[o0 + j + 1];
                b1 += v * w[o1 + j + 1];
                b2 += v * w[o2 + j + 1];
                b3 += v * w[o3 + j + 1];
            }
            if (j < d) {
                double u = row[j];
                a0 += u * w[o0 + j];
                a1 += u * w[o1 + j];
                a2 += u * w[o2 + j];
                a3 += u * w[o3 + j];
            }
            z[at + c] = w[biasAt + c] + (a0 + b0);
            z[at + c + 1] = w[biasAt + c + 1] + (a1 + b1);
            z[at + c + 2] = w[biasAt + c + 2] + (a2 + b2);
            z[at + c + 3] = w[biasAt + c + 3] + (a3 + b3);
        }
        for (; c < k; c++) {
            int o = c * d;
            double a0 = 0, a1 = 0, a2 = 0, a3 = 0;
            int j = 0;
            for (; j + 4 <= d; j += 4) {
                a0 += row[j] * w[o + j];
                a1 += row[j + 1] * w[o + j + 1];
                a2 += row[j + 2] * w[o + j + 2];
                a3 += row[j + 3] * w[o + j + 3];
            }
            for (; j < d; j++) {
                a0 += row[j] * w[o + j];
            }
            z[at + c] = w[biasAt + c] + ((a0 + a1) + (a2 + a3));
        }
    }
}
