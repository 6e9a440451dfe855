package org.encodertraces.knn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.encodertraces.linalg.FloatMatrix;
import org.encodertraces.linalg.TopK;

/**
 * The study's PairCams near-duplicate retrieval: every subject has two photos, one per device
 * class (phone, camera); a query's target is the other photo of its subject. Recall@k is measured
 * with distractors from the query's own device class only ({@link RetrievalResult#QUERY_DEVICE}, the
 * hard case when embeddings cluster by device) or from the other class only
 * ({@link RetrievalResult#OTHER_DEVICE}). The query itself is never a candidate.
 *
 * <p>Cosine similarity on L2-normalised embeddings; one {@link TopK} pass with three candidate
 * lists per query (own-class photos, other-class photos, the target alone) serves both set-ups.
 * The target's rank counts the distractors scoring higher, or equal with a lower row index.
 */
public final class PairRetrieval {
    private final int threads;

    /** A retrieval experiment using {@code threads} search threads (0 = all processors). */
    public PairRetrieval(int threads) {
        this.threads = threads;
    }

    /**
     * Runs both set-ups.
     *
     * @param embeddings    one row per photo
     * @param subject       subject id per photo; each subject has exactly one photo per device class
     * @param deviceClass   device class per photo, 0 or 1, indexing {@code deviceNames}
     * @param deviceNames   the two device class names
     * @param ks            the recall cut-offs, e.g. 1 and 5
     */
    public RetrievalResult run(FloatMatrix embeddings, int[] subject, int[] deviceClass, List<String> deviceNames, int... ks) {
        int n = embeddings.rows();
        if (subject.length != n || deviceClass.length != n) {
            throw new IllegalArgumentException(n + " embeddings but " + subject.length + " subjects and "
                    + deviceClass.length + " device classes");
        }
        if (deviceNames.size() != 2) {
            throw new IllegalArgumentException("need exactly two device classes, got " + deviceNames);
        }
        if (ks.length == 0 || Arrays.stream(ks).anyMatch(k -> k < 1)) {
            throw new IllegalArgumentException("recall cut-offs must be >= 1: " + Arrays.toString(ks));
        }
        int[] target = targets(subject, deviceClass);
        int kmax = Arrays.stream(ks).max().orElseThrow();
        FloatMatrix x = embeddings.l2NormalizedRows();
        TopK.Result r = new TopK(threads).search(x, x, kmax, 3, (q, row) -> {
            if (row == q) {
                return 0L;
            }
            long m = deviceClass[row] == deviceClass[q] ? 1L : 2L;
            return row == target[q] ? m | 4L : m;
        });
        int[][] rank = new int[2][n]; // [set-up][query], 1-based, kmax + 1 when beyond kmax
        for (int q = 0; q < n; q++) {
            float ts = r.score(2, q, 0);
            int t = target[q];
            int beat = 0;
            for (int j = 0; j < kmax; j++) {
                int i = r.index(0, q, j);
                if (i < 0) {
                    break;
                }
                float s = r.score(0, q, j);
                if (s > ts || (s == ts && i < t)) {
                    beat++;
                }
            }
            rank[0][q] = beat + 1;
            int pos = kmax + 1;
            for (int j = 0; j < kmax; j++) {
                if (r.index(1, q, j) == t) {
                    pos = j + 1;
                    break;
                }
            }
            rank[1][q] = pos;
        }
        List<RetrievalResult.Recall> rows = new ArrayList<>();
        String[] setups = {RetrievalResult.QUERY_DEVICE, RetrievalResult.OTHER_DEVICE};
        for (int s = 0; s < 2; s++) {
            for (int c = -1; c < 2; c++) {
                for (int k : ks) {
                    int queries = 0;
                    int hits = 0;
                    for (int q = 0; q < n; q++) {
                        if (c >= 0 && deviceClass[q] != c) {
                            continue;
                        }
                        queries++;
                        if (rank[s][q] <= k) {
                            hits++;
                        }
                    }
                    rows.add(new RetrievalResult.Recall(setups[s], c < 0 ? "all" : deviceNames.get(c), queries, k, hits,
                            queries == 0 ? Double.NaN : (double) hits / queries));
                }
            }
        }
        return new RetrievalResult(List.copyOf(deviceNames), n / 2, Arrays.stream(ks).boxed().toList(), List.copyOf(rows));
    }

    /** The other photo of each photo's subject; checks every subject has one photo per device class. */
    static int[] targets(int[] subject, int[] deviceClass) {
        Map<Integer, int[]> bySubject = new HashMap<>();
        for (int i = 0; i < subject.length; i++) {
            int d = deviceClass[i];
            if (d != 0 && d != 1) {
                throw new IllegalArgumentException("photo " + i + ": device class " + d + ", expected 0 or 1");
            }
            int[] pair = bySubject.computeIfAbsent(subject[i], s -> new int[] {-1, -1});
            if (pair[d] >= 0) {
                throw new IllegalArgumentException("subject " + subject[i] + " has two photos of device class " + d
                        + " (rows " + pair[d] + " and " + i + ")");
            }
            pair[d] = i;
        }
        int[] target = new int[subject.length];
        for (int i = 0; i < subject.length; i++) {
            int[] pair = bySubject.get(subject[i]);
            int other = pair[1 - deviceClass[i]];
            if (other < 0) {
                throw new IllegalArgumentException("subject " + subject[i] + " has no photo of device class " + (1 - deviceClass[i]));
            }
            target[i] = other;
        }
        return target;
    }
}
