package org.encodertraces.encoder.graph;

import java.util.List;
import java.util.regex.Pattern;
import org.encodertraces.encoder.checkpoint.Checkpoint;
import org.encodertraces.encoder.checkpoint.CheckpointException;
import org.encodertraces.encoder.onnx.OnnxGraphWriter;
import org.encodertraces.encoder.onnx.OnnxModel;

/**
 * The ONNX graph of a ConvNeXt from a checkpoint with timm's key layout ({@code stem.0/1},
 * {@code stages.i.downsample.0/1}, {@code stages.i.blocks.j.conv_dw / norm / mlp.fc1 / mlp.fc2 /
 * gamma}, {@code head.norm}), as timm's {@code convnext_*} and OpenCLIP's ConvNeXt towers (the same
 * trunk under {@code trunk.}) have it. The embedding is timm's {@code num_classes=0} output (global
 * average, then {@code head.norm}, flattened), followed for OpenCLIP by its head: a linear
 * projection ({@code head.proj}) or an MLP ({@code head.mlp.fc1}, GELU, {@code head.mlp.fc2}).
 * Stage widths and depths come from the shapes; the LayerNorm epsilon is the configuration's
 * (timm 1e-6; ConvNeXt-XXLarge 1e-5).
 */
public final class ConvNeXtGraph {
    /** The input's name. */
    public static final String INPUT = "pixel_values";
    /** The embedding output's name. */
    public static final String EMBEDDING = "embedding";

    /** Where the weights are: a timm model, or an OpenCLIP visual tower (trunk plus projection head). */
    public enum Layout {
        /** timm keys; {@code head.fc} (the classifier) unused. */
        TIMM,
        /** OpenCLIP {@code TimmModel} keys without the {@code visual.} prefix: {@code trunk.*} and {@code head.proj} or {@code head.mlp}. */
        OPENCLIP
    }

    private static final Pattern IGNORED = Pattern.compile("(trunk\\.)?head\\.fc\\.(weight|bias)");

    private final OnnxGraphWriter g = new OnnxGraphWriter("convnext");
    private final CheckpointKeys w;
    private final float eps;
    private int ids;

    private ConvNeXtGraph(CheckpointKeys w, float eps) {
        this.w = w;
        this.eps = eps;
    }

    /**
     * Builds the graph with every weight inside one model file ({@link #model} for a model that may
     * need external data).
     *
     * @return the ONNX model's bytes (opset 17)
     * @throws CheckpointException naming a missing, misshapen or unexpected key
     * @throws IllegalArgumentException when the weights pass what one ONNX file holds
     */
    public static byte[] build(Checkpoint checkpoint, Layout layout, float layerNormEps, String producerVersion, String docString)
            throws CheckpointException {
        return model(checkpoint, layout, layerNormEps, producerVersion, docString).inlineBytes();
    }

    /**
     * Builds the graph.
     *
     * @param layerNormEps the LayerNorm epsilon
     * @throws CheckpointException naming a missing, misshapen or unexpected key
     */
    public static OnnxModel model(Checkpoint checkpoint, Layout layout, float layerNormEps, String producerVersion, String docString)
            throws CheckpointException {
        ConvNeXtGraph b = new ConvNeXtGraph(new CheckpointKeys(checkpoint, layout == Layout.TIMM ? "timm ConvNeXt" : "OpenCLIP ConvNeXt"),
                layerNormEps);
        String t = layout == Layout.TIMM ? "" : "trunk.";
        long out = b.trunk(t);
        if (layout == Layout.OPENCLIP) {
            out = b.head(out);
        } else {
            b.g.node("Identity", "embedding", List.of("features"), EMBEDDING);
        }
        b.w.requireAllUsed(IGNORED);
        b.g.input(INPUT, "N", 3, "H", "W");
        b.g.output(EMBEDDING, "N", out);
        return b.g.build(17, producerVersion, docString);
    }

    private String id(String base) {
        return base + "#" + (ids++);
    }

    /** Builds the trunk up to tensor {@code features} [N, C]; returns C. */
    private long trunk(String t) throws CheckpointException {
        long c = w.shape(t + "stem.0.weight")[0];
        String x = conv(INPUT, t + "stem.0", c, 3, 4, 4, 1);
        x = layerNorm2d(x, t + "stem.1", c);
        int s = 0;
        while (w.has(t + "stages." + s + ".blocks.0.conv_dw.weight")) {
            String st = t + "stages." + s;
            if (s > 0) {
                long next = w.shape(st + ".downsample.1.weight")[0];
                x = layerNorm2d(x, st + ".downsample.0", c);
                x = conv(x, st + ".downsample.1", next, c, 2, 2, 1);
                c = next;
            }
            for (int j = 0; w.has(st + ".blocks." + j + ".conv_dw.weight"); j++) {
                x = block(x, st + ".blocks." + j, c);
            }
            s++;
        }
        if (s == 0) {
            throw new CheckpointException(w.file(), "missing key '" + t + "stages.0.blocks.0.conv_dw.weight': no ConvNeXt stages");
        }
        x = g.node("GlobalAveragePool", "pool", List.of(x), "pooled");
        x = layerNorm2d(x, t + "head.norm", c);
        g.node("Flatten", "flatten", List.of(x), "features", OnnxGraphWriter.intAttr("axis", 1));
        return c;
    }

