package org.encodertraces.knn;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.encodertraces.provenance.ArtifactProvenance;
import org.encodertraces.result.ResultDocument;
import org.encodertraces.result.ResultFiles;
import org.encodertraces.validity.Validity;

/**
 * kNN and pair-retrieval runs as the project's result document ({@link ResultDocument}: inputs
 * with sha256, parameters, seeds, metrics, per-class figures, provenance) with a CSV of the
 * headline numbers, written by {@link ResultFiles}. Accuracies and recalls are fractions in
 * [0, 1] (the study's kNN plots use percent).
 */
public final class KnnDocuments {
    private KnnDocuments() {
    }

    /** The columns of a kNN run's CSV. */
    public static final List<String> KNN_CSV_HEADER = List.of("task", "k", "all_same", "pos_same", "neg_same", "all_diff", "uniform",
            "pos_minus_neg", "chance", "queries", "database", "ceiling");

    /** The columns of a retrieval run's CSV. */
    public static final List<String> RETRIEVAL_CSV_HEADER = List.of("negatives", "query_class", "k", "queries", "hits", "recall");

    /** When a run started and ended, for its provenance. */
    public record RunTimes(Instant start, Instant end) {
    }

    /** Writes {@code json} and {@code csv} for a kNN run. */
    public static void writeKnn(KnnResult r, String task, List<ResultDocument.Input> inputs, int threads, RunTimes times,
                                Path json, Path csv) throws IOException {
        writeKnn(r, task, inputs, threads, times, json, csv, List.of());
    }

    /**
     * Writes {@code json} and {@code csv} for a kNN run that was not applicable (a single class in the
     * database): the reason instead of metrics, so that nothing reads as a measured 100%.
     */
    public static void writeNotApplicable(String task, List<ResultDocument.Input> inputs, String reason, List<String> notes, RunTimes times,
                                          Path json, Path csv) throws IOException {
        ResultDocument.Builder doc = ResultDocument.builder("knn").field("task", task).inputs(inputs).field("not_applicable", reason);
        if (!notes.isEmpty()) {
            doc.field("notes", notes);
        }
        doc.field("provenance", provenance(times));
        ResultFiles.write(doc.build(), json, new ResultFiles.Table(List.of("task", "not_applicable"), List.of(List.of(task, reason))), csv);
    }

    /** Writes {@code json} and {@code csv} for a kNN run, with notes (the split, an overlap warning) in the JSON. */
    public static void writeKnn(KnnResult r, String task, List<ResultDocument.Input> inputs, int threads, RunTimes times,
                                Path json, Path csv, List<String> notes) throws IOException {
        ResultDocument.Builder doc = ResultDocument.builder("knn").field("task", task).inputs(inputs);
        if (!notes.isEmpty()) {
            doc.field("notes", notes);
        }
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("operations", r.operations());
        params.put("k", r.k());
        params.put("similarity", "cosine (dot product of L2-normalised embeddings, float32)");
        params.put("similarity_ties", "lower training index ranks first");
        params.put("vote", r.tieRule());
        params.put("protocol", r.protocol().label());
        params.put("uniform_draw", r.protocol() == org.encodertraces.rng.Protocol.STUDY
                ? "the study's: np.random.default_rng(seed).choice(K, N) (numpy 1.24 PCG64, ported exactly)"
                : "robust: op(i, seed) = splitmix64(seed * 0x9E3779B97F4A7C15 + i) mod K");
        params.put("threads", threads);
        params.put("database_size", r.databaseSize());
        params.put("queries_per_operation", r.queries());
        doc.parameters(params);
        doc.field("seeds", r.uniformSeeds());
        Map<String, Object> metrics = new LinkedHashMap<>();
        Map<String, Object> acc = new LinkedHashMap<>();
        r.accuracy().forEach((s, v) -> acc.put(s.label(), v));
        metrics.put("accuracy", acc);
        metrics.put("gap_pos_minus_neg", finite(r.gapPosMinusNeg()));
        metrics.put("chance", r.chance());
        metrics.put("chance_rule", "share of the queries' most common class (what answering it for every query scores)");
        metrics.put("queries", r.queries());
        metrics.put("small_sample", Validity.smallSample(r.queries()));
        metrics.put("ceiling", r.atCeiling());
        if (r.atCeiling()) {
            metrics.put("ceiling_note", Validity.CEILING_NOTE);
        }
        Map<String, Object> ties = new LinkedHashMap<>();
        r.voteTies().forEach((s, v) -> ties.put(s.label(), v));
        metrics.put("vote_ties", ties);
        metrics.put("vote_ties_note", "queries (summed over each set-up's configurations) whose k votes had two or more classes "
                + "at the top count; ours give them to the nearest tied class, the study's torch.sort in no defined order");
        doc.metrics(metrics);
        Map<String, Object> perClass = new LinkedHashMap<>();
        r.perClass().forEach((s, m) -> {
            Map<String, Object> byClass = new LinkedHashMap<>();
            m.forEach((c, v) -> byClass.put(String.valueOf(c), v));
            perClass.put(s.label(), byClass);
        });
        doc.field("per_class_accuracy", perClass);
        List<Object> cfgs = new ArrayList<>();
        for (KnnResult.Configuration c : r.configurations()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("setup", c.setup().label());
            m.put("test", c.testOp());
            m.put("positives", c.positiveOp());
            m.put("negatives", c.negativeOp());
            if (c.seed() != null) {
                m.put("seed", c.seed());
            }
            m.put("correct", c.correct());
            m.put("accuracy", c.accuracy());
            m.put("vote_ties", c.voteTies());
            cfgs.add(m);
        }
        doc.field("configurations", cfgs);
        doc.field("provenance", provenance(times));
        List<Object> row = new ArrayList<>(List.of(task, Integer.toString(r.k())));
        for (KnnSetup s : KnnSetup.values()) {
            row.add(num(r.accuracy().getOrDefault(s, Double.NaN)));
        }
        row.addAll(List.of(num(r.gapPosMinusNeg()), num(r.chance()), Integer.toString(r.queries()), Integer.toString(r.databaseSize()),
                Boolean.toString(r.atCeiling())));
        ResultFiles.write(doc.build(), json, new ResultFiles.Table(KNN_CSV_HEADER, List.of(row)), csv);
    }

