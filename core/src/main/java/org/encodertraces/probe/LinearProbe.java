package org.encodertraces.probe;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The study's linear-probe protocol on frozen embeddings: normalise, search hyper-parameters on
 * a validation set (maximising validation accuracy), refit on train + validation with the best
 * values, evaluate once on the test set (repeated over seeds where the config asks).
 */
public final class LinearProbe {
    private final ProbeConfig config;

    /** A probe with the given settings. */
    public LinearProbe(ProbeConfig config) {
        this.config = config;
    }

    /** The settings. */
    public ProbeConfig config() {
        return config;
    }

    /**
     * One fitted model and its test figures.
     *
     * @param seed    seed of the fit
     * @param fit     the optimiser's report
     * @param metrics test metrics
     */
    public record Evaluation(long seed, FitReport fit, ClassificationMetrics metrics) {
    }

    /**
     * Search: each trial fits on {@code train} and scores accuracy on {@code val}. Inputs are raw
     * (not yet normalised). With fixed hyper-parameters nothing is fitted and they are the result.
     */
    public HyperparameterSearch.Result search(float[][] train, int[] yTrain, float[][] val, int[] yVal, int k) {
        if (config.fixed()) {
            return HyperparameterSearch.Result.fixed(config.fixedParams());
        }
        Normalizer nz = config.normalization().fit(train);
        float[][] tr = nz.apply(train);
        float[][] va = nz.apply(val);
        HyperparameterSearch hs = new HyperparameterSearch(config.trainer().searchSpace(), config.sampler(), config.trials(), config.searchSeed());
        return hs.run(params -> {
            FitReport f = config.trainer().fit(params, tr, yTrain, k, config, config.searchSeed());
            return ClassificationMetrics.of(yVal, f.model().predict(va), k).accuracy();
        });
    }

    /** Fits on raw {@code train} with {@code params} and evaluates on raw {@code test}. */
    public Evaluation evaluate(Map<String, Double> params, float[][] train, int[] yTrain, float[][] test, int[] yTest, int k, long seed) {
        Normalizer nz = config.normalization().fit(train);
        FitReport f = config.trainer().fit(params, nz.apply(train), yTrain, k, config, seed);
        int[] pred = f.model().predict(nz.apply(test));
        return new Evaluation(seed, f, ClassificationMetrics.of(yTest, pred, k));
    }

    /** The protocol with a given validation set: search on val, refit on train + val, test, for each repeat seed. */
    public ProbeResult run(String task, List<String> classNames, float[][] train, int[] yTrain, float[][] val, int[] yVal,
                           float[][] test, int[] yTest) {
        int k = classNames.size();
        HyperparameterSearch.Result search = search(train, yTrain, val, yVal, k);
        float[][] all = concat(train, val);
        int[] yAll = concat(yTrain, yVal);
        List<Evaluation> evals = new ArrayList<>();
        for (int r = 0; r < config.repeats(); r++) {
            evals.add(evaluate(search.best().params(), all, yAll, test, yTest, k, config.seed() + r));
        }
        return assemble(task, classNames, search, evals, all.length, train.length, val.length, test.length, List.of());
    }

    /** The protocol without a validation set: a stratified {@code valFraction} of train (seeded) is held out for the search. */
    public ProbeResult run(String task, List<String> classNames, float[][] train, int[] yTrain, float[][] test, int[] yTest) {
        SearchSplit chosen = SearchSplit.of(yTrain, classNames.size(), config, classNames, "class");
        StratifiedSplit sp = chosen.split();
        ProbeResult r = run(task, classNames, rows(train, sp.train()), pick(yTrain, sp.train()), rows(train, sp.val()), pick(yTrain, sp.val()),
                test, yTest);
        if (chosen.note() == null) {
            return r;
        }
        List<String> notes = new ArrayList<>(r.notes());
        notes.add(chosen.note());
        return new ProbeResult(r.task(), r.classNames(), r.config(), r.metrics(), r.repeats(), r.accuracyMean(), r.accuracyStd(),
                r.bestParams(), r.trials(), r.trainSize(), r.searchTrainSize(), r.valSize(), r.testSize(), notes);
    }

    ProbeResult assemble(String task, List<String> classNames, HyperparameterSearch.Result search, List<Evaluation> evals,
                         int trainSize, int searchTrain, int valSize, int testSize, List<String> notes) {
        ClassificationMetrics sum = null;
        double[] acc = new double[evals.size()];
        List<ProbeResult.Repeat> reps = new ArrayList<>();
        for (int i = 0; i < evals.size(); i++) {
            Evaluation e = evals.get(i);
            sum = sum == null ? e.metrics() : sum.plus(e.metrics());
            acc[i] = e.metrics().accuracy();
            reps.add(new ProbeResult.Repeat(e.seed(), e.metrics().correct(), e.metrics().accuracy(), e.metrics().meanPerClassAccuracy(),
                    e.fit().iterations(), e.fit().converged(), e.fit().objective()));
        }
        return new ProbeResult(task, classNames, config, sum, reps, ProbeResult.mean(acc), ProbeResult.std(acc),
                search.best().params(), search.trials(), trainSize, searchTrain, valSize, testSize, notes);
    }

    static float[][] rows(float[][] x, int[] idx) {
        float[][] o = new float[idx.length][];
        for (int i = 0; i < idx.length; i++) {
            o[i] = x[idx[i]];
        }
        return o;
    }

    static int[] pick(int[] y, int[] idx) {
        int[] o = new int[idx.length];
        for (int i = 0; i < idx.length; i++) {
            o[i] = y[idx[i]];
        }
        return o;
    }

    static float[][] concat(float[][] a, float[][] b) {
        float[][] o = new float[a.length + b.length][];
        System.arraycopy(a, 0, o, 0, a.length);
        System.arraycopy(b, 0, o, a.length, b.length);
        return o;
    }

    static int[] concat(int[] a, int[] b) {
        int[] o = new int[a.length + b.length];
        System.arraycopy(a, 0, o, 0, a.length);
        System.arraycopy(b, 0, o, a.length, b.length);
        return o;
    }
}
