package org.encodertraces.knn;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.encodertraces.linalg.FloatMatrix;
import org.encodertraces.linalg.TopK;
import org.encodertraces.rng.NumpyGenerator;
import org.encodertraces.rng.Protocol;
import org.encodertraces.validity.Validity;

/**
 * The study's kNN experiment under controlled processing: how much does the operation that
 * processed the training images (positives vs negatives) change kNN classification?
 *
 * <p>Similarity is the dot product of L2-normalised embeddings (cosine), the k nearest training
 * images vote ({@link KnnVote}), ties in similarity go to the lower training index. Every
 * configuration counts its queries with a vote tie (two or more classes sharing the top count):
 * the study's {@code torch.sort} breaks those in no defined order, so they bound how far its
 * script and ours can differ.
 *
 * <p>Approach: a set-up only decides, per (query class, training image), which operation's
 * embedding stands for the training image. So for every pair (test operation p, database
 * operation o) one blocked top-k pass ({@link TopK}) keeps, per query, separate lists: the best
 * same-class rows, the best other-class rows, and for every uniform seed the best rows whose
 * drawn operation is o. Each set-up's neighbours are then an exact merge of those lists (the top-k
 * of a union is the top-k of the union of per-part top-ks): positives from (p, pos) list 0 with
 * negatives from (p, neg) list 1; uniform from list 2+s of (p, o) over all o. That is K^2 passes
 * for all five set-ups and all seeds, instead of 3K(K-1) + 11K passes over rebuilt databases.
 */
public final class KnnInfluence {

    /**
     * Parameters.
     *
     * @param k            neighbours (the study: 10; 1 for iNaturalist)
     * @param uniformSeeds number of uniform draws averaged (the study: 10), at most 62
     * @param baseSeed     seeds are baseSeed, baseSeed + 1, ...
     * @param threads      search threads (0 = all processors)
     * @param protocol     the uniform draw: the study's {@code np.random.default_rng(seed).choice(K, N)}
     *                     or the robust per-image hash ({@link UniformDraw})
     */
    public record Config(int k, int uniformSeeds, long baseSeed, int threads, Protocol protocol) {
        /** Validates. */
        public Config {
            if (k < 1) {
                throw new IllegalArgumentException("k must be >= 1, got " + k);
            }
            if (uniformSeeds < 0 || uniformSeeds > 62) {
                throw new IllegalArgumentException("uniform seeds must be in 0..62, got " + uniformSeeds);
            }
            if (threads < 0) {
                throw new IllegalArgumentException("threads must be >= 0, got " + threads);
            }
            if (protocol == null) {
                throw new IllegalArgumentException("protocol missing");
            }
        }

        /** The study's protocol with these parameters. */
        public Config(int k, int uniformSeeds, long baseSeed, int threads) {
            this(k, uniformSeeds, baseSeed, threads, Protocol.STUDY);
        }

        /** The study's defaults: k = 10, 10 seeds from 0, all processors, the study's draws. */
        public static Config defaults() {
            return new Config(10, 10, 0, 0, Protocol.STUDY);
        }
    }

    /**
     * The same training and test images under one operation, rows aligned across operations.
     *
     * @param operation name, e.g. JPEG75_420
     * @param database  training embeddings (one row per training image)
     * @param queries   test embeddings (one row per test image)
     */
    public record OperationEmbeddings(String operation, FloatMatrix database, FloatMatrix queries) {
    }

    private final Config config;

    /** An experiment with the given parameters. */
    public KnnInfluence(Config config) {
        this.config = config;
    }

    /**
     * Runs one top-k pass: the queries (L2-normalised) of one operation against the database of
     * operation {@code databaseOp}, with the candidate lists {@code membership} assigns. The
     * default is {@link TopK} on this machine; a cluster job partitions the database rows and
     * merges the parts exactly (best score first, ties to the lower row index, as {@link TopK}).
     */
    public interface Search {
        /** The pass's lists, with row indices into the whole database. */
        TopK.Result search(FloatMatrix queries, int databaseOp, int k, int lists, Lists membership);

