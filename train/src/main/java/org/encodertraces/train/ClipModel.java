package org.encodertraces.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * A small CLIP as named DJL arrays and its forward passes: an image tower (a ViT as CLIP's, or the
 * {@link ResNet} with its head as the projection) and a causal text transformer pooled at the end
 * token, both projected to one space, and CLIP's learned logit scale.
 *
 * <p>Why explicit arrays, as {@link ResNet}: a checkpoint is then the whole state (a resumed run
 * ends on the same bits), {@link ClipOnnxExport} walks the same names, and initialisation draws from
 * a seeded Java {@link Random} as CLIP's code initialises (normal with CLIP's standard deviations,
 * zero biases, unit LayerNorm gains, logit scale log(1/0.07)).
 *
 * <p>Names: {@code visual.*} the image tower ({@code visual.resnet.*} for a CNN), {@code text.*} the
 * text tower, {@code logit_scale}. A block's arrays are {@code <tower>.blocks.<i>.<ln1|q|k|v|out|ln2|fc1|fc2>.<weight|bias>}
 * (LayerNorm gains and shifts as {@code .gamma}, {@code .beta}); a linear weight is [out, in].
 */
public final class ClipModel implements AutoCloseable {
    /** LayerNorm epsilon (PyTorch's default, CLIP's). */
    static final float LN_EPS = 1e-5f;
    /** Added to the attention scores a causal mask hides. */
    static final float MASKED = -1e9f;
    /** CLIP's clamp of the logit scale: exp(scale) at most 100. */
    public static final float MAX_LOGIT_SCALE = (float) Math.log(100);
    /** CLIP's initial logit scale: log(1 / 0.07). */
    public static final float INITIAL_LOGIT_SCALE = (float) Math.log(1 / 0.07);

    private final ClipArchitecture arch;
    private final int vocab;
    private final NDManager manager;
    private final ResNet resnet;
    private final LinkedHashMap<String, NDArray> params = new LinkedHashMap<>();
    private final NDArray causalMask;

    /** A freshly initialised model for a vocabulary of {@code vocab} tokens, from {@code seed}. */
    public ClipModel(ClipArchitecture arch, int vocab, long seed, NDManager parent) {
        this.arch = arch;
        this.vocab = vocab;
        this.manager = parent.newSubManager();
        Random rnd = new Random(seed);
        if (arch.imageTower().equals("vit")) {
            resnet = null;
            int w = arch.width();
            double scale = Math.pow(w, -0.5);
            param("visual.patch.weight", normal(rnd, (long) w * 3 * arch.patch() * arch.patch(), Math.sqrt(2.0 / (3 * arch.patch() * arch.patch()))),
                    new Shape(w, 3, arch.patch(), arch.patch()));
            if (arch.pooling().equals("cls")) {
                param("visual.class_embedding", normal(rnd, w, scale), new Shape(w));
            }
            param("visual.positional_embedding", normal(rnd, (long) arch.tokens() * w, scale), new Shape(arch.tokens(), w));
            layerNorm("visual.ln_pre", w);
            blocks(rnd, "visual", w, arch.depth());
            layerNorm("visual.ln_post", w);
            param("visual.proj", normal(rnd, (long) w * arch.embedDim(), scale), new Shape(w, arch.embedDim()));
        } else {
            // the CNN draws its own initial weights from the seed; the text tower continues from another stream
            resnet = new ResNet(arch.resnet(), arch.embedDim(), seed, manager);
        }
        int tw = arch.textWidth();
        param("text.token_embedding", normal(rnd, (long) vocab * tw, 0.02), new Shape(vocab, tw));
        param("text.positional_embedding", normal(rnd, (long) arch.context() * tw, 0.01), new Shape(arch.context(), tw));
        blocks(rnd, "text", tw, arch.textDepth());
        layerNorm("text.ln_final", tw);
        param("text.proj", normal(rnd, (long) tw * arch.embedDim(), Math.pow(tw, -0.5)), new Shape(tw, arch.embedDim()));
        param("logit_scale", new float[] {INITIAL_LOGIT_SCALE}, new Shape(1));
        float[] mask = new float[arch.context() * arch.context()];
        for (int i = 0; i < arch.context(); i++) {
            for (int j = i + 1; j < arch.context(); j++) {
                mask[i * arch.context() + j] = MASKED;
            }
        }
        causalMask = manager.create(mask, new Shape(arch.context(), arch.context()));
    }

    private void blocks(Random rnd, String tower, int w, int depth) {
        double attnStd = Math.pow(w, -0.5);
        double projStd = Math.pow(w, -0.5) * Math.pow(2.0 * depth, -0.5);
        double fcStd = Math.pow(2.0 * w, -0.5);
        for (int b = 0; b < depth; b++) {
            String p = tower + ".blocks." + b + ".";
            layerNorm(p + "ln1", w);
            for (String x : new String[] {"q", "k", "v"}) {
                linear(rnd, p + x, w, w, attnStd);
            }
            linear(rnd, p + "out", w, w, projStd);
            layerNorm(p + "ln2", w);
            linear(rnd, p + "fc1", w, 4 * w, fcStd);
            linear(rnd, p + "fc2", 4 * w, w, projStd);
        }
    }

