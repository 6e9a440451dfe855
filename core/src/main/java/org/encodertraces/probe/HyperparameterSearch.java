package org.encodertraces.probe;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

/**
 * A seeded search maximising a score over a {@link SearchSpace}.
 *
 * <p>{@link Sampler#RANDOM} draws every parameter log-uniformly. {@link Sampler#TPE} is a small
 * Tree-structured Parzen Estimator in the spirit of Optuna's default: the first
 * {@value #STARTUP_TRIALS} trials are random; afterwards the finished trials are split into the
 * best {@code gamma(n) = min(ceil(0.1 n), 25)} and the rest, each parameter gets a Parzen density
 * (Gaussian kernels in log space, bandwidth from the gaps to neighbouring points, plus a flat
 * prior component) for both groups, {@value #CANDIDATES} candidates are drawn from the good
 * density and the one with the largest good/bad likelihood ratio is tried. Kernels are clipped to
 * the range rather than renormalised, an approximation that only shifts mass near the bounds.
 *
 * @param space   what to search
 * @param sampler how to propose values
 * @param trials  number of trials
 * @param seed    seed of the sampler
 */
public record HyperparameterSearch(SearchSpace space, Sampler sampler, int trials, long seed) {
    static final int STARTUP_TRIALS = 10;
    static final int CANDIDATES = 24;

    /** How trials are proposed. */
    public enum Sampler {
        RANDOM, TPE;

