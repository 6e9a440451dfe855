package org.encodertraces.erase;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.encodertraces.encoder.EmbeddingSelection;
import org.encodertraces.encoder.Encoder;
import org.encodertraces.encoder.EncoderProvenance;
import org.encodertraces.encoder.ExportSpec;
import org.encodertraces.encoder.FloatTensorBatch;
import org.encodertraces.encoder.OnnxEncoder;
import org.encodertraces.encoder.OnnxEncoderOptions;
import org.encodertraces.encoder.Pooling;
import org.encodertraces.encoder.PreprocessSpec;
import org.encodertraces.encoder.onnx.OnnxFileScan;
import org.encodertraces.encoder.onnx.OnnxGraphInfo;
import org.encodertraces.encoder.onnx.OnnxModelEditor;
import org.encodertraces.encoder.onnx.OnnxValueInfo;
import org.encodertraces.encoder.onnx.ProtoWriter;
import org.encodertraces.io.AtomicFiles;
import org.encodertraces.provenance.ArtifactProvenance;
import org.encodertraces.provenance.Hashes;

/**
 * A trace-free encoder to deploy: the encoder's ONNX graph with an eraser's affine map appended
 * after its embedding tensor, written as one ONNX file and its {@code .spec.json} (the export spec
 * {@code --model FILE.onnx} reads), so any ONNX runtime gives erased embeddings directly.
 *
 * <p>The appended nodes compute exactly what {@code traces embed} followed by {@code traces erase
 * apply} compute: the embedding tensor pooled as the encoder pools it ({@code GlobalAveragePool}
 * for feature maps, token 0 or the token mean for sequences), L2-normalised when the encoder's
 * embedding is (before the eraser, as the eraser was fitted on normalised rows; an L2
 * normalisation the graph itself does after that tensor is not part of the embedding and is left
 * out with the graph's old outputs), then {@code x - ((x - mean) R) L^T} in double precision, as
 * {@link Eraser#applyInPlace} computes it, cast to float. Only operators whose form has not changed
 * since opset 7 are used, so the head fits any graph's opset.
 *
 * <p>Before the file is moved into place the exported graph is opened in ONNX Runtime and run on
 * two fixed pseudo-random inputs beside the source encoder and {@link Eraser#apply}; the largest
 * difference is recorded in the spec.
 */
public final class EraserExport {
    /** The exported graph's one output: the erased embedding, [N, D] float. */
    public static final String OUTPUT = "erased_embedding";
    /** Prefix of every node, initializer and tensor the export adds. */
    static final String PREFIX = "traces_eraser/";
    /** The spec's {@code format}, the export recipe's. */
    static final String SPEC_FORMAT = "encoder-traces-export-spec";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private EraserExport() {
    }

    /**
     * What was written.
     *
     * @param onnx the exported model
     * @param spec its spec beside it
     * @param sha256 the exported model's sha256
     * @param maxAbsDifference the largest difference between the exported graph's output and the
     *     source encoder's embedding erased by {@link Eraser#apply}, over the self-check's inputs
     */
    public record Written(Path onnx, Path spec, String sha256, double maxAbsDifference) {
    }