    private void linear(Random rnd, String name, int in, int out, double std) {
        param(name + ".weight", normal(rnd, (long) in * out, std), new Shape(out, in));
        param(name + ".bias", new float[out], new Shape(out));
    }

    private void layerNorm(String name, int w) {
        float[] one = new float[w];
        java.util.Arrays.fill(one, 1f);
        param(name + ".gamma", one, new Shape(w));
        param(name + ".beta", new float[w], new Shape(w));
    }

    private static float[] normal(Random rnd, long n, double std) {
        float[] a = new float[Math.toIntExact(n)];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (rnd.nextGaussian() * std);
        }
        return a;
    }

    private void param(String name, float[] values, Shape shape) {
        NDArray a = manager.create(values, shape);
        a.setRequiresGradient(true);
        params.put(name, a);
    }

    /** The architecture. */
    public ClipArchitecture architecture() {
        return arch;
    }

    /** The vocabulary size. */
    public int vocabulary() {
        return vocab;
    }

    /** Trainable parameters by name (live arrays), the CNN's under {@code visual.resnet.}. */
    public Map<String, NDArray> parameters() {
        LinkedHashMap<String, NDArray> all = new LinkedHashMap<>();
        if (resnet != null) {
            resnet.parameters().forEach((k, v) -> all.put("visual.resnet." + k, v));
        }
        all.putAll(params);
        return all;
    }

    /** Every array of the state: the parameters, then the CNN's batch-norm statistics. */
    public Map<String, NDArray> state() {
        LinkedHashMap<String, NDArray> all = new LinkedHashMap<>(parameters());
        if (resnet != null) {
            resnet.buffers().forEach((k, v) -> all.put("visual.resnet." + k, v));
        }
        return all;
    }

    /** Copies the state out, by name. */
    public Map<String, float[]> snapshot() {
        LinkedHashMap<String, float[]> m = new LinkedHashMap<>();
        state().forEach((k, v) -> m.put(k, v.toFloatArray()));
        return m;
    }

    /** Replaces the state with a snapshot of the same names and sizes (new arrays, as {@link ResNet#restore}). */
    public void restore(Map<String, float[]> values) {
        for (Map.Entry<String, NDArray> e : state().entrySet()) {
            float[] v = values.get(e.getKey());
            if (v == null || v.length != e.getValue().getShape().size()) {
                throw new IllegalArgumentException("the weights have no matching tensor '" + e.getKey() + "' (" + e.getValue().getShape() + ")");
            }
        }
        if (resnet != null) {
            Map<String, float[]> cnn = new LinkedHashMap<>();
            values.forEach((k, v) -> {
                if (k.startsWith("visual.resnet.")) {
                    cnn.put(k.substring("visual.resnet.".length()), v);
                }
            });
            resnet.restore(cnn);
        }
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            NDArray old = e.getValue();
            NDArray a = manager.create(values.get(e.getKey()), old.getShape());
            a.setRequiresGradient(true);
            e.setValue(a);
            old.close();
        }
    }

    /** Clamps the logit scale to [0, log 100] in place of the array, as CLIP does after each step. */
    void clampLogitScale() {
        NDArray old = params.get("logit_scale");
        float s = old.toFloatArray()[0];
        float c = Math.max(0f, Math.min(MAX_LOGIT_SCALE, s));
        if (c != s) {
            NDArray a = manager.create(new float[] {c}, old.getShape());
            a.setRequiresGradient(true);
            params.put("logit_scale", a);
            old.close();
        }
    }

    /** The logit scale (its logarithm, as trained). */
    public NDArray logitScale() {
        return params.get("logit_scale");
    }

    private NDArray p(String name) {
        NDArray a = params.get(name);
        if (a == null) {
            throw new IllegalStateException("no parameter " + name);
        }
        return a;
    }

    /** Image embeddings [N, D] of a normalised batch [N, 3, S, S]. */
    public NDArray encodeImage(NDArray x, boolean training) {
        if (resnet != null) {
            return resnet.forward(x, training);
        }
        long n = x.getShape().get(0);
        int w = arch.width();
        NDArray h = Conv2d.conv2d(x, p("visual.patch.weight"), null, new Shape(arch.patch(), arch.patch()), new Shape(0, 0),
                new Shape(1, 1), 1).singletonOrThrow();
        h = h.reshape(n, w, arch.patches()).transpose(0, 2, 1);
        if (arch.pooling().equals("cls")) {
            NDArray ce = p("visual.class_embedding").reshape(1, 1, w);
            // an op whose first operand is a parameter lands in the parameters' manager; the concat below would take
            // the whole forward pass (and its autograd graph) there with it, kept until the model closes
            ce.attach(x.getManager());
            NDArray cls = ce.broadcast(new Shape(n, 1, w));
            h = NDArrays.concat(new ai.djl.ndarray.NDList(cls, h), 1);
        }
        h = h.add(p("visual.positional_embedding"));
        h = ln(h, "visual.ln_pre");
        for (int b = 0; b < arch.depth(); b++) {
            h = block(h, "visual.blocks." + b + ".", arch.heads(), null);
        }
        NDArray pooled = arch.pooling().equals("cls") ? h.get(":, 0, :") : h.mean(new int[] {1});
        return ln(pooled, "visual.ln_post").matMul(p("visual.proj"));
    }

    /**
     * Text embeddings [N, D] of token ids ({@code ids} row-major [N, context}), each taken at its
     * row's first {@code endId} token.
     */
    public NDArray encodeText(NDManager m, long[] ids, int endId) {
        int ctx = arch.context();
        int n = ids.length / ctx;
        NDArray idx = m.create(ids, new Shape(n, ctx));
        NDArray h = Embedding.embedding(idx, p("text.token_embedding"), SparseFormat.DENSE).singletonOrThrow();
        h = h.add(p("text.positional_embedding"));
        for (int b = 0; b < arch.textDepth(); b++) {
            h = block(h, "text.blocks." + b + ".", arch.textHeads(), causalMask);
        }
        h = ln(h, "text.ln_final");
        long[] at = new long[n];
        for (int i = 0; i < n; i++) {
            at[i] = (long) i * ctx + endPosition(ids, i * ctx, ctx, endId);
        }
        NDArray pooled = Embedding.embedding(m.create(at), h.reshape(n * (long) ctx, arch.textWidth()), SparseFormat.DENSE).singletonOrThrow();
        return pooled.matMul(p("text.proj"));
    }

    /** The first end token of a row; position 0 when there is none (the exported graph's argmax of an all-zero row). */
    static int endPosition(long[] ids, int from, int ctx, int endId) {
        for (int j = 0; j < ctx; j++) {
            if (ids[from + j] == endId) {
                return j;
            }
        }
        return 0;
    }

    private NDArray ln(NDArray x, String name) {
        long w = x.getShape().get(x.getShape().dimension() - 1);
        return LayerNorm.layerNorm(x, new Shape(w), p(name + ".gamma"), p(name + ".beta"), LN_EPS).singletonOrThrow();
    }

    private NDArray lin(NDArray x, String name) {
        return Linear.linear(x, p(name + ".weight"), p(name + ".bias")).singletonOrThrow();
    }

    /** A pre-LayerNorm residual block: x + attention(ln1(x)), then + fc2(QuickGELU(fc1(ln2(x)))). */
    private NDArray block(NDArray x, String pre, int heads, NDArray mask) {
        Shape s = x.getShape();
        long n = s.get(0);
        long t = s.get(1);
        long w = s.get(2);
        long hd = w / heads;
        NDArray a = ln(x, pre + "ln1");
        NDArray q = lin(a, pre + "q").reshape(n, t, heads, hd).transpose(0, 2, 1, 3);
        NDArray k = lin(a, pre + "k").reshape(n, t, heads, hd).transpose(0, 2, 3, 1);
        NDArray v = lin(a, pre + "v").reshape(n, t, heads, hd).transpose(0, 2, 1, 3);
        NDArray scores = q.matMul(k).mul((float) (1 / Math.sqrt(hd)));
        if (mask != null) {
            scores = scores.add(mask);
        }
        NDArray o = scores.softmax(-1).matMul(v).transpose(0, 2, 1, 3).reshape(n, t, w);
        x = x.add(lin(o, pre + "out"));
        NDArray f = lin(ln(x, pre + "ln2"), pre + "fc1");
        f = f.mul(Activation.sigmoid(f.mul(1.702f)));
        return x.add(lin(f, pre + "fc2"));
    }

    /**
     * CLIP's symmetric InfoNCE of a batch of matching pairs (row i of each is a pair): the mean of
     * the cross-entropies of image-to-text and text-to-image logits, exp(logit scale) times the
     * cosine similarity. Returns {loss, pairs whose image found its text}.
     */
    public NDArray[] loss(NDArray img, NDArray txt) {
        NDArray in = img.div(img.norm(new int[] {1}, true).clip(1e-12f, Float.MAX_VALUE));
        NDArray tn = txt.div(txt.norm(new int[] {1}, true).clip(1e-12f, Float.MAX_VALUE));
        long n = in.getShape().get(0);
        NDArray scale = p("logit_scale").exp();
        scale.attach(in.getManager());
        NDArray logits = in.matMul(tn.transpose()).mul(scale);
        NDArray labels = in.getManager().arange(0, (int) n, 1, ai.djl.ndarray.types.DataType.INT64);
        NDArray l = ResNet.crossEntropy(logits, labels, (int) n).add(ResNet.crossEntropy(logits.transpose(), labels, (int) n)).div(2f);
        return new NDArray[] {l, logits.argMax(1).eq(labels).sum()};
    }

    @Override
    public void close() {
        manager.close();
    }
}
