package org.encodertraces.report;

import java.util.List;

/**
 * What {@code traces dedup-check} shows: per processing operation, how well one encoder's embeddings
 * find a photo's original from its processed copy, independent of the experiment class that measured
 * it. Counts are kept so that every figure's interval ({@link Intervals#wilson}) can be formed from them.
 *
 * @param title the page title
 * @param created when the results were made, ISO-8601 instant
 * @param dataset the photos' folder or dataset name
 * @param model the encoder
 * @param database what the database holds, in words
 * @param mixedDatabase what the twist's database holds, in words
 * @param rows one per operation
 * @param notes what was left out and why, and other remarks a reader must see
 */
public record DedupReport(String title, String created, String dataset, String model, String database, String mixedDatabase,
                          List<Row> rows, List<String> notes) {
    public DedupReport {
        rows = List.copyOf(rows);
        notes = List.copyOf(notes);
    }

    /**
     * One operation's figures.
     *
     * @param queries processed photos queried (n)
     * @param hitsAt1 queries whose original ranks first among the originals
     * @param hitsAt5 queries whose original is among the first five
     * @param trueSimilarity the true duplicate's cosine similarity: 5th percentile, median, 95th percentile
     * @param nearestOther the nearest non-duplicate original's similarity: 5th percentile, median, 95th percentile
     * @param margin true minus nearest non-duplicate: 5th percentile, median, 95th percentile
     * @param negativeMargins queries whose nearest non-duplicate scores at least as high as the true duplicate
     * @param threshold the similarity threshold fitted on {@code fitPhotos} photos
     * @param heldOut photos the threshold is judged on (not among the fit photos)
     * @param misses held-out true duplicates below the threshold
     * @param falseAlarms held-out nearest non-duplicates at or above the threshold
     * @param outranked queries where a processed copy of another photo scores at least as high as the original
     * @param mixedHitsAt1 queries whose original ranks first in the mixed database
     */
    public record Row(String operation, int queries, int hitsAt1, int hitsAt5, double[] trueSimilarity, double[] nearestOther,
                      double[] margin, int negativeMargins, double threshold, int fitPhotos, int heldOut, int misses,
                      int falseAlarms, int outranked, int mixedHitsAt1) {
        public double recallAt1() {
            return (double) hitsAt1 / queries;
        }

        public double recallAt5() {
            return (double) hitsAt5 / queries;
        }

        /** Chance recall@k among the n originals. */
        public double chance(int k) {
            return Math.min(1.0, (double) k / queries);
        }

        public double missRate() {
            return heldOut == 0 ? Double.NaN : (double) misses / heldOut;
        }

        public double falseAlarmRate() {
            return heldOut == 0 ? Double.NaN : (double) falseAlarms / heldOut;
        }

        public double outrankedRate() {
            return (double) outranked / queries;
        }

        public double mixedRecallAt1() {
            return (double) mixedHitsAt1 / queries;
        }

        /** A count out of n with its Wilson interval. */
        public static Interval interval(int count, int n) {
            return Intervals.wilson(n == 0 ? 0 : (double) count / n, n);
        }
    }
}