        /**
         * The passes of every query operation's queries against database operation {@code databaseOp}, in
         * the order given; a search that reads the database rows for each pass reads them once here.
         */
        default TopK.Result[] searchAll(List<FloatMatrix> queries, int databaseOp, int k, int lists, Lists membership) {
            TopK.Result[] r = new TopK.Result[queries.size()];
            for (int p = 0; p < r.length; p++) {
                r[p] = search(queries.get(p), databaseOp, k, lists, membership);
            }
            return r;
        }
    }

    /**
     * The candidate lists of a pass against database operation {@code op}: list 0 same-class
     * rows, list 1 other-class rows, list 2 + s rows whose uniform draw under seed s is {@code op}.
     * A value (not a lambda) so that a cluster job can ship it to where the rows are.
     */
    public record Lists(int[] databaseLabels, int[] queryLabels, int[][] drawn, int op) implements TopK.Membership, java.io.Serializable {
        @Override
        public long lists(int qi, int row) {
            long m = databaseLabels[row] == queryLabels[qi] ? 1L : 2L;
            for (int s = 0; s < drawn.length; s++) {
                if (drawn[s][row] == op) {
                    m |= 4L << s;
                }
            }
            return m;
        }
    }

    /** Runs all five set-ups over the operations; labels are per training row and per test row. */
    public KnnResult run(List<OperationEmbeddings> ops, int[] databaseLabels, int[] queryLabels) {
        return run(ops, databaseLabels, queryLabels, null);
    }

    /** As {@link #run(List, int[], int[])}, with the top-k passes done by {@code search} (null: {@link TopK} here). */
    public KnnResult run(List<OperationEmbeddings> ops, int[] databaseLabels, int[] queryLabels, Search search) {
        int nOps = ops.size();
        if (nOps < 1) {
            throw new IllegalArgumentException("no operations");
        }
        int n = databaseLabels.length;
        int nq = queryLabels.length;
        Validity.requireK(config.k(), n);
        for (OperationEmbeddings e : ops) {
            if (e.database().rows() != n || e.queries().rows() != nq) {
                throw new IllegalArgumentException("operation " + e.operation() + ": " + e.database().rows()
                        + " training and " + e.queries().rows() + " test rows, labels give " + n + " and " + nq);
            }
            if (e.database().cols() != ops.get(0).database().cols() || e.queries().cols() != e.database().cols()) {
                throw new IllegalArgumentException("operation " + e.operation() + ": embedding dimension differs");
            }
        }
        if (search == null) {
            List<FloatMatrix> db = new ArrayList<>();
            for (OperationEmbeddings e : ops) {
                db.add(e.database().l2NormalizedRows());
            }
            TopK local = new TopK(config.threads());
            search = (q, o, kk, l, m) -> local.search(q, db.get(o), kk, l, m);
        }
        return run(ops.stream().map(OperationEmbeddings::operation).toList(), ops.stream().map(OperationEmbeddings::queries).toList(),
                databaseLabels, queryLabels, search);
    }

