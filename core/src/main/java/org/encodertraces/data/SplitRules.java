package org.encodertraces.data;

import java.util.function.Function;

/**
 * What a split must respect about a dataset's photos: the groups that stay on one side
 * ({@code together}: near-duplicates and the user's groups) and, among them, the near-duplicates,
 * which also count once in a test set ({@link AcquisitionSplit}).
 *
 * @param together       photos kept on one side of every split
 * @param nearDuplicates the near-duplicate groups (a part of {@code together})
 */
public record SplitRules(SplitGroups together, SplitGroups nearDuplicates) {
    /** No groups at all. */
    public static SplitRules none() {
        return new SplitRules(SplitGroups.none(), SplitGroups.none());
    }

    /** The same rules under other ids (e.g. sample ids to split ids). */
    public SplitRules mapIds(Function<String, String> f) {
        return new SplitRules(together.mapIds(f), nearDuplicates.mapIds(f));
    }
}
