package org.encodertraces.probe;

/**
 * Multinomial logistic regression fitted by L-BFGS with an L2 penalty on the weights: the
 * problem and stopping rules of scikit-learn 1.2's {@code LogisticRegression(solver="lbfgs",
 * C=c, max_iter=n)}, i.e. minimise {@code sum_i CE(W x_i + b, y_i) + 0.5/C ||W||^2} (intercept
 * not penalised) from zero, with scipy's L-BFGS-B defaults (m=10, ftol=2.22e-9, 20 line-search
 * evaluations, 15000 evaluations at most) and pgtol = tol = 1e-4.
 *
 * <p>Deterministic: the same data gives bit-identical weights whatever the thread count.
 *
 * @param c              inverse regularisation strength C (> 0)
 * @param maxIterations  iteration limit (scikit-learn's max_iter; 2000 in the study and in {@link #of})
 * @param tolerance      largest gradient component at convergence (scikit-learn's tol)
 * @param threads        worker threads for the objective (results do not depend on it)
 */
public record LogisticRegression(double c, int maxIterations, double tolerance, int threads) {
    /** scipy's default {@code ftol} for L-BFGS-B: factr 1e7 times machine epsilon. */
    public static final double FTOL = 1e7 * Math.ulp(1.0);
    /** scipy's default history size. */
    public static final int HISTORY = 10;

    public LogisticRegression {
        if (!(c > 0) || Double.isInfinite(c)) {
            throw new IllegalArgumentException("C must be positive and finite, got " + c);
        }
        if (maxIterations < 1) {
            throw new IllegalArgumentException("maxIterations must be >= 1");
        }
        threads = Math.max(1, threads);
    }

    /** scikit-learn's defaults for a given C: max_iter 2000 (the study's), tol 1e-4, one thread. */
    public static LogisticRegression of(double c) {
        return new LogisticRegression(c, 2000, 1e-4, 1);
    }

    /** The same settings with another thread count. */
    public LogisticRegression withThreads(int n) {
        return new LogisticRegression(c, maxIterations, tolerance, n);
    }

    /** Fits labels {@code y} in [0, k) on rows of {@code x}. */
    public FitReport fit(float[][] x, int[] y, int k) {
        MultinomialObjective obj = new MultinomialObjective(x, y, k, x.length);
        int d = obj.features();
        int wCount = k * d;
        double lambda = 1.0 / c;
        double[] p = new double[obj.parameterCount()];
        try (BlockExecutor exec = new BlockExecutor(threads)) {
            Lbfgs.Function fn = (w, g) -> {
                double f = obj.evaluate(w, null, 0, x.length, g, exec);
                double pen = 0;
                for (int j = 0; j < wCount; j++) {
                    pen += w[j] * w[j];
                    g[j] += lambda * w[j];
                }
                return f + 0.5 * lambda * pen;
            };
            Lbfgs.Outcome out = new Lbfgs(HISTORY, tolerance, FTOL, maxIterations, 15000, 20).minimize(fn, p);
            return new FitReport(LinearModel.fromFlat(p, k, d), out.f(), out.iterations(), out.stop().converged, out.stop().message);
        }
    }
}
