package org.encodertraces.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.encodertraces.encoder.PreprocessSpec;
import org.encodertraces.io.AtomicFiles;
import org.encodertraces.provenance.ArtifactProvenance;
import org.encodertraces.provenance.DatasetRef;
import org.encodertraces.provenance.Hashes;
import org.encodertraces.provenance.ProvenanceJson;
import org.encodertraces.provenance.ToolInfo;

/**
 * One CLIP training run into its folder, end to end: the tokenizer (built from the training
 * captions, or the fine-tuned run's), resume from the folder's checkpoint, train, measure zero-shot
 * retrieval on the test split, export both towers. A folder whose {@code training.json} records the
 * same run as finished is reused without training again.
 *
 * <p>The folder: {@code model.onnx} + {@code model.spec.json} (the image tower, an ordinary encoder
 * for {@code --model DIR/model.onnx}), {@code text.onnx} + {@code text.spec.json} +
 * {@code tokenizer.json} (the text tower and its Hugging Face tokenizer), {@code training.json}
 * (the typed {@link ArtifactProvenance}: platform, training images, seed, times; and the run's
 * configuration, mode, data hashes, library versions, loss curve, zero-shot recall with chance, n
 * and intervals), {@code checkpoint.bin}.
 */
public final class ClipRun {
    /** The text tower's file. */
    public static final String TEXT_ONNX = "text.onnx";
    /** The text tower's spec. */
    public static final String TEXT_SPEC = "text.spec.json";

    /**
     * What a run ended with.
     *
     * @param complete  all epochs done and the files written
     * @param reused    an earlier call had already finished it
     * @param epochsRun epochs done so far
     * @param recall    zero-shot recall on the test split (empty until complete)
     * @param seconds   training time of this call
     */
    public record Outcome(boolean complete, boolean reused, int epochsRun, List<ClipEvaluation.Recall> recall, double seconds) {
        /** The recall figure of a direction at k, or NaN. */
        public double recallAt(String direction, int k) {
            return recall.stream().filter(r -> r.direction().equals(direction) && r.k() == k).mapToDouble(ClipEvaluation.Recall::recall)
                    .findFirst().orElse(Double.NaN);
        }
    }

    private ClipRun() {
    }

    /** The tokenizer of a run: the fine-tuned run's ({@code init} folder), or one built from the training captions. */
    public static CaptionTokenizer tokenizer(ClipConfig cfg, CaptionedImages train, Path initDir) throws IOException {
        if (initDir != null) {
            CaptionTokenizer t = CaptionTokenizer.read(initDir.resolve(CaptionTokenizer.FILE));
            if (t.context() != cfg.arch().context()) {
                throw new IllegalArgumentException(initDir + ": its context length " + t.context() + " differs from " + cfg.arch().context());
            }
            return t;
        }
        return CaptionTokenizer.build(train.allCaptions(), cfg.arch().context(), cfg.minCount());
    }

    /** The weights a fine-tuning starts from: the earlier run's final checkpoint, checked against the architecture. */
    public static Map<String, float[]> initialWeights(Path initDir) throws IOException {
        Path ck = initDir.resolve(TrainedEncoder.CHECKPOINT);
        Path prov = initDir.resolve(TrainedEncoder.PROVENANCE);
        if (!Files.isRegularFile(ck) || !Files.isRegularFile(prov)) {
            throw new IOException(initDir + ": not a finished CLIP run (--init needs the folder of an earlier traces train --objective clip, "
                    + "with its " + TrainedEncoder.CHECKPOINT + " and " + TrainedEncoder.PROVENANCE + ")");
        }
        JsonNode n = new ObjectMapper().readTree(prov.toFile());
        if (!"clip".equals(n.path("training").path("objective").asText())) {
            throw new IOException(prov + ": not a CLIP run (its objective is '" + n.path("training").path("objective").asText("cross-entropy") + "')");
        }
        return Checkpoint.readWeights(ck);
    }

    /** The sha256 of a fine-tuned run's checkpoint, for the configuration. */
    public static String checkpointSha256(Path initDir) throws IOException {
        return Hashes.sha256(Files.readAllBytes(initDir.resolve(TrainedEncoder.CHECKPOINT)));
    }

