package org.encodertraces.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The split of one acquisition attribute on a user's photos, as the audit and {@code traces probe
 * --attribute} make it: class-balanced like the FlickrExif splits, sized by the data
 * ({@link SplitBuilder.Options#sized}), and keeping every group of {@link SplitGroups} on one side.
 * Where the plain split already keeps every group on one side it is the one used (so nothing
 * changes where there is nothing to keep together); otherwise the grouped split is used and the
 * plain one is returned too, for contrast, with the test photos it would have let leak.
 *
 * <p>Near-duplicates in the test part answer alike, so counting each of them would overstate the
 * test count (30 frames of 10 bursts are 10 independent answers, not 30): in the split measured, a
 * near-duplicate group counts once in test (its first id); its other test photos are left out of the
 * split, not moved to another part.
 *
 * @param split     the split to measure on
 * @param ungrouped the plain split when it lets a group straddle test and training, else null
 * @param leaking   test photos of the plain split with a photo of their group in its training or validation part
 * @param sizes     the sizes per class
 * @param smallestClass photos of the smallest kept class, from which the sizes were taken
 * @param collapsed test photos left out because a near-duplicate of theirs is in test
 */
public record AcquisitionSplit(SplitFile split, SplitFile ungrouped, List<String> leaking, SplitBuilder.Options sizes, int smallestClass,
                               int collapsed) {
    public AcquisitionSplit {
        leaking = List.copyOf(leaking);
    }

    /**
     * Builds it.
     *
     * @param labels       label per id (unknown and blank labels are left out)
     * @param minPerClass  smallest class kept
     * @param testFraction share of the smallest class that goes to test
     * @param valFraction  share of the rest that goes to validation
     * @param groups       photos that must stay together (ids as in {@code labels})
     * @param nearDuplicates the near-duplicate groups among them (ids as in {@code labels}), counted once in test
     * @param notes        receives classes left out because their groups could not be split
     * @throws IllegalArgumentException when no split can be made (too few photos, or groups that
     *     leave fewer than two classes); the message says why
     */
    public static AcquisitionSplit of(String attribute, Map<String, String> labels, int minPerClass, double testFraction, double valFraction,
                                      long seed, SplitGroups groups, SplitGroups nearDuplicates, List<String> notes) {
        SplitBuilder.Options o = SplitBuilder.Options.sized(labels, minPerClass, testFraction, valFraction, seed);
        SplitFile plain = SplitBuilder.build(attribute, labels, o);
        int smallest = o.testPerClass() + o.valPerClass() + plain.trainIds().size() / plain.classes().size();
        SplitGroups here = groups.restrictTo(labels.keySet());
        List<String> trainVal = new ArrayList<>(plain.trainIds());
        trainVal.addAll(plain.valIds());
        List<String> leaking = here.leaking(trainVal, plain.testIds());
        if (leaking.isEmpty() && here.leaking(plain.trainIds(), plain.valIds()).isEmpty()) {
            SplitFile once = onceInTest(plain, nearDuplicates);
            return new AcquisitionSplit(once, null, List.of(), o, smallest, plain.testIds().size() - once.testIds().size());
        }
        List<String> why = new ArrayList<>();
        try {
            SplitFile grouped = SplitBuilder.build(attribute, labels, o, here, why);
            SplitFile once = onceInTest(grouped, nearDuplicates);
            return new AcquisitionSplit(once, leaking.isEmpty() ? null : plain, leaking, o, smallest,
                    grouped.testIds().size() - once.testIds().size());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + (why.isEmpty() ? "" : " (" + String.join("; ", why) + ")")
                    + "; a plain split would put " + leaking.size() + " of its " + plain.testIds().size()
                    + " test photos beside a photo of their group in training", e);
        } finally {
            notes.addAll(why);
        }
    }

    /** The split with one test photo per near-duplicate group (the first in test order). */
    static SplitFile onceInTest(SplitFile s, SplitGroups nearDuplicates) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        List<String> ids = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int i = 0; i < s.testIds().size(); i++) {
            String id = s.testIds().get(i);
            if (!nearDuplicates.isGrouped(id) || seen.add(nearDuplicates.keyOf(id))) {
                ids.add(id);
                labels.add(s.testLabels().get(i));
            }
        }
        if (ids.size() == s.testIds().size()) {
            return s;
        }
        return new SplitFile(s.targetAttribute(), s.classes(), s.trainIds(), s.trainLabels(), s.valIds(), s.valLabels(), ids, labels,
                s.numericIds(), s.keyOrder());
    }
}
