package org.encodertraces.knn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Does an embedding still find a photo's original after the study's processing? Each photo's
 * processed copy is a query; the database is the originals of all photos, so the query's own
 * original is its one true duplicate and every other original a non-duplicate. Measured per
 * operation:
 * <ul>
 * <li>recall@k of the original among all originals (the rank counts the non-duplicates scoring higher
 * <i>or equal</i>, so a tie is a miss);</li>
 * <li>the similarity of the true duplicate and of the nearest non-duplicate, and their margin;</li>
 * <li>the similarity threshold that best separates the two, <b>fitted on one half of the photos and
 * its error rates measured on the other half</b>, so that no photo judges the threshold it helped fit;</li>
 * <li>the study's twist: with the processed copies of the <i>other</i> photos (same operation) added to the
 * database, how often one of them scores at least as high as the true duplicate, and recall@1 in that
 * database. The query's own processed copy is never in any database.</li>
 * </ul>
 * Cosine similarity of L2-normalised float32 embeddings, accumulated in double; single-threaded
 * brute force (n queries x n candidates per operation), which is exact.
 */
public final class DuplicateRetrieval {
    /** What each database holds, in the words every output uses. */
    public static final String DATABASE = "the originals (unprocessed photos) of all n photos; a query's own original is its"
            + " only true duplicate. The query's own processed copy is never in the database";
    /** The twist's database. */
    public static final String MIXED_DATABASE = "the n originals plus the n-1 processed copies of the other photos under the"
            + " same operation (never the query itself)";

    private final long seed;

    /** An experiment whose threshold split (fit half, held-out half) is drawn with {@code seed}. */
    public DuplicateRetrieval(long seed) {
        this.seed = seed;
    }

    /** Summary of a distribution: minimum, 5th, 25th, 50th, 75th, 95th percentile, maximum. */
    public record Spread(double min, double p5, double p25, double median, double p75, double p95, double max) {
        static Spread of(double[] v) {
            double[] s = v.clone();
            Arrays.sort(s);
            return new Spread(s[0], q(s, 0.05), q(s, 0.25), q(s, 0.5), q(s, 0.75), q(s, 0.95), s[s.length - 1]);
        }

        /** Linear interpolation between order statistics (numpy's default). */
        private static double q(double[] s, double p) {
            double h = (s.length - 1) * p;
            int lo = (int) Math.floor(h);
            int hi = Math.min(s.length - 1, lo + 1);
            return s[lo] + (h - lo) * (s[hi] - s[lo]);
        }
    }

    /**
     * The threshold "duplicate when similarity &gt;= threshold", fitted on {@code fitPhotos} photos (their
     * true-duplicate and nearest-non-duplicate similarities, misses and false alarms weighted alike) and
     * judged on the {@code heldOutPhotos} others: {@code misses} true duplicates below it and {@code falseAlarms}
     * nearest non-duplicates at or above it, each out of {@code heldOutPhotos}.
     */
    public record Threshold(double threshold, int fitPhotos, int fitErrors, int heldOutPhotos, int misses, int falseAlarms) {
        public double missRate() {
            return heldOutPhotos == 0 ? Double.NaN : (double) misses / heldOutPhotos;
        }

        public double falseAlarmRate() {
            return heldOutPhotos == 0 ? Double.NaN : (double) falseAlarms / heldOutPhotos;
        }
    }

    /** One query: its photo, its rank among the originals, the two similarities, the nearest non-duplicate. */
    public record Query(String id, int rank, double trueSimilarity, double nearestOtherSimilarity, String nearestOtherId,
                        double nearestProcessedSimilarity, String nearestProcessedId) {
        /** True duplicate's similarity minus the nearest non-duplicate original's. */
        public double margin() {
            return trueSimilarity - nearestOtherSimilarity;
        }

        /** Whether a processed copy of another photo scores at least as high as the true duplicate. */
        public boolean outrankedByProcessed() {
            return nearestProcessedSimilarity >= trueSimilarity;
        }
    }

    /**
     * The figures of one operation over its {@code queries()} photos.
     *
     * @param hitsAt1 queries whose original ranks first among the originals
     * @param hitsAt5 queries whose original is among the first five
     * @param outrankedByProcessed queries where a processed copy of another photo scores at least as high as the original
     * @param mixedHitsAt1 queries whose original ranks first in the mixed database (originals and other processed copies)
     */
    public record OperationResult(String operation, int queries, int hitsAt1, int hitsAt5, Spread trueSimilarity,
                                  Spread nearestOtherSimilarity, Spread margin, int negativeMargins, Threshold threshold,
                                  int outrankedByProcessed, int mixedHitsAt1, List<Query> perQuery) {
        public double recallAt1() {
            return (double) hitsAt1 / queries;
        }

        public double recallAt5() {
            return (double) hitsAt5 / queries;
        }

        /** Chance recall@k: k of the n originals drawn at random. */
        public double chance(int k) {
            return Math.min(1.0, (double) k / queries);
        }

        public double outrankedRate() {
            return (double) outrankedByProcessed / queries;
        }

        public double mixedRecallAt1() {
            return (double) mixedHitsAt1 / queries;
        }
    }

    /** The fewest photos the experiment accepts: the threshold needs photos on both halves. */
    public static final int MIN_PHOTOS = 10;