    /** A key identifying a run's configuration, tokenizer and data: a checkpoint only resumes the same run. */
    public static String runKey(ClipConfig cfg, CaptionTokenizer tok, CaptionedImages data) throws IOException {
        ObjectMapper om = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
        String text = om.writeValueAsString(cfg.describe()) + "\n" + om.writeValueAsString(tok.toJson()) + "\n"
                + data.source().dataset().manifestSha256() + "\n" + String.join("\n", data.ids());
        return Hashes.sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Runs (or resumes, or reuses) the run in {@code dir}.
     *
     * @param initial         the fine-tuned run's weights, or null
     * @param stopAfterEpochs return after this many epochs of this call (0: no limit)
     */
    public static Outcome run(ClipConfig cfg, CaptionTokenizer tok, CaptionedImages data, CaptionedImages test, Map<String, float[]> initial,
                              Path dir, Map<String, String> engine, Training.Listener listener, int stopAfterEpochs)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        String key = runKey(cfg, tok, data);
        Outcome done = finished(dir, key, test);
        if (done != null) {
            return done;
        }
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        ClipTraining.Result r = ClipTraining.run(cfg, tok, data, initial, dir.resolve(TrainedEncoder.CHECKPOINT), key, listener, stopAfterEpochs);
        double secs = (System.nanoTime() - t0) / 1e9;
        if (r.epochsRun() < cfg.epochs()) {
            return new Outcome(false, false, r.epochsRun(), List.of(), secs);
        }
        ClipEvaluation.Embeddings e = ClipEvaluation.embed(cfg.arch(), tok, r.weights(), test);
        List<ClipEvaluation.Recall> recall = ClipEvaluation.recall(e, test.captions().stream().mapToInt(List::size).toArray());
        write(dir, cfg, tok, data, test, r, engine, key, recall, secs, started);
        return new Outcome(true, false, cfg.epochs(), recall, secs);
    }

    private static void write(Path dir, ClipConfig cfg, CaptionTokenizer tok, CaptionedImages data, CaptionedImages test, ClipTraining.Result r,
                              Map<String, String> engine, String key, List<ClipEvaluation.Recall> recall, double secs, Instant started)
            throws IOException {
        ObjectMapper om = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        String doc = "encoder-traces trained " + cfg.arch().label() + " " + cfg.mode() + " recipe " + cfg.recipe().name() + " seed " + cfg.seed();
        byte[] image = ClipOnnxExport.imageModel(cfg.arch(), r.weights(), doc + " (image tower)");
        byte[] text = ClipOnnxExport.textModel(cfg.arch(), tok.size(), tok.endId(), r.weights(), doc + " (text tower)");
        AtomicFiles.writeBytes(dir.resolve(TrainedEncoder.ONNX), image);
        AtomicFiles.writeBytes(dir.resolve(TEXT_ONNX), text);
        tok.write(dir.resolve(CaptionTokenizer.FILE));
        String imageSha = Hashes.sha256(image);
        String textSha = Hashes.sha256(text);
        PreprocessSpec spec = Training.preprocessing(cfg.arch().imageSize());
        Map<String, Object> specDoc = new LinkedHashMap<>();
        specDoc.put("preprocessing", spec);
        specDoc.put("embeddingDim", cfg.arch().embedDim());
        specDoc.put("onnx", TrainedEncoder.ONNX);
        specDoc.put("sha256", imageSha);
        specDoc.put("inputName", OnnxExport.INPUT);
        specDoc.put("output", ClipOnnxExport.imageOutput(cfg.arch()));
        specDoc.put("pooling", "NONE");
        specDoc.put("l2Normalize", false);
        specDoc.put("trainedBy", "traces train --objective clip (encoder-traces " + ToolInfo.version() + ")");
        AtomicFiles.writeBytes(dir.resolve(TrainedEncoder.SPEC), om.writeValueAsBytes(specDoc));
        Map<String, Object> textSpec = new LinkedHashMap<>();
        textSpec.put("onnx", TEXT_ONNX);
        textSpec.put("sha256", textSha);
        textSpec.put("tokenizer", CaptionTokenizer.FILE);
        textSpec.put("inputName", ClipOnnxExport.TEXT_INPUT);
        textSpec.put("inputType", "int64 [N, " + cfg.arch().context() + "]: the tokenizer's ids, padded to the context length");
        textSpec.put("contextLength", cfg.arch().context());
        textSpec.put("padId", 0);
        textSpec.put("endId", tok.endId());
        textSpec.put("output", ClipOnnxExport.TEXT_OUTPUT);
        textSpec.put("embeddingDim", cfg.arch().embedDim());
        textSpec.put("l2Normalize", false);
        textSpec.put("logitScale", Math.exp(r.weights().get("logit_scale")[0]));
        AtomicFiles.writeBytes(dir.resolve(TEXT_SPEC), om.writeValueAsBytes(textSpec));
        ArtifactProvenance prov = provenance(cfg, tok, data, test, r, engine, key, recall, secs, imageSha, textSha, started, Instant.now());
        AtomicFiles.writeBytes(dir.resolve(TrainedEncoder.PROVENANCE), om.writeValueAsBytes(prov.toJson()));
    }

