package org.encodertraces.probe;

import java.util.List;
import java.util.Map;

/**
 * Everything a probe experiment found: the headline accuracy (mean and standard deviation over
 * the repeated final fits), the test metrics with the confusion matrix summed over repeats, the
 * chosen hyper-parameters and the whole search history.
 *
 * @param task            what was predicted (e.g. "jpeg", "Make")
 * @param classNames      class names in label order
 * @param config          the settings used
 * @param metrics         test metrics over all repeats (confusion summed; with equal test sets
 *                        per repeat its accuracy is the mean of the repeats' accuracies)
 * @param repeats         one entry per final fit, in seed order
 * @param accuracyMean    mean test accuracy over repeats
 * @param accuracyStd     population standard deviation (numpy's default, ddof=0) over repeats
 * @param bestParams      the hyper-parameters the search chose
 * @param trials          the search history
 * @param trainSize       rows the final fits were trained on (train + val)
 * @param searchTrainSize rows each search trial was trained on
 * @param valSize         validation rows of the search
 * @param testSize        test rows per repeat
 * @param notes           anything the reader should know (e.g. split ids without an embedding)
 */
public record ProbeResult(String task, List<String> classNames, ProbeConfig config, ClassificationMetrics metrics,
                          List<Repeat> repeats, double accuracyMean, double accuracyStd,
                          Map<String, Double> bestParams, List<Trial> trials,
                          int trainSize, int searchTrainSize, int valSize, int testSize, List<String> notes) {
    public ProbeResult {
        classNames = List.copyOf(classNames);
        repeats = List.copyOf(repeats);
        bestParams = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(bestParams)); // sorted: same order every run
        trials = List.copyOf(trials);
        notes = List.copyOf(notes);
    }

    /**
     * One final fit and its test evaluation.
     *
     * @param seed                 seed of this fit (training-set draw, SGD shuffles)
     * @param correct              test rows predicted right
     * @param accuracy             test top-1 accuracy
     * @param meanPerClassAccuracy test mean per-class accuracy
     * @param iterations           optimiser iterations or epochs
     * @param converged            whether the optimiser met its convergence criterion
     * @param objective            final objective value
     */
    public record Repeat(long seed, long correct, double accuracy, double meanPerClassAccuracy, int iterations, boolean converged,
                         double objective) {
    }

    /**
     * Chance on this test set: the accuracy of always answering its most frequent class, which is
     * 1/K on a balanced test set and more where classes are unequal (a grouped split).
     */
    public double chanceLevel() {
        return Math.max(metrics.chance(), metrics.majorityRate());
    }

    static double mean(double[] v) {
        double s = 0;
        for (double e : v) {
            s += e;
        }
        return s / v.length;
    }

    static double std(double[] v) {
        double m = mean(v);
        double s = 0;
        for (double e : v) {
            s += (e - m) * (e - m);
        }
        return Math.sqrt(s / v.length);
    }
}
