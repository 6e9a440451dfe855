package org.encodertraces.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.encodertraces.encoder.EmbeddingSelection;
import org.encodertraces.encoder.Encoder;
import org.encodertraces.encoder.OnnxEncoder;
import org.encodertraces.encoder.OnnxEncoderOptions;
import org.encodertraces.encoder.Pooling;
import org.encodertraces.encoder.PreprocessSpec;
import org.encodertraces.provenance.Hashes;
import org.encodertraces.provenance.ToolInfo;

/**
 * The files of a trained encoder in its folder: {@code model.onnx}, {@code model.spec.json}
 * (preprocessing and embedding tensor, in the format {@code tools/export-onnx/export_onnx.py}
 * writes, plus the output tensor's name) and {@code training.json} (the training provenance:
 * configuration, data hash and counts, library versions, per-epoch loss, final accuracies).
 *
 * <p>Why: a trained encoder must be an ordinary encoder ({@code --model DIR/model.onnx}), and a
 * trace measurement on it is only meaningful with the recipe and seed that made it.
 */
public final class TrainedEncoder {
    /** The ONNX file's name inside the run folder. */
    public static final String ONNX = "model.onnx";
    /** The spec file's name beside it. */
    public static final String SPEC = "model.spec.json";
    /** The provenance file's name. */
    public static final String PROVENANCE = "training.json";
    /** The checkpoint's name. */
    public static final String CHECKPOINT = "checkpoint.bin";

    private TrainedEncoder() {
    }

    /** Opens the exported model in ONNX Runtime (CPU) with its embedding output and preprocessing. */
    public static Encoder open(Path dir, int inputSize, int threads) {
        if (!Files.isRegularFile(dir.resolve(ONNX))) {
            throw new IllegalArgumentException(dir.resolve(ONNX) + ": model file not found");
        }
        return OnnxEncoder.open(OnnxEncoderOptions.cpu(dir.resolve(ONNX), new EmbeddingSelection(OnnxExport.EMBEDDING, Pooling.NONE, false),
                Training.preprocessing(inputSize)).withIntraOpThreads(threads).withInputName(OnnxExport.INPUT));
    }

    /**
     * Exports the weights and writes the three files.
     *
     * @param extra figures to add to the provenance (final accuracies, timing, failures)
     */
    public static void write(Path dir, TrainConfig cfg, TrainingImages data, Map<String, float[]> weights, Map<String, String> engine,
                             List<Training.EpochStats> epochs, Map<String, Object> extra, Instant started) throws IOException {
        Files.createDirectories(dir);
        byte[] onnx = OnnxExport.model(cfg.arch(), cfg.objective().headSize(data.classes().size()),
                cfg.objective().contrastive() ? OnnxExport.PROJECTION : OnnxExport.LOGITS, weights,
                "encoder-traces trained " + cfg.arch().label() + " recipe " + cfg.recipe().name() + " seed " + cfg.seed());
        OnnxExport.write(dir.resolve(ONNX), onnx);
        String sha = Hashes.sha256(onnx);
        ObjectMapper om = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
        PreprocessSpec spec = Training.preprocessing(cfg.arch().inputSize());
        Map<String, Object> specDoc = new LinkedHashMap<>();
        specDoc.put("preprocessing", spec);
        specDoc.put("embeddingDim", cfg.arch().embeddingDim());
        specDoc.put("onnx", ONNX);
        specDoc.put("sha256", sha);
        specDoc.put("inputName", OnnxExport.INPUT);
        specDoc.put("output", OnnxExport.EMBEDDING);
        specDoc.put("pooling", "NONE");
        specDoc.put("l2Normalize", false);
        specDoc.put("trainedBy", "traces train (encoder-traces " + ToolInfo.version() + ")");
        writeJson(om, dir.resolve(SPEC), specDoc);
        Map<String, Object> prov = new LinkedHashMap<>();
        prov.put("kind", "trained-encoder");
        prov.put("model", Map.of("file", ONNX, "sha256", sha, "architecture", cfg.arch().describe(), "classes", data.classes()));
        prov.put("training", cfg.describe());
        Map<String, Object> ds = new LinkedHashMap<>();
        ds.put("source", data.dataset().source());
        ds.put("name", data.dataset().name());
        ds.put("manifestSha256", data.dataset().manifestSha256());
        ds.put("images", data.size());
        ds.put("perClass", data.classCounts());
        ds.put("failed", data.failures().size());
        prov.put("data", ds);
        prov.put("libraries", engine);
        prov.put("platform", ToolInfo.platform());
        prov.put("epochs", epochs);
        prov.putAll(extra);
        prov.put("started", started.toString());
        prov.put("finished", Instant.now().toString());
        writeJson(om, dir.resolve(PROVENANCE), prov);
    }

    private static void writeJson(ObjectMapper om, Path file, Object doc) throws IOException {
        org.encodertraces.io.AtomicFiles.writeBytes(file, om.writeValueAsBytes(doc));
    }

    /** A key identifying a run's configuration and data: a checkpoint only resumes the same run. */
    public static String runKey(TrainConfig cfg, TrainingImages data) throws IOException {
        // keys sorted: Map.of iterates in a per-JVM random order, and a resumed run is another JVM
        String cfgJson = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).writeValueAsString(cfg.describe());
        return Hashes.sha256((cfgJson + "\n" + data.dataset().manifestSha256() + "\n" + String.join("\n", data.ids()))
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
