package org.encodertraces.linalg;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Exact k-nearest-neighbour search by dot product (cosine similarity when both sides are
 * L2-normalised), blocked so that no queries x database matrix is ever held in memory.
 *
 * <p>How: the database is packed once into strips of rows stored transposed
 * ({@code strip[d][j]} is dimension d of the strip's row j), so that each lane of a SIMD register holds
 * one database row and a query's value for dimension d is broadcast to all lanes. A small tile of
 * queries x rows is accumulated at a time: with the incubator Vector API present
 * ({@code --add-modules jdk.incubator.vector}) the tile lives in registers for the whole sum
 * (6 queries x 4 vectors); without it a portable loop that C2 auto-vectorises keeps a 4 x 256
 * tile in arrays. Queries are processed in blocks of up to {@value #QUERY_BLOCK}; blocks are
 * handed to worker threads, and every query keeps a running top-k (a sorted array, insertion
 * from the end) per candidate list while the strips stream past in database order.
 *
 * <p>Candidate lists: a search can keep up to 64 independent top-k lists per query. A
 * {@link Membership} says, for a (query, database row) pair, which lists the row competes in
 * (a bit mask; 0 excludes the row for that query, e.g. the query itself). It is consulted only
 * for rows whose score would enter at least one list, so a mask function costs little.
 *
 * <p>Determinism: the summation order is a fixed function of the dimension count only. Every
 * score is {@code fma(q[D-1], x[D-1], ... fma(q[1], x[1], fma(q[0], x[0], 0)))} in float: one
 * fused multiply-add per dimension, in dimension order (on a JVM without hardware FMA, a rounded
 * product then a rounded sum instead: {@link #arithmetic()}). Both kernels compute exactly that,
 * so a score is the same float whatever the thread count, the blocking, the kernel or the
 * (FMA-capable) CPU. Ties in score are broken by the lower database row index (it ranks
 * first). NaN scores never enter a list. A list with fewer than k eligible rows is padded with
 * index -1 and score NaN.
 */
public final class TopK {
    /**
     * The most queries in one unit of work handed to a thread (rounded up to a multiple of the
     * kernel's query tile). Every block streams the whole database past its queries, so larger
     * blocks read the database fewer times: 256 against the former 64 made warm searches 15-25%
     * faster on 10k x 100k and 2k x 1M x 512 (BENCHMARKS.md, "kNN top-k"). Fewer queries get
     * smaller blocks, so that every thread has several (see {@link #queryBlock}).
     */
    public static final int QUERY_BLOCK = 256;

    /** Bytes of queries one block may hold at most (wide embeddings get fewer queries per block). */
    static final long QUERY_BLOCK_BYTES = 2L << 20;

    /** The property that fixes the query block (for benchmarks; any value gives the same results). */
    public static final String QUERY_BLOCK_PROPERTY = "encodertraces.knn.queryBlock";

    /** Which candidate lists a database row competes in for a given query: a bit mask, 0 = excluded. */
    @FunctionalInterface
    public interface Membership {
        /** Bit {@code l} set: {@code row} is a candidate in list {@code l} of {@code query}. */
        long lists(int query, int row);
    }

    /**
     * The k best rows per (list, query), best first. Arrays are flat:
     * {@code [(list * queries + query) * k + rank]}.
     *
     * @param queries number of queries
     * @param lists   number of candidate lists per query
     * @param k       list length
     * @param indices database row indices, -1 where a list had fewer than k candidates
     * @param scores  dot products, NaN where the index is -1
     */
    public record Result(int queries, int lists, int k, int[] indices, float[] scores) {
        /** Database row at {@code rank} (0 = best) of {@code list} for {@code query}, or -1. */
        public int index(int list, int query, int rank) {
            return indices[(list * queries + query) * k + rank];
        }

        /** Score at {@code rank} of {@code list} for {@code query}, NaN if none. */
        public float score(int list, int query, int rank) {
            return scores[(list * queries + query) * k + rank];
        }

        /** Database row at {@code rank} of the only list. */
        public int index(int query, int rank) {
            return index(0, query, rank);
        }

        /** Score at {@code rank} of the only list. */
        public float score(int query, int rank) {
            return score(0, query, rank);
        }
    }

    private final int threads;
    private final StripKernel kernel;
    /** Queries per block if fixed, 0 for the automatic size. */
    private final int fixedQueryBlock;

    /** A searcher using {@code threads} worker threads (0 = number of available processors). */
    public TopK(int threads) {
        this(threads, StripKernel.best(), Integer.getInteger(QUERY_BLOCK_PROPERTY, 0));
    }

    /** A searcher with a chosen kernel (tests compare the kernels). */
    TopK(int threads, StripKernel kernel) {
        this(threads, kernel, 0);
    }

    /** A searcher with a chosen kernel and query block ({@code 0}: automatic; tests vary it). */
    TopK(int threads, StripKernel kernel, int queryBlock) {
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0, got " + threads);
        }
        if (queryBlock < 0) {
            throw new IllegalArgumentException("-D" + QUERY_BLOCK_PROPERTY + " must be >= 0 (0: automatic), got " + queryBlock);
        }
        this.threads = threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
        this.kernel = kernel;
        this.fixedQueryBlock = queryBlock;
    }

    /**
     * Queries per block for {@code queries} queries of {@code dims} dimensions, a multiple of the
     * query tile {@code mq}: at most {@link #QUERY_BLOCK} and {@link #QUERY_BLOCK_BYTES}, and small
     * enough that each thread gets about four blocks.
     */
    static int queryBlock(int queries, int dims, int threads, int mq, int fixed) {
        long b;
        if (fixed > 0) {
            b = fixed;
        } else {
            long share = ((long) queries + 4L * threads - 1) / (4L * threads);
            long bytes = QUERY_BLOCK_BYTES / (4L * Math.max(1, dims));
            b = Math.min(Math.min(QUERY_BLOCK, bytes), share);
        }
        b = Math.max(b, 1);
        return (int) ((b + mq - 1) / mq * mq);
    }

    /** Whether this searcher runs the Vector API kernel (false: the portable one). */
    public boolean vectorKernel() {
        return !(kernel instanceof ScalarStripKernel);
    }

    /** How scores are summed in this JVM, for provenance: fused multiply-add unless the CPU has none. */
    public static String arithmetic() {
        return ScoreArithmetic.describe();
    }

    /** Whether scores are summed with fused multiply-add in this JVM (see {@link #arithmetic()}). */
    public static boolean fusedMultiplyAdd() {
        return ScoreArithmetic.FUSED;
    }

    /** The kernel's register tile, queries x database rows, e.g. {@code 6x64} (speed only: every tile gives the same scores). */
    public String tile() {
        return kernel.queries() + "x" + kernel.width();
    }

    /** The number of worker threads. */
    public int threads() {
        return threads;
    }

    /** The k highest-scoring database rows for every query, over all rows. */
    public Result search(FloatMatrix queries, FloatMatrix database, int k) {
        return search(queries, database, k, 1, null);
    }

    /**
     * The k highest-scoring database rows for every query in each of {@code lists} candidate
     * lists; {@code membership} (null = every row in list 0) assigns rows to lists per query.
     */
    public Result search(FloatMatrix queries, FloatMatrix database, int k, int lists, Membership membership) {
        if (queries.cols() != database.cols()) {
            throw new IllegalArgumentException("dimension mismatch: queries have " + queries.cols()
                    + " columns, database " + database.cols());
        }
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        if (lists < 1 || lists > 64) {
            throw new IllegalArgumentException("lists must be in 1..64, got " + lists);
        }
        if (membership == null && lists != 1) {
            throw new IllegalArgumentException("several lists need a membership function");
        }
        int nq = queries.rows();
        int[] idx = new int[Math.multiplyExact(Math.multiplyExact(nq, lists), k)];
        float[] sc = new float[idx.length];
        Arrays.fill(idx, -1);
        Arrays.fill(sc, Float.NaN);
        if (nq == 0) {
            return new Result(nq, lists, k, idx, sc);
        }
        ExecutorService pool = threads > 1 ? Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "topk-worker");
            t.setDaemon(true);
            return t;
        }) : null;
        try {
            float[][][] strips = pack(database, kernel.width(), pool);
            int mq = kernel.queries();
            int queryBlock = queryBlock(nq, queries.cols(), threads, mq, fixedQueryBlock);
            int blocks = (nq + queryBlock - 1) / queryBlock;
            AtomicInteger next = new AtomicInteger();
            Runnable worker = () -> {
                Worker w = new Worker(kernel, queryBlock, queries, database.rows(), strips, k, lists, membership, idx, sc);
                for (int b; (b = next.getAndIncrement()) < blocks; ) {
                    w.run(b * queryBlock, Math.min(nq, (b + 1) * queryBlock));
                }
            };
            runAll(pool, worker, Math.min(threads, blocks));
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
        }
        return new Result(nq, lists, k, idx, sc);
    }

    private static void runAll(ExecutorService pool, Runnable task, int copies) {
        if (pool == null || copies <= 1) {
            task.run();
            return;
        }
        List<Future<?>> fs = new ArrayList<>();
        for (int i = 0; i < copies; i++) {
            fs.add(pool.submit(task));
        }
        try {
            for (Future<?> f : fs) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("top-k search interrupted", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            if (c instanceof Error er) {
                throw er;
            }
            throw new IllegalStateException(c);
        }
    }

    /** Packs the database into transposed strips {@code [strip][d][j]}, zero-padded at the end. */
    private static float[][][] pack(FloatMatrix db, int width, ExecutorService pool) {
        int n = db.rows();
        int dims = db.cols();
        float[] data = db.data();
        int np = (n + width - 1) / width;
        float[][][] strips = new float[np][][];
        AtomicInteger next = new AtomicInteger();
        Runnable packer = () -> {
            for (int p; (p = next.getAndIncrement()) < np; ) {
                float[][] strip = new float[dims][width];
                int base = p * width;
                int valid = Math.min(width, n - base);
                for (int j = 0; j < valid; j++) {
                    int o = (base + j) * dims;
                    for (int d = 0; d < dims; d++) {
                        strip[d][j] = data[o + d];
                    }
                }
                strips[p] = strip;
            }
        };
        runAll(pool, packer, pool == null ? 1 : Math.min(np, 8));
        return strips;
    }

    /** Per-thread state: the query tile buffer, the score tile and the running top-k lists of one query block. */
    private static final class Worker {
        private final StripKernel kernel;
        private final float[] q;
        private final int dims;
        private final int nq;
        private final int dbRows;
        private final float[][][] strips;
        private final int k;
        private final int lists;
        private final Membership membership;
        private final int[] outIdx;
        private final float[] outScore;
        private final float[] block;
        private final float[][] tile;
        private final float[] bestS;
        private final int[] bestI;
        private final int[] count;
        private final float[] admit;

        Worker(StripKernel kernel, int queryBlock, FloatMatrix queries, int dbRows, float[][][] strips, int k, int lists,
               Membership membership, int[] outIdx, float[] outScore) {
            this.kernel = kernel;
            this.q = queries.data();
            this.dims = queries.cols();
            this.nq = queries.rows();
            this.dbRows = dbRows;
            this.strips = strips;
            this.k = k;
            this.lists = lists;
            this.membership = membership;
            this.outIdx = outIdx;
            this.outScore = outScore;
            this.block = new float[queryBlock * dims];
            this.tile = new float[kernel.queries()][kernel.width()];
            this.bestS = new float[queryBlock * lists * k];
            this.bestI = new int[queryBlock * lists * k];
            this.count = new int[queryBlock * lists];
            this.admit = new float[queryBlock];
        }

        void run(int q0, int q1) {
            int n = q1 - q0;
            int width = kernel.width();
            int mq = kernel.queries();
            Arrays.fill(count, 0);
            Arrays.fill(admit, Float.NEGATIVE_INFINITY);
            // the block's queries, contiguous, zero rows after the last so every tile is full
            System.arraycopy(q, q0 * dims, block, 0, n * dims);
            Arrays.fill(block, n * dims, block.length, 0f);
            for (int p = 0; p < strips.length; p++) {
                float[][] strip = strips[p];
                int base = p * width;
                int valid = Math.min(width, dbRows - base);
                for (int g = 0; g < n; g += mq) {
                    kernel.scores(block, g * dims, dims, strip, tile);
                    int m = Math.min(mq, n - g);
                    for (int u = 0; u < m; u++) {
                        scan(tile[u], valid, base, g + u, q0 + g + u);
                    }
                }
            }
            for (int u = 0; u < n; u++) {
                for (int l = 0; l < lists; l++) {
                    int src = (u * lists + l) * k;
                    int dst = (l * nq + q0 + u) * k;
                    int c = count[u * lists + l];
                    System.arraycopy(bestI, src, outIdx, dst, c);
                    System.arraycopy(bestS, src, outScore, dst, c);
                }
            }
        }

        /** Offers the scores of one strip to query u's lists. */
        private void scan(float[] a, int valid, int base, int u, int query) {
            float t = admit[u];
            for (int j = 0; j < valid; j++) {
                float s = a[j];
                if (s > t) {
                    t = offer(u, query, base + j, s);
                }
            }
        }

        /** Inserts (row, s) into every list of query u it belongs to; returns u's new admission threshold. */
        private float offer(int u, int query, int row, float s) {
            long mask = membership == null ? 1L : membership.lists(query, row);
            float t = Float.POSITIVE_INFINITY;
            for (int l = 0; l < lists; l++) {
                int ci = u * lists + l;
                int c = count[ci];
                int o = ci * k;
                if ((mask & (1L << l)) != 0 && (c < k || s > bestS[o + k - 1])) {
                    // rows arrive in increasing index order, so an equal score ranks after the ones held
                    int pos = c < k ? c : k - 1;
                    while (pos > 0 && bestS[o + pos - 1] < s) {
                        bestS[o + pos] = bestS[o + pos - 1];
                        bestI[o + pos] = bestI[o + pos - 1];
                        pos--;
                    }
                    bestS[o + pos] = s;
                    bestI[o + pos] = row;
                    if (c < k) {
                        count[ci] = ++c;
                    }
                }
                t = Math.min(t, c < k ? Float.NEGATIVE_INFINITY : bestS[o + k - 1]);
            }
            admit[u] = t;
            return t;
        }
    }
}