    /**
     * As {@link #run(List, int[], int[], Search)} with the database held by {@code search} alone (a cluster's
     * workers reading its rows): this side holds the queries, the labels and the k-lists. The caller has
     * checked that the database rows are {@code databaseLabels.length} per operation, as wide as the queries.
     */
    public KnnResult run(List<String> operations, List<FloatMatrix> queries, int[] databaseLabels, int[] queryLabels, Search search) {
        int nOps = operations.size();
        if (nOps < 1 || queries.size() != nOps) {
            throw new IllegalArgumentException("no operations, or not one query matrix per operation");
        }
        if (search == null) {
            throw new IllegalArgumentException("no search holds the database");
        }
        int n = databaseLabels.length;
        int nq = queryLabels.length;
        Validity.requireK(config.k(), n);
        for (int p = 0; p < nOps; p++) {
            if (queries.get(p).rows() != nq || queries.get(p).cols() != queries.get(0).cols()) {
                throw new IllegalArgumentException("operation " + operations.get(p) + ": " + queries.get(p).rows() + " x "
                        + queries.get(p).cols() + " test rows, labels give " + nq + " rows of the first operation's width");
            }
        }
        int k = config.k();
        int seeds = config.uniformSeeds();
        int lists = 2 + seeds;
        List<Long> seedList = new ArrayList<>();
        for (int s = 0; s < seeds; s++) {
            seedList.add(config.baseSeed() + s);
        }
        // drawn[s][i]: operation of training image i under seed s
        int[][] drawn = new int[seeds][];
        for (int s = 0; s < seeds; s++) {
            drawn[s] = uniformDraw(config.protocol(), seedList.get(s), n, nOps);
        }
        List<FloatMatrix> normalizedQueries = queries.stream().map(FloatMatrix::l2NormalizedRows).toList();
        // passes[p][o]: the queries of operation p against the database of operation o
        TopK.Result[][] passes = new TopK.Result[nOps][nOps];
        for (int o = 0; o < nOps; o++) {
            TopK.Result[] r = search.searchAll(normalizedQueries, o, k, lists, new Lists(databaseLabels, queryLabels, drawn, o));
            for (int p = 0; p < nOps; p++) {
                passes[p][o] = r[p];
            }
        }
        TreeMap<Integer, Integer> classSizes = new TreeMap<>();
        for (int c : queryLabels) {
            classSizes.merge(c, 1, Integer::sum);
        }

        List<KnnResult.Configuration> configs = new ArrayList<>();
        Map<KnnSetup, List<int[]>> perClassCorrect = new EnumMap<>(KnnSetup.class);
        for (int p = 0; p < nOps; p++) {
            TopK.Result[] byDbOp = passes[p];
            String pn = operations.get(p);
            evaluate(KnnSetup.ALL_SAME, pn, pn, pn, null, byDbOp[p], byDbOp[p], databaseLabels, queryLabels, configs, perClassCorrect);
            for (int o = 0; o < nOps; o++) {
                if (o == p) {
                    continue;
                }
                String on = operations.get(o);
                evaluate(KnnSetup.POS_SAME, pn, pn, on, null, byDbOp[p], byDbOp[o], databaseLabels, queryLabels, configs, perClassCorrect);
                evaluate(KnnSetup.NEG_SAME, pn, on, pn, null, byDbOp[o], byDbOp[p], databaseLabels, queryLabels, configs, perClassCorrect);
                evaluate(KnnSetup.ALL_DIFF, pn, on, on, null, byDbOp[o], byDbOp[o], databaseLabels, queryLabels, configs, perClassCorrect);
            }
            for (int s = 0; s < seeds; s++) {
                boolean[] correct = new boolean[nq];
                int total = 0;
                int ties = 0;
                int[] labelsBuf = new int[k];
                for (int qi = 0; qi < nq; qi++) {
                    int m = merge(byDbOp, 2 + s, qi, k, databaseLabels, labelsBuf);
                    correct[qi] = m > 0 && KnnVote.vote(labelsBuf, m) == queryLabels[qi];
                    total += correct[qi] ? 1 : 0;
                    ties += m > 0 && KnnVote.tied(labelsBuf, m) ? 1 : 0;
                }
                record(KnnSetup.UNIFORM, pn, "drawn", "drawn", seedList.get(s), correct, total, ties, queryLabels, configs, perClassCorrect);
            }
        }

        Map<KnnSetup, Double> accuracy = new EnumMap<>(KnnSetup.class);
        Map<KnnSetup, Map<Integer, Double>> perClass = new EnumMap<>(KnnSetup.class);
        for (KnnSetup setup : KnnSetup.values()) {
            List<KnnResult.Configuration> cs = configs.stream().filter(c -> c.setup() == setup).toList();
            if (cs.isEmpty()) {
                continue;
            }
            accuracy.put(setup, cs.stream().mapToDouble(KnnResult.Configuration::accuracy).average().orElseThrow());
            Map<Integer, Double> pc = new LinkedHashMap<>();
            for (Map.Entry<Integer, Integer> cls : classSizes.entrySet()) {
                double sum = 0;
                List<int[]> counts = perClassCorrect.get(setup);
                for (int[] cc : counts) {
                    sum += (double) cc[classIndex(classSizes, cls.getKey())] / cls.getValue();
                }
                pc.put(cls.getKey(), sum / counts.size());
            }
            perClass.put(setup, pc);
        }
        double gap = accuracy.containsKey(KnnSetup.POS_SAME)
                ? accuracy.get(KnnSetup.POS_SAME) - accuracy.get(KnnSetup.NEG_SAME) : Double.NaN;
        return new KnnResult(List.copyOf(operations), k, KnnVote.TIE_RULE, n, nq, List.copyOf(seedList), accuracy, gap, perClass,
                List.copyOf(configs), config.protocol(), Validity.chance(queryLabels));
    }