    /**
     * The run's {@code training.json} as the typed provenance every artifact carries: the platform,
     * the training images ({@link DatasetRef}), the seed and the times as its fields; the run's own
     * record (run key, both towers' files, configuration with mode and recipe, data and test counts
     * and hashes, zero-shot recall with chance, n and intervals, libraries, loss curve) as its details,
     * under the keys the files of 2026-12-07 had (those files read back through {@link #finished}).
     */
    static ArtifactProvenance provenance(ClipConfig cfg, CaptionTokenizer tok, CaptionedImages data, CaptionedImages test, ClipTraining.Result r,
                                         Map<String, String> engine, String key, List<ClipEvaluation.Recall> recall, double secs, String imageSha,
                                         String textSha, Instant started, Instant finished) {
        Map<String, Object> t = data(test);
        t.put("zeroShotRetrieval", ClipEvaluation.describe(recall));
        t.put("retrievalMethod", "every test image against every test caption, cosine similarity of the towers' embeddings; "
                + "image->text hit at k: one of the image's own captions in the top k of all captions; text->image hit at k: the caption's "
                + "image in the top k of all images; ties count against; chance: a random ranking; intervals: 95% Wilson on n");
        return ArtifactProvenance.between(started, finished)
                .withDataset(new DatasetRef(data.source().dataset().name(), data.source().dataset().source(), data.size(),
                        data.source().dataset().manifestSha256(), null))
                .withSeed(cfg.seed())
                .with("kind", "trained-clip")
                .with("runKey", key)
                .with("model", Map.of("file", TrainedEncoder.ONNX, "sha256", imageSha, "tower", "image"))
                .with("textModel", Map.of("file", TEXT_ONNX, "sha256", textSha, "tower", "text", "tokenizer", CaptionTokenizer.FILE,
                        "vocabulary", tok.size()))
                .with("training", cfg.describe())
                .with("data", data(data))
                .with("test", t)
                .with("logitScale", Math.exp(r.weights().get("logit_scale")[0]))
                .with("libraries", engine)
                .with("epochs", r.epochs())
                .with("resumedFromEpoch", r.resumedFromEpoch())
                .with("trainingSecondsThisCall", secs);
    }

    private static Map<String, Object> data(CaptionedImages d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source", d.source().dataset().source());
        m.put("name", d.source().dataset().name());
        m.put("split", d.source().split());
        m.put("manifestSha256", d.source().dataset().manifestSha256());
        m.put("images", d.size());
        m.put("captions", d.allCaptions().size());
        m.put("failed", d.failures().stream().map(f -> Map.of("file", f.file().toString(), "reason", f.reason())).toList());
        return m;
    }

    /** The image tower of a finished run as an encoder (its own output: the projected embedding the text tower is matched to). */
    public static org.encodertraces.encoder.Encoder openImageTower(Path dir, ClipArchitecture arch, int threads) {
        if (!Files.isRegularFile(dir.resolve(TrainedEncoder.ONNX))) {
            throw new IllegalArgumentException(dir.resolve(TrainedEncoder.ONNX) + ": model file not found");
        }
        return org.encodertraces.encoder.OnnxEncoder.open(org.encodertraces.encoder.OnnxEncoderOptions.cpu(dir.resolve(TrainedEncoder.ONNX),
                        new org.encodertraces.encoder.EmbeddingSelection(ClipOnnxExport.imageOutput(arch), org.encodertraces.encoder.Pooling.NONE, false),
                        Training.preprocessing(arch.imageSize()))
                .withIntraOpThreads(threads).withInputName(OnnxExport.INPUT));
    }

    /**
     * Why a finished run's weights are not usable, or null: an epoch whose mean loss is not finite
     * (training diverged; its embeddings are NaN, and a NaN similarity ranks as a hit, so its recall
     * and every figure of it would be meaningless).
     */
    public static String divergence(Path dir) throws IOException {
        JsonNode n = new ObjectMapper().readTree(dir.resolve(TrainedEncoder.PROVENANCE).toFile());
        for (JsonNode e : n.path("epochs")) {
            double loss = e.path("meanLoss").asDouble(Double.NaN);
            if (!Double.isFinite(loss)) {
                return dir + ": training diverged (mean loss " + e.path("meanLoss").asText() + " in epoch " + (e.path("epoch").asInt() + 1) + " of "
                        + n.path("epochs").size() + "); its weights are not usable";
            }
        }
        return null;
    }

    /** The outcome an earlier call recorded for the same run and test set, or null. */
    static Outcome finished(Path dir, String key, CaptionedImages test) throws IOException {
        Path prov = dir.resolve(TrainedEncoder.PROVENANCE);
        if (!Files.isRegularFile(prov) || !Files.isRegularFile(dir.resolve(TrainedEncoder.ONNX)) || !Files.isRegularFile(dir.resolve(TEXT_ONNX))) {
            return null;
        }
        // through the typed reader: today's files (platform keys at the top) and those of 2026-12-07 (a nested "platform") alike
        JsonNode n = ProvenanceJson.tree(ArtifactProvenance.fromJson(new ObjectMapper().readTree(prov.toFile())).details());
        if (!key.equals(n.path("runKey").asText())
                || !test.source().dataset().manifestSha256().equals(n.path("test").path("manifestSha256").asText())
                || n.path("test").path("images").asInt() != test.size()) {
            return null;
        }
        List<ClipEvaluation.Recall> rs = new java.util.ArrayList<>();
        for (JsonNode r : n.path("test").path("zeroShotRetrieval")) {
            rs.add(new ClipEvaluation.Recall(r.path("direction").asText(), r.path("k").asInt(), r.path("recall").asDouble(), r.path("n").asInt(),
                    r.path("chance").asDouble(), r.path("ci95").path(0).asDouble(), r.path("ci95").path(1).asDouble()));
        }
        return new Outcome(true, true, n.path("training").path("epochs").asInt(), rs, 0);
    }
}
