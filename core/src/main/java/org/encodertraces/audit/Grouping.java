package org.encodertraces.audit;

import org.encodertraces.data.GroupBy;
import org.encodertraces.data.NearDuplicates;

/**
 * Which photos an audit keeps on one side of its acquisition splits: near-duplicates found from the
 * pixels (on by default) and the user's own groups ({@code --group-by}).
 *
 * @param groupBy               the user's grouping, or null for none
 * @param nearDuplicateDistance largest Hamming distance (bits of 64) between near-duplicates, or -1 to look for none
 */
public record Grouping(GroupBy groupBy, int nearDuplicateDistance) {
    public Grouping {
        if (nearDuplicateDistance < -1 || nearDuplicateDistance > 64) {
            throw new IllegalArgumentException("near-duplicate distance must be between 0 and 64 bits (or off): " + nearDuplicateDistance);
        }
    }

    /** Near-duplicates at the default distance, no user groups. */
    public static Grouping defaults() {
        return new Grouping(null, NearDuplicates.DEFAULT_MAX_DISTANCE);
    }

    /** Whether near-duplicates are looked for. */
    public boolean nearDuplicates() {
        return nearDuplicateDistance >= 0;
    }

    /** In words, for notes and plans. */
    public String describe() {
        String nd = nearDuplicates() ? "near-duplicates (perceptual hash within " + nearDuplicateDistance + " of 64 bits)" : null;
        String g = groupBy == null ? null : "photos sharing " + groupBy.describe();
        return nd != null && g != null ? nd + " and " + g : nd != null ? nd : g != null ? g : "nothing";
    }
}
