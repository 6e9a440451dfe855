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
        Map<String, List<String>> byClass = new TreeMap<>(SplitBuilder::compareCodePoints);
        for (Map.Entry<String, String> e : new TreeMap<>(labels).entrySet()) {
            String l = e.getValue();
            if (l == null || l.isBlank() || FlickrExifLabels.UNKNOWN.equals(l)) {
                continue;
            }
            byClass.computeIfAbsent(l, k -> new ArrayList<>()).add(e.getKey());
        }
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
