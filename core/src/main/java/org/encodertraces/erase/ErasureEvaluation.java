package org.encodertraces.erase;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.encodertraces.embed.EmbeddingSet;
import org.encodertraces.knn.KnnInfluence;
import org.encodertraces.knn.KnnResult;
import org.encodertraces.knn.KnnSetup;
import org.encodertraces.linalg.FloatMatrix;
import org.encodertraces.probe.LinearProbe;
import org.encodertraces.probe.ProbeConfig;
import org.encodertraces.probe.ProbeResult;
import org.encodertraces.probe.ProcessingProbe;

/**
 * What erasure removes and what it costs, before and after, over seeds, on images the eraser never
 * saw.
 *
 * <p>Per seed s: the images are split (seeded) into fitting images and evaluation images; the eraser
 * is fitted on the fitting images only (all operations of the erased task); the evaluation images are
 * split again into an evaluation-train and an evaluation-test part. On the evaluation images only,
 * raw and erased: the processing probe of the erased task and of every check task (the study's
 * protocol: each evaluation-train image under one drawn operation, every evaluation-test image under
 * all), kNN under the five set-ups with the evaluation-train images as database and the
 * evaluation-test images as queries (semantic label; all-same accuracy and the pos-same minus
 * neg-same gap) and a semantic linear probe (evaluation-train images under every operation,
 * evaluation-test images under every operation). The checking probes are fitted fresh, with their
 * own seeds (1000 + s) and the configured trainer, never the eraser's fit, so "at chance" is not
 * circular.
 */
public final class ErasureEvaluation {

    /**
     * Settings.
     *
     * @param fit             the eraser's method and settings
     * @param task            the erased processing task's name
     * @param operations      its operations, in label order
     * @param checkTasks      further tasks probed before and after (name to operations)
     * @param semanticLabel   the class label tensor for kNN and the semantic probe
     * @param seeds           the seeds, one evaluation each
     * @param fitFraction     share of the images the eraser is fitted on
     * @param evalTestFraction share of the evaluation images used as test (queries)
     * @param probe           the checking probes' settings (its seed is replaced per seed)
     * @param knn             the kNN settings
     */
    public record Config(ErasureFit.Options fit, String task, List<String> operations, Map<String, List<String>> checkTasks,
                         String semanticLabel, List<Long> seeds, double fitFraction, double evalTestFraction, ProbeConfig probe,
                         KnnInfluence.Config knn) {
    }

    /**
     * One measurement before and after erasure, per seed.
     *
     * @param name   e.g. {@code probe:jpeg}, {@code knn:all-same}, {@code knn:gap}, {@code semantic-probe}
     * @param chance the chance level where there is one (NaN otherwise)
     * @param before per seed, raw embeddings
     * @param after  per seed, erased embeddings
     */
    public record Metric(String name, double chance, double[] before, double[] after) {
        /** The mean of {@code v}. */
        static double mean(double[] v) {
            double m = 0;
            for (double e : v) {
                m += e;
            }
            return v.length == 0 ? Double.NaN : m / v.length;
        }

        /** The population standard deviation of {@code v} (numpy's default, as in probe results). */
        static double std(double[] v) {
            double m = mean(v);
            double q = 0;
            for (double e : v) {
                q += (e - m) * (e - m);
            }
            return v.length == 0 ? Double.NaN : Math.sqrt(q / v.length);
        }

        /** Mean of the before values. */
        public double beforeMean() {
            return mean(before);
        }

        /** Standard deviation of the before values. */
        public double beforeStd() {
            return std(before);
        }

        /** Mean of the after values. */
        public double afterMean() {
            return mean(after);
        }

        /** Standard deviation of the after values. */
        public double afterStd() {
            return std(after);
        }
    }

