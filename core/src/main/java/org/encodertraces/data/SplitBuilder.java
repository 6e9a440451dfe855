package org.encodertraces.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.encodertraces.exif.FlickrExifLabels;

/**
 * Builds acquisition-probe splits like the FlickrExif benchmark's from any collection of labelled
 * ids: per attribute, the classes with at least {@code minCount} photos, class-balanced test and
 * validation sets of a fixed size per class, the rest for training; seeded, and independent of the
 * input order.
 *
 * <p>The published splits are balanced in training too: every class has exactly the same number
 * of training ids (Aperture 4745 per class, Model 320), i.e. the larger classes were cut down to
 * the smallest kept class. {@link Options#balancedTrain()} reproduces that (the default); without
 * it every remaining photo goes to training.
 *
 * <p>The procedure: labels that are null, empty or {@link FlickrExifLabels#UNKNOWN} are dropped;
 * an id listed twice keeps its first label; classes are sorted by code point (Python's
 * {@code sorted}, as scikit-learn's {@code LabelEncoder} does); within each class the ids are
 * sorted and shuffled with a random generator seeded by the seed and the class name (so adding
 * a class does not reshuffle the others); the first {@code testPerClass} go to test, the next
 * {@code valPerClass} to val, the rest (cut to the common size when balanced) to train. Output
 * lists are grouped by class index, as in the published files.
 */
public final class SplitBuilder {

    /**
     * How to split.
     *
     * @param minCount      smallest class kept (photos with a known label); at least val + test + 1
     * @param valPerClass   validation photos per class
     * @param testPerClass  test photos per class
     * @param seed          random seed
     * @param balancedTrain cut every class's training set to the smallest one, as the published splits do
     */
    public record Options(int minCount, int valPerClass, int testPerClass, long seed, boolean balancedTrain) {
        public Options {
            if (valPerClass < 0 || testPerClass < 0) {
                throw new IllegalArgumentException("val and test sizes per class must be >= 0");
            }
            if (minCount < valPerClass + testPerClass + 1) {
                throw new IllegalArgumentException("minCount " + minCount + " leaves no training photo: it must be at least val + test + 1 = "
                        + (valPerClass + testPerClass + 1));
            }
        }

        /** The sizes most published splits use (500 test and 200 val per class), minimum class 1000, seed 0, balanced train. */
        public static Options defaults() {
            return new Options(1000, 200, 500, 0, true);
        }

        /**
         * Sizes from the data, balanced as the published splits are: every kept class gives as many
         * photos as the smallest kept class (m), of which {@code round(testFraction * m)} go to test and
         * {@code round(valFraction * (m - test))} to validation (at least one each), the rest to train.
         * So the test count grows with the folder: 2 classes of 5,000 photos give 1,500 test photos per
         * class at 0.3, where fixed sizes would give the same handful whatever the folder.
         *
         * @param labels label per id, as {@link #build} takes them
         * @throws IllegalArgumentException when no class has {@code minCount} photos or the smallest
         *     kept class leaves no training photo
         */
        public static Options sized(Map<String, String> labels, int minCount, double testFraction, double valFraction, long seed) {
            if (!(testFraction > 0 && testFraction < 1) || !(valFraction > 0 && valFraction < 1)) {
                throw new IllegalArgumentException("test and validation fractions must be in (0, 1): " + testFraction + ", " + valFraction);
            }
            int m = Integer.MAX_VALUE;
            for (List<String> ids : byClass(labels).values()) {
                if (ids.size() >= minCount) {
                    m = Math.min(m, ids.size());
                }
            }
            if (m == Integer.MAX_VALUE) {
                throw new IllegalArgumentException("no class has at least " + minCount + " photos");
            }
            int test = Math.max(1, (int) Math.round(testFraction * m));
            int val = Math.max(1, (int) Math.round(valFraction * (m - test)));
            if (m - test - val < 1) {
                throw new IllegalArgumentException("the smallest class has " + m + " photos: " + test + " for test and " + val
                        + " for validation leave none for training (3 needed)");
            }
            return new Options(Math.max(minCount, test + val + 1), val, test, seed, true);
        }
    }

    private SplitBuilder() {
    }