    /**
     * Checks that the eraser belongs to this encoder.
     *
     * @param modelName the model as the user named it, for messages
     * @throws IllegalArgumentException naming both and the difference: a built-in encoder (no graph),
     *     another width, another model sha256, or an eraser that does not say which model it was fitted on
     */
    public static void requireFits(Encoder source, String modelName, EraserFile eraser, Path eraserFile) {
        EncoderProvenance.Runtime rt = source.provenanceRecord().runtime();
        if (rt == null) {
            throw new IllegalArgumentException("model " + modelName + " is a built-in encoder, not an ONNX graph: there is no graph to"
                    + " append the eraser to");
        }
        EncoderIdentity fitted = eraser.encoder();
        if (eraser.eraser().dim() != source.embeddingDim()) {
            throw new IllegalArgumentException("the eraser " + eraserFile + " maps " + eraser.eraser().dim() + "-dimensional embeddings"
                    + by(fitted) + ", but model " + modelName + " gives " + source.embeddingDim() + "-dimensional ones: an eraser"
                    + " applies only to the encoder it was fitted on");
        }
        if (!fitted.known()) {
            throw new IllegalArgumentException("the eraser " + eraserFile + " does not say which model it was fitted on (no model sha256 in"
                    + " its sidecar): refusing to build it into model " + modelName + " (sha256 " + rt.modelSha256() + ")");
        }
        if (!fitted.modelSha256().equals(rt.modelSha256())) {
            throw new IllegalArgumentException("the eraser " + eraserFile + " was fitted on embeddings" + by(fitted) + ", not on model "
                    + modelName + " (sha256 " + rt.modelSha256() + "): an eraser applies only to the encoder it was fitted on");
        }
    }

    private static String by(EncoderIdentity e) {
        return " of " + (e.model().isEmpty() ? "an unnamed model" : e.model()) + (e.known() ? " (sha256 " + e.modelSha256() + ")" : "");
    }

    /**
     * Refuses a model whose weights live in ONNX external data files (a model past 2 GB, such as
     * ViT-H/14, ViT-g/14 or ConvNeXt-XXL built from their checkpoints): the export is one
     * self-contained {@code .onnx} file, which cannot hold them.
     *
     * @throws IllegalArgumentException naming the model and its external data files
     * @throws IOException when the model file cannot be read
     */
    public static void requireSelfContained(String modelName, Path modelFile) throws IOException {
        List<String> external = OnnxFileScan.of(modelFile).externalData();
        if (!external.isEmpty()) {
            throw new IllegalArgumentException("model " + modelName + " (" + modelFile + ") keeps its weights in ONNX external data "
                    + external + ", past the 2 GB one ONNX file holds: erase export writes one self-contained .onnx and cannot carry"
                    + " them; apply the eraser to the model's embeddings with 'traces erase apply' instead");
        }
    }

