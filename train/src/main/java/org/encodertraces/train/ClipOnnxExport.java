package org.encodertraces.train;

import static org.encodertraces.encoder.onnx.OnnxGraphWriter.intAttr;
import static org.encodertraces.encoder.onnx.OnnxGraphWriter.intsAttr;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.encodertraces.encoder.onnx.OnnxGraphWriter;

/**
 * Writes the two towers of a trained {@link ClipModel} as ONNX models (opset 17) from its weights.
 *
 * <ul>
 *   <li>The image tower: input {@code pixel_values} [N, 3, S, S] (normalised as
 *       {@link Training#preprocessing}), output {@value #IMAGE_OUTPUT} [N, D] for a ViT (the
 *       projected, not normalised, image embedding), or for a CNN {@link OnnxExport}'s graph whose
 *       {@link OnnxExport#PROJECTION} output is that embedding.</li>
 *   <li>The text tower: input {@value #TEXT_INPUT} [N, context] int64 (a caption's ids from the
 *       run's {@code tokenizer.json}), output {@value #TEXT_OUTPUT} [N, D] (the projected text
 *       embedding, taken at each row's first end token).</li>
 * </ul>
 * Only Conv, Reshape, Transpose, Expand, Concat, Shape, Slice, Gather, GatherND, Equal, Cast,
 * ArgMax, ReduceMean, LayerNormalization, MatMul, Add, Mul, Sigmoid and Softmax are used: the
 * forward pass of {@link ClipModel}, node for node.
 */
public final class ClipOnnxExport {
    /** The ViT's output. */
    public static final String IMAGE_OUTPUT = "embedding";
    /** The text tower's input. */
    public static final String TEXT_INPUT = "input_ids";
    /** The text tower's output. */
    public static final String TEXT_OUTPUT = "text_embeds";

    private static final int FLOAT = OnnxGraphWriter.FLOAT;
    private static final int INT64 = OnnxGraphWriter.INT64;

    private ClipOnnxExport() {
    }

    /** The image tower's output name for an architecture. */
    public static String imageOutput(ClipArchitecture arch) {
        return arch.imageTower().equals("vit") ? IMAGE_OUTPUT : OnnxExport.PROJECTION;
    }

    /** The image tower's model bytes. */
    public static byte[] imageModel(ClipArchitecture arch, Map<String, float[]> w, String doc) {
        if (arch.imageTower().equals("resnet")) {
            Map<String, float[]> cnn = new LinkedHashMap<>();
            w.forEach((k, v) -> {
                if (k.startsWith("visual.resnet.")) {
                    cnn.put(k.substring("visual.resnet.".length()), v);
                }
            });
            return OnnxExport.model(arch.resnet(), arch.embedDim(), OnnxExport.PROJECTION, cnn, doc);
        }
        Graph g = new Graph("encoder-traces-" + arch.label() + "-image", w);
        int width = arch.width();
        int s = arch.imageSize();
        g.init("visual.patch.weight", width, 3, arch.patch(), arch.patch());
        g.node("Conv", List.of(OnnxExport.INPUT, "visual.patch.weight"), "patches",
                intsAttr("kernel_shape", arch.patch(), arch.patch()), intsAttr("strides", arch.patch(), arch.patch()));
        String h = g.node("Reshape", List.of("patches", g.longs("shape.nwp", 0, width, arch.patches())), "patches.flat");
        h = g.node("Transpose", List.of(h), "tokens", intsAttr("perm", 0, 2, 1));
        if (arch.pooling().equals("cls")) {
            g.init("visual.class_embedding", 1, 1, width);
            String shape = g.node("Shape", List.of(h), "tokens.shape");
            String batch = g.node("Slice", List.of(shape, g.longs("slice.0", 0), g.longs("slice.1", 1)), "batch");
            String target = g.node("Concat", List.of(batch, g.longs("shape.1w", 1, width)), "cls.shape", intAttr("axis", 0));
            String cls = g.node("Expand", List.of("visual.class_embedding", target), "cls");
            h = g.node("Concat", List.of(cls, h), "tokens.cls", intAttr("axis", 1));
        }
        g.init("visual.positional_embedding", arch.tokens(), width);
        h = g.node("Add", List.of(h, "visual.positional_embedding"), "tokens.pos");
        h = g.layerNorm(h, "visual.ln_pre", width);
        for (int b = 0; b < arch.depth(); b++) {
            h = g.block(h, "visual.blocks." + b + ".", width, arch.heads(), arch.tokens(), null);
        }
        String pooled = arch.pooling().equals("cls")
                ? g.node("Gather", List.of(h, g.longScalar("index.0", 0)), "pooled", intAttr("axis", 1))
                : g.node("ReduceMean", List.of(h), "pooled", intsAttr("axes", 1), intAttr("keepdims", 0));
        pooled = g.layerNorm(pooled, "visual.ln_post", width);
        g.init("visual.proj", width, arch.embedDim());
        g.node("MatMul", List.of(pooled, "visual.proj"), IMAGE_OUTPUT);
        g.input(OnnxExport.INPUT, FLOAT, "N", 3, s, s);
        g.output(IMAGE_OUTPUT, "N", arch.embedDim());
        return g.model(doc);
    }