    private long head(long c) throws CheckpointException {
        if (w.has("head.proj.weight")) {
            long out = w.shape("head.proj.weight")[0];
            matmul("features", "head.proj.weight", c, out, EMBEDDING);
            return out;
        }
        long hidden = w.shape("head.mlp.fc1.weight")[0];
        String h = matmul("features", "head.mlp.fc1.weight", c, hidden, "head.fc1");
        h = g.node("Add", "head.fc1.bias", List.of(h, g.initializer("head.mlp.fc1.bias", w.take("head.mlp.fc1.bias", hidden).values(), hidden)),
                "head.fc1.out");
        h = gelu(h, "head.act");
        long out = w.shape("head.mlp.fc2.weight")[0];
        matmul(h, "head.mlp.fc2.weight", hidden, out, EMBEDDING);
        return out;
    }

    private String matmul(String x, String key, long in, long out, String name) throws CheckpointException {
        float[] wt = transpose(w.take(key, out, in).values(), (int) out, (int) in);
        return g.node("MatMul", name, List.of(x, g.initializer(key + ".T", wt, in, out)), name);
    }

    private String conv(String x, String key, long out, long in, int k, int stride, int group) throws CheckpointException {
        String weight = g.initializer(key + ".weight", w.take(key + ".weight", out, in / group, k, k).values(), out, in / group, k, k);
        String bias = g.initializer(key + ".bias", w.take(key + ".bias", out).values(), out);
        int pad = stride == 1 ? k / 2 : 0;
        return g.node("Conv", key, List.of(x, weight, bias), key + ".out", OnnxGraphWriter.intsAttr("kernel_shape", k, k),
                OnnxGraphWriter.intsAttr("strides", stride, stride), OnnxGraphWriter.intsAttr("pads", pad, pad, pad, pad),
                OnnxGraphWriter.intAttr("group", group));
    }

    private String layerNorm(String x, String key, long c) throws CheckpointException {
        String scale = g.initializer(key + ".weight", w.take(key + ".weight", c).values(), c);
        String bias = g.initializer(key + ".bias", w.take(key + ".bias", c).values(), c);
        return g.node("LayerNormalization", key, List.of(x, scale, bias), key + ".out", OnnxGraphWriter.intAttr("axis", -1),
                OnnxGraphWriter.floatAttr("epsilon", eps));
    }

    /** LayerNorm over the channels of an NCHW map. */
    private String layerNorm2d(String x, String key, long c) throws CheckpointException {
        String nhwc = g.node("Transpose", key + ".nhwc", List.of(x), key + ".nhwc", OnnxGraphWriter.intsAttr("perm", 0, 2, 3, 1));
        String y = layerNorm(nhwc, key, c);
        return g.node("Transpose", key + ".nchw", List.of(y), key + ".nchw", OnnxGraphWriter.intsAttr("perm", 0, 3, 1, 2));
    }

    private String block(String x, String b, long c) throws CheckpointException {
        String y = conv(x, b + ".conv_dw", c, c, 7, 1, (int) c);
        y = g.node("Transpose", b + ".nhwc", List.of(y), b + ".nhwc", OnnxGraphWriter.intsAttr("perm", 0, 2, 3, 1));
        y = layerNorm(y, b + ".norm", c);
        y = matmul(y, b + ".mlp.fc1.weight", c, 4 * c, b + ".fc1");
        y = g.node("Add", b + ".fc1.bias", List.of(y, g.initializer(b + ".mlp.fc1.bias", w.take(b + ".mlp.fc1.bias", 4 * c).values(), 4 * c)),
                b + ".fc1.out");
        y = gelu(y, b + ".act");
        y = matmul(y, b + ".mlp.fc2.weight", 4 * c, c, b + ".fc2");
        y = g.node("Add", b + ".fc2.bias", List.of(y, g.initializer(b + ".mlp.fc2.bias", w.take(b + ".mlp.fc2.bias", c).values(), c)),
                b + ".fc2.out");
        y = g.node("Mul", b + ".gamma", List.of(y, g.initializer(b + ".gamma", w.take(b + ".gamma", c).values(), c)), b + ".scaled");
        y = g.node("Transpose", b + ".nchw", List.of(y), b + ".nchw", OnnxGraphWriter.intsAttr("perm", 0, 3, 1, 2));
        return g.node("Add", b + ".res", List.of(x, y), b + ".out");
    }

    private String gelu(String x, String name) {
        String s = g.node("Mul", name + ".div", List.of(x, g.initializer(id("rsqrt2"), new float[] {(float) (1 / Math.sqrt(2))})), name + ".xs");
        s = g.node("Erf", name + ".erf", List.of(s), name + ".erf");
        s = g.node("Add", name + ".one", List.of(s, g.initializer(id("one"), new float[] {1f})), name + ".erf1");
        s = g.node("Mul", name + ".half", List.of(s, g.initializer(id("half"), new float[] {0.5f})), name + ".erfh");
        return g.node("Mul", name, List.of(x, s), name + ".out");
    }

    private static float[] transpose(float[] a, int rows, int cols) {
        float[] t = new float[a.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = a[r * cols + c];
            }
        }
        return t;
    }
}