    /**
     * Writes {@code out} (an {@code .onnx} name) and its spec beside it, after {@link #requireFits}.
     *
     * @param source the opened source encoder (its provenance names the model file's sha256, input and embedding)
     * @param modelName the model as the user named it
     * @param modelFile the source's model file
     * @throws IllegalArgumentException when the eraser does not fit or the output would overwrite the model
     * @throws IOException when a file cannot be read or written, or the exported graph's self-check fails
     */
    public static Written export(Encoder source, String modelName, Path modelFile, EraserFile eraser, Path eraserFile, Path out)
            throws IOException {
        requireFits(source, modelName, eraser, eraserFile);
        if (!out.getFileName().toString().endsWith(".onnx")) {
            throw new IllegalArgumentException("-o " + out + ": the exported model's name must end in .onnx (its spec is written beside it"
                    + " as " + ExportSpec.besides(out).getFileName() + ")");
        }
        if (out.toAbsolutePath().normalize().equals(modelFile.toAbsolutePath().normalize())) {
            throw new IllegalArgumentException("-o " + out + " would overwrite the source model; choose another output");
        }
        requireSelfContained(modelName, modelFile);
        EncoderProvenance.Runtime rt = source.provenanceRecord().runtime();
        byte[] model = Files.readAllBytes(modelFile);
        String sha = Hashes.sha256(model);
        if (!sha.equals(rt.modelSha256())) {
            throw new IOException(modelFile + " changed since the encoder was opened (sha256 " + sha + ", opened " + rt.modelSha256() + ")");
        }
        OnnxGraphInfo graph = OnnxGraphInfo.read(model);
        for (String name : graph.nodeOutputs()) {
            if (name.equals(OUTPUT) || name.startsWith(PREFIX)) {
                throw new IllegalArgumentException("model " + modelName + " already has a tensor named '" + name + "': is it an export"
                        + " already? Export from the original model");
            }
        }
        EmbeddingSelection sel = rt.embedding();
        byte[] exported = OnnxModelEditor.appendNodes(model, head(sel, eraser.eraser()), weights(eraser.eraser(), sel),
                List.of(OnnxModelEditor.valueInfo(OUTPUT, OnnxValueInfo.FLOAT, -1, eraser.eraser().dim())), false);
        Path target = out.toAbsolutePath();
        Files.createDirectories(target.getParent());
        Path tmp = AtomicFiles.newTemporary(target);
        try {
            Files.write(tmp, exported);
            double diff = selfCheck(source, tmp, rt.inputName(), eraser.eraser());
            String outSha = Hashes.sha256(exported);
            ObjectNode spec = spec(source, modelName, modelFile, eraser, eraserFile, target, outSha, diff);
            AtomicFiles.moveIntoPlace(tmp, target);
            Path specFile = ExportSpec.besides(target);
            AtomicFiles.writeString(specFile, JSON.writeValueAsString(spec));
            return new Written(target, specFile, outSha, diff);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The appended nodes: pooling, optional L2 normalisation, the affine map. */
    static List<ProtoWriter> head(EmbeddingSelection sel, Eraser e) {
        List<ProtoWriter> nodes = new ArrayList<>();
        String t = sel.tensor();
        String pooled = PREFIX + "pooled";
        switch (sel.pooling()) {
            case NONE -> nodes.add(OnnxModelEditor.node("Flatten", PREFIX + "flatten", List.of(t), List.of(pooled),
                    OnnxModelEditor.intAttribute("axis", 1)));
            case GLOBAL_AVERAGE -> {
                nodes.add(OnnxModelEditor.node("GlobalAveragePool", PREFIX + "gap", List.of(t), List.of(PREFIX + "gap")));
                nodes.add(OnnxModelEditor.node("Flatten", PREFIX + "flatten", List.of(PREFIX + "gap"), List.of(pooled),
                        OnnxModelEditor.intAttribute("axis", 1)));
            }
            case CLS_TOKEN -> nodes.add(OnnxModelEditor.node("Gather", PREFIX + "cls", List.of(t, PREFIX + "token0"), List.of(pooled),
                    OnnxModelEditor.intAttribute("axis", 1)));
            case MEAN_TOKENS -> {
                nodes.add(OnnxModelEditor.node("Transpose", PREFIX + "tokens_last", List.of(t), List.of(PREFIX + "tokens_last"),
                        OnnxModelEditor.intsAttribute("perm", 0, 2, 1)));
                nodes.add(OnnxModelEditor.node("GlobalAveragePool", PREFIX + "token_mean", List.of(PREFIX + "tokens_last"),
                        List.of(PREFIX + "token_mean")));
                nodes.add(OnnxModelEditor.node("Flatten", PREFIX + "flatten", List.of(PREFIX + "token_mean"), List.of(pooled),
                        OnnxModelEditor.intAttribute("axis", 1)));
            }
        }
        String x = pooled;
        if (sel.l2Normalize()) {
            // as Pooling.l2NormalizeRows: sum of squares in double, divide, round to float (a zero row stays zero)
            nodes.add(cast(x, PREFIX + "l2_x", OnnxModelEditor.TENSOR_DOUBLE));
            nodes.add(OnnxModelEditor.node("Mul", PREFIX + "l2_squares", List.of(PREFIX + "l2_x", PREFIX + "l2_x"),
                    List.of(PREFIX + "l2_squares")));
            nodes.add(OnnxModelEditor.node("MatMul", PREFIX + "l2_sum", List.of(PREFIX + "l2_squares", PREFIX + "ones"),
                    List.of(PREFIX + "l2_sum")));
            nodes.add(OnnxModelEditor.node("Sqrt", PREFIX + "l2_norm", List.of(PREFIX + "l2_sum"), List.of(PREFIX + "l2_norm")));
            nodes.add(OnnxModelEditor.node("Max", PREFIX + "l2_safe", List.of(PREFIX + "l2_norm", PREFIX + "tiny"),
                    List.of(PREFIX + "l2_safe")));
            nodes.add(OnnxModelEditor.node("Div", PREFIX + "l2_div", List.of(PREFIX + "l2_x", PREFIX + "l2_safe"),
                    List.of(PREFIX + "l2_unit")));
            nodes.add(cast(PREFIX + "l2_unit", PREFIX + "normalized", OnnxValueInfo.FLOAT));
            x = PREFIX + "normalized";
        }
        if (e.rank() == 0) {
            nodes.add(OnnxModelEditor.node("Identity", PREFIX + "identity", List.of(x), List.of(OUTPUT)));
            return nodes;
        }
        nodes.add(cast(x, PREFIX + "x", OnnxModelEditor.TENSOR_DOUBLE));
        nodes.add(OnnxModelEditor.node("Sub", PREFIX + "centre", List.of(PREFIX + "x", PREFIX + "mean"), List.of(PREFIX + "centred")));
        nodes.add(OnnxModelEditor.node("MatMul", PREFIX + "project", List.of(PREFIX + "centred", PREFIX + "right"),
                List.of(PREFIX + "coefficients")));
        nodes.add(OnnxModelEditor.node("MatMul", PREFIX + "reconstruct", List.of(PREFIX + "coefficients", PREFIX + "left_t"),
                List.of(PREFIX + "removed")));
        nodes.add(OnnxModelEditor.node("Sub", PREFIX + "erase", List.of(PREFIX + "x", PREFIX + "removed"), List.of(PREFIX + "erased")));
        nodes.add(cast(PREFIX + "erased", OUTPUT, OnnxValueInfo.FLOAT));
        return nodes;
    }

    private static ProtoWriter cast(String in, String out, int to) {
        return OnnxModelEditor.node("Cast", out + "_cast", List.of(in), List.of(out), OnnxModelEditor.intAttribute("to", to));
    }

    /** The head's weights: mean [D], R [D, k], L^T [k, D] in double; the token index and L2 constants when used. */
    static List<ProtoWriter> weights(Eraser e, EmbeddingSelection sel) {
        int d = e.dim();
        int k = e.rank();
        List<ProtoWriter> w = new ArrayList<>();
        if (sel.pooling() == Pooling.CLS_TOKEN) {
            w.add(OnnxModelEditor.int64Tensor(PREFIX + "token0", new long[0], new long[] {0}));
        }
        if (sel.l2Normalize()) {
            double[] ones = new double[d];
            java.util.Arrays.fill(ones, 1.0);
            w.add(OnnxModelEditor.doubleTensor(PREFIX + "ones", new long[] {d, 1}, ones));
            w.add(OnnxModelEditor.doubleTensor(PREFIX + "tiny", new long[] {1}, new double[] {Double.MIN_NORMAL}));
        }
        if (k > 0) {
            double[] leftT = new double[k * d];
            for (int j = 0; j < d; j++) {
                for (int r = 0; r < k; r++) {
                    leftT[r * d + j] = e.left()[j * k + r];
                }
            }
            w.add(OnnxModelEditor.doubleTensor(PREFIX + "mean", new long[] {d}, e.mean()));
            w.add(OnnxModelEditor.doubleTensor(PREFIX + "right", new long[] {d, k}, e.right()));
            w.add(OnnxModelEditor.doubleTensor(PREFIX + "left_t", new long[] {k, d}, leftT));
        }
        return w;
    }

    /**
     * Opens the exported graph in ONNX Runtime and compares it with the source encoder plus
     * {@link Eraser#apply} on two fixed pseudo-random input tensors; returns the largest absolute difference.
     */
    private static double selfCheck(Encoder source, Path exported, String inputName, Eraser e) throws IOException {
        PreprocessSpec pre = source.preprocessing();
        int n = 2;
        long[] shape = pre.tensorShape(n);
        float[] data = new float[(int) (shape[0] * shape[1] * shape[2] * shape[3])];
        SplittableRandom r = new SplittableRandom(20261207L);
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) (r.nextDouble() * 4 - 2);
        }
        FloatTensorBatch batch = new FloatTensorBatch(shape, data);
        float[][] base = source.embed(batch);
        OnnxEncoderOptions o = OnnxEncoderOptions.cpu(exported, EmbeddingSelection.output(OUTPUT), pre).withInputName(inputName);
        float[][] got;
        try (OnnxEncoder x = OnnxEncoder.open(o)) {
            got = x.embed(batch);
        } catch (RuntimeException ex) {
            throw new IOException("the exported graph does not run in ONNX Runtime: " + ex.getMessage(), ex);
        }
        double max = 0;
        for (int i = 0; i < n; i++) {
            float[] want = e.apply(base[i], 1);
            if (got[i].length != want.length) {
                throw new IOException("the exported graph gives " + got[i].length + " values per image, the eraser " + want.length);
            }
            for (int j = 0; j < want.length; j++) {
                max = Math.max(max, Math.abs((double) got[i][j] - want[j]));
            }
        }
        if (!(max <= 1e-3 * Math.max(1, maxAbs(base)))) {
            throw new IOException("the exported graph's output differs from the encoder's erased embedding by " + max
                    + " on the self-check inputs: not written");
        }
        return max;
    }

