package org.encodertraces.validity;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The validity rules of every experiment in one place: how many images a figure needs, when a
 * seeded train/test split can be formed, when kNN applies and which k it takes, what chance is,
 * which test counts are small samples and when a figure sits at its ceiling. The audit plans with
 * these rules before any work, and the experiments and commands apply the same ones to what they
 * actually got, so the console, the result files and the report say the same thing.
 *
 * <p>Each {@code ...Problem} method returns null when the figure can be formed, else one sentence
 * naming the reason and the minimum needed, in the user's words (images, operations, classes,
 * options), ready to be a note.
 */
public final class Validity {
    /** A processing probe needs at least this many images embedded under every operation of its task. */
    public static final int MIN_PROBE_IMAGES = 10;
    /** kNN and the dataset audit compare classes: they need at least this many. */
    public static final int MIN_CLASSES = 2;
    /** The dataset audit (Cramér's V between classes and traces) needs at least this many images. */
    public static final int MIN_DATASET_AUDIT_IMAGES = 10;
    /** Below this many test images (per seed) a figure is marked as a small sample. */
    public static final int SMALL_SAMPLE = 50;
    /**
     * A kNN result whose every set-up reaches this accuracy is at its ceiling: the semantic task is
     * so easy on these images that processing cannot move a neighbour (at most 2 queries in 100 are
     * left to move), and a gap near zero then says nothing about the encoder.
     */
    public static final double CEILING = 0.98;
    /** What the report and the console say of a kNN figure at its ceiling. */
    public static final String CEILING_NOTE = "ceiling: every set-up at " + pct(CEILING) + " or more, so the classes are"
            + " too easy here for processing to move a neighbour; a gap near zero says nothing about the encoder";
    /** What is said of kNN on a dataset with a single class. */
    public static final String ONE_CLASS = "not applicable (one class): with a single class every neighbour votes for the"
            + " query's class, so every set-up would read 100% whatever the encoder; kNN needs at least " + MIN_CLASSES
            + " classes";

    private Validity() {
    }

    /** Test images of a seeded split of n images: round(fraction x n), as {@code ImageSplit.random} takes them. */
    public static int testCount(int n, double testFraction) {
        return (int) Math.round(testFraction * n);
    }

    /** Training images of that split (the kNN database). */
    public static int trainCount(int n, double testFraction) {
        return n - testCount(n, testFraction);
    }

    /** Why a seeded split of n images with this test fraction leaves a side empty, or null. */
    public static String splitProblem(int n, double testFraction) {
        int t = testCount(n, testFraction);
        if (t >= 1 && t < n) {
            return null;
        }
        return "a test fraction of " + num(testFraction) + " of " + n + " image(s) leaves " + (t < 1 ? "no test image" : "no training image")
                + " (at least " + minImagesForSplit(testFraction) + " images needed, or another --test-fraction)";
    }

    /** The fewest images whose split with this test fraction has both sides. */
    public static int minImagesForSplit(double testFraction) {
        for (int n = 2; n < 1_000_000; n++) {
            int t = testCount(n, testFraction);
            if (t >= 1 && t < n) {
                return n;
            }
        }
        throw new IllegalArgumentException("test fraction " + testFraction + " never splits images");
    }

    /** The fewest images a processing probe takes with this test fraction. */
    public static int minProbeImages(double testFraction) {
        return Math.max(MIN_PROBE_IMAGES, minImagesForSplit(testFraction));
    }

    /**
     * Why a processing probe on n images (embedded under every operation of its task) cannot be
     * formed, or null.
     */
    public static String probeProblem(int n, double testFraction) {
        int min = minProbeImages(testFraction);
        if (n < min) {
            return "needs at least " + min + " images embedded under every operation of the task, has " + n;
        }
        return splitProblem(n, testFraction);
    }

    /**
     * The fewest images whose training side holds more than k images with this test fraction (and
     * a test side of at least one), the kNN minimum.
     */
    public static int minKnnImages(int k, double testFraction) {
        int n = Math.max(minImagesForSplit(testFraction), k + 1);
        while (trainCount(n, testFraction) <= k || testCount(n, testFraction) < 1) {
            n++;
        }
        return n;
    }

    /**
     * Why k nearest neighbours cannot be taken from a database of this size, or null: k must be
     * below the database size, else every query votes over the whole database and the figure
     * measures the class frequencies, not the embedding.
     */
    public static String kProblem(long k, long databaseSize) {
        if (k < 1) {
            return "k must be at least 1, got " + k;
        }
        if (k >= databaseSize) {
            return "k = " + k + " is not below the database size (" + databaseSize + " training image(s)): every query would vote over"
                    + " the whole database, which measures class frequencies, not the embedding; use k of at most " + Math.max(1, databaseSize - 1)
                    + (databaseSize <= 1 ? " with more training images" : "");
        }
        return null;
    }

    /** Refuses a k that is not below the database size (see {@link #kProblem}). */
    public static void requireK(long k, long databaseSize) {
        String p = kProblem(k, databaseSize);
        if (p != null) {
            throw new IllegalArgumentException(p);
        }
    }

    /**
     * Why kNN under the five set-ups cannot be formed on a dataset of n images in this many classes
     * with this k and test fraction, or null.
     */
    public static String knnProblem(int n, int classes, int k, double testFraction) {
        if (classes < MIN_CLASSES) {
            return ONE_CLASS;
        }
        String split = splitProblem(n, testFraction);
        if (split != null) {
            return split;
        }
        int db = trainCount(n, testFraction);
        if (k >= db) {
            return "k = " + k + " needs a database of more than " + k + " training images; " + n + " images give " + db
                    + " (the training side, " + pct(1 - testFraction) + "): at least " + minKnnImages(k, testFraction)
                    + " images needed, or a smaller -k";
        }
        return null;
    }

    /** The number of distinct non-negative labels. */
    public static int classes(int[] labels) {
        return (int) Arrays.stream(labels).filter(v -> v >= 0).distinct().count();
    }

    /**
     * Chance level of a classification of these labels: the share of the most common class, what
     * answering that class for every query scores (1 / classes when they are balanced). 0 when empty.
     */
    public static double chance(int[] labels) {
        Map<Integer, Integer> counts = new HashMap<>();
        int max = 0;
        int n = 0;
        for (int v : labels) {
            if (v < 0) {
                continue;
            }
            n++;
            max = Math.max(max, counts.merge(v, 1, Integer::sum));
        }
        return n == 0 ? 0 : (double) max / n;
    }

    /** Whether a figure on n test images is a small sample. */
    public static boolean smallSample(long n) {
        return n < SMALL_SAMPLE;
    }

    /** The console's small-sample mark for n test images, or "". */
    public static String smallSampleMark(long n) {
        return smallSample(n) ? "small sample (n=" + n + " < " + SMALL_SAMPLE + ")" : "";
    }

    /** Whether every one of these accuracies is at the ceiling (see {@link #CEILING}); false when there are none. */
    public static boolean ceiling(double... accuracies) {
        if (accuracies.length == 0) {
            return false;
        }
        for (double a : accuracies) {
            if (!(a >= CEILING)) {
                return false;
            }
        }
        return true;
    }

    private static String pct(double f) {
        return String.format(Locale.ROOT, "%.0f%%", 100 * f);
    }

    private static String num(double f) {
        String s = String.format(Locale.ROOT, "%.3f", f).replaceAll("0+$", "");
        return s.endsWith(".") ? s + "0" : s;
    }
}
