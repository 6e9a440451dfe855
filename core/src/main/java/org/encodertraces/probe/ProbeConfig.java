package org.encodertraces.probe;

/**
 * Settings of a probe experiment.
 *
 * @param normalization feature normalisation (the study: L2)
 * @param trainer       SGD (the study's default) or L-BFGS
 * @param trials        hyper-parameter trials (the study: 30)
 * @param sampler       how trials are proposed
 * @param valFraction   stratified validation fraction of the training set when no validation
 *                      set is given (the study: 0.2)
 * @param seed          base seed: search split and sampler use it; repeat r uses seed + r
 * @param repeats       final fits with seeds seed, seed+1, ... (the study: 10 for processing)
 * @param threads       worker threads (results do not depend on it)
 * @param epochs        SGD epochs (the study: 100)
 * @param batchSize     SGD batch size (the study: 1024)
 * @param maxIterations L-BFGS iteration limit (the study: 2000)
 */
public record ProbeConfig(FeatureNormalization normalization, TrainerKind trainer, int trials,
                          HyperparameterSearch.Sampler sampler, double valFraction, long seed, int repeats,
                          int threads, int epochs, int batchSize, int maxIterations) {
    public ProbeConfig {
        if (trials < 1 || repeats < 1 || epochs < 1 || batchSize < 1 || maxIterations < 1) {
            throw new IllegalArgumentException("trials, repeats, epochs, batch size and iterations must be >= 1");
        }
        if (!(valFraction > 0 && valFraction < 1)) {
            throw new IllegalArgumentException("validation fraction must be in (0, 1), got " + valFraction);
        }
        threads = Math.max(1, threads);
    }

    /** The study's protocol: L2, SGD, 30 TPE trials, 20% validation, seed 0, 10 repeats, 100 epochs, batch 1024. */
    public static ProbeConfig study() {
        return new ProbeConfig(FeatureNormalization.L2, TrainerKind.SGD, 30, HyperparameterSearch.Sampler.TPE, 0.2, 0, 10,
                1, 100, 1024, 2000);
    }

    /** Copy with another trainer. */
    public ProbeConfig withTrainer(TrainerKind t) {
        return new ProbeConfig(normalization, t, trials, sampler, valFraction, seed, repeats, threads, epochs, batchSize, maxIterations);
    }

    /** Copy with another trial count and repeat count. */
    public ProbeConfig withBudget(int nTrials, int nRepeats) {
        return new ProbeConfig(normalization, trainer, nTrials, sampler, valFraction, seed, nRepeats, threads, epochs, batchSize, maxIterations);
    }

    /** Copy with another normalisation. */
    public ProbeConfig withNormalization(FeatureNormalization n) {
        return new ProbeConfig(n, trainer, trials, sampler, valFraction, seed, repeats, threads, epochs, batchSize, maxIterations);
    }

    /** Copy with another seed. */
    public ProbeConfig withSeed(long s) {
        return new ProbeConfig(normalization, trainer, trials, sampler, valFraction, s, repeats, threads, epochs, batchSize, maxIterations);
    }

    /** Copy with another thread count. */
    public ProbeConfig withThreads(int n) {
        return new ProbeConfig(normalization, trainer, trials, sampler, valFraction, seed, repeats, n, epochs, batchSize, maxIterations);
    }
}
