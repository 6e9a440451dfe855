package org.encodertraces.report;

import java.util.Objects;

/**
 * Phone/camera pair retrieval (PairCams-style) for one encoder: the query's pair photo (same
 * scene, other device) must be found among distractors taken either with the query's own
 * device or with the other device. Recalls are fractions in [0, 1].
 *
 * @param encoderId the encoder's id in {@link ReportData#encoders()}
 * @param queryClass the query device class ({@code phone}, {@code camera}) or {@code overall}
 * @param recallAt1QueryDevice recall@1 when the distractors come from the query's own device
 * @param recallAt5QueryDevice recall@5 in that set-up, or null
 * @param recallAt1OtherDevice recall@1 when the distractors come from the other device (the pair's)
 * @param recallAt5OtherDevice recall@5 in that set-up, or null
 * @param queries number of queries
 * @param candidates photos each query ranks (its target plus the distractors), or null when not
 *     recorded; chance recall@k is k / candidates
 */
public record RetrievalRow(String encoderId, String queryClass, double recallAt1QueryDevice,
                           Double recallAt5QueryDevice, double recallAt1OtherDevice, Double recallAt5OtherDevice,
                           int queries, Integer candidates) {
    /** The query class of the row that pools all queries. */
    public static final String OVERALL = "overall";

    /** Validates ranges. */
    public RetrievalRow {
        Objects.requireNonNull(encoderId, "retrieval encoderId");
        if (queryClass == null || queryClass.isBlank()) {
            queryClass = OVERALL;
        }
        String w = "retrieval " + encoderId + "/" + queryClass + ": ";
        Checks.fraction(recallAt1QueryDevice, w + "recallAt1QueryDevice");
        Checks.optionalFraction(recallAt5QueryDevice, w + "recallAt5QueryDevice");
        Checks.fraction(recallAt1OtherDevice, w + "recallAt1OtherDevice");
        Checks.optionalFraction(recallAt5OtherDevice, w + "recallAt5OtherDevice");
        if (queries < 0) {
            throw new IllegalArgumentException(w + "queries must be non-negative");
        }
        if (candidates != null && candidates < 1) {
            throw new IllegalArgumentException(w + "candidates must be at least 1, got " + candidates);
        }
    }

    /** A row without the candidate count. */
    public RetrievalRow(String encoderId, String queryClass, double recallAt1QueryDevice, Double recallAt5QueryDevice,
                        double recallAt1OtherDevice, Double recallAt5OtherDevice, int queries) {
        this(encoderId, queryClass, recallAt1QueryDevice, recallAt5QueryDevice, recallAt1OtherDevice,
                recallAt5OtherDevice, queries, null);
    }

    /** Chance recall@k, k / candidates (at most 1), or null when the candidate count is unknown. */
    public Double chance(int k) {
        return candidates == null ? null : Math.min(1.0, k / (double) candidates);
    }

    /**
     * How much recall@1 falls when the distractors share the query's device (fraction units):
     * the part of retrieval that acquisition traces, not content, decide.
     */
    public double drop() {
        return recallAt1OtherDevice - recallAt1QueryDevice;
    }
}
