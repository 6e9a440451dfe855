package org.encodertraces.report;

import java.util.Objects;
import org.encodertraces.validity.Validity;

/**
 * kNN classification accuracy of one encoder on one processing task under the study's five
 * set-ups (fractions in [0, 1], means over seeds; the {@code *Std} fields are null when not measured).
 * In {@code posSame} the query shares its processing with the database images of its own class
 * and not with the others; in {@code negSame} it shares it with the other classes only.
 *
 * @param task processing task, such as {@code JPEG} or {@code Interpolation}
 * @param encoderId the encoder's id in {@link ReportData#encoders()}
 * @param k neighbours voted
 * @param allSame query and all database images share the same processing
 * @param posSame database images of the query's class share its processing, the others differ
 * @param negSame database images of other classes share its processing, its own class differs
 * @param allDiff no database image shares its processing
 * @param uniform processing drawn at random for every image
 * @param allSameStd spread of {@code allSame} over seeds, or null
 * @param posSameStd spread of {@code posSame}, or null
 * @param negSameStd spread of {@code negSame}, or null
 * @param allDiffStd spread of {@code allDiff}, or null
 * @param uniformStd spread of {@code uniform}, or null
 * @param queries test images (queries) each configuration was evaluated on, or null when not recorded;
 *     the report's intervals need it
 * @param chance chance level: the share of the queries' most common class (1 / classes when balanced),
 *     or null when not recorded (reports written before it was)
 */
public record KnnRow(String task, String encoderId, int k, double allSame, double posSame, double negSame,
                     double allDiff, double uniform, Double allSameStd, Double posSameStd, Double negSameStd,
                     Double allDiffStd, Double uniformStd, Integer queries, Double chance) {
    /** Validates ranges. */
    public KnnRow {
        Objects.requireNonNull(task, "knn task");
        Objects.requireNonNull(encoderId, "knn encoderId");
        String w = "knn " + task + "/" + encoderId + ": ";
        if (k < 1) {
            throw new IllegalArgumentException(w + "k must be >= 1, got " + k);
        }
        Checks.fraction(allSame, w + "allSame");
        Checks.fraction(posSame, w + "posSame");
        Checks.fraction(negSame, w + "negSame");
        Checks.fraction(allDiff, w + "allDiff");
        Checks.fraction(uniform, w + "uniform");
        Checks.optionalStd(allSameStd, w + "allSameStd");
        Checks.optionalStd(posSameStd, w + "posSameStd");
        Checks.optionalStd(negSameStd, w + "negSameStd");
        Checks.optionalStd(allDiffStd, w + "allDiffStd");
        Checks.optionalStd(uniformStd, w + "uniformStd");
        if (queries != null && queries < 0) {
            throw new IllegalArgumentException(w + "queries must be non-negative, got " + queries);
        }
        if (chance != null) {
            Checks.fraction(chance, w + "chance");
        }
    }

    /** A row without a recorded chance level. */
    public KnnRow(String task, String encoderId, int k, double allSame, double posSame, double negSame, double allDiff,
                  double uniform, Double allSameStd, Double posSameStd, Double negSameStd, Double allDiffStd,
                  Double uniformStd, Integer queries) {
        this(task, encoderId, k, allSame, posSame, negSame, allDiff, uniform, allSameStd, posSameStd, negSameStd,
                allDiffStd, uniformStd, queries, null);
    }

    /** Whether every set-up is at the ceiling ({@link Validity#ceiling}): the gap then says nothing about the encoder. */
    public boolean atCeiling() {
        return Validity.ceiling(allSame, posSame, negSame, allDiff, uniform);
    }

    /** Whether the row rests on fewer than {@link Validity#SMALL_SAMPLE} queries (false when not recorded). */
    public boolean smallSample() {
        return queries != null && Validity.smallSample(queries);
    }

    /** A row without the query count. */
    public KnnRow(String task, String encoderId, int k, double allSame, double posSame, double negSame, double allDiff,
                  double uniform, Double allSameStd, Double posSameStd, Double negSameStd, Double allDiffStd,
                  Double uniformStd) {
        this(task, encoderId, k, allSame, posSame, negSame, allDiff, uniform, allSameStd, posSameStd, negSameStd,
                allDiffStd, uniformStd, null, null);
    }

    /** A row without spreads (single seed). */
    public static KnnRow of(String task, String encoderId, int k, double allSame, double posSame, double negSame,
                            double allDiff, double uniform) {
        return new KnnRow(task, encoderId, k, allSame, posSame, negSame, allDiff, uniform, null, null, null, null,
                null, null, null);
    }

    /** A row without spreads, with the number of queries each set-up was evaluated on. */
    public static KnnRow of(String task, String encoderId, int k, double allSame, double posSame, double negSame,
                            double allDiff, double uniform, int queries) {
        return new KnnRow(task, encoderId, k, allSame, posSame, negSame, allDiff, uniform, null, null, null, null,
                null, queries, null);
    }

    /** A row without spreads, with its query count and chance level. */
    public static KnnRow of(String task, String encoderId, int k, double allSame, double posSame, double negSame,
                            double allDiff, double uniform, int queries, double chance) {
        return new KnnRow(task, encoderId, k, allSame, posSame, negSame, allDiff, uniform, null, null, null, null,
                null, queries, chance);
    }

    /** The study's headline: posSame minus negSame, how far shared processing pulls neighbours (fraction units). */
    public double gap() {
        return posSame - negSame;
    }
}