    /**
     * Runs every operation.
     *
     * @param ids         the photos, in row order (the same for every matrix)
     * @param originals   one row per photo: the embedding of the photo as it is
     * @param operations  the operations' names
     * @param processed   per operation, one row per photo: the embedding of its processed copy
     */
    public List<OperationResult> run(List<String> ids, float[][] originals, List<String> operations, List<float[][]> processed) {
        int n = ids.size();
        if (n < MIN_PHOTOS) {
            throw new IllegalArgumentException("duplicate retrieval needs at least " + MIN_PHOTOS + " photos (a threshold is fitted on"
                    + " half of them and judged on the other half), has " + n);
        }
        if (originals.length != n || processed.size() != operations.size()) {
            throw new IllegalArgumentException("rows and ids differ: " + originals.length + " originals, " + n + " ids, "
                    + processed.size() + " processed sets for " + operations.size() + " operations");
        }
        double[][] o = normalized(originals);
        int[] order = shuffled(n);
        int[] fit = Arrays.copyOfRange(order, 0, n / 2);
        int[] held = Arrays.copyOfRange(order, n / 2, n);
        List<OperationResult> out = new ArrayList<>();
        for (int op = 0; op < operations.size(); op++) {
            if (processed.get(op).length != n) {
                throw new IllegalArgumentException(operations.get(op) + ": " + processed.get(op).length + " processed rows for " + n + " photos");
            }
            out.add(one(operations.get(op), ids, o, normalized(processed.get(op)), fit, held));
        }
        return out;
    }

    private OperationResult one(String operation, List<String> ids, double[][] o, double[][] q, int[] fit, int[] held) {
        int n = ids.size();
        int hits1 = 0;
        int hits5 = 0;
        int outranked = 0;
        int mixed1 = 0;
        int negative = 0;
        double[] trueSim = new double[n];
        double[] nearest = new double[n];
        double[] margins = new double[n];
        List<Query> queries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            double t = dot(q[i], o[i]);
            int above = 0;
            double best = Double.NEGATIVE_INFINITY;
            int bestId = -1;
            for (int j = 0; j < n; j++) {
                if (j == i) {
                    continue;
                }
                double s = dot(q[i], o[j]);
                if (s >= t) {
                    above++;
                }
                if (s > best) {
                    best = s;
                    bestId = j;
                }
            }
            double bestP = Double.NEGATIVE_INFINITY;
            int bestPId = -1;
            for (int j = 0; j < n; j++) {
                if (j == i) {
                    continue;
                }
                double s = dot(q[i], q[j]);
                if (s > bestP) {
                    bestP = s;
                    bestPId = j;
                }
            }
            int rank = above + 1;
            hits1 += rank == 1 ? 1 : 0;
            hits5 += rank <= 5 ? 1 : 0;
            Query qr = new Query(ids.get(i), rank, t, best, ids.get(bestId), bestP, ids.get(bestPId));
            outranked += qr.outrankedByProcessed() ? 1 : 0;
            mixed1 += rank == 1 && !qr.outrankedByProcessed() ? 1 : 0;
            negative += qr.margin() <= 0 ? 1 : 0;
            trueSim[i] = t;
            nearest[i] = best;
            margins[i] = qr.margin();
            queries.add(qr);
        }
        Threshold th = threshold(trueSim, nearest, fit, held);
        return new OperationResult(operation, n, hits1, hits5, Spread.of(trueSim), Spread.of(nearest), Spread.of(margins), negative, th,
                outranked, mixed1, queries);
    }

    /**
     * The threshold with the fewest errors on the fit photos (a miss: true duplicate below it; a false
     * alarm: nearest non-duplicate at or above it), halfway between the two neighbouring similarities
     * it falls between; the lowest such threshold when several tie. Then counted on the held-out photos.
     */
    static Threshold threshold(double[] trueSim, double[] nearest, int[] fit, int[] held) {
        int m = fit.length;
        double[] cand = new double[2 * m];
        for (int k = 0; k < m; k++) {
            cand[k] = trueSim[fit[k]];
            cand[m + k] = nearest[fit[k]];
        }
        Arrays.sort(cand);
        double bestT = cand[0];
        int bestErr = Integer.MAX_VALUE;
        // candidate thresholds: below everything, between neighbours, above everything
        for (int c = 0; c <= cand.length; c++) {
            double t = c == 0 ? cand[0] : c == cand.length ? Math.nextUp(cand[cand.length - 1])
                    : (cand[c - 1] + cand[c]) / 2;
            int err = 0;
            for (int idx : fit) {
                err += trueSim[idx] < t ? 1 : 0;
                err += nearest[idx] >= t ? 1 : 0;
            }
            if (err < bestErr) {
                bestErr = err;
                bestT = t;
            }
        }
        int misses = 0;
        int alarms = 0;
        for (int idx : held) {
            misses += trueSim[idx] < bestT ? 1 : 0;
            alarms += nearest[idx] >= bestT ? 1 : 0;
        }
        return new Threshold(bestT, m, bestErr, held.length, misses, alarms);
    }

    /** 0..n-1 in a seeded random order (Fisher-Yates). */
    private int[] shuffled(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }

    private static double[][] normalized(float[][] rows) {
        double[][] out = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            double s = 0;
            for (float v : rows[i]) {
                s += (double) v * v;
            }
            double inv = s > 0 ? 1 / Math.sqrt(s) : 0;
            double[] r = new double[rows[i].length];
            for (int k = 0; k < r.length; k++) {
                r[k] = rows[i][k] * inv;
            }
            out[i] = r;
        }
        return out;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int k = 0; k < a.length; k++) {
            s += a[k] * b[k];
        }
        return s;
    }
}