    /**
     * The uniform set-up's operation of every training image under one seed: the study's
     * {@code np.random.default_rng(seed).choice(operations, n)}, or the robust per-image hash.
     */
    public static int[] uniformDraw(Protocol protocol, long seed, int n, int operations) {
        if (protocol == Protocol.STUDY) {
            return new NumpyGenerator(seed).choice(operations, n);
        }
        int[] d = new int[n];
        for (int i = 0; i < n; i++) {
            d[i] = UniformDraw.operation(seed, i, operations);
        }
        return d;
    }

    private static int classIndex(TreeMap<Integer, Integer> classSizes, int label) {
        return classSizes.headMap(label).size();
    }

    private void evaluate(KnnSetup setup, String test, String pos, String neg, Long seed, TopK.Result posLists,
                          TopK.Result negLists, int[] dbLabels, int[] qLabels, List<KnnResult.Configuration> configs,
                          Map<KnnSetup, List<int[]>> perClassCorrect) {
        int k = config.k();
        int nq = qLabels.length;
        boolean[] correct = new boolean[nq];
        int total = 0;
        int ties = 0;
        int[] labels = new int[k];
        for (int qi = 0; qi < nq; qi++) {
            int a = 0;
            int b = 0;
            int m = 0;
            while (m < k) {
                int ia = a < k ? posLists.index(0, qi, a) : -1;
                int ib = b < k ? negLists.index(1, qi, b) : -1;
                if (ia < 0 && ib < 0) {
                    break;
                }
                boolean takeA;
                if (ib < 0) {
                    takeA = true;
                } else if (ia < 0) {
                    takeA = false;
                } else {
                    float sa = posLists.score(0, qi, a);
                    float sb = negLists.score(1, qi, b);
                    takeA = sa > sb || (sa == sb && ia < ib);
                }
                labels[m++] = dbLabels[takeA ? ia : ib];
                if (takeA) {
                    a++;
                } else {
                    b++;
                }
            }
            correct[qi] = m > 0 && KnnVote.vote(labels, m) == qLabels[qi];
            total += correct[qi] ? 1 : 0;
            ties += m > 0 && KnnVote.tied(labels, m) ? 1 : 0;
        }
        record(setup, test, pos, neg, seed, correct, total, ties, qLabels, configs, perClassCorrect);
    }

    /** Merges list {@code list} of every database operation's result for one query into {@code labels}; returns how many. */
    private static int merge(TopK.Result[] parts, int list, int qi, int k, int[] dbLabels, int[] labels) {
        int[] pos = new int[parts.length];
        int m = 0;
        while (m < k) {
            int best = -1;
            float bestS = 0;
            int bestI = -1;
            for (int o = 0; o < parts.length; o++) {
                if (pos[o] >= k) {
                    continue;
                }
                int i = parts[o].index(list, qi, pos[o]);
                if (i < 0) {
                    continue;
                }
                float s = parts[o].score(list, qi, pos[o]);
                if (best < 0 || s > bestS || (s == bestS && i < bestI)) {
                    best = o;
                    bestS = s;
                    bestI = i;
                }
            }
            if (best < 0) {
                break;
            }
            pos[best]++;
            labels[m++] = dbLabels[bestI];
        }
        return m;
    }

    private static void record(KnnSetup setup, String test, String pos, String neg, Long seed, boolean[] correct,
                               int total, int ties, int[] qLabels, List<KnnResult.Configuration> configs,
                               Map<KnnSetup, List<int[]>> perClassCorrect) {
        TreeMap<Integer, Integer> idx = new TreeMap<>();
        for (int c : qLabels) {
            idx.putIfAbsent(c, 0);
        }
        int j = 0;
        for (Map.Entry<Integer, Integer> e : idx.entrySet()) {
            e.setValue(j++);
        }
        int[] perClass = new int[idx.size()];
        for (int qi = 0; qi < qLabels.length; qi++) {
            if (correct[qi]) {
                perClass[idx.get(qLabels[qi])]++;
            }
        }
        perClassCorrect.computeIfAbsent(setup, s -> new ArrayList<>()).add(perClass);
        configs.add(new KnnResult.Configuration(setup, test, pos, neg, seed, total,
                qLabels.length == 0 ? Double.NaN : (double) total / qLabels.length, ties));
    }
}
