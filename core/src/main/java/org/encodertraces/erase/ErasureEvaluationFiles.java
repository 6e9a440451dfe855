package org.encodertraces.erase;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import org.encodertraces.io.AtomicFiles;
import org.encodertraces.io.Csv;
import org.encodertraces.provenance.Hashes;
import org.encodertraces.provenance.ArtifactProvenance;

/**
 * Writes an {@link ErasureEvaluation}'s result: {@code erasure-<task>-<method>.json} (parameters,
 * per-seed figures before and after, the inputs with their sha256, provenance) and a {@code .csv}
 * of the mean and spread of each figure, each written atomically.
 */
public final class ErasureEvaluationFiles {
    private ErasureEvaluationFiles() {
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
        ObjectMapper om = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode doc = om.createObjectNode();
        doc.put("experiment", "erasure-evaluation");
        doc.put("method", cfg.fit().method().id());
        doc.put("task", cfg.task());
        doc.put("model", encoder.model());
        doc.put("model_sha256", encoder.modelSha256());
        doc.put("dim", encoder.dim());
        ObjectNode p = doc.putObject("parameters");
        p.set("method_options", om.valueToTree(cfg.fit()));
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
        doc.put("fit_images", r.fitImages());
        doc.put("eval_train_images", r.evalTrain());
        doc.put("eval_test_images", r.evalTest());
        doc.set("ranks", om.valueToTree(r.ranks()));
        ArrayNode ms = doc.putArray("metrics");
        StringBuilder c = new StringBuilder("metric,chance,before_mean,before_std,after_mean,after_std\n");
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
            c.append(String.format(Locale.ROOT, "%s,%s,%.6f,%.6f,%.6f,%.6f%n", Csv.field(x.name()),
                    Double.isNaN(x.chance()) ? "" : Double.toString(x.chance()), x.beforeMean(), x.beforeStd(), x.afterMean(), x.afterStd()));
        }
        ArrayNode in = doc.putArray("inputs");
        for (Map.Entry<String, Path> e : inputs.entrySet()) {
            ObjectNode o = in.addObject();
            o.put("role", e.getKey());
            o.put("path", e.getValue().toString());
            o.put("sha256", Hashes.sha256(e.getValue()));
        }
        doc.set("provenance", ArtifactProvenance.between(started, Instant.now()).toJsonNode());
        AtomicFiles.writeString(json, om.writeValueAsString(doc));
        AtomicFiles.writeString(csv, c.toString());
        return new Written(json, csv);
    }
}
