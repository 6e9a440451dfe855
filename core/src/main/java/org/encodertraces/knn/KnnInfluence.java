package org.encodertraces.knn;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.encodertraces.linalg.FloatMatrix;
import org.encodertraces.linalg.TopK;

/**
 * The study's kNN experiment under controlled processing: how much does the operation that
 * processed the training images (positives vs negatives) change kNN classification?
 *
 * <p>Similarity is the dot product of L2-normalised embeddings (cosine), the k nearest training
 * images vote ({@link KnnVote}), ties in similarity go to the lower training index.
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
     */
    public record Config(int k, int uniformSeeds, long baseSeed, int threads) {
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
        }

        /** The study's defaults: k = 10, 10 seeds from 0, all processors. */
        public static Config defaults() {
            return new Config(10, 10, 0, 0);
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

    /** Runs all five set-ups over the operations; labels are per training row and per test row. */
    public KnnResult run(List<OperationEmbeddings> ops, int[] databaseLabels, int[] queryLabels) {
        int nOps = ops.size();
        if (nOps < 1) {
            throw new IllegalArgumentException("no operations");
        }
        int n = databaseLabels.length;
        int nq = queryLabels.length;
        for (OperationEmbeddings e : ops) {
            if (e.database().rows() != n || e.queries().rows() != nq) {
                throw new IllegalArgumentException("operation " + e.operation() + ": " + e.database().rows()
                        + " training and " + e.queries().rows() + " test rows, labels give " + n + " and " + nq);
            }
            if (e.database().cols() != ops.get(0).database().cols() || e.queries().cols() != e.database().cols()) {
                throw new IllegalArgumentException("operation " + e.operation() + ": embedding dimension differs");
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
        int[][] drawn = new int[seeds][n];
        for (int s = 0; s < seeds; s++) {
            for (int i = 0; i < n; i++) {
                drawn[s][i] = UniformDraw.operation(seedList.get(s), i, nOps);
            }
        }
        List<FloatMatrix> db = new ArrayList<>();
        for (OperationEmbeddings e : ops) {
            db.add(e.database().l2NormalizedRows());
        }
        TopK search = new TopK(config.threads());
        TreeMap<Integer, Integer> classSizes = new TreeMap<>();
        for (int c : queryLabels) {
            classSizes.merge(c, 1, Integer::sum);
        }

        List<KnnResult.Configuration> configs = new ArrayList<>();
        Map<KnnSetup, List<int[]>> perClassCorrect = new EnumMap<>(KnnSetup.class);
        for (int p = 0; p < nOps; p++) {
            FloatMatrix q = ops.get(p).queries().l2NormalizedRows();
            TopK.Result[] byDbOp = new TopK.Result[nOps];
            for (int o = 0; o < nOps; o++) {
                final int op = o;
                byDbOp[o] = search.search(q, db.get(o), k, lists, (qi, row) -> {
                    long m = databaseLabels[row] == queryLabels[qi] ? 1L : 2L;
                    for (int s = 0; s < seeds; s++) {
                        if (drawn[s][row] == op) {
                            m |= 4L << s;
                        }
                    }
                    return m;
                });
            }
            String pn = ops.get(p).operation();
            evaluate(KnnSetup.ALL_SAME, pn, pn, pn, null, byDbOp[p], byDbOp[p], databaseLabels, queryLabels, configs, perClassCorrect);
            for (int o = 0; o < nOps; o++) {
                if (o == p) {
                    continue;
                }
                String on = ops.get(o).operation();
                evaluate(KnnSetup.POS_SAME, pn, pn, on, null, byDbOp[p], byDbOp[o], databaseLabels, queryLabels, configs, perClassCorrect);
                evaluate(KnnSetup.NEG_SAME, pn, on, pn, null, byDbOp[o], byDbOp[p], databaseLabels, queryLabels, configs, perClassCorrect);
                evaluate(KnnSetup.ALL_DIFF, pn, on, on, null, byDbOp[o], byDbOp[o], databaseLabels, queryLabels, configs, perClassCorrect);
            }
            for (int s = 0; s < seeds; s++) {
                boolean[] correct = new boolean[nq];
                int total = 0;
                int[] labelsBuf = new int[k];
                for (int qi = 0; qi < nq; qi++) {
                    int got = mergeVote(byDbOp, 2 + s, qi, k, databaseLabels, labelsBuf);
                    correct[qi] = got == queryLabels[qi];
                    total += correct[qi] ? 1 : 0;
                }
                record(KnnSetup.UNIFORM, pn, "drawn", "drawn", seedList.get(s), correct, total, queryLabels, configs, perClassCorrect);
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
        List<String> names = ops.stream().map(OperationEmbeddings::operation).toList();
        return new KnnResult(names, k, KnnVote.TIE_RULE, n, nq, List.copyOf(seedList), accuracy, gap, perClass,
                List.copyOf(configs));
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
        }
        record(setup, test, pos, neg, seed, correct, total, qLabels, configs, perClassCorrect);
    }

    /** Merges list {@code list} of every database operation's result for one query and votes. */
    private static int mergeVote(TopK.Result[] parts, int list, int qi, int k, int[] dbLabels, int[] labels) {
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
        return m == 0 ? Integer.MIN_VALUE : KnnVote.vote(labels, m);
    }

    private static void record(KnnSetup setup, String test, String pos, String neg, Long seed, boolean[] correct,
                               int total, int[] qLabels, List<KnnResult.Configuration> configs,
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
                qLabels.length == 0 ? Double.NaN : (double) total / qLabels.length));
    }
}
