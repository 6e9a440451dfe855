package org.encodertraces.probe;

import java.util.Map;
import java.util.TreeMap;
import org.encodertraces.rng.Protocol;

/**
 * Settings of a probe experiment.
 *
 * @param normalization feature normalisation (the study: L2)
 * @param trainer       SGD (the study's default) or L-BFGS
 * @param trials        hyper-parameter trials (the study: 30)
 * @param sampler       how trials are proposed
 * @param valFraction   validation fraction of the training set when no validation set is given
 *                      (the study: 0.2)
 * @param seed          base seed of the final fits: repeat r uses seed + r (the study: tmp_seed
 *                      0..9, so seed 0 and 10 repeats)
 * @param repeats       final fits with seeds seed, seed+1, ... (the study: 10 for processing)
 * @param threads       worker threads (results do not depend on it)
 * @param epochs        SGD epochs (the study: 100)
 * @param batchSize     SGD batch size (the study: 1024)
 * @param maxIterations L-BFGS iteration limit (the study: 2000)
 * @param protocol      whose draws and splits: the study's exactly, or our order-free ones
 * @param searchSeed    seed of the search's training draw, validation split and sampler (the
 *                      study: 22 for processing probes, 42 for acquisition probes)
 * @param fixedParams   hyper-parameters fixed by the user (names of the trainer's search space);
 *                      empty for a search
 */
public record ProbeConfig(FeatureNormalization normalization, TrainerKind trainer, int trials,
                          HyperparameterSearch.Sampler sampler, double valFraction, long seed, int repeats,
                          int threads, int epochs, int batchSize, int maxIterations, Protocol protocol,
                          long searchSeed, Map<String, Double> fixedParams) {
    private static void atLeastOne(String what, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(what + " must be at least 1, got " + value);
        }
    }

    /** The study's search seed of processing probes ({@code processing_prediction.py --seed} default). */
    public static final long STUDY_PROCESSING_SEARCH_SEED = 22;
    /** The study's search seed of acquisition probes ({@code scripts/acquisition_prediction.sh --seed=42}). */
    public static final long STUDY_ACQUISITION_SEARCH_SEED = 42;

    public ProbeConfig {
        atLeastOne("trials", trials);
        atLeastOne("repeats", repeats);
        atLeastOne("epochs", epochs);
        atLeastOne("batch size", batchSize);
        atLeastOne("iterations", maxIterations);
        if (!(valFraction > 0 && valFraction < 1)) {
            throw new IllegalArgumentException("validation fraction must be in (0, 1), got " + valFraction);
        }
        threads = Math.max(1, threads);
        if (protocol == null) {
            throw new IllegalArgumentException("protocol missing");
        }
        fixedParams = java.util.Collections.unmodifiableMap(new TreeMap<>(fixedParams == null ? Map.of() : fixedParams));
        if (!fixedParams.isEmpty()) {
            java.util.Set<String> want = new java.util.TreeSet<>();
            trainer.searchSpace().dimensions().forEach(d -> want.add(d.name()));
            if (!fixedParams.keySet().equals(want)) {
                throw new IllegalArgumentException("the " + trainer.name().toLowerCase(java.util.Locale.ROOT) + " trainer's fixed hyper-parameters are "
                        + want + ", got " + fixedParams.keySet());
            }
            for (Map.Entry<String, Double> e : fixedParams.entrySet()) {
                if (!(e.getValue() > 0) || e.getValue().isInfinite()) {
                    throw new IllegalArgumentException("hyper-parameter " + e.getKey() + " must be positive and finite, got " + e.getValue());
                }
            }
        }
    }

    /** The study's protocol: L2, SGD, 30 TPE trials, 20% validation, seed 0, 10 repeats, 100 epochs, batch 1024, search seed 22. */
    public static ProbeConfig study() {
        return new ProbeConfig(FeatureNormalization.L2, TrainerKind.SGD, 30, HyperparameterSearch.Sampler.TPE, 0.2, 0, 10,
                1, 100, 1024, 2000, Protocol.STUDY, STUDY_PROCESSING_SEARCH_SEED, Map.of());
    }

    /** Whether the hyper-parameters are fixed (no search). */
    public boolean fixed() {
        return !fixedParams.isEmpty();
    }

    /** Copy with another trainer (fixed hyper-parameters are dropped: they belong to the old trainer). */
    public ProbeConfig withTrainer(TrainerKind t) {
        return new ProbeConfig(normalization, t, trials, sampler, valFraction, seed, repeats, threads, epochs, batchSize, maxIterations,
                protocol, searchSeed, t == trainer ? fixedParams : Map.of());
    }

    /** Copy with another trial count and repeat count. */
    public ProbeConfig withBudget(int nTrials, int nRepeats) {
        return new ProbeConfig(normalization, trainer, nTrials, sampler, valFraction, seed, nRepeats, threads, epochs, batchSize, maxIterations,
                protocol, searchSeed, fixedParams);
    }

    /** Copy with another normalisation. */
    public ProbeConfig withNormalization(FeatureNormalization n) {
        return new ProbeConfig(n, trainer, trials, sampler, valFraction, seed, repeats, threads, epochs, batchSize, maxIterations,
                protocol, searchSeed, fixedParams);
    }

    /** Copy with another base seed of the final fits; under the robust protocol the search follows it. */
    public ProbeConfig withSeed(long s) {
        return new ProbeConfig(normalization, trainer, trials, sampler, valFraction, s, repeats, threads, epochs, batchSize, maxIterations,
                protocol, protocol == Protocol.ROBUST ? s : searchSeed, fixedParams);
    }

    /** Copy with another thread count. */
    public ProbeConfig withThreads(int n) {
        return new ProbeConfig(normalization, trainer, trials, sampler, valFraction, seed, repeats, n, epochs, batchSize, maxIterations,
                protocol, searchSeed, fixedParams);
    }

    /** Copy with another protocol; the robust one searches with the base seed, the study's with {@value #STUDY_PROCESSING_SEARCH_SEED}. */
    public ProbeConfig withProtocol(Protocol p) {
        return new ProbeConfig(normalization, trainer, trials, sampler, valFraction, seed, repeats, threads, epochs, batchSize, maxIterations,
                p, p == Protocol.ROBUST ? seed : STUDY_PROCESSING_SEARCH_SEED, fixedParams);
    }

    /** Copy with another search seed. */
    public ProbeConfig withSearchSeed(long s) {
        return new ProbeConfig(normalization, trainer, trials, sampler, valFraction, seed, repeats, threads, epochs, batchSize, maxIterations,
                protocol, s, fixedParams);
    }

    /** Copy with fixed hyper-parameters (empty: search again). */
    public ProbeConfig withFixedParams(Map<String, Double> params) {
        return new ProbeConfig(normalization, trainer, trials, sampler, valFraction, seed, repeats, threads, epochs, batchSize, maxIterations,
                protocol, searchSeed, params);
    }
}