    /**
     * Builds the split of one attribute.
     *
     * @param attribute the target attribute name written into the file
     * @param labels    label string per id (in any order)
     * @throws IllegalArgumentException when no class has {@code minCount} photos
     */
    public static SplitFile build(String attribute, Map<String, String> labels, Options o) {
        Map<String, List<String>> byClass = byClass(labels);
        Map<String, List<String>> kept = new LinkedHashMap<>();
        byClass.forEach((c, ids) -> {
            if (ids.size() >= o.minCount()) {
                kept.put(c, ids);
            }
        });
        if (kept.isEmpty()) {
            throw new IllegalArgumentException(attribute + ": no class has at least " + o.minCount() + " photos (largest: "
                    + byClass.values().stream().mapToInt(List::size).max().orElse(0) + ")");
        }
        int trainSize = Integer.MAX_VALUE;
        for (List<String> ids : kept.values()) {
            trainSize = Math.min(trainSize, ids.size() - o.valPerClass() - o.testPerClass());
        }
        List<String> classes = new ArrayList<>(kept.keySet());
        List<String> trainIds = new ArrayList<>();
        List<String> valIds = new ArrayList<>();
        List<String> testIds = new ArrayList<>();
        List<Integer> trainL = new ArrayList<>();
        List<Integer> valL = new ArrayList<>();
        List<Integer> testL = new ArrayList<>();
        boolean numeric = true;
        for (int c = 0; c < classes.size(); c++) {
            List<String> ids = new ArrayList<>(kept.get(classes.get(c)));
            Collections.shuffle(ids, new Random(o.seed() * 0x9E3779B97F4A7C15L ^ hash64(classes.get(c))));
            int t = o.testPerClass();
            int v = o.valPerClass();
            int end = o.balancedTrain() ? t + v + trainSize : ids.size();
            for (int i = 0; i < end; i++) {
                String id = ids.get(i);
                numeric &= id.matches("-?\\d{1,18}");
                if (i < t) {
                    testIds.add(id);
                    testL.add(c);
                } else if (i < t + v) {
                    valIds.add(id);
                    valL.add(c);
                } else {
                    trainIds.add(id);
                    trainL.add(c);
                }
            }
        }
        return new SplitFile(attribute, classes, trainIds, trainL, valIds, valL, testIds, testL, numeric);
    }

    /** Ids per class (sorted by id), classes by code point; unknown and blank labels left out. */
    private static Map<String, List<String>> byClass(Map<String, String> labels) {
        Map<String, List<String>> byClass = new TreeMap<>(SplitBuilder::compareCodePoints);
        for (Map.Entry<String, String> e : new TreeMap<>(labels).entrySet()) {
            String l = e.getValue();
            if (l == null || l.isBlank() || FlickrExifLabels.UNKNOWN.equals(l)) {
                continue;
            }
            byClass.computeIfAbsent(l, k -> new ArrayList<>()).add(e.getKey());
        }
        return byClass;
    }

