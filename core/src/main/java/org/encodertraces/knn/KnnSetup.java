package org.encodertraces.knn;

/**
 * The five database set-ups of the study's kNN experiment. For a query under test operation p, a
 * training image of the query's class (a positive) is represented by its version under the
 * positive operation and one of another class (a negative) by its version under the negative one.
 */
public enum KnnSetup {
    /** Baseline: positives and negatives under p. */
    ALL_SAME("all-same"),
    /** Positives under p, negatives under q != p. */
    POS_SAME("pos-same"),
    /** Positives under q != p, negatives under p. */
    NEG_SAME("neg-same"),
    /** Positives and negatives under the same q != p. */
    ALL_DIFF("all-diff"),
    /** Every training image under one operation drawn uniformly per image (seeded), the same draw for positives and negatives. */
    UNIFORM("uniform");

    private final String label;

    KnnSetup(String label) {
        this.label = label;
    }

    /** The study's name for the set-up, e.g. {@code pos-same}. */
    public String label() {
        return label;
    }
}
