package org.encodertraces.probe;

import java.util.Arrays;

/**
 * The summed multinomial cross-entropy of a linear model and its gradient, as scikit-learn's
 * {@code HalfMultinomialLoss} computes them: {@code sum_i [logsumexp(z_i) - z_i[y_i]]} with
 * {@code z_i = W x_i + b}.
 *
 * <p>Parameters are one flat vector: the K x D weights row-major (class by class), then the K
 * biases. Rows are processed in fixed blocks (of {@value #BLOCK_ROWS} rows unless the caller picks
 * another size) whose partial sums are added in block order, so the result is bit-identical for
 * any thread count. All scratch memory is
 * allocated once, so evaluation in an optimiser loop allocates nothing but the task handles.
 */
final class MultinomialObjective {
    static final int BLOCK_ROWS = 1024;

    private final float[][] x;
    private final int[] y;
    private final int k;
    private final int d;
    private final int maxRows;
    private final int blockRows;
    private final double[][] blockGrad;
    private final double[] blockLoss;
    private final double[][] blockScratch;

    /** An objective over rows of {@code x} (at most {@code maxRows} of them per evaluation). */
    MultinomialObjective(float[][] x, int[] y, int k, int maxRows) {
        this(x, y, k, maxRows, BLOCK_ROWS);
    }

    /** The same with blocks of {@code blockRows} rows: smaller blocks spread one small batch over more threads. */
    MultinomialObjective(float[][] x, int[] y, int k, int maxRows, int blockRows) {
        if (blockRows < 1) {
            throw new IllegalArgumentException("block rows must be positive: " + blockRows);
        }
        this.blockRows = blockRows;
        if (x.length != y.length) {
            throw new IllegalArgumentException("rows " + x.length + " != labels " + y.length);
        }
        if (x.length == 0) {
            throw new IllegalArgumentException("no training rows");
        }
        this.x = x;
        this.y = y;
        this.k = k;
        this.d = x[0].length;
        for (int i = 0; i < x.length; i++) {
            if (x[i].length != d) {
                throw new IllegalArgumentException("row " + i + " has " + x[i].length + " features, expected " + d);
            }
            if (y[i] < 0 || y[i] >= k) {
                throw new IllegalArgumentException("label " + y[i] + " of row " + i + " outside [0, " + k + ")");
            }
        }
        this.maxRows = maxRows;
        int blocks = (maxRows + blockRows - 1) / blockRows;
        this.blockGrad = new double[blocks][parameterCount()];
        this.blockLoss = new double[blocks];
        this.blockScratch = new double[blocks][4 * k];
    }

    int classes() {
        return k;
    }

    int features() {
        return d;
    }

    int parameterCount() {
        return k * d + k;
    }

    /**
     * Sum of the cross-entropy over {@code rows[from..to)} (row indices into x), with its
     * gradient written into {@code grad} (overwritten). No penalty.
     */
    double evaluate(double[] w, int[] rows, int from, int to, double[] grad, BlockExecutor exec) {
        int n = to - from;
        if (n > maxRows) {
            throw new IllegalArgumentException(n + " rows exceed the " + maxRows + " this objective was sized for");
        }
        int blocks = (n + blockRows - 1) / blockRows;
        exec.run(blocks, b -> {
            int s = from + b * blockRows;
            int e = Math.min(to, s + blockRows);
            blockLoss[b] = block(w, rows, s, e, blockGrad[b], blockScratch[b]);
        });
        Arrays.fill(grad, 0.0);
        double loss = 0;
        int p = grad.length;
        for (int b = 0; b < blocks; b++) {
            loss += blockLoss[b];
            double[] gb = blockGrad[b];
            for (int j = 0; j < p; j++) {
                grad[j] += gb[j];
            }
        }
        return loss;
    }

    private double block(double[] w, int[] rows, int from, int to, double[] g, double[] z) {
        Arrays.fill(g, 0.0);
        final int k = this.k;
        final int d = this.d;
        final int biasAt = k * d;
        double loss = 0;
        for (int t = from; t < to; t += 4) {
            int nr = Math.min(4, to - t);
            for (int r = 0; r < nr; r++) {
                int row = rows == null ? t + r : rows[t + r];
                loss += softmaxResidual(w, x[row], y[row], z, r * k);
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

    /** Logits of one row into z[at..at+k), then replaced by softmax - onehot; returns the loss. */
    private double softmaxResidual(double[] w, float[] row, int label, double[] z, int at) {
        logits(w, row, z, at);
        double m = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < k; c++) {
            m = Math.max(m, z[at + c]);
        }
        double s = 0;
        for (int c = 0; c < k; c++) {
            double e = Math.exp(z[at + c] - m);
            z[at + c] = e;
            s += e;
        }
        double zy = Math.log(z[at + label]);  // z_y - m
        double loss = Math.log(s) - zy;
        double inv = 1.0 / s;
        for (int c = 0; c < k; c++) {
            z[at + c] *= inv;
        }
        z[at + label] -= 1.0;
        return loss;
    }

    /** z[at+c] = b_c + w_c . row, four classes at a time with two independent sums each. */
    void logits(double[] w, float[] row, double[] z, int at) {
        final int d = this.d;
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