    /** Writes {@code json} and {@code csv} for a pair-retrieval run. */
    public static void writeRetrieval(RetrievalResult r, List<ResultDocument.Input> inputs, int threads, RunTimes times,
                                      Path json, Path csv) throws IOException {
        ResultDocument.Builder doc = ResultDocument.builder("retrieval").inputs(inputs);
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("protocol", "PairCams: the target of a query is the other photo of its subject; the query is never a candidate");
        params.put("device_classes", r.deviceClasses());
        params.put("recall_at", r.ks());
        params.put("similarity", "cosine (dot product of L2-normalised embeddings, float32)");
        params.put("similarity_ties", "a distractor scoring equal to the target ranks first only if its row index is lower");
        params.put(RetrievalResult.QUERY_DEVICE, "distractors: all other photos of the query's device class");
        params.put(RetrievalResult.OTHER_DEVICE, "distractors: all photos of the other device class except the target");
        params.put("threads", threads);
        params.put("subjects", r.subjects());
        doc.parameters(params);
        doc.field("seeds", List.of());
        List<Object> rows = new ArrayList<>();
        for (RetrievalResult.Recall x : r.recalls()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("negatives", x.negatives());
            m.put("query_class", x.queryClass());
            m.put("k", x.k());
            m.put("queries", x.queries());
            m.put("hits", x.hits());
            m.put("recall", finite(x.recall()));
            rows.add(m);
        }
        doc.metrics(Map.of("recall", rows));
        doc.field("provenance", provenance(times));
        List<List<?>> csvRows = new ArrayList<>();
        for (RetrievalResult.Recall x : r.recalls()) {
            csvRows.add(List.of(x.negatives(), x.queryClass(), Integer.toString(x.k()), Integer.toString(x.queries()), Integer.toString(x.hits()),
                    num(x.recall())));
        }
        ResultFiles.write(doc.build(), json, new ResultFiles.Table(RETRIEVAL_CSV_HEADER, csvRows), csv);
    }

    /** The platform, how scores were computed, and the times (written {@code started}/{@code finished}, formerly {@code start}/{@code end}). */
    private static Map<String, Object> provenance(RunTimes times) {
        return ArtifactProvenance.between(times.start(), times.end()).with("knn_scores", org.encodertraces.linalg.TopK.arithmetic()).toJson();
    }

    private static Object finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    private static String num(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6f", v) : "";
    }

}
