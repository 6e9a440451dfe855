package org.encodertraces.probe;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The two probe trainers with the study's hyper-parameter ranges: {@code SGD} (learning rate
 * in [0.1, 100], weight decay in [1e-12, 1e-4]) and {@code LBFGS} (C in [1e-5, 1e6]).
 */
public enum TrainerKind {
    SGD(new SearchSpace(List.of(new SearchSpace.Dimension("lr", 0.1, 100), new SearchSpace.Dimension("weight_decay", 1e-12, 1e-4)))),
    LBFGS(new SearchSpace(List.of(new SearchSpace.Dimension("C", 1e-5, 1e6))));

    private final SearchSpace space;

    TrainerKind(SearchSpace space) {
        this.space = space;
    }

    /** The study's search space for this trainer. */
    public SearchSpace searchSpace() {
        return space;
    }

    /** Parses "sgd" or "lbfgs" (any case). */
    public static TrainerKind parse(String s) {
        String n = s.trim().toUpperCase(Locale.ROOT).replace("-", "");
        try {
            return valueOf(n);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown trainer '" + s + "' (sgd, lbfgs)");
        }
    }

    /** Fits one model with the given hyper-parameters (names as in {@link #searchSpace()}). */
    public FitReport fit(Map<String, Double> params, float[][] x, int[] y, int k, ProbeConfig cfg, long seed) {
        switch (this) {
            case LBFGS:
                return new LogisticRegression(require(params, "C"), cfg.maxIterations(), 1e-4, cfg.threads()).fit(x, y, k);
            case SGD:
                return new SgdTrainer(require(params, "lr"), require(params, "weight_decay"), cfg.epochs(), cfg.batchSize(),
                        0.9, seed, cfg.threads(), cfg.protocol() == org.encodertraces.rng.Protocol.STUDY).fit(x, y, k);
            default:
                throw new AssertionError(this);
        }
    }

    private static double require(Map<String, Double> params, String name) {
        Double v = params.get(name);
        if (v == null) {
            throw new IllegalArgumentException("hyper-parameter '" + name + "' missing (have " + params.keySet() + ")");
        }
        return v;
    }
}
