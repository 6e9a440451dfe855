package org.encodertraces.knn;

import java.util.List;
import java.util.Map;
import org.encodertraces.validity.Validity;

/**
 * The outcome of a {@link KnnInfluence} run: per set-up accuracy (a fraction in [0, 1], averaged
 * over test operations and, where it appears, over q and over the uniform seeds), the study's
 * headline gap pos-same minus neg-same, per-class accuracy, and every configuration's own figure.
 *
 * @param operations     operation names, in input order
 * @param k              neighbours voted over
 * @param tieRule        the vote's tie rule, in words
 * @param databaseSize   training images (database rows)
 * @param queries        test images per operation
 * @param uniformSeeds   seeds of the uniform set-up's draws
 * @param accuracy       per set-up mean accuracy
 * @param gapPosMinusNeg accuracy(pos-same) - accuracy(neg-same); NaN with a single operation
 * @param perClass       per set-up, per class label: mean accuracy over the set-up's configurations
 * @param configurations every (set-up, test op, positive op, negative op or seed) evaluated
 * @param protocol       whose uniform draw: the study's numpy draw or the robust per-image hash
 * @param chance         chance level: the share of the queries' most common class ({@link Validity#chance})
 */
public record KnnResult(List<String> operations, int k, String tieRule, int databaseSize, int queries,
                        List<Long> uniformSeeds, Map<KnnSetup, Double> accuracy, double gapPosMinusNeg,
                        Map<KnnSetup, Map<Integer, Double>> perClass, List<Configuration> configurations,
                        org.encodertraces.rng.Protocol protocol, double chance) {

    /** Whether every set-up reached the ceiling ({@link Validity#ceiling}): the gap then says nothing. */
    public boolean atCeiling() {
        return Validity.ceiling(accuracy.values().stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** Queries with a vote tie, summed over the configurations of each set-up. */
    public Map<KnnSetup, Integer> voteTies() {
        Map<KnnSetup, Integer> m = new java.util.EnumMap<>(KnnSetup.class);
        for (Configuration c : configurations) {
            m.merge(c.setup(), c.voteTies(), Integer::sum);
        }
        return m;
    }

    /**
     * One evaluated database configuration.
     *
     * @param setup      the set-up it counts towards
     * @param testOp     operation of the queries
     * @param positiveOp operation of same-class training images ("drawn" for uniform)
     * @param negativeOp operation of other-class training images ("drawn" for uniform)
     * @param seed       the uniform draw's seed, or null
     * @param correct    correctly classified queries
     * @param accuracy   correct / queries
     * @param voteTies   queries whose vote had two or more classes sharing the top count (decided
     *                   by our rule; the study's script breaks them arbitrarily)
     */
    public record Configuration(KnnSetup setup, String testOp, String positiveOp, String negativeOp, Long seed,
                                int correct, double accuracy, int voteTies) {
    }
}
