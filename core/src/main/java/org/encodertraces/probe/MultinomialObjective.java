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
 * any thread count for a given {@link ObjectiveKernel} (the Vector API one when its module is
 * loaded; it can differ from the portable one in the last bits). All scratch memory is
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
    private final ObjectiveKernel kernel;

    /** An objective over rows of {@code x} (at most {@code maxRows} of them per evaluation). */
    MultinomialObjective(float[][] x, int[] y, int k, int maxRows) {
        this(x, y, k, maxRows, BLOCK_ROWS);
    }

    /** The same with blocks of {@code blockRows} rows: smaller blocks spread one small batch over more threads. */
    MultinomialObjective(float[][] x, int[] y, int k, int maxRows, int blockRows) {
        this(x, y, k, maxRows, blockRows, ObjectiveKernel.best());
    }

    /** The same with an explicit kernel (tests compare the portable and the vector one). */
    MultinomialObjective(float[][] x, int[] y, int k, int maxRows, int blockRows, ObjectiveKernel kernel) {
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
        this.kernel = kernel;
        this.blockScratch = new double[blocks][kernel.scratchSize(k, d)];
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
            blockLoss[b] = kernel.block(x, y, k, w, rows, s, e, blockGrad[b], blockScratch[b]);
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
}
