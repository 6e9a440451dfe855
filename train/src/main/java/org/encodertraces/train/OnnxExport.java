package org.encodertraces.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.encodertraces.encoder.onnx.OnnxGraphWriter;

/**
 * Writes a trained {@link ResNet} as an ONNX model (opset 17) from its weights: input
 * {@code pixel_values} [N, 3, S, S] (normalised as {@link Training#preprocessing} says), outputs
 * {@code embedding} [N, D] (global average of the last stage) and {@code logits} [N, classes].
 * Only Conv, BatchNormalization (inference form, the running statistics), Relu, Add,
 * GlobalAveragePool, Flatten and Gemm are used.
 *
 * <p>Why our own writer: the network is a handful of operators and core already writes ONNX
 * protobuf, so no exporter (and no Python) is needed for a trained encoder to be an ordinary ONNX
 * encoder that ONNX Runtime runs everywhere in the toolkit.
 */
public final class OnnxExport {
    /** Name of the input tensor. */
    public static final String INPUT = "pixel_values";
    /** Name of the embedding output. */
    public static final String EMBEDDING = "embedding";
    /** Name of the logits output. */
    public static final String LOGITS = "logits";
    /** Name of the head's output of a contrastive run (its projection, not class logits). */
    public static final String PROJECTION = "projection";

    private OnnxExport() {
    }

    /** The model bytes for an architecture, class count and weights (names as {@link ResNet#state()}). */
    public static byte[] model(Architecture arch, int classes, Map<String, float[]> w, String docString) {
        return model(arch, classes, LOGITS, w, docString);
    }

    /** The model bytes with the head's output named {@code headOutput} ({@link #LOGITS} or {@link #PROJECTION}) and {@code classes} wide. */
    public static byte[] model(Architecture arch, int classes, String headOutput, Map<String, float[]> w, String docString) {
        OnnxGraphWriter graph = new OnnxGraphWriter("encoder-traces-" + arch.label());
        ResNet.ConvBn stem;
        List<ResNet.Block> blocks;
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager(); ResNet net = new ResNet(arch, classes, 0, m)) {
            stem = net.stem();
            blocks = net.blocks();
            for (ResNet.ConvBn cb : net.convs()) {
                graph.initializer(cb.name() + ".weight", w.get(cb.name() + ".weight"), cb.out(), cb.in(), cb.kernel(), cb.kernel());
                for (String s : List.of("gamma", "beta", "mean", "var")) {
                    graph.initializer(cb.name() + ".bn." + s, w.get(cb.name() + ".bn." + s), cb.out());
                }
            }
        }
        graph.initializer("fc.weight", w.get("fc.weight"), classes, arch.embeddingDim());
        graph.initializer("fc.bias", w.get("fc.bias"), classes);
        String h = relu(graph, convBn(graph, INPUT, stem), stem.name());
        for (ResNet.Block b : blocks) {
            String y = relu(graph, convBn(graph, h, b.conv1()), b.conv1().name());
            y = convBn(graph, y, b.conv2());
            String sc = b.shortcut() == null ? h : convBn(graph, h, b.shortcut());
            String base = b.conv2().name().replace(".conv2", "");
            graph.node("Add", base + ".add", List.of(y, sc), base + ".sum");
            h = relu(graph, base + ".sum", base);
        }
        graph.node("GlobalAveragePool", "pool", List.of(h), "pooled");
        graph.node("Flatten", "flatten", List.of("pooled"), EMBEDDING, OnnxGraphWriter.intAttr("axis", 1));
        graph.node("Gemm", "fc", List.of(EMBEDDING, "fc.weight", "fc.bias"), headOutput, OnnxGraphWriter.intAttr("transB", 1));
        graph.input(INPUT, "N", 3, arch.inputSize(), arch.inputSize());
        graph.output(EMBEDDING, "N", arch.embeddingDim());
        graph.output(headOutput, "N", classes);
        return graph.model(17, org.encodertraces.provenance.ToolInfo.version(), docString);
    }

    /** Writes the model atomically. */
    public static void write(Path file, byte[] model) throws IOException {
        org.encodertraces.io.AtomicFiles.writeBytes(file, model);
    }

    private static String convBn(OnnxGraphWriter g, String in, ResNet.ConvBn cb) {
        int p = cb.pad();
        g.node("Conv", cb.name(), List.of(in, cb.name() + ".weight"), cb.name() + ".conv",
                OnnxGraphWriter.intsAttr("kernel_shape", cb.kernel(), cb.kernel()),
                OnnxGraphWriter.intsAttr("strides", cb.stride(), cb.stride()),
                OnnxGraphWriter.intsAttr("pads", p, p, p, p));
        String n = cb.name() + ".bn";
        return g.node("BatchNormalization", n, List.of(cb.name() + ".conv", n + ".gamma", n + ".beta", n + ".mean", n + ".var"), n + ".out",
                OnnxGraphWriter.floatAttr("epsilon", ResNet.BN_EPS));
    }

    private static String relu(OnnxGraphWriter g, String in, String base) {
        return g.node("Relu", base + ".relu", List.of(in), base + ".relu");
    }
}