    /**
     * The outcome.
     *
     * @param metrics    the measurements, in a fixed order
     * @param ranks      the eraser's rank per seed
     * @param fitImages  images the eraser was fitted on (per seed)
     * @param evalTrain  evaluation-train images
     * @param evalTest   evaluation-test images
     */
    public record Result(List<Metric> metrics, int[] ranks, int fitImages, int evalTrain, int evalTest) {
    }

    private final Config config;

    /** An evaluation with these settings. */
    public ErasureEvaluation(Config config) {
        this.config = config;
    }

    /**
     * Runs it.
     *
     * @param sets the embedding sets by operation (every operation of the task and the check tasks), same images in the same order
     */
    public Result run(Map<String, EmbeddingSet> sets) {
        return run(sets, (done, total) -> { });
    }

    /** Progress: called after each seed with the seeds done and their total. */
    public interface Listener {
        /** One more seed is done. */
        void seedDone(int done, int total);
    }

    /** Runs it, reporting each finished seed. */
    public Result run(Map<String, EmbeddingSet> sets, Listener listener) {
        Config c = config;
        List<String> allOps = new ArrayList<>(c.operations());
        c.checkTasks().values().forEach(ops -> ops.stream().filter(o -> !allOps.contains(o)).forEach(allOps::add));
        for (String op : allOps) {
            if (!sets.containsKey(op)) {
                throw new IllegalArgumentException("no embedding set for operation " + op + " (have " + sets.keySet() + ")");
            }
        }
        EmbeddingSet first = sets.get(c.operations().get(0));
        int n = first.rows();
        int d = first.dim();
        long[] labels = first.label(c.semanticLabel());
        int classes = 0;
        for (long v : labels) {
            if (v < 0) {
                throw new IllegalArgumentException("semantic label '" + c.semanticLabel() + "' has an unknown (-1) value");
            }
            classes = (int) Math.max(classes, v + 1);
        }
        List<String> classNames = new ArrayList<>();
        for (int k = 0; k < classes; k++) {
            classNames.add(Integer.toString(k));
        }
        int s = c.seeds().size();
        Map<String, double[][]> values = new LinkedHashMap<>();
        List<String> order = new ArrayList<>();
        order.add("probe:" + c.task());
        c.checkTasks().keySet().forEach(t -> order.add("probe:" + t));
        order.add("knn:all-same");
        order.add("knn:gap");
        order.add("semantic-probe");
        for (String name : order) {
            values.put(name, new double[2][s]);
        }
        int[] ranks = new int[s];
        int fitImages = 0;
        int evalTrain = 0;
        int evalTest = 0;
        for (int si = 0; si < s; si++) {
            long seed = c.seeds().get(si);
            ProcessingProbe.ImageSplit outer = ProcessingProbe.ImageSplit.random(n, 1 - c.fitFraction(), seed);
            List<EmbeddingSet> taskSets = new ArrayList<>();
            for (String op : c.operations()) {
                taskSets.add(sets.get(op));
            }
            FitData data = FitData.of(c.operations(), c.task(), taskSets, List.of(), outer.train());
            Eraser eraser = ErasureFit.eraser(c.fit(), data);
            ranks[si] = eraser.rank();
            int[] eval = outer.test();
            ProcessingProbe.ImageSplit inner = ProcessingProbe.ImageSplit.random(eval.length, c.evalTestFraction(), seed + 7919);
            int[] evTrain = pick(eval, inner.train());
            int[] evTest = pick(eval, inner.test());
            fitImages = outer.train().length;
            evalTrain = evTrain.length;
            evalTest = evTest.length;
            for (int phase = 0; phase < 2; phase++) {
                Map<String, float[][]> rows = new LinkedHashMap<>();
                for (String op : allOps) {
                    float[] e = sets.get(op).embeddings();
                    if (phase == 1) {
                        e = eraser.apply(e, n);
                    }
                    rows.put(op, rowsOf(e, n, d, eval));
                }
                ProbeConfig pc = c.probe().withSeed(1000 + seed);
                                Map<String, List<String>> tasks = new LinkedHashMap<>();
                tasks.put(c.task(), c.operations());
                tasks.putAll(c.checkTasks());
                for (Map.Entry<String, List<String>> t : tasks.entrySet()) {
                    List<float[][]> m = new ArrayList<>();
                    t.getValue().forEach(op -> m.add(rows.get(op)));
                    ProbeResult r = new ProcessingProbe(pc).run(t.getKey(), t.getValue(), m, inner);
                    values.get("probe:" + t.getKey())[phase][si] = r.accuracyMean();
                }
                List<KnnInfluence.OperationEmbeddings> ops = new ArrayList<>();
                for (String op : c.operations()) {
                    float[][] r = rows.get(op);
                    ops.add(new KnnInfluence.OperationEmbeddings(op, matrix(r, inner.train(), d), matrix(r, inner.test(), d)));
                }
                int[] yTr = labelsOf(labels, evTrain);
                int[] yTe = labelsOf(labels, evTest);
                KnnResult k = new KnnInfluence(c.knn()).run(ops, yTr, yTe);
                values.get("knn:all-same")[phase][si] = k.accuracy().get(KnnSetup.ALL_SAME);
                values.get("knn:gap")[phase][si] = k.gapPosMinusNeg();
                List<float[]> tr = new ArrayList<>();
                List<float[]> te = new ArrayList<>();
                List<Integer> ytr = new ArrayList<>();
                List<Integer> yte = new ArrayList<>();
                for (String op : c.operations()) {
                    float[][] r = rows.get(op);
                    for (int i : inner.train()) {
                        tr.add(r[i]);
                        ytr.add((int) labels[eval[i]]);
                    }
                    for (int i : inner.test()) {
                        te.add(r[i]);
                        yte.add((int) labels[eval[i]]);
                    }
                }
                ProbeResult sem = new LinearProbe(pc.withBudget(pc.trials(), 1)).run("semantic", classNames, tr.toArray(new float[0][]),
                        ytr.stream().mapToInt(Integer::intValue).toArray(), te.toArray(new float[0][]),
                        yte.stream().mapToInt(Integer::intValue).toArray());
                values.get("semantic-probe")[phase][si] = sem.accuracyMean();
            }
            listener.seedDone(si + 1, s);
        }
        List<Metric> metrics = new ArrayList<>();
        for (String name : order) {
            double chance = Double.NaN;
            if (name.equals("probe:" + c.task())) {
                chance = 1.0 / c.operations().size();
            } else if (name.startsWith("probe:")) {
                chance = 1.0 / c.checkTasks().get(name.substring(6)).size();
            }
            metrics.add(new Metric(name, chance, values.get(name)[0], values.get(name)[1]));
        }
        return new Result(metrics, ranks, fitImages, evalTrain, evalTest);
    }

    private static int[] pick(int[] a, int[] idx) {
        int[] o = new int[idx.length];
        for (int i = 0; i < idx.length; i++) {
            o[i] = a[idx[i]];
        }
        return o;
    }

    private static float[][] rowsOf(float[] e, int n, int d, int[] images) {
        float[][] o = new float[images.length][];
        for (int i = 0; i < images.length; i++) {
            o[i] = java.util.Arrays.copyOfRange(e, images[i] * d, (images[i] + 1) * d);
        }
        return o;
    }

    private static FloatMatrix matrix(float[][] rows, int[] idx, int d) {
        float[] m = new float[idx.length * d];
        for (int i = 0; i < idx.length; i++) {
            System.arraycopy(rows[idx[i]], 0, m, i * d, d);
        }
        return new FloatMatrix(idx.length, d, m);
    }

    private static int[] labelsOf(long[] labels, int[] images) {
        int[] y = new int[images.length];
        for (int i = 0; i < images.length; i++) {
            y[i] = (int) labels[images[i]];
        }
        return y;
    }
}
