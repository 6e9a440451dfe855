package org.encodertraces.train;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.encodertraces.encoder.onnx.ProtoWriter;

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

    private static final int FLOAT = 1;
    private static final int ATTR_FLOAT = 1;
    private static final int ATTR_INT = 2;
    private static final int ATTR_INTS = 7;

    private OnnxExport() {
    }

    /** The model bytes for an architecture, class count and weights (names as {@link ResNet#state()}). */
    public static byte[] model(Architecture arch, int classes, Map<String, float[]> w, String docString) {
        return model(arch, classes, LOGITS, w, docString);
    }

    /** The model bytes with the head's output named {@code headOutput} ({@link #LOGITS} or {@link #PROJECTION}) and {@code classes} wide. */
    public static byte[] model(Architecture arch, int classes, String headOutput, Map<String, float[]> w, String docString) {
        ProtoWriter graph = new ProtoWriter();
        graph.string(2, "encoder-traces-" + arch.label());
        ResNet.ConvBn stem;
        List<ResNet.Block> blocks;
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager(); ResNet net = new ResNet(arch, classes, 0, m)) {
            stem = net.stem();
            blocks = net.blocks();
            for (ResNet.ConvBn cb : net.convs()) {
                graph.message(5, tensor(cb.name() + ".weight", w.get(cb.name() + ".weight"), cb.out(), cb.in(), cb.kernel(), cb.kernel()));
                for (String s : List.of("gamma", "beta", "mean", "var")) {
                    graph.message(5, tensor(cb.name() + ".bn." + s, w.get(cb.name() + ".bn." + s), cb.out()));
                }
            }
        }
        graph.message(5, tensor("fc.weight", w.get("fc.weight"), classes, arch.embeddingDim()));
        graph.message(5, tensor("fc.bias", w.get("fc.bias"), classes));
        String h = relu(graph, convBn(graph, INPUT, stem), stem.name());
        for (ResNet.Block b : blocks) {
            String y = relu(graph, convBn(graph, h, b.conv1()), b.conv1().name());
            y = convBn(graph, y, b.conv2());
            String sc = b.shortcut() == null ? h : convBn(graph, h, b.shortcut());
            String base = b.conv2().name().replace(".conv2", "");
            graph.message(1, node("Add", base + ".add", List.of(y, sc), base + ".sum"));
            h = relu(graph, base + ".sum", base);
        }
        graph.message(1, node("GlobalAveragePool", "pool", List.of(h), "pooled"));
        graph.message(1, node("Flatten", "flatten", List.of("pooled"), EMBEDDING).message(5, intAttr("axis", 1)));
        graph.message(1, node("Gemm", "fc", List.of(EMBEDDING, "fc.weight", "fc.bias"), headOutput).message(5, intAttr("transB", 1)));
        graph.message(11, valueInfo(INPUT, "N", 3, arch.inputSize(), arch.inputSize()));
        graph.message(12, valueInfo(EMBEDDING, "N", arch.embeddingDim()));
        graph.message(12, valueInfo(headOutput, "N", classes));
        ProtoWriter model = new ProtoWriter();
        model.varint(1, 8);
        model.string(2, "encoder-traces");
        model.string(3, org.encodertraces.provenance.ToolInfo.version());
        model.string(6, docString);
        model.message(7, graph);
        model.message(8, new ProtoWriter().string(1, "").varint(2, 17));
        return model.toByteArray();
    }

    /** Writes the model atomically. */
    public static void write(Path file, byte[] model) throws IOException {
        org.encodertraces.io.AtomicFiles.writeBytes(file, model);
    }

    private static String convBn(ProtoWriter g, String in, ResNet.ConvBn cb) {
        int p = cb.pad();
        ProtoWriter conv = node("Conv", cb.name(), List.of(in, cb.name() + ".weight"), cb.name() + ".conv")
                .message(5, intsAttr("kernel_shape", cb.kernel(), cb.kernel()))
                .message(5, intsAttr("strides", cb.stride(), cb.stride()))
                .message(5, intsAttr("pads", p, p, p, p));
        g.message(1, conv);
        String n = cb.name() + ".bn";
        g.message(1, node("BatchNormalization", n, List.of(cb.name() + ".conv", n + ".gamma", n + ".beta", n + ".mean", n + ".var"), n + ".out")
                .message(5, new ProtoWriter().string(1, "epsilon").float32(2, ResNet.BN_EPS).varint(20, ATTR_FLOAT)));
        return n + ".out";
    }

    private static String relu(ProtoWriter g, String in, String base) {
        g.message(1, node("Relu", base + ".relu", List.of(in), base + ".relu"));
        return base + ".relu";
    }

    private static ProtoWriter node(String op, String name, List<String> inputs, String output) {
        ProtoWriter n = new ProtoWriter();
        inputs.forEach(i -> n.string(1, i));
        n.string(2, output);
        n.string(3, name);
        n.string(4, op);
        return n;
    }

    private static ProtoWriter intAttr(String name, long v) {
        return new ProtoWriter().string(1, name).varint(3, v).varint(20, ATTR_INT);
    }

    private static ProtoWriter intsAttr(String name, long... v) {
        ProtoWriter a = new ProtoWriter().string(1, name);
        for (long x : v) {
            a.varint(8, x);
        }
        return a.varint(20, ATTR_INTS);
    }

    private static ProtoWriter tensor(String name, float[] values, long... dims) {
        if (values == null) {
            throw new IllegalArgumentException("weights lack tensor '" + name + "'");
        }
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        if (n != values.length) {
            throw new IllegalArgumentException("tensor '" + name + "' has " + values.length + " values, shape needs " + n);
        }
        ProtoWriter t = new ProtoWriter();
        for (long d : dims) {
            t.varint(1, d);
        }
        t.varint(2, FLOAT);
        t.string(8, name);
        ByteBuffer bb = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        bb.asFloatBuffer().put(values);
        t.bytes(9, bb.array());
        return t;
    }

    private static ProtoWriter valueInfo(String name, String batch, long... dims) {
        ProtoWriter shape = new ProtoWriter();
        shape.message(1, new ProtoWriter().string(2, batch));
        for (long d : dims) {
            shape.message(1, new ProtoWriter().varint(1, d));
        }
        ProtoWriter tensorType = new ProtoWriter().varint(1, FLOAT).message(2, shape);
        return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensorType));
    }
}
