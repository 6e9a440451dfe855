package org.encodertraces.report;

import java.util.ArrayList;
import java.util.List;
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
 * @param classNames the probe's class names in label order, or null when not recorded
 * @param confusion test confusion counts summed over seeds, rows = true class, columns = predicted
 *     class, in {@code classNames} order; null when not recorded
 */
public record ProbeRow(String task, ProbeKind kind, String encoderId, double accuracy, Double accuracyStd, int seeds,
                       double chance, Double meanPerClassAccuracy, int testSamples, List<String> classNames,
                       List<List<Long>> confusion) {
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
        classNames = classNames == null ? null : List.copyOf(classNames);
        if (confusion != null) {
            List<List<Long>> m = new ArrayList<>();
            for (List<Long> row : confusion) {
                if (row.size() != confusion.size()) {
                    throw new IllegalArgumentException(w + "confusion matrix must be square, got a row of " + row.size()
                            + " in " + confusion.size() + " rows");
                }
                m.add(List.copyOf(row));
            }
            if (classNames != null && classNames.size() != m.size()) {
                throw new IllegalArgumentException(w + classNames.size() + " class names for a " + m.size()
                        + "-class confusion matrix");
            }
            confusion = List.copyOf(m);
        }
    }

    /** A row without class names or confusion matrix. */
    public ProbeRow(String task, ProbeKind kind, String encoderId, double accuracy, Double accuracyStd, int seeds,
                    double chance, Double meanPerClassAccuracy, int testSamples) {
        this(task, kind, encoderId, accuracy, accuracyStd, seeds, chance, meanPerClassAccuracy, testSamples, null,
                null);
    }

    /** Suffix of a task measured on a split that ignores the groups of photos that must stay together, for contrast only. */
    public static final String UNGROUPED = " (ungrouped)";

    /** Whether a task names a contrast figure (a split that lets near-duplicates or grouped photos straddle it), not a result. */
    public static boolean isContrast(String task) {
        return task.endsWith(UNGROUPED);
    }

    /** Accuracy minus chance, in fraction units. */
    public double aboveChance() {
        return accuracy - chance;
    }
}
