package org.encodertraces.report;

import java.util.Objects;

/**
 * A linear probe's result for one encoder on one task, over seeds. Accuracies are fractions in [0, 1].
 *
 * @param task the task group, such as {@code JPEG}, {@code Sharpening}, {@code Make}, {@code Model (smart vs non-smart)}
 * @param kind processing or acquisition
 * @param encoderId the encoder's id in {@link ReportData#encoders()}
 * @param accuracy top-1 accuracy, mean over seeds
 * @param accuracyStd standard deviation over seeds, or null with a single seed
 * @param seeds number of seeds (splits or restarts) the mean is over
 * @param chance accuracy of always guessing the most frequent training class (1/classes when balanced)
 * @param meanPerClassAccuracy balanced accuracy (mean of per-class recalls), or null
 * @param testSamples test-set size per seed
 */
public record ProbeRow(String task, ProbeKind kind, String encoderId, double accuracy, Double accuracyStd, int seeds,
                       double chance, Double meanPerClassAccuracy, int testSamples) {
    /** Validates ranges. */
    public ProbeRow {
        Objects.requireNonNull(task, "probe task");
        Objects.requireNonNull(kind, "probe kind");
        Objects.requireNonNull(encoderId, "probe encoderId");
        String w = "probe " + task + "/" + encoderId + ": ";
        Checks.fraction(accuracy, w + "accuracy");
        Checks.optionalStd(accuracyStd, w + "accuracyStd");
        Checks.fraction(chance, w + "chance");
        Checks.optionalFraction(meanPerClassAccuracy, w + "meanPerClassAccuracy");
        if (seeds < 1 || testSamples < 0) {
            throw new IllegalArgumentException(w + "seeds must be >= 1 and testSamples >= 0");
        }
    }

    /** Accuracy minus chance, in fraction units. */
    public double aboveChance() {
        return accuracy - chance;
    }
}