    /** The text tower's model bytes, pooled at token {@code endId}. */
    public static byte[] textModel(ClipArchitecture arch, int vocab, int endId, Map<String, float[]> w, String doc) {
        Graph g = new Graph("encoder-traces-" + arch.label() + "-text", w);
        int width = arch.textWidth();
        int ctx = arch.context();
        g.init("text.token_embedding", vocab, width);
        String h = g.node("Gather", List.of("text.token_embedding", TEXT_INPUT), "tokens", intAttr("axis", 0));
        g.init("text.positional_embedding", ctx, width);
        h = g.node("Add", List.of(h, "text.positional_embedding"), "tokens.pos");
        float[] mask = new float[ctx * ctx];
        for (int i = 0; i < ctx; i++) {
            for (int j = i + 1; j < ctx; j++) {
                mask[i * ctx + j] = ClipModel.MASKED;
            }
        }
        g.floats("causal_mask", mask, ctx, ctx);
        for (int b = 0; b < arch.textDepth(); b++) {
            h = g.block(h, "text.blocks." + b + ".", width, arch.textHeads(), ctx, "causal_mask");
        }
        h = g.layerNorm(h, "text.ln_final", width);
        String isEnd = g.node("Equal", List.of(TEXT_INPUT, g.longScalar("end_id", endId)), "is_end");
        String isEndF = g.node("Cast", List.of(isEnd), "is_end.float", intAttr("to", FLOAT));
        String at = g.node("ArgMax", List.of(isEndF), "end_position", intAttr("axis", 1), intAttr("keepdims", 1));
        String pooled = g.node("GatherND", List.of(h, at), "pooled", intAttr("batch_dims", 1));
        g.init("text.proj", width, arch.embedDim());
        g.node("MatMul", List.of(pooled, "text.proj"), TEXT_OUTPUT);
        g.input(TEXT_INPUT, INT64, "N", ctx);
        g.output(TEXT_OUTPUT, "N", arch.embedDim());
        return g.model(doc);
    }

    /**
     * A graph under construction on core's {@link OnnxGraphWriter}: the run's weights by name, and
     * the constants (shapes, scales) written once however many blocks use them.
     */
    private static final class Graph {
        private final OnnxGraphWriter writer;
        private final Map<String, float[]> weights;
        private final java.util.Set<String> constants = new java.util.HashSet<>();

        Graph(String name, Map<String, float[]> weights) {
            this.weights = weights;
            this.writer = new OnnxGraphWriter(name);
        }

        /** Adds weight {@code name} as an initializer of the given shape. */
        void init(String name, long... dims) {
            writer.initializer(name, weights.get(name), dims);
        }

