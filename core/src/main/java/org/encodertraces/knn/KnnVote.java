package org.encodertraces.knn;

import java.util.HashMap;
import java.util.Map;

/**
 * Majority vote over the labels of the k nearest neighbours. Tie rule: among the classes with
 * the highest count, the class of the nearest neighbour (lowest rank) wins; with neighbour ranks
 * themselves ordered by similarity and then by lower database index, the vote is deterministic.
 */
public final class KnnVote {
    /** The tie rule, as written into results. */
    public static final String TIE_RULE =
            "majority over the k labels; a tie in count goes to the tied class whose member ranks nearest";

    private KnnVote() {
    }

    /** The predicted class for neighbour labels given best first ({@code n} of them are used). */
    public static int vote(int[] labelsBestFirst, int n) {
        if (n < 1) {
            throw new IllegalArgumentException("no neighbours to vote");
        }
        Map<Integer, Integer> counts = new HashMap<>();
        int max = 0;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, counts.merge(labelsBestFirst[i], 1, Integer::sum));
        }
        for (int i = 0; i < n; i++) {
            if (counts.get(labelsBestFirst[i]) == max) {
                return labelsBestFirst[i];
            }
        }
        throw new AssertionError("unreachable");
    }

    /** Whether two or more classes share the highest count among the first {@code n} labels (the tie rule decides). */
    public static boolean tied(int[] labels, int n) {
        Map<Integer, Integer> counts = new HashMap<>();
        int max = 0;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, counts.merge(labels[i], 1, Integer::sum));
        }
        int atMax = 0;
        for (int c : counts.values()) {
            atMax += c == max ? 1 : 0;
        }
        return atMax > 1;
    }
}
