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
 * @param split     the split to measure on
 * @param ungrouped the plain split when it lets a group straddle test and training, else null
 * @param leaking   test photos of the plain split with a photo of their group in its training or validation part
 * @param sizes     the sizes per class
 * @param smallestClass photos of the smallest kept class, from which the sizes were taken
 */
public record AcquisitionSplit(SplitFile split, SplitFile ungrouped, List<String> leaking, SplitBuilder.Options sizes, int smallestClass) {
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
     * @param notes        receives classes left out because their groups could not be split
     * @throws IllegalArgumentException when no split can be made (too few photos, or groups that
     *     leave fewer than two classes); the message says why
     */
    public static AcquisitionSplit of(String attribute, Map<String, String> labels, int minPerClass, double testFraction, double valFraction,
                                      long seed, SplitGroups groups, List<String> notes) {
        SplitBuilder.Options o = SplitBuilder.Options.sized(labels, minPerClass, testFraction, valFraction, seed);
        SplitFile plain = SplitBuilder.build(attribute, labels, o);
        int smallest = o.testPerClass() + o.valPerClass() + plain.trainIds().size() / plain.classes().size();
        SplitGroups here = groups.restrictTo(labels.keySet());
        List<String> trainVal = new ArrayList<>(plain.trainIds());
        trainVal.addAll(plain.valIds());
        List<String> leaking = here.leaking(trainVal, plain.testIds());
        if (leaking.isEmpty() && here.leaking(plain.trainIds(), plain.valIds()).isEmpty()) {
            return new AcquisitionSplit(plain, null, List.of(), o, smallest);
        }
        List<String> why = new ArrayList<>();
        try {
            SplitFile grouped = SplitBuilder.build(attribute, labels, o, here, why);
            return new AcquisitionSplit(grouped, leaking.isEmpty() ? null : plain, leaking, o, smallest);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + (why.isEmpty() ? "" : " (" + String.join("; ", why) + ")")
                    + "; a plain split would put " + leaking.size() + " of its " + plain.testIds().size()
                    + " test photos beside a photo of their group in training", e);
        } finally {
            notes.addAll(why);
        }
    }
}
