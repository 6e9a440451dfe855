package org.encodertraces.report;

import java.util.Objects;

/**
 * The dataset audit's association between a trace label and the semantic class: Cramér's V of
 * their contingency table, 0 (independent) to 1 (one determines the other). A high value warns
 * that a probe for that trace could be reading content instead.
 *
 * @param trace the trace label, such as {@code Make} or {@code JPEG quality}
 * @param cramersV Cramér's V in [0, 1]
 * @param n number of images with the label
 */
public record AuditRow(String trace, double cramersV, int n) {
    /** Validates. */
    public AuditRow {
        Objects.requireNonNull(trace, "audit trace");
        Checks.fraction(cramersV, "audit " + trace + ": cramersV");
        if (n < 0) {
            throw new IllegalArgumentException("audit " + trace + ": n must be non-negative");
        }
    }
}
