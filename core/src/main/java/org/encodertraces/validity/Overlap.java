package org.encodertraces.validity;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.encodertraces.embed.EmbeddingSet;

/**
 * The evaluated images that are also in their own training set or kNN database: by identity
 * ({@link SampleIdentity}: the same sample id, or the same anonymous file and row) and by content
 * (a test row whose embedding equals a training row's bit for bit under the same operation: the same
 * photo under two names, since every operation but the interpolation ones is deterministic per
 * image). Evaluating an image against itself inflates every figure, so the commands refuse such
 * inputs unless told to go on.
 *
 * @param testRows   test (query) images checked
 * @param byId       test images whose identity is also on the training side, with their id
 * @param byContent  further test images with the embedding of a training image: "test id = training id (OP)"
 */
public record Overlap(int testRows, List<String> byId, List<String> byContent) {
    /** Copies the lists. */
    public Overlap {
        byId = List.copyOf(byId);
        byContent = List.copyOf(byContent);
    }

    /** Whether no test image is on the training side. */
    public boolean none() {
        return byId.isEmpty() && byContent.isEmpty();
    }

    /** Test images on the training side, by either rule. */
    public int count() {
        return byId.size() + byContent.size();
    }

    /**
     * Compares the training and test sets of each operation (same operations, in the same order; the
     * ids of all training sets are those of the first, likewise for the test sets).
     *
     * @param operations names for the messages, one per pair of sets
     */
    public static Overlap find(List<String> operations, List<EmbeddingSet> train, List<EmbeddingSet> test) {
        return find(operations, train, null, test, null);
    }

    /** The rows of one set on both sides of a split of it (for copies inside one set), without copying the rows. */
    public static Overlap within(List<String> operations, List<EmbeddingSet> sets, int[] train, int[] test) {
        return find(operations, sets, train, sets, test);
    }

    private static Overlap find(List<String> operations, List<EmbeddingSet> train, int[] trainRows, List<EmbeddingSet> test, int[] testRows) {
        if (train.isEmpty() || train.size() != test.size() || operations.size() != train.size()) {
            throw new IllegalArgumentException("one training and one test set per operation needed");
        }
        int[] tr = trainRows != null ? trainRows : java.util.stream.IntStream.range(0, train.get(0).rows()).toArray();
        int[] te = testRows != null ? testRows : java.util.stream.IntStream.range(0, test.get(0).rows()).toArray();
        List<String> trainKeys = SampleIdentity.keys(train.get(0));
        List<String> testKeys = SampleIdentity.keys(test.get(0));
        Set<String> trainSet = new HashSet<>();
        for (int r : tr) {
            trainSet.add(trainKeys.get(r));
        }
        List<String> byId = new ArrayList<>();
        boolean[] flagged = new boolean[te.length];
        for (int i = 0; i < te.length; i++) {
            if (trainSet.contains(testKeys.get(te[i]))) {
                byId.add(test.get(0).ids().get(te[i]));
                flagged[i] = true;
            }
        }
        List<String> byContent = new ArrayList<>();
        for (int o = 0; o < train.size(); o++) {
            EmbeddingSet a = train.get(o);
            EmbeddingSet b = test.get(o);
            if (a.dim() != b.dim()) {
                continue;
            }
            Map<Integer, List<Integer>> byHash = new HashMap<>();
            for (int r : tr) {
                byHash.computeIfAbsent(hash(a, r), h -> new ArrayList<>()).add(r);
            }
            for (int i = 0; i < te.length; i++) {
                if (flagged[i]) {
                    continue;
                }
                List<Integer> candidates = byHash.get(hash(b, te[i]));
                if (candidates == null) {
                    continue;
                }
                for (int r : candidates) {
                    if (same(b, te[i], a, r)) {
                        byContent.add(b.ids().get(te[i]) + " = " + a.ids().get(r) + " (" + operations.get(o) + ")");
                        flagged[i] = true;
                        break;
                    }
                }
            }
        }
        return new Overlap(te.length, byId, byContent);
    }