    private static double maxAbs(float[][] rows) {
        double m = 0;
        for (float[] row : rows) {
            for (float v : row) {
                m = Math.max(m, Math.abs(v));
            }
        }
        return m;
    }

    private static ObjectNode spec(Encoder source, String modelName, Path modelFile, EraserFile eraser, Path eraserFile, Path target,
                                   String sha256, double diff) throws IOException {
        EncoderProvenance.Runtime rt = source.provenanceRecord().runtime();
        EmbeddingSelection sel = rt.embedding();
        ObjectNode s = JSON.createObjectNode();
        s.put("format", SPEC_FORMAT);
        s.set("preprocessing", JSON.valueToTree(source.preprocessing()));
        s.put("inputName", rt.inputName());
        s.put("output", OUTPUT);
        s.put("pooling", Pooling.NONE.name());
        s.put("l2Normalize", false);
        s.put("embeddingDim", eraser.eraser().dim());
        s.put("onnx", target.getFileName().toString());
        s.put("sha256", sha256);
        ObjectNode from = s.putObject("erased_from");
        from.put("model", modelName);
        from.put("model_file", modelFile.getFileName().toString());
        from.put("model_sha256", rt.modelSha256());
        from.put("embedding_tensor", sel.tensor());
        from.put("pooling", sel.pooling().name());
        from.put("l2_normalize", sel.l2Normalize());
        ObjectNode er = s.putObject("eraser");
        er.put("file", eraserFile.getFileName().toString());
        er.put("sha256", Hashes.sha256(eraserFile));
        er.put("method", eraser.eraser().method());
        er.put("dim", eraser.eraser().dim());
        er.put("rank", eraser.eraser().rank());
        er.set("encoder", JSON.valueToTree(eraser.encoder().toJson()));
        er.set("concepts", JSON.valueToTree(eraser.conceptNames()));
        er.put("fitted_images", eraser.fittedIds().size());
        er.put("dataset_manifest_sha256", eraser.datasetSha256());
        for (String key : List.of("parameters", "inputs", "fit")) {
            if (eraser.description().has(key)) {
                er.set(key, eraser.description().get(key).deepCopy());
            }
        }
        er.set("provenance", ArtifactProvenance.fromJson(eraser.description().get("provenance")).toJsonNode());
        ObjectNode check = s.putObject("self_check");
        check.put("inputs", "2 pseudo-random tensors of the preprocessing's shape, seed 20261207");
        check.put("max_abs_difference", diff);
        s.set("provenance", ArtifactProvenance.current().toJsonNode());
        return s;
    }
}
