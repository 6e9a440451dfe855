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
 * <p>How: the database is packed once into panels of {@value #PANEL} rows stored transposed
 * ({@code float[dims][PANEL]}), so that the inner loop is a unit-stride {@code acc[j] += q[d] * x[j]}
 * that HotSpot's C2 auto-vectorises; four queries share each panel row load (register
 * blocking over a 4 x PANEL tile). Queries are processed in blocks of {@value #QUERY_BLOCK};
 * blocks are handed to worker threads, and every query keeps a running top-k (a sorted array,
 * insertion from the end) per candidate list while the panels stream past in database order.
 *
 * <p>Candidate lists: a search can keep up to 64 independent top-k lists per query. A
 * {@link Membership} says, for a (query, database row) pair, which lists the row competes in
 * (a bit mask; 0 excludes the row for that query, e.g. the query itself). It is consulted only
 * for rows whose score would enter at least one list, so a mask function costs little.
 *
 * <p>Determinism: each dot product is accumulated in float in dimension order, without fused
 * multiply-add, so a score is the same float whatever the thread count or blocking. Ties in
 * score are broken by the lower database row index (it ranks first). NaN scores never enter a
 * list. A list with fewer than k eligible rows is padded with index -1 and score NaN.
 */
public final class TopK {
    /** Database rows per packed panel (the width of the vectorised inner loop). */
    public static final int PANEL = 256;
    /** Queries per unit of work handed to a thread. */
    public static final int QUERY_BLOCK = 64;

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

    /** A searcher using {@code threads} worker threads (0 = number of available processors). */
    public TopK(int threads) {
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0, got " + threads);
        }
        this.threads = threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
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
            float[][][] panels = pack(database, pool);
            int blocks = (nq + QUERY_BLOCK - 1) / QUERY_BLOCK;
            AtomicInteger next = new AtomicInteger();
            Runnable worker = () -> {
                Worker w = new Worker(queries, database.rows(), panels, k, lists, membership, idx, sc);
                for (int b; (b = next.getAndIncrement()) < blocks; ) {
                    w.run(b * QUERY_BLOCK, Math.min(nq, (b + 1) * QUERY_BLOCK));
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

    /** Packs the database into transposed panels {@code [panel][dim][j]}, zero-padded at the end. */
    private static float[][][] pack(FloatMatrix db, ExecutorService pool) {
        int n = db.rows();
        int dims = db.cols();
        float[] data = db.data();
        int np = (n + PANEL - 1) / PANEL;
        float[][][] panels = new float[np][][];
        AtomicInteger next = new AtomicInteger();
        Runnable packer = () -> {
            for (int p; (p = next.getAndIncrement()) < np; ) {
                float[][] panel = new float[dims][PANEL];
                int base = p * PANEL;
                int valid = Math.min(PANEL, n - base);
                for (int j = 0; j < valid; j++) {
                    int o = (base + j) * dims;
                    for (int d = 0; d < dims; d++) {
                        panel[d][j] = data[o + d];
                    }
                }
                panels[p] = panel;
            }
        };
        runAll(pool, packer, pool == null ? 1 : Math.min(np, 8));
        return panels;
    }

    /** Per-thread state: accumulators and the running top-k lists of one query block. */
    private static final class Worker {
        private final float[] q;
        private final int dims;
        private final int nq;
        private final int dbRows;
        private final float[][][] panels;
        private final int k;
        private final int lists;
        private final Membership membership;
        private final int[] outIdx;
        private final float[] outScore;
        private final float[][] acc = new float[4][PANEL];
        private final float[] zeroQuery;
        private final float[] bestS;
        private final int[] bestI;
        private final int[] count;
        private final float[] admit;

        Worker(FloatMatrix queries, int dbRows, float[][][] panels, int k, int lists, Membership membership,
               int[] outIdx, float[] outScore) {
            this.q = queries.data();
            this.dims = queries.cols();
            this.nq = queries.rows();
            this.dbRows = dbRows;
            this.panels = panels;
            this.k = k;
            this.lists = lists;
            this.membership = membership;
            this.outIdx = outIdx;
            this.outScore = outScore;
            this.zeroQuery = new float[dims];
            this.bestS = new float[QUERY_BLOCK * lists * k];
            this.bestI = new int[QUERY_BLOCK * lists * k];
            this.count = new int[QUERY_BLOCK * lists];
            this.admit = new float[QUERY_BLOCK];
        }

        void run(int q0, int q1) {
            int n = q1 - q0;
            Arrays.fill(count, 0);
            Arrays.fill(admit, Float.NEGATIVE_INFINITY);
            float[] a0 = acc[0];
            float[] a1 = acc[1];
            float[] a2 = acc[2];
            float[] a3 = acc[3];
            for (int p = 0; p < panels.length; p++) {
                float[][] panel = panels[p];
                int base = p * PANEL;
                int valid = Math.min(PANEL, dbRows - base);
                for (int g = 0; g < n; g += 4) {
                    int m = Math.min(4, n - g);
                    kernel(q, (q0 + g) * dims, m, dims, panel, a0, a1, a2, a3);
                    for (int u = 0; u < m; u++) {
                        scan(acc[u], valid, base, g + u, q0 + g + u);
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

        /** acc_u[j] = sum_d q_u[d] * panel[d][j] for the m (<= 4) queries starting at offset qo. */
        private void kernel(float[] qd, int qo, int m, int dims, float[][] panel,
                            float[] a0, float[] a1, float[] a2, float[] a3) {
            float[] z = zeroQuery;
            float[] r0 = qd;
            float[] r1 = m > 1 ? qd : z;
            float[] r2 = m > 2 ? qd : z;
            float[] r3 = m > 3 ? qd : z;
            int o0 = qo;
            int o1 = m > 1 ? qo + dims : 0;
            int o2 = m > 2 ? qo + 2 * dims : 0;
            int o3 = m > 3 ? qo + 3 * dims : 0;
            Arrays.fill(a0, 0f);
            Arrays.fill(a1, 0f);
            Arrays.fill(a2, 0f);
            Arrays.fill(a3, 0f);
            for (int d = 0; d < dims; d++) {
                float s0 = r0[o0 + d];
                float s1 = r1[o1 + d];
                float s2 = r2[o2 + d];
                float s3 = r3[o3 + d];
                float[] x = panel[d];
                for (int j = 0; j < PANEL; j++) {
                    float v = x[j];
                    a0[j] += s0 * v;
                    a1[j] += s1 * v;
                    a2[j] += s2 * v;
                    a3[j] += s3 * v;
                }
            }
        }

        /** Offers the scores of one panel to query u's lists. */
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