    /**
     * {@link #find} for a training side whose rows are read elsewhere (by a cluster's workers, in row
     * ranges): the identities are compared here, the contents by whoever holds the rows, with
     * {@link #firstEqualRows} on each block, the per-block answers reduced to their minimum (ignoring -1).
     *
     * @param trainKeys  the training rows' identities ({@link SampleIdentity#keys})
     * @param testKeys   the test rows' identities
     * @param trainIds   the training rows' ids, for the messages
     * @param testIds    the test rows' ids
     * @param firstEqual per operation, per test row: the lowest training row with the test row's embedding bit
     *                   for bit, or -1
     */
    public static Overlap of(List<String> operations, List<String> trainKeys, List<String> testKeys, List<String> trainIds,
                             List<String> testIds, int[][] firstEqual) {
        if (operations.size() != firstEqual.length) {
            throw new IllegalArgumentException("one list of equal rows per operation needed");
        }
        Set<String> trainSet = new HashSet<>(trainKeys);
        List<String> byId = new ArrayList<>();
        boolean[] flagged = new boolean[testKeys.size()];
        for (int i = 0; i < testKeys.size(); i++) {
            if (trainSet.contains(testKeys.get(i))) {
                byId.add(testIds.get(i));
                flagged[i] = true;
            }
        }
        List<String> byContent = new ArrayList<>();
        for (int o = 0; o < operations.size(); o++) {
            for (int i = 0; i < testKeys.size(); i++) {
                if (!flagged[i] && firstEqual[o][i] >= 0) {
                    byContent.add(testIds.get(i) + " = " + trainIds.get(firstEqual[o][i]) + " (" + operations.get(o) + ")");
                    flagged[i] = true;
                }
            }
        }
        return new Overlap(testKeys.size(), byId, byContent);
    }

    /**
     * For every test row (row-major {@code tests}, {@code dim} wide), the lowest row of the training block
     * {@code rows} (its first row being {@code firstRow} of the whole set) that equals it bit for bit, or -1.
     */
    public static int[] firstEqualRows(float[] tests, float[] rows, int dim, int firstRow) {
        int nt = tests.length / dim;
        Map<Integer, List<Integer>> byHash = new HashMap<>();
        for (int i = 0; i < nt; i++) {
            byHash.computeIfAbsent(hash(tests, i, dim), h -> new ArrayList<>()).add(i);
        }
        int[] first = new int[nt];
        java.util.Arrays.fill(first, -1);
        int nr = rows.length / dim;
        for (int r = 0; r < nr; r++) {
            List<Integer> candidates = byHash.get(hash(rows, r, dim));
            if (candidates == null) {
                continue;
            }
            for (int i : candidates) {
                if (first[i] < 0 && bitsEqual(tests, i * dim, rows, r * dim, dim)) {
                    first[i] = firstRow + r;
                }
            }
        }
        return first;
    }

    private static boolean bitsEqual(float[] x, int ox, float[] y, int oy, int d) {
        for (int j = 0; j < d; j++) {
            if (Float.floatToIntBits(x[ox + j]) != Float.floatToIntBits(y[oy + j])) {
                return false;
            }
        }
        return true;
    }

    private static int hash(float[] e, int row, int d) {
        int h = 1;
        for (int j = row * d; j < (row + 1) * d; j++) {
            h = 31 * h + Float.floatToIntBits(e[j]);
        }
        return h;
    }

    /**
     * One sentence for a refusal or a warning, naming up to three images per rule.
     *
     * @param what the evaluated images, e.g. "test (query) images"
     * @param where the training side, e.g. "the database (--train)"
     */
    public String describe(String what, String where) {
        StringBuilder b = new StringBuilder();
        b.append(count()).append(" of the ").append(testRows).append(' ').append(what).append(" are also in ").append(where).append(':');
        if (!byId.isEmpty()) {
            b.append(' ').append(byId.size()).append(" by sample id (").append(examples(byId)).append(')');
        }
        if (!byContent.isEmpty()) {
            b.append(byId.isEmpty() ? " " : "; ").append(byContent.size()).append(" by content, the same embedding bit for bit (")
                    .append(examples(byContent)).append(')');
        }
        return b.append("; evaluating an image against itself inflates the figure").toString();
    }

    private static String examples(List<String> l) {
        String s = String.join(", ", l.subList(0, Math.min(3, l.size())));
        return l.size() > 3 ? s + ", ..." : s;
    }

    private static int hash(EmbeddingSet s, int row) {
        int h = 1;
        float[] e = s.embeddings();
        int d = s.dim();
        for (int j = row * d; j < (row + 1) * d; j++) {
            h = 31 * h + Float.floatToIntBits(e[j]);
        }
        return h;
    }

    private static boolean same(EmbeddingSet a, int ra, EmbeddingSet b, int rb) {
        int d = a.dim();
        float[] x = a.embeddings();
        float[] y = b.embeddings();
        for (int j = 0; j < d; j++) {
            if (Float.floatToIntBits(x[ra * d + j]) != Float.floatToIntBits(y[rb * d + j])) {
                return false;
            }
        }
        return true;
    }
}
