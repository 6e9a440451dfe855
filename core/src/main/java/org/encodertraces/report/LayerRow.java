package org.encodertraces.report;

import java.util.Objects;

/**
 * One point of a trace curve over depth ({@code audit --layers}): a processing task's linear probe,
 * and the kNN gap where the dataset has classes, on one encoder's pooled tensor at one depth.
 * Fractions in [0, 1]; the gap in [-1, 1].
 *
 * @param encoderId the encoder's id in {@link ReportData#encoders()}
 * @param depth 1 for the first depth read; the encoder's own embedding is the last
 * @param depths how many depths the encoder was read at
 * @param layer the tensor read at this depth ({@code embedding (T)} for the encoder's own)
 * @param dim the pooled tensor's width
 * @param task the processing task (JPEG, Sharpening, ...)
 * @param accuracy the probe's accuracy, mean over seeds
 * @param accuracyStd its spread over seeds, or null with one seed
 * @param seeds the probe's final fits
 * @param chance the probe's chance level
 * @param testSamples the probe's test rows per seed
 * @param knnPosSame kNN accuracy with the database processed as the queries, or null when kNN did not run
 * @param knnNegSame kNN accuracy with the database processed otherwise, or null
 * @param knnQueries kNN queries, or null
 */
public record LayerRow(String encoderId, int depth, int depths, String layer, int dim, String task, double accuracy, Double accuracyStd,
                       int seeds, double chance, int testSamples, Double knnPosSame, Double knnNegSame, Integer knnQueries) {
    /** Validates ranges. */
    public LayerRow {
        Objects.requireNonNull(encoderId, "layer encoderId");
        Objects.requireNonNull(layer, "layer name");
        Objects.requireNonNull(task, "layer task");
        String w = "layer " + depth + "/" + task + "/" + encoderId + ": ";
        if (depth < 1 || depth > depths || dim < 1 || seeds < 1 || testSamples < 0) {
            throw new IllegalArgumentException(w + "needs 1 <= depth <= depths, dim >= 1, seeds >= 1, testSamples >= 0");
        }
        Checks.fraction(accuracy, w + "accuracy");
        Checks.optionalStd(accuracyStd, w + "accuracyStd");
        Checks.fraction(chance, w + "chance");
        Checks.optionalFraction(knnPosSame, w + "knnPosSame");
        Checks.optionalFraction(knnNegSame, w + "knnNegSame");
        if ((knnPosSame == null) != (knnNegSame == null) || (knnPosSame == null) != (knnQueries == null)) {
            throw new IllegalArgumentException(w + "kNN figures come together: pos-same, neg-same and queries");
        }
    }

    /** The kNN gap, pos-same minus neg-same, or null without kNN. */
    public Double knnGap() {
        return knnPosSame == null ? null : knnPosSame - knnNegSame;
    }

    /** The 95% interval of the probe's accuracy ({@link Intervals#withSeeds}). */
    public Interval accuracyInterval() {
        return Intervals.withSeeds(accuracy, testSamples, accuracyStd);
    }

    /** The 95% interval of the kNN gap ({@link Intervals#difference} of the two Wilson intervals), or null without kNN. */
    public Interval knnGapInterval() {
        if (knnPosSame == null || knnQueries <= 0) {
            return null;
        }
        return Intervals.difference(knnPosSame, Intervals.wilson(knnPosSame, knnQueries), knnNegSame,
                Intervals.wilson(knnNegSame, knnQueries));
    }
}
