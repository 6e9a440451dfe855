package org.encodertraces.spark;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.encodertraces.embed.EmbeddingSetIO;
import org.encodertraces.knn.KnnInfluence;
import org.encodertraces.linalg.FloatMatrix;
import org.encodertraces.linalg.TopK;
import org.encodertraces.validity.Overlap;

/**
 * The top-k passes of {@link KnnInfluence} with the database never on the driver: each database
 * (one safetensors file per operation, rows aligned) is cut into row ranges, one per Spark
 * partition; a task reads its range from the file itself ({@link EmbeddingSetIO#readRows}), in
 * blocks of at most {@link #BLOCK_BYTES} of floats, L2-normalises each block's rows and runs our
 * {@link TopK} kernel on it for every query operation, keeping per query only its running k-lists.
 * The driver broadcasts the queries and the candidate lists' labels, and merges the partitions'
 * k-lists exactly as they arrive ({@link SparkKnn#merge}: higher score first, ties to the lower
 * database row; the merge is associative and commutative, so the order of arrival does not matter).
 *
 * <p>Why the neighbours and scores are those of {@code traces knn}: a row's normalisation depends on
 * that row alone, {@link TopK}'s score of a (query, row) pair is the same float whatever the blocking,
 * and the top-k of a union is the top-k of the union of the parts' top-ks.
 *
 * <p>What bounds memory: the driver holds the queries, the labels (and the uniform draws: ints per
 * row and seed) and the k-lists (queries x lists x k per query operation, twice while merging); a task holds one
 * block of rows (raw, normalised, and {@link TopK}'s transposed copy: about 3 x {@link #BLOCK_BYTES})
 * and its k-lists. The database files must be at the same path on every executor (a shared file
 * system on a real cluster); every pass reads each database once.
 */
public final class SparkRowRangeKnn implements KnnInfluence.Search {
    /** The most bytes of floats a task reads and normalises at a time. */
    public static final long BLOCK_BYTES = 4L << 20;

    /** Rows {@code [from, to)} of every database. */
    record Range(int from, int to) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    private final JavaSparkContext sc;
    private final List<String> files;
    private final int dim;
    private final JavaRDD<Range> ranges;
    private final int partitions;
    private final int threads;
    private final int blockRows;

    private SparkRowRangeKnn(JavaSparkContext sc, List<String> files, int dim, List<Range> ranges, int threads, int blockRows) {
        this.sc = sc;
        this.files = files;
        this.dim = dim;
        this.ranges = sc.parallelize(ranges, ranges.size());
        this.partitions = ranges.size();
        this.threads = threads;
        this.blockRows = blockRows;
    }

    /**
     * A search over the databases in {@code files} (one per operation, {@code rows} x {@code dim} each,
     * checked by {@link EmbeddingSetIO#readIndex}), cut into {@code partitions} row ranges.
     *
     * @param threads {@link TopK} threads per task
     */
    public static SparkRowRangeKnn over(JavaSparkContext sc, List<Path> files, int rows, int dim, int partitions, int threads) {
        if (rows < 1 || dim < 1) {
            throw new IllegalArgumentException("an empty database (" + rows + " x " + dim + ")");
        }
        int parts = Math.max(1, Math.min(partitions, rows));
        int per = (rows + parts - 1) / parts;
        List<Range> list = new ArrayList<>();
        for (int from = 0; from < rows; from += per) {
            list.add(new Range(from, Math.min(rows, from + per)));
        }
        int blockRows = (int) Math.max(1, Math.min(Integer.MAX_VALUE, BLOCK_BYTES / (4L * dim)));
        return new SparkRowRangeKnn(sc, files.stream().map(p -> p.toAbsolutePath().toString()).toList(), dim, list,
                threads, blockRows);
    }

    /** The number of row ranges (Spark partitions). */
    public int partitions() {
        return partitions;
    }

    @Override
    public TopK.Result search(FloatMatrix queries, int databaseOp, int k, int lists, KnnInfluence.Lists membership) {
        return searchAll(List.of(queries), databaseOp, k, lists, membership)[0];
    }