    /**
     * Builds the split of one attribute keeping every group of {@code groups} on one side: no photo
     * in test or validation shares its group (near-duplicates, a camera, a session) with a training
     * photo. Where no two kept photos are grouped this is exactly {@link #build(String, Map, Options)}.
     *
     * <p>Otherwise groups are taken in a seeded order (independent of the input order) and each joins
     * test while that brings the test counts of its classes closer to {@link Options#testPerClass()}
     * (summed over its classes), else validation on the same rule with {@link Options#valPerClass()},
     * else training. A class with no test or no training photo after that cannot be measured; it is
     * left out, with a note in {@code notes} saying why. Training is cut to the smallest class's
     * training count when {@link Options#balancedTrain()}. Test and validation counts then differ
     * between classes by up to a group's size: chance is the most frequent test class's share.
     *
     * @param groups which photos stay together (ids as in {@code labels})
     * @param notes  receives the classes left out and why
     * @throws IllegalArgumentException when fewer than two classes are left
     */
    public static SplitFile build(String attribute, Map<String, String> labels, Options o, SplitGroups groups, List<String> notes) {
        Map<String, List<String>> kept = new LinkedHashMap<>();
        byClass(labels).forEach((c, ids) -> {
            if (ids.size() >= o.minCount()) {
                kept.put(c, ids);
            }
        });
        List<String> keptIds = new ArrayList<>();
        kept.values().forEach(keptIds::addAll);
        SplitGroups g = groups.restrictTo(keptIds);
        if (g.isEmpty()) {
            return build(attribute, labels, o);
        }
        List<String> classes = new ArrayList<>(kept.keySet());
        Map<String, Integer> classOf = new java.util.HashMap<>();
        for (int c = 0; c < classes.size(); c++) {
            for (String id : kept.get(classes.get(c))) {
                classOf.put(id, c);
            }
        }
        Map<String, List<String>> members = new TreeMap<>();
        for (String id : new java.util.TreeSet<>(keptIds)) {
            members.computeIfAbsent(g.keyOf(id), k -> new ArrayList<>()).add(id);
        }
        List<String> order = new ArrayList<>(members.keySet());
        Collections.shuffle(order, new Random(o.seed() * 0x9E3779B97F4A7C15L ^ hash64("groups of " + attribute)));
        int k = classes.size();
        int[] test = new int[k];
        int[] val = new int[k];
        int[] groupsOf = new int[k];
        List<List<String>> trainBy = new ArrayList<>();
        List<List<String>> valBy = new ArrayList<>();
        List<List<String>> testBy = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            trainBy.add(new ArrayList<>());
            valBy.add(new ArrayList<>());
            testBy.add(new ArrayList<>());
        }
        for (String key : order) {
            int[] count = new int[k];
            for (String id : members.get(key)) {
                count[classOf.get(id)]++;
            }
            for (int c = 0; c < k; c++) {
                groupsOf[c] += count[c] > 0 ? 1 : 0;
            }
            List<List<String>> side = closer(test, count, o.testPerClass()) ? testBy : closer(val, count, o.valPerClass()) ? valBy : trainBy;
            int[] tally = side == testBy ? test : side == valBy ? val : null;
            for (String id : members.get(key)) {
                int c = classOf.get(id);
                side.get(c).add(id);
                if (tally != null) {
                    tally[c]++;
                }
            }
        }
        List<Integer> usable = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            if (testBy.get(c).isEmpty() || trainBy.get(c).isEmpty()) {
                notes.add(attribute + " class '" + classes.get(c) + "' left out: its " + kept.get(classes.get(c)).size() + " photos form "
                        + groupsOf[c] + " group(s) of photos that must stay together, which leave " + (testBy.get(c).isEmpty()
                        ? "no test photo" : "no training photo") + " (its groups would have to be cut)");
            } else {
                usable.add(c);
            }
        }
        if (usable.size() < 2) {
            throw new IllegalArgumentException(attribute + ": " + usable.size() + " of " + k + " classes can be split without cutting"
                    + " a group of photos that must stay together (2 needed)");
        }
        int trainSize = Integer.MAX_VALUE;
        for (int c : usable) {
            trainSize = Math.min(trainSize, trainBy.get(c).size());
        }
        List<String> outClasses = new ArrayList<>();
        List<String> trainIds = new ArrayList<>();
        List<String> valIds = new ArrayList<>();
        List<String> testIds = new ArrayList<>();
        List<Integer> trainL = new ArrayList<>();
        List<Integer> valL = new ArrayList<>();
        List<Integer> testL = new ArrayList<>();
        boolean numeric = true;
        for (int c : usable) {
            int label = outClasses.size();
            outClasses.add(classes.get(c));
            List<String> tr = trainBy.get(c);
            for (String id : testBy.get(c)) {
                testIds.add(id);
                testL.add(label);
            }
            for (String id : valBy.get(c)) {
                valIds.add(id);
                valL.add(label);
            }
            for (String id : o.balancedTrain() ? tr.subList(0, trainSize) : tr) {
                trainIds.add(id);
                trainL.add(label);
            }
        }
        for (List<String> l : List.of(trainIds, valIds, testIds)) {
            for (String id : l) {
                numeric &= id.matches("-?\\d{1,18}");
            }
        }
        return new SplitFile(attribute, outClasses, trainIds, trainL, valIds, valL, testIds, testL, numeric);
    }

    /** Whether adding {@code count} to {@code have} brings it closer to {@code target} per class, summed over the group's classes. */
    private static boolean closer(int[] have, int[] count, int target) {
        long before = 0;
        long after = 0;
        for (int c = 0; c < have.length; c++) {
            if (count[c] > 0) {
                before += Math.abs(have[c] - target);
                after += Math.abs(have[c] + count[c] - target);
            }
        }
        return after < before;
    }

    /** Compares strings by Unicode code point, as Python's sorted does (String.compareTo uses UTF-16 units). */
    static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    private static long hash64(String s) {
        long h = 0xcbf29ce484222325L; // FNV-1a over UTF-16 units: stable across JVMs, unlike String.hashCode's 32 bits
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }
}
