package org.encodertraces.report;

import java.util.Objects;

/**
 * One measurement of the audit's "after erasure" section: the same experiment on the same held-out
 * images, on the raw embeddings and after an eraser, so that what erasure removed (the trace
 * probes, the kNN gap) sits beside what it cost (semantic kNN and probe accuracy). Values are
 * fractions; a kNN gap or a recall change may be negative.
 *
 * @param encoderId the encoder's id in {@link ReportData#encoders()}
 * @param eraser the eraser's name: its file name, or {@code leace:jpeg} for one fitted inside the audit
 * @param method {@code leace} or {@code inlp}
 * @param concepts the erased concepts, comma-separated ({@code jpeg}, {@code Make})
 * @param evaluatedImages the images the section is measured on, none of which the eraser was fitted on
 * @param measure what was measured: {@code probe JPEG}, {@code acquisition Make}, {@code kNN gap JPEG},
 *     {@code kNN all-same JPEG}, {@code semantic probe}, {@code retrieval R@1 change}
 * @param erased whether {@code measure} is (one of) the erased concept(s): it should fall to chance
 * @param chance the chance level, or null where there is none (kNN gap, retrieval change)
 * @param before raw embeddings, mean over the experiment's seeds
 * @param beforeStd spread over seeds, or null with one seed
 * @param after erased embeddings, mean over the seeds
 * @param afterStd spread over seeds, or null with one seed
 * @param testSamples test rows (probes) or queries (kNN, retrieval) per seed
 */
public record ErasureRow(String encoderId, String eraser, String method, String concepts, int evaluatedImages, String measure,
                         boolean erased, Double chance, double before, Double beforeStd, double after, Double afterStd,
                         int testSamples) {
    /** Validates ranges: accuracies in [0, 1], differences in [-1, 1]. */
    public ErasureRow {
        Objects.requireNonNull(encoderId, "erasure encoderId");
        Objects.requireNonNull(eraser, "erasure eraser");
        Objects.requireNonNull(method, "erasure method");
        Objects.requireNonNull(concepts, "erasure concepts");
        Objects.requireNonNull(measure, "erasure measure");
        String w = "erasure " + eraser + "/" + measure + "/" + encoderId + ": ";
        if (signed(measure)) {
            signedFraction(before, w + "before");
            signedFraction(after, w + "after");
        } else {
            Checks.fraction(before, w + "before");
            Checks.fraction(after, w + "after");
        }
        Checks.optionalFraction(chance, w + "chance");
        Checks.optionalStd(beforeStd, w + "beforeStd");
        Checks.optionalStd(afterStd, w + "afterStd");
        if (evaluatedImages < 0 || testSamples < 0) {
            throw new IllegalArgumentException(w + "evaluatedImages and testSamples must be non-negative");
        }
    }

    /** Whether the measure is a difference of accuracies (kNN gap, retrieval change) rather than an accuracy. */
    public boolean signed() {
        return signed(measure);
    }

    private static boolean signed(String measure) {
        return measure.startsWith("kNN gap") || measure.startsWith("retrieval") && measure.contains("change");
    }

    /** After minus before, in fraction units. */
    public double change() {
        return after - before;
    }

    private static void signedFraction(double v, String what) {
        if (!(v >= -1 && v <= 1)) {
            throw new IllegalArgumentException(what + " must be a difference in [-1, 1], got " + v);
        }
    }
}
