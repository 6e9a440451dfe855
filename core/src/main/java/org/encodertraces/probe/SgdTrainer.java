package org.encodertraces.probe;

import java.util.SplittableRandom;
import java.util.function.IntFunction;

/**
 * The study's default probe trainer: a linear layer with cross-entropy (mean over the batch)
 * trained by PyTorch-style SGD with momentum and weight decay, cosine learning-rate decay per
 * epoch.
 *
 * <p>Per step, for every parameter p (weights and biases alike, as {@code torch.optim.SGD}
 * applies weight decay to every parameter it is given): {@code d = grad + wd p; buf = momentum
 * buf + d} (buf = d on the first step); {@code p -= lr_e buf}, with {@code lr_e = 0.5 lr (1 +
 * cos(pi e / E))} in epoch e of E ({@code CosineAnnealingLR(T_max=E)} stepped per epoch). Each
 * epoch visits the rows in a fresh order drawn from the seed, in batches of {@code batchSize} (the
 * last one smaller). Parameters start at zero (the problem is convex; zero start removes one
 * source of seed dependence). Deterministic for a seed, whatever the thread count.
 *
 * @param learningRate base learning rate
 * @param weightDecay  L2 weight decay
 * @param epochs       number of epochs (100 in the study)
 * @param batchSize    rows per step (1024 in the study)
 * @param momentum     momentum (0.9 in the study)
 * @param seed         seed of the per-epoch shuffles
 * @param threads      worker threads for the batch gradient
 * @param studySchedule the study's schedule instead: {@code logreg_trainer.py} sets the learning
 *                     rate after epoch e to {@code 0.5 lr (1 + cos(pi e / E))}, so epochs 0 and 1
 *                     both run at lr and epoch e >= 1 at {@code 0.5 lr (1 + cos(pi (e - 1) / E))}
 */
public record SgdTrainer(double learningRate, double weightDecay, int epochs, int batchSize, double momentum,
                         long seed, int threads, boolean studySchedule) {
    /**
     * Rows per gradient block: a batch of 1024 splits into 8 blocks that threads share, summed in
     * block order whatever the thread count, so results do not depend on it.
     */
    static final int SGD_BLOCK_ROWS = 128;

    public SgdTrainer {
        if (!(learningRate > 0) || weightDecay < 0 || epochs < 1 || batchSize < 1 || momentum < 0) {
            throw new IllegalArgumentException("bad SGD settings: lr " + learningRate + ", wd " + weightDecay
                    + ", epochs " + epochs + ", batch " + batchSize + ", momentum " + momentum);
        }
        threads = Math.max(1, threads);
    }

    /** A trainer with {@code CosineAnnealingLR(T_max=epochs)} stepped per epoch. */
    public SgdTrainer(double learningRate, double weightDecay, int epochs, int batchSize, double momentum, long seed, int threads) {
        this(learningRate, weightDecay, epochs, batchSize, momentum, seed, threads, false);
    }

    /** The study's settings (100 epochs, batch 1024, momentum 0.9) for a learning rate and weight decay. */
    public static SgdTrainer of(double learningRate, double weightDecay, long seed) {
        return new SgdTrainer(learningRate, weightDecay, 100, 1024, 0.9, seed, 1);
    }

    /** The same settings with another thread count. */
    public SgdTrainer withThreads(int n) {
        return new SgdTrainer(learningRate, weightDecay, epochs, batchSize, momentum, seed, n, studySchedule);
    }

    /** Fits labels {@code y} in [0, k) on rows of {@code x}; the objective reported is the last epoch's mean loss. */
    public FitReport fit(float[][] x, int[] y, int k) {
        return fit(x, y, k, null, null);
    }

    /** Called after every epoch with the epoch (from 0), its learning rate and its mean loss. */
    @FunctionalInterface
    interface EpochListener {
        void epoch(int epoch, double learningRate, double meanLoss);
    }

    /**
     * The fit with an explicit row order and an observer, for parity tests against PyTorch.
     *
     * @param epochOrder the rows of epoch e, in the order they are batched (a permutation of [0, n));
     *                   null for the seeded shuffle that {@link #fit(float[][], int[], int)} uses
     * @param listener   told each epoch's learning rate and mean loss; may be null
     */
    FitReport fit(float[][] x, int[] y, int k, IntFunction<int[]> epochOrder, EpochListener listener) {
        int n = x.length;
        int bs = Math.min(batchSize, n);
        MultinomialObjective obj = new MultinomialObjective(x, y, k, bs, SGD_BLOCK_ROWS);
        int pc = obj.parameterCount();
        double[] p = new double[pc];
        double[] g = new double[pc];
        double[] buf = new double[pc];
        boolean first = true;
        int[] shuffled = new int[n];
        for (int i = 0; i < n; i++) {
            shuffled[i] = i;
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        double epochLoss = Double.NaN;
        int done = 0;
        String stop = "completed " + epochs + " epochs";
        boolean finite = true;
        try (BlockExecutor exec = new BlockExecutor(threads)) {
            for (int e = 0; e < epochs && finite; e++) {
                int phase = studySchedule ? Math.max(0, e - 1) : e;
                double lr = 0.5 * learningRate * (1 + Math.cos(Math.PI * phase / epochs));
                int[] order;
                if (epochOrder == null) {
                    // Fisher-Yates on the previous epoch's order
                    for (int i = n - 1; i > 0; i--) {
                        int j = rnd.nextInt(i + 1);
                        int t = shuffled[i];
                        shuffled[i] = shuffled[j];
                        shuffled[j] = t;
                    }
                    order = shuffled;
                } else {
                    order = checkPermutation(epochOrder.apply(e), n, e);
                }
                double sum = 0;
                for (int s = 0; s < n; s += bs) {
                    int end = Math.min(n, s + bs);
                    double inv = 1.0 / (end - s);
                    sum += obj.evaluate(p, order, s, end, g, exec);
                    for (int j = 0; j < pc; j++) {
                        double dp = g[j] * inv + weightDecay * p[j];
                        double b = first ? dp : momentum * buf[j] + dp;
                        buf[j] = b;
                        p[j] -= lr * b;
                    }
                    first = false;
                }
                epochLoss = sum / n;
                done = e + 1;
                if (listener != null) {
                    listener.epoch(e, lr, epochLoss);
                }
                if (!Double.isFinite(epochLoss) || !Double.isFinite(Lbfgs.dot(p, p))) {
                    finite = false;
                    stop = "diverged in epoch " + (e + 1) + " (non-finite loss or weights)";
                }
            }
        }
        return new FitReport(LinearModel.fromFlat(p, k, obj.features()), epochLoss, done, finite, stop);
    }

    private static int[] checkPermutation(int[] order, int n, int epoch) {
        if (order == null || order.length != n) {
            throw new IllegalArgumentException("epoch " + epoch + " order has " + (order == null ? "no" : order.length)
                    + " rows, expected " + n);
        }
        boolean[] seen = new boolean[n];
        for (int r : order) {
            if (r < 0 || r >= n || seen[r]) {
                throw new IllegalArgumentException("epoch " + epoch + " order is not a permutation of [0, " + n + ")");
            }
            seen[r] = true;
        }
        return order;
    }
}
