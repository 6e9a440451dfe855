package org.encodertraces.report;

/**
 * The report's 95% intervals, all computed from counts so that they are deterministic: the Wilson
 * score interval for an accuracy or recall on n test images, widened by the spread over seeds where
 * there are seeds, and Newcombe's hybrid score interval for a difference of two such figures (the
 * kNN gap, the retrieval drop). The method is stated once on the page ({@link #METHOD}).
 *
 * <p>Why these and not a bootstrap: the result files keep counts, not per-image correctness, and
 * both intervals behave well at 0% and 100% and on a handful of test images, where the normal
 * approximation gives impossible ends.
 */
public final class Intervals {
    /** The two-sided 95% normal quantile. */
    public static final double Z = 1.959963984540054;
    /** Below this many test images (per seed) a figure is flagged as a small sample. */
    public static final int SMALL_SAMPLE = org.encodertraces.validity.Validity.SMALL_SAMPLE;
    /** The method, in the words the page and the exported tables use. */
    public static final String METHOD = "95% intervals: Wilson score interval on the test count n (per seed), widened"
            + " by the spread s over seeds where there are seeds (effective n = n / (1 + n s\u00b2 / (p(1\u2212p))));"
            + " for a difference (kNN gap pos-same \u2212 neg-same, retrieval drop) Newcombe's hybrid score interval"
            + " from the two Wilson intervals, which treats the two set-ups as independent and so is wider than a"
            + " paired interval over the same queries; for means over tasks, the parts' intervals combined as"
            + " independent. Computed from counts, so the same on every run. Figures on fewer than " + SMALL_SAMPLE
            + " test images are marked as small samples. A cell is heat-coloured only when its interval excludes"
            + " chance (probes) or zero (gaps, drops).";

    private Intervals() {
    }

    /** The Wilson score interval of a proportion {@code p} observed on {@code n} trials (n may be fractional). */
    public static Interval wilson(double p, double n) {
        if (!(n > 0)) {
            return new Interval(0, 1);
        }
        double z2 = Z * Z;
        double denom = 1 + z2 / n;
        double centre = (p + z2 / (2 * n)) / denom;
        double half = Z / denom * Math.sqrt(Math.max(0, p * (1 - p) / n + z2 / (4 * n * n)));
        return new Interval(Math.max(0, centre - half), Math.min(1, centre + half));
    }

    /**
     * The Wilson interval of a mean accuracy {@code p} over seeds, each seed tested on {@code n}
     * images, with standard deviation {@code std} over seeds (null or 0 for one seed): the seed
     * spread is added to the binomial variance through a smaller effective n.
     */
    public static Interval withSeeds(double p, int n, Double std) {
        double neff = n;
        double pq = p * (1 - p);
        if (std != null && std > 0 && pq > 0 && n > 0) {
            neff = n / (1 + n * std * std / pq);
        }
        return wilson(p, neff);
    }

    /** Newcombe's hybrid score interval of {@code p1 - p2} from each proportion's own interval. */
    public static Interval difference(double p1, Interval i1, double p2, Interval i2) {
        double d = p1 - p2;
        double lo = d - Math.sqrt(sq(p1 - i1.lo()) + sq(i2.hi() - p2));
        double hi = d + Math.sqrt(sq(i1.hi() - p1) + sq(p2 - i2.lo()));
        return new Interval(Math.max(-1, lo), Math.min(1, hi));
    }

    /** The interval of a probe's accuracy, or null when its test count is unknown. */
    public static Interval probe(ProbeRow r) {
        return r.testSamples() <= 0 ? null : withSeeds(r.accuracy(), r.testSamples(), r.accuracyStd());
    }

    /** The interval of one kNN set-up's accuracy, or null when the row has no query count. */
    public static Interval knn(KnnRow r, double accuracy, Double std) {
        return r.queries() == null || r.queries() <= 0 ? null : withSeeds(accuracy, r.queries(), std);
    }

    /** The interval of a kNN row's gap, pos-same minus neg-same, or null when the row has no query count. */
    public static Interval knnGap(KnnRow r) {
        Interval pos = knn(r, r.posSame(), r.posSameStd());
        Interval neg = knn(r, r.negSame(), r.negSameStd());
        return pos == null ? null : difference(r.posSame(), pos, r.negSame(), neg);
    }

    /** The interval of a recall on a retrieval row's queries, or null without queries. */
    public static Interval recall(RetrievalRow r, double recall) {
        return r.queries() <= 0 ? null : wilson(recall, r.queries());
    }

    /** The interval of the change from other-device to query-device recall@1 (query minus other; negative = drop). */
    public static Interval recallChange(RetrievalRow r) {
        if (r.queries() <= 0) {
            return null;
        }
        return difference(r.recallAt1QueryDevice(), recall(r, r.recallAt1QueryDevice()), r.recallAt1OtherDevice(),
                recall(r, r.recallAt1OtherDevice()));
    }

    private static double sq(double x) {
        return x * x;
    }
}