        /** Adds the transposed [in, out] form of a linear weight [out, in] as {@code name.T}. */
        String transposed(String name, int out, int in) {
            float[] v = weights.get(name);
            if (v == null) {
                throw new IllegalArgumentException("weights lack tensor '" + name + "'");
            }
            float[] t = new float[v.length];
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < in; i++) {
                    t[i * out + o] = v[o * in + i];
                }
            }
            return writer.initializer(name + ".T", t, in, out);
        }

        void floats(String name, float[] values, long... dims) {
            writer.initializer(name, values, dims);
        }

        /** An int64 vector constant (once per name). */
        String longs(String name, long... values) {
            return constants.add(name) ? writer.int64Initializer(name, values) : name;
        }

        /** An int64 scalar constant (once per name). */
        String longScalar(String name, long value) {
            return constants.add(name) ? writer.int64Scalar(name, value) : name;
        }

        /** A float scalar constant (once per name). */
        String floatScalar(String name, float value) {
            return constants.add(name) ? writer.initializer(name, new float[] {value}) : name;
        }

        /** A node named for its one output. */
        String node(String op, List<String> inputs, String output, OnnxGraphWriter.Attr... attrs) {
            return writer.node(op, output, inputs, output, attrs);
        }

        String layerNorm(String in, String name, int width) {
            init(name + ".gamma", width);
            init(name + ".beta", width);
            return node("LayerNormalization", List.of(in, name + ".gamma", name + ".beta"), name,
                    intAttr("axis", -1), OnnxGraphWriter.floatAttr("epsilon", ClipModel.LN_EPS));
        }

        String linear(String in, String name, int inDim, int outDim) {
            String mm = node("MatMul", List.of(in, transposed(name + ".weight", outDim, inDim)), name + ".mm");
            init(name + ".bias", outDim);
            return node("Add", List.of(mm, name + ".bias"), name);
        }

        /** {@link ClipModel}'s block: x + out(attention(ln1(x))), then + fc2(QuickGELU(fc1(ln2(x)))). */
        String block(String x, String pre, int w, int heads, int tokens, String mask) {
            int hd = w / heads;
            String a = layerNorm(x, pre + "ln1", w);
            String heads4 = longs("shape.heads." + heads + "." + hd, 0, 0, heads, hd);
            String q = node("Transpose", List.of(node("Reshape", List.of(linear(a, pre + "q", w, w), heads4), pre + "q.heads")), pre + "q.t",
                    intsAttr("perm", 0, 2, 1, 3));
            String k = node("Transpose", List.of(node("Reshape", List.of(linear(a, pre + "k", w, w), heads4), pre + "k.heads")), pre + "k.t",
                    intsAttr("perm", 0, 2, 3, 1));
            String v = node("Transpose", List.of(node("Reshape", List.of(linear(a, pre + "v", w, w), heads4), pre + "v.heads")), pre + "v.t",
                    intsAttr("perm", 0, 2, 1, 3));
            String scores = node("Mul", List.of(node("MatMul", List.of(q, k), pre + "qk"), floatScalar("scale." + hd, (float) (1 / Math.sqrt(hd)))),
                    pre + "scores");
            if (mask != null) {
                scores = node("Add", List.of(scores, mask), pre + "scores.masked");
            }
            String att = node("Softmax", List.of(scores), pre + "attention", intAttr("axis", -1));
            String o = node("MatMul", List.of(att, v), pre + "context");
            o = node("Transpose", List.of(o), pre + "context.t", intsAttr("perm", 0, 2, 1, 3));
            o = node("Reshape", List.of(o, longs("shape.merge." + w, 0, 0, w)), pre + "context.merged");
            String x1 = node("Add", List.of(x, linear(o, pre + "out", w, w)), pre + "residual1");
            String f = linear(layerNorm(x1, pre + "ln2", w), pre + "fc1", w, 4 * w);
            String gate = node("Sigmoid", List.of(node("Mul", List.of(f, floatScalar("quick_gelu", 1.702f)), pre + "fc1.scaled")), pre + "fc1.gate");
            f = node("Mul", List.of(f, gate), pre + "fc1.act");
            return node("Add", List.of(x1, linear(f, pre + "fc2", 4 * w, w)), pre + "residual2");
        }

        void input(String name, int type, Object... dims) {
            writer.typedInput(name, type, dims);
        }

        void output(String name, Object... dims) {
            writer.output(name, dims);
        }

        byte[] model(String doc) {
            return writer.model(17, org.encodertraces.provenance.ToolInfo.version(), doc);
        }
    }
}
