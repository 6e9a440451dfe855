package org.encodertraces.erase;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.encodertraces.provenance.ArtifactProvenance;
import org.encodertraces.result.ResultDocument;
import org.encodertraces.result.ResultFiles;

/**
 * Writes an {@link ErasureEvaluation}'s result as the project's result document ({@link ResultDocument}):
 * {@code erasure-<task>-<method>.json} (parameters,
 * per-seed figures before and after, the inputs with their sha256, provenance) and a {@code .csv}
 * of the mean and spread of each figure, each written atomically.
 */
public final class ErasureEvaluationFiles {
    private ErasureEvaluationFiles() {
    }

    /** The columns of the CSV. */
    public static final List<String> CSV_HEADER = List.of("metric", "chance", "before_mean", "before_std", "after_mean", "after_std");

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.6f", v);
    }

    /** The two files written. */
    public record Written(Path json, Path csv) {
    }

    /**
     * Writes both files into {@code outDir} (created when missing).
     *
     * @param encoder the encoder the embedding sets came from
     * @param inputs the embedding set of each operation (role to file), hashed into the document
     * @param started when the run started; it finished now
     */
    public static Written write(ErasureEvaluation.Result r, ErasureEvaluation.Config cfg, EncoderIdentity encoder, Map<String, Path> inputs,
                                Instant started, Path outDir) throws IOException {
        Files.createDirectories(outDir);
        String stem = "erasure-" + cfg.task() + "-" + cfg.fit().method().id();
        Path json = outDir.resolve(stem + ".json");
        Path csv = outDir.resolve(stem + ".csv");
        ObjectMapper om = new ObjectMapper();
        ResultDocument.Builder doc = ResultDocument.builder("erasure-evaluation");
        doc.field("method", cfg.fit().method().id());
        doc.field("task", cfg.task());
        doc.field("model", encoder.model());
        doc.field("model_sha256", encoder.modelSha256());
        doc.field("dim", encoder.dim());
        ObjectNode p = om.createObjectNode();
        p.set("method_options", new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).valueToTree(cfg.fit()));
        p.put("fit_fraction", cfg.fitFraction());
        p.put("eval_test_fraction", cfg.evalTestFraction());
        p.set("seeds", om.valueToTree(cfg.seeds()));
        p.put("checking_probe_trainer", cfg.probe().trainer().name());
        p.put("checking_probe_normalization", cfg.probe().normalization().name());
        p.put("checking_probe_trials", cfg.probe().trials());
        p.put("checking_probe_repeats", cfg.probe().repeats());
        p.put("checking_probe_seed", "1000 + seed");
        p.put("k", cfg.knn().k());
        p.put("semantic_label", cfg.semanticLabel());
        doc.parameters(p);
        doc.field("fit_images", r.fitImages());
        doc.field("eval_train_images", r.evalTrain());
        doc.field("eval_test_images", r.evalTest());
        doc.field("ranks", om.valueToTree(r.ranks()));
        ArrayNode ms = om.createArrayNode();
        List<List<?>> rows = new ArrayList<>();
        for (ErasureEvaluation.Metric x : r.metrics()) {
            ObjectNode o = ms.addObject();
            o.put("name", x.name());
            if (!Double.isNaN(x.chance())) {
                o.put("chance", x.chance());
            }
            o.put("before_mean", x.beforeMean());
            o.put("before_std", x.beforeStd());
            o.put("after_mean", x.afterMean());
            o.put("after_std", x.afterStd());
            o.set("before", om.valueToTree(x.before()));
            o.set("after", om.valueToTree(x.after()));
            rows.add(List.of(x.name(), Double.isNaN(x.chance()) ? "" : Double.toString(x.chance()), num(x.beforeMean()), num(x.beforeStd()),
                    num(x.afterMean()), num(x.afterStd())));
        }
        doc.metrics(ms);
        List<ResultDocument.Input> in = new ArrayList<>();
        for (Map.Entry<String, Path> e : inputs.entrySet()) {
            in.add(ResultDocument.Input.of(e.getKey(), e.getValue()));
        }
        doc.inputs(in);
        doc.provenance(ArtifactProvenance.between(started, Instant.now()));
        ResultFiles.write(doc.build(), json, new ResultFiles.Table(CSV_HEADER, rows), csv);
        return new Written(json, csv);
    }
}