        /** Parses "random" or "tpe". */
        public static Sampler parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown sampler '" + s + "' (random, tpe)");
            }
        }
    }

    /**
     * The trial history and the best trial (the earliest among equal scores).
     *
     * @param trials every trial in order
     * @param best   the best one
     */
    public record Result(List<Trial> trials, Trial best) {
        public Result {
            trials = List.copyOf(trials);
        }

        /** No search: the given values, no trials (the best trial's score is NaN: nothing was scored). */
        public static Result fixed(Map<String, Double> params) {
            return new Result(List.of(), new Trial(0, params, Double.NaN));
        }

        /** Whether the hyper-parameters were fixed rather than searched. */
        public boolean isFixed() {
            return trials.isEmpty();
        }
    }

    public HyperparameterSearch {
        if (trials < 1) {
            throw new IllegalArgumentException("need at least one trial");
        }
    }

    /** Runs the search; {@code objective} returns the score (e.g. validation accuracy) of a parameter set. */
    public Result run(ToDoubleFunction<Map<String, Double>> objective) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<SearchSpace.Dimension> dims = space.dimensions();
        List<double[]> points = new ArrayList<>();  // log10 values per trial
        List<Trial> history = new ArrayList<>();
        Trial best = null;
        for (int t = 0; t < trials; t++) {
            double[] u = (sampler == Sampler.TPE && t >= STARTUP_TRIALS) ? tpe(history, points, rnd) : random(rnd);
            Map<String, Double> params = new LinkedHashMap<>();
            for (int i = 0; i < dims.size(); i++) {
                SearchSpace.Dimension dm = dims.get(i);
                params.put(dm.name(), Math.min(dm.high(), Math.max(dm.low(), Math.pow(10, u[i]))));
            }
            double score = objective.applyAsDouble(params);
            Trial trial = new Trial(t, params, Double.isNaN(score) ? Double.NEGATIVE_INFINITY : score);
            history.add(trial);
            points.add(u);
            if (best == null || trial.score() > best.score()) {
                best = trial;
            }
        }
        return new Result(history, best);
    }

    private double[] random(SplittableRandom rnd) {
        List<SearchSpace.Dimension> dims = space.dimensions();
        double[] u = new double[dims.size()];
        for (int i = 0; i < u.length; i++) {
            double lo = Math.log10(dims.get(i).low());
            double hi = Math.log10(dims.get(i).high());
            u[i] = lo + (hi - lo) * rnd.nextDouble();
        }
        return u;
    }

    private double[] tpe(List<Trial> history, List<double[]> points, SplittableRandom rnd) {
        int n = history.size();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        order.sort(Comparator.<Integer>comparingDouble(i -> -history.get(i).score()).thenComparingInt(i -> i));
        int nGood = Math.max(1, Math.min((int) Math.ceil(0.1 * n), 25));
        List<SearchSpace.Dimension> dims = space.dimensions();
        int nd = dims.size();
        double[][] good = new double[nd][nGood];
        double[][] bad = new double[nd][n - nGood];
        for (int r = 0; r < n; r++) {
            double[] p = points.get(order.get(r));
            for (int i = 0; i < nd; i++) {
                if (r < nGood) {
                    good[i][r] = p[i];
                } else {
                    bad[i][r - nGood] = p[i];
                }
            }
        }
        double[] lo = new double[nd];
        double[] hi = new double[nd];
        double[][] goodSigma = new double[nd][];
        double[][] badSigma = new double[nd][];
        for (int i = 0; i < nd; i++) {
            lo[i] = Math.log10(dims.get(i).low());
            hi[i] = Math.log10(dims.get(i).high());
            goodSigma[i] = bandwidths(good[i], lo[i], hi[i]);
            badSigma[i] = bandwidths(bad[i], lo[i], hi[i]);
        }
        double[] bestU = null;
        double bestRatio = Double.NEGATIVE_INFINITY;
        for (int cnd = 0; cnd < CANDIDATES; cnd++) {
            double[] u = new double[nd];
            double ratio = 0;
            for (int i = 0; i < nd; i++) {
                u[i] = sample(good[i], goodSigma[i], lo[i], hi[i], rnd);
                ratio += Math.log(density(u[i], good[i], goodSigma[i], lo[i], hi[i]))
                        - Math.log(density(u[i], bad[i], badSigma[i], lo[i], hi[i]));
            }
            if (ratio > bestRatio) {
                bestRatio = ratio;
                bestU = u;
            }
        }
        return bestU;
    }

    /** Per-point bandwidth: the larger gap to a neighbour (range ends count), clipped to [range/100, range]. */
    private static double[] bandwidths(double[] pts, double lo, double hi) {
        double range = hi - lo;
        double[] sorted = pts.clone();
        java.util.Arrays.sort(sorted);
        double[] sigma = new double[pts.length];
        for (int p = 0; p < pts.length; p++) {
            int at = java.util.Arrays.binarySearch(sorted, pts[p]);
            double left = at > 0 ? sorted[at] - sorted[at - 1] : sorted[at] - lo;
            double right = at < sorted.length - 1 ? sorted[at + 1] - sorted[at] : hi - sorted[at];
            double s = Math.max(left, right);
            sigma[p] = Math.min(range, Math.max(range / 100, s));
        }
        return sigma;
    }

    /** Mixture of the points' kernels (equal weights) and a flat prior (weight of one point). */
    private static double density(double u, double[] pts, double[] sigma, double lo, double hi) {
        double range = Math.max(hi - lo, 1e-12);
        double s = 1.0 / range;
        for (int p = 0; p < pts.length; p++) {
            double z = (u - pts[p]) / sigma[p];
            s += Math.exp(-0.5 * z * z) / (sigma[p] * Math.sqrt(2 * Math.PI));
        }
        return s / (pts.length + 1);
    }

    private static double sample(double[] pts, double[] sigma, double lo, double hi, SplittableRandom rnd) {
        int comp = rnd.nextInt(pts.length + 1);
        if (comp == pts.length) {
            return lo + (hi - lo) * rnd.nextDouble();
        }
        for (int tries = 0; tries < 64; tries++) {
            double v = pts[comp] + sigma[comp] * gaussian(rnd);
            if (v >= lo && v <= hi) {
                return v;
            }
        }
        return Math.min(hi, Math.max(lo, pts[comp]));
    }

    private static double gaussian(SplittableRandom rnd) {
        double u1 = rnd.nextDouble();
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }
}
