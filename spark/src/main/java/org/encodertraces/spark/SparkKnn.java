package org.encodertraces.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.encodertraces.knn.KnnInfluence;
import org.encodertraces.linalg.FloatMatrix;
import org.encodertraces.linalg.TopK;

/**
 * The top-k passes of {@link KnnInfluence} on a Spark cluster: the database rows of every
 * operation are cut into contiguous partitions held by the executors (cached), each pass sends the
 * query block and the candidate lists to them, every partition runs our {@link TopK} kernel on its
 * rows, and the driver merges the per-partition lists exactly.
 *
 * <p>Why it gives the same neighbours as one machine: {@link TopK}'s score of a (query, row) pair is
 * the same float whatever the blocking, the top-k of a union is the top-k of the union of the
 * parts' top-ks, and the merge ranks by score, then by the lower database row index, exactly as
 * {@link TopK} does within one search.
 */
public final class SparkKnn implements KnnInfluence.Search, AutoCloseable {
    /** One partition's rows {@code [from, from + rows)} of every operation's database, L2-normalised. */
    record Slice(int from, int rows, int cols, List<float[]> byOperation) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** One partition's lists, with indices into the whole database. */
    record Partial(int[] indices, float[] scores) implements Serializable {
        private static final long serialVersionUID = 1L;

        /** A result's lists as they are. */
        static Partial of(TopK.Result r) {
            return new Partial(r.indices(), r.scores());
        }

        /** A block's lists with its row indices moved to the whole database's ({@code first} is the block's first row). */
        static Partial shifted(TopK.Result r, int first) {
            int[] idx = r.indices().clone();
            for (int i = 0; i < idx.length; i++) {
                if (idx[i] >= 0) {
                    idx[i] += first;
                }
            }
            return new Partial(idx, r.scores());
        }
    }

    private final JavaSparkContext sc;
    private final JavaRDD<Slice> slices;
    private final int partitions;
    private final int threads;

    private SparkKnn(JavaSparkContext sc, JavaRDD<Slice> slices, int partitions, int threads) {
        this.sc = sc;
        this.slices = slices;
        this.partitions = partitions;
        this.threads = threads;
    }

    /**
     * Partitions the databases (one per operation, rows aligned) over the cluster.
     *
     * @param partitions how many row ranges (at most the row count)
     * @param threads {@link TopK} threads per task
     */
    public static SparkKnn partition(JavaSparkContext sc, List<FloatMatrix> databases, int partitions, int threads) {
        int n = databases.get(0).rows();
        int cols = databases.get(0).cols();
        int parts = Math.max(1, Math.min(partitions, n));
        int per = (n + parts - 1) / parts;
        List<FloatMatrix> normalized = databases.stream().map(FloatMatrix::l2NormalizedRows).toList();
        List<Slice> list = new ArrayList<>();
        for (int from = 0; from < n; from += per) {
            int rows = Math.min(per, n - from);
            List<float[]> ops = new ArrayList<>();
            for (FloatMatrix m : normalized) {
                ops.add(Arrays.copyOfRange(m.data(), from * cols, (from + rows) * cols));
            }
            list.add(new Slice(from, rows, cols, ops));
        }
        JavaRDD<Slice> rdd = sc.parallelize(list, list.size()).persist(StorageLevel.MEMORY_ONLY());
        return new SparkKnn(sc, rdd, list.size(), threads);
    }

    /** The number of row partitions. */
    public int partitions() {
        return partitions;
    }

    @Override
    public TopK.Result search(FloatMatrix queries, int databaseOp, int k, int lists, KnnInfluence.Lists membership) {
        int nq = queries.rows();
        int cols = queries.cols();
        Broadcast<float[]> q = sc.broadcast(queries.data());
        Broadcast<KnnInfluence.Lists> m = sc.broadcast(membership);
        int t = threads;
        List<Partial> parts;
        try {
            parts = slices.map(s -> {
                FloatMatrix db = new FloatMatrix(s.rows(), s.cols(), s.byOperation().get(databaseOp));
                KnnInfluence.Lists lm = m.value();
                TopK.Result r = new TopK(t).search(new FloatMatrix(nq, cols, q.value()), db, k, lists,
                        (qi, row) -> lm.lists(qi, s.from() + row));
                int[] idx = r.indices().clone();
                for (int i = 0; i < idx.length; i++) {
                    if (idx[i] >= 0) {
                        idx[i] += s.from();
                    }
                }
                return new Partial(idx, r.scores());
            }).collect();
        } finally {
            q.destroy();
            m.destroy();
        }
        return merge(parts, nq, lists, k);
    }

    /** The exact top-k of the union of the parts' lists: higher score first, ties to the lower row index. */
    static TopK.Result merge(List<Partial> parts, int nq, int lists, int k) {
        int[] idx = new int[nq * lists * k];
        float[] sc = new float[idx.length];
        Arrays.fill(idx, -1);
        Arrays.fill(sc, Float.NaN);
        int[] pos = new int[parts.size()];
        for (int cell = 0; cell < nq * lists; cell++) {
            Arrays.fill(pos, 0);
            int base = cell * k;
            for (int rank = 0; rank < k; rank++) {
                int best = -1;
                float bestS = 0;
                int bestI = -1;
                for (int p = 0; p < parts.size(); p++) {
                    if (pos[p] >= k) {
                        continue;
                    }
                    int i = parts.get(p).indices()[base + pos[p]];
                    if (i < 0) {
                        continue;
                    }
                    float s = parts.get(p).scores()[base + pos[p]];
                    if (best < 0 || s > bestS || (s == bestS && i < bestI)) {
                        best = p;
                        bestS = s;
                        bestI = i;
                    }
                }
                if (best < 0) {
                    break;
                }
                pos[best]++;
                idx[base + rank] = bestI;
                sc[base + rank] = bestS;
            }
        }
        return new TopK.Result(nq, lists, k, idx, sc);
    }

    @Override
    public void close() {
        slices.unpersist(false);
    }
}