    @Override
    public TopK.Result[] searchAll(List<FloatMatrix> queries, int databaseOp, int k, int lists, KnnInfluence.Lists membership) {
        int nq = queries.get(0).rows();
        for (FloatMatrix q : queries) {
            if (q.cols() != dim || q.rows() != nq) {
                throw new IllegalArgumentException("queries " + q.rows() + " x " + q.cols() + ", the database is " + dim + " wide");
            }
        }
        float[][] qs = queries.stream().map(FloatMatrix::data).toArray(float[][]::new);
        Broadcast<float[][]> q = sc.broadcast(qs);
        Broadcast<KnnInfluence.Lists> m = sc.broadcast(membership);
        String file = files.get(databaseOp);
        int d = dim;
        int t = threads;
        int block = blockRows;
        SparkKnn.Partial[] merged;
        try {
            merged = ranges.map(r -> {
                float[][] qv = q.value();
                KnnInfluence.Lists lm = m.value();
                List<FloatMatrix> qm = Arrays.stream(qv).map(a -> new FloatMatrix(a.length / d, d, a)).toList();
                SparkKnn.Partial[] acc = new SparkKnn.Partial[qv.length];
                TopK topK = new TopK(t);
                for (int a = r.from(); a < r.to(); a += block) {
                    int b = Math.min(r.to(), a + block);
                    FloatMatrix rows = new FloatMatrix(b - a, d, readRows(file, a, b)).l2NormalizedRows();
                    int first = a;
                    for (int p = 0; p < qv.length; p++) {
                        TopK.Result res = topK.search(qm.get(p), rows, k, lists, (qi, row) -> lm.lists(qi, first + row));
                        SparkKnn.Partial part = SparkKnn.Partial.shifted(res, first);
                        acc[p] = acc[p] == null ? part : SparkKnn.Partial.of(SparkKnn.merge(List.of(acc[p], part), nq, lists, k));
                    }
                }
                return acc;
            }).reduce((x, y) -> {
                // on the driver as each partition's lists arrive: it holds the running lists and one partition's
                SparkKnn.Partial[] z = new SparkKnn.Partial[x.length];
                for (int p = 0; p < z.length; p++) {
                    z[p] = SparkKnn.Partial.of(SparkKnn.merge(List.of(x[p], y[p]), nq, lists, k));
                }
                return z;
            });
        } finally {
            q.destroy();
            m.destroy();
        }
        TopK.Result[] out = new TopK.Result[qs.length];
        for (int p = 0; p < qs.length; p++) {
            out[p] = new TopK.Result(nq, lists, k, merged[p].indices(), merged[p].scores());
        }
        return out;
    }

    /**
     * Per operation, per query row: the lowest database row equal to the query bit for bit, or -1
     * ({@link Overlap#firstEqualRows} on every block, the lowest kept), read as the passes read.
     */
    public int[][] firstEqualRows(List<FloatMatrix> queries) {
        int[][] out = new int[queries.size()][];
        for (int o = 0; o < queries.size(); o++) {
            Broadcast<float[]> q = sc.broadcast(queries.get(o).data());
            String file = files.get(o);
            int d = dim;
            int block = blockRows;
            try {
                out[o] = ranges.map(r -> {
                    int[] first = null;
                    for (int a = r.from(); a < r.to(); a += block) {
                        int b = Math.min(r.to(), a + block);
                        int[] f = Overlap.firstEqualRows(q.value(), readRows(file, a, b), d, a);
                        first = first == null ? f : lowest(first, f);
                    }
                    return first;
                }).reduce(SparkRowRangeKnn::lowest);
            } finally {
                q.destroy();
            }
        }
        return out;
    }

    /** Per position the lower non-negative value of the two (-1: none). */
    private static int[] lowest(int[] a, int[] b) {
        int[] r = a.clone();
        for (int i = 0; i < r.length; i++) {
            if (b[i] >= 0 && (r[i] < 0 || b[i] < r[i])) {
                r[i] = b[i];
            }
        }
        return r;
    }

    private static float[] readRows(String file, int from, int to) {
        try {
            return EmbeddingSetIO.readRows(Path.of(file), from, to);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
