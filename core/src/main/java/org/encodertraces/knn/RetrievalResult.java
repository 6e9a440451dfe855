package org.encodertraces.knn;

import java.util.List;

/**
 * The outcome of a {@link PairRetrieval} run: recall@k per distractor set-up, per query device
 * class and overall.
 *
 * @param deviceClasses device class names, index = class id (e.g. phone, camera)
 * @param subjects      number of subjects (pairs)
 * @param ks            the k of each recall@k
 * @param recalls       one row per (set-up, query class or "all", k)
 */
public record RetrievalResult(List<String> deviceClasses, int subjects, List<Integer> ks, List<Recall> recalls) {

    /** Set-up name: distractors are the other photos of the query's own device class (the hard case). */
    public static final String QUERY_DEVICE = "negatives=query-device";
    /** Set-up name: distractors are the photos of the other device class except the target (the easy case). */
    public static final String OTHER_DEVICE = "negatives=other-device";

    /**
     * One recall figure.
     *
     * @param negatives  {@link #QUERY_DEVICE} or {@link #OTHER_DEVICE}
     * @param queryClass device class of the queries, or "all"
     * @param queries    number of queries
     * @param k          recall@k
     * @param hits       queries whose target ranked within the top k
     * @param recall     hits / queries
     */
    public record Recall(String negatives, String queryClass, int queries, int k, int hits, double recall) {
    }

    /** The recall for a set-up, query class ("all" for overall) and k. */
    public double recall(String negatives, String queryClass, int k) {
        return recalls.stream().filter(r -> r.negatives().equals(negatives) && r.queryClass().equals(queryClass) && r.k() == k)
                .findFirst().orElseThrow(() -> new IllegalArgumentException("no recall for " + negatives + " " + queryClass + " @" + k))
                .recall();
    }
}
