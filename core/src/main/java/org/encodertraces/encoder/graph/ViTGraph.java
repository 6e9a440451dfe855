package org.encodertraces.encoder.graph;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.encodertraces.encoder.checkpoint.Checkpoint;
import org.encodertraces.encoder.checkpoint.CheckpointException;
import org.encodertraces.encoder.checkpoint.WeightTensor;
import org.encodertraces.encoder.onnx.OnnxGraphWriter;
import org.encodertraces.encoder.onnx.OnnxModel;

/**
 * The ONNX graph of a Vision Transformer from a checkpoint in one of two key layouts, with the
 * class token (or SigLIP's attention pool) as the embedding:
 *
 * <ul>
 *   <li>{@link Layout#TIMM}: timm's {@code VisionTransformer} (also MoCo v3's ViTs and DINOv2's
 *       own keys): {@code patch_embed.proj} (with bias), {@code cls_token}, {@code pos_embed},
 *       optional register tokens ({@code reg_token} or {@code register_tokens}, inserted after the
 *       class token), {@code blocks.i.norm1 / attn.qkv / attn.proj / norm2 / mlp.fc1 / mlp.fc2},
 *       optional LayerScale ({@code ls1.gamma}, {@code ls2.gamma}), final {@code norm}; the
 *       embedding is the normed class token ({@code head} unused). The MLP may be a SwiGLU
 *       (DINOv2 ViT-g: {@code mlp.w12 / mlp.w3}, or timm's packed {@code mlp.fc1} twice as wide as
 *       {@code mlp.fc2}'s input). Without a class token (SigLIP: timm's {@code class_token=False,
 *       global_pool='map'}) the positions cover the patches only and the embedding is the
 *       attention-pool head's output ({@code attn_pool.*}) over the normed tokens.</li>
 *   <li>{@link Layout#OPENCLIP}: OpenCLIP's (and OpenAI CLIP's) visual tower: {@code conv1} (no
 *       bias), {@code class_embedding}, {@code positional_embedding}, {@code ln_pre},
 *       {@code transformer.resblocks.i.ln_1 / attn.in_proj_* / attn.out_proj / ln_2 / mlp.c_fc /
 *       mlp.c_proj}, {@code ln_post} on the class token, then {@code proj}: the projected image
 *       embedding ({@code encode_image} without normalisation).</li>
 * </ul>
 *
 * Widths, depth, patch size and grid come from the tensors' shapes; the head count, the
 * LayerNorm epsilon and the activation (GELU, or CLIP's QuickGELU) are the configuration's,
 * since a checkpoint does not hold them. The positional embedding is used as stored, so the input
 * size is the one the checkpoint was made for, unless the configuration names another input size:
 * then its patch grid is resampled once, here, with torch's antialiased bicubic as DINOv2 with
 * registers does ({@link PositionResize}).
 */
public final class ViTGraph {
    /** The input's name. */
    public static final String INPUT = "pixel_values";
    /** The embedding output's name. */
    public static final String EMBEDDING = "embedding";

    /** The key layout. */
    public enum Layout {
        /** timm / MoCo v3 / DINOv2 keys. */
        TIMM,
        /** OpenCLIP / OpenAI CLIP visual keys (without the {@code visual.} prefix). */
        OPENCLIP
    }

    /** The MLP's activation. */
    public enum Activation {
        /** GELU with erf, as torch's {@code nn.GELU()}. */
        GELU,
        /** CLIP's {@code x * sigmoid(1.702 x)}. */
        QUICK_GELU
    }

    /**
     * What a checkpoint does not say.
     *
     * @param layout the key layout
     * @param heads attention heads
     * @param layerNormEps LayerNorm epsilon (timm ViTs 1e-6, CLIP 1e-5)
     * @param activation the MLP's activation (a SwiGLU MLP, found from its keys, always uses SiLU)
     * @param imageSize the input size the graph takes; 0 for the size the positional embedding
     *     was made for. Another size resamples the embedding's patch grid once, at build time, as
     *     DINOv2 with registers does at run time ({@link PositionResize})
     */
    public record Config(Layout layout, int heads, float layerNormEps, Activation activation, int imageSize) {
        /** The input size the checkpoint's positional embedding was made for. */
        public Config(Layout layout, int heads, float layerNormEps, Activation activation) {
            this(layout, heads, layerNormEps, activation, 0);
        }
    }

    private static final Pattern TIMM_IGNORED = Pattern.compile("head\\.(weight|bias)|mask_token");
    private static final Pattern CLIP_IGNORED = Pattern.compile("(?!)");

    private final OnnxGraphWriter g = new OnnxGraphWriter("vit");
    private final CheckpointKeys w;
    private final Config cfg;
    private int ids;

    private ViTGraph(CheckpointKeys w, Config cfg) {
        this.w = w;
        this.cfg = cfg;
    }

    /**
     * Builds the graph with every weight inside one model file ({@link #model} for a model that may
     * need external data).
     *
     * @return the ONNX model's bytes (opset 17)
     * @throws CheckpointException naming a missing, misshapen or unexpected key
     * @throws IllegalArgumentException when the weights pass what one ONNX file holds
     */
    public static byte[] build(Checkpoint checkpoint, Config cfg, String producerVersion, String docString)
            throws CheckpointException {
        return model(checkpoint, cfg, producerVersion, docString).inlineBytes();
    }

    /**
     * Builds the graph.
     *
     * @throws CheckpointException naming a missing, misshapen or unexpected key
     */
    public static OnnxModel model(Checkpoint checkpoint, Config cfg, String producerVersion, String docString) throws CheckpointException {
        String layout = cfg.layout() == Layout.TIMM ? "timm ViT" : "OpenCLIP ViT";
        ViTGraph b = new ViTGraph(new CheckpointKeys(checkpoint, layout), cfg);
        long[] shapes = b.build();
        b.w.requireAllUsed(cfg.layout() == Layout.TIMM ? TIMM_IGNORED : CLIP_IGNORED);
        b.g.input(INPUT, "N", 3, shapes[0], shapes[0]);
        b.g.output(EMBEDDING, "N", shapes[1]);
        return b.g.build(17, producerVersion, docString);
    }

    private String id(String base) {
        return base + "#" + (ids++);
    }

    private String layoutName() {
        return timm() ? "timm ViT" : "OpenCLIP ViT";
    }

    private boolean timm() {
        return cfg.layout() == Layout.TIMM;
    }

    /** Returns {input size, embedding width}. */
    private long[] build() throws CheckpointException {
        String convKey = timm() ? "patch_embed.proj" : "conv1";
        long[] cs = w.shape(convKey + ".weight");
        if (cs.length != 4 || cs[1] != 3 || cs[2] != cs[3]) {
            throw new CheckpointException(fileOf(), "key '" + convKey + ".weight' has shape "
                    + java.util.Arrays.toString(cs) + ", a patch embedding needs [width, 3, patch, patch]");
        }
        long d = cs[0];
        long p = cs[2];
        if (d % cfg.heads() != 0) {
            throw new CheckpointException(fileOf(), "width " + d + " is not divisible by " + cfg.heads() + " heads");
        }
        List<String> convIn = new ArrayList<>(List.of(INPUT, g.initializer(convKey + ".weight", w.take(convKey + ".weight", d, 3, p, p).values(), d, 3, p, p)));
        if (timm()) {
            convIn.add(g.initializer(convKey + ".bias", w.take(convKey + ".bias", d).values(), d));
        }
        String x = g.node("Conv", "patch_embed", convIn, "patches.map", OnnxGraphWriter.intsAttr("kernel_shape", p, p),
                OnnxGraphWriter.intsAttr("strides", p, p));
        x = g.node("Reshape", "patches.flat", List.of(x, g.int64Initializer("shape.flat", 0, d, -1)), "patches.flat");
        x = g.node("Transpose", "patches.tokens", List.of(x), "patches", OnnxGraphWriter.intsAttr("perm", 0, 2, 1));

        String posKey = timm() ? "pos_embed" : "positional_embedding";
        long[] ps = w.shape(posKey);
        long tokens = ps[ps.length - 2];
        String regKey = w.has("reg_token") ? "reg_token" : w.has("register_tokens") ? "register_tokens" : null;
        long regs = regKey == null ? 0 : w.shape(regKey)[1];
        // the grid: pos_embed covers the class token and the patches, the patches only (timm's no_embed_class), or all prefix tokens
        long patches = tokens - 1 >= 1 && isSquare(tokens - 1) ? tokens - 1 : isSquare(tokens) ? tokens : tokens - 1 - regs;
        long grid = Math.round(Math.sqrt(patches));
        if (grid * grid != patches || (tokens != patches && tokens != patches + 1 && tokens != patches + 1 + regs)) {
            throw new CheckpointException(fileOf(), "key '" + posKey + "' has shape " + java.util.Arrays.toString(ps)
                    + ": not a square grid of patches plus prefix tokens");
        }
        float[] posValues = (timm() ? w.take(posKey, 1, tokens, d) : w.take(posKey, tokens, d)).values();
        if (cfg.imageSize() > 0 && cfg.imageSize() != grid * p) {
            if (cfg.imageSize() % p != 0) {
                throw new CheckpointException(fileOf(), "input size " + cfg.imageSize() + " is not a multiple of the patch size " + p);
            }
            long newGrid = cfg.imageSize() / p;
            long prefix = tokens - patches;
            float[] resized = PositionResize.resize(java.util.Arrays.copyOfRange(posValues, (int) (prefix * d), posValues.length),
                    (int) grid, (int) newGrid, (int) d);
            float[] all = java.util.Arrays.copyOf(posValues, (int) ((prefix + newGrid * newGrid) * d));
            System.arraycopy(resized, 0, all, (int) (prefix * d), resized.length);
            posValues = all;
            grid = newGrid;
            patches = newGrid * newGrid;
            tokens = prefix + patches;
        }
        String posInit = g.initializer(posKey, posValues, 1, tokens, d);
        String clsKey = timm() ? "cls_token" : "class_embedding";
        boolean hasCls = !timm() || w.has(clsKey);
        String clsTok = null;
        if (hasCls) {
            WeightTensor cls = timm() ? w.take(clsKey, 1, 1, d) : w.take(clsKey, d);
            clsTok = expand(g.initializer(clsKey, cls.values(), 1, 1, d), x, 1, d, "cls");
        } else if (tokens != patches || !w.has("attn_pool.latent")) {
            throw new CheckpointException(fileOf(), "missing key '" + clsKey + "' of the " + layoutName()
                    + " layout; a ViT without a class token needs an attention-pool head ('attn_pool.latent') and a positional"
                    + " embedding over the patches only");
        }
        String regTok = regKey == null ? null : expand(g.initializer(regKey, w.take(regKey, 1, regs, d).values(), 1, regs, d), x, regs, d, "reg");
        if (!hasCls) { // SigLIP: positions on the patches, no prefix tokens
            x = g.node("Add", "pos", List.of(x, posInit), "x.pos");
            if (regTok != null) {
                x = g.node("Concat", "prefix", List.of(regTok, x), "x.tokens", OnnxGraphWriter.intAttr("axis", 1));
            }
        } else if (tokens == patches) { // no_embed_class: positions on patches, then prefix tokens
            x = g.node("Add", "pos", List.of(x, posInit), "x.pos");
            x = g.node("Concat", "prefix", regTok == null ? List.of(clsTok, x) : List.of(clsTok, regTok, x), "x.tokens",
                    OnnxGraphWriter.intAttr("axis", 1));
        } else if (tokens == patches + 1) { // class token and patches have positions; registers (DINOv2) are inserted after
            x = g.node("Concat", "prefix", List.of(clsTok, x), "x.cat", OnnxGraphWriter.intAttr("axis", 1));
            x = g.node("Add", "pos", List.of(x, posInit), "x.pos");
            if (regTok != null) {
                String first = slice(x, 0, 1, "x.cls");
                String rest = slice(x, 1, Long.MAX_VALUE, "x.patches");
                x = g.node("Concat", "registers", List.of(first, regTok, rest), "x.tokens", OnnxGraphWriter.intAttr("axis", 1));
            }
        } else {
            x = g.node("Concat", "prefix", List.of(clsTok, regTok, x), "x.cat", OnnxGraphWriter.intAttr("axis", 1));
            x = g.node("Add", "pos", List.of(x, posInit), "x.tokens");
        }
        if (!timm()) {
            x = layerNorm(x, "ln_pre", d);
        }
        int depth = 0;
        String blockPrefix = timm() ? "blocks." : "transformer.resblocks.";
        while (w.has(blockPrefix + depth + (timm() ? ".norm1.weight" : ".ln_1.weight"))) {
            x = block(x, blockPrefix + depth, d);
            depth++;
        }
        if (depth == 0) {
            throw new CheckpointException(fileOf(), "missing key '" + blockPrefix + "0." + (timm() ? "norm1" : "ln_1")
                    + ".weight': no transformer blocks");
        }
        long out = d;
        if (!hasCls) { // timm's global_pool='map': the final norm on every token, then the attention pool
            x = layerNorm(x, "norm", d);
            x = attentionPool(x, d);
            g.node("Identity", "embedding", List.of(x), EMBEDDING);
            return new long[] {grid * p, out};
        }
        String clsOut = slice(x, 0, 1, "out.cls");
        clsOut = g.node("Squeeze", "out.squeeze", List.of(clsOut, g.int64Initializer("axes.1", 1)), "out.cls.flat");
        if (timm()) {
            x = layerNorm(clsOut, "norm", d);
            g.node("Identity", "embedding", List.of(x), EMBEDDING);
        } else {
            x = layerNorm(clsOut, "ln_post", d);
            long[] projShape = w.shape("proj");
            out = projShape.length == 2 ? projShape[1] : -1;
            g.node("MatMul", "proj", List.of(x, g.initializer("proj", w.take("proj", d, out).values(), d, out)), EMBEDDING);
        }
        return new long[] {grid * p, out};
    }

    private static boolean isSquare(long n) {
        long r = Math.round(Math.sqrt(n));
        return n > 0 && r * r == n;
    }

    private java.nio.file.Path fileOf() {
        return w.file();
    }

    /** {@code t} [1, k, d] repeated over the batch of {@code like} [N, *, d]. */
    private String expand(String t, String like, long k, long d, String name) {
        String shape = g.node("Shape", name + ".shape", List.of(like), name + ".likeShape");
        String n = g.node("Slice", name + ".n", List.of(shape, g.int64Initializer(id("s0"), 0), g.int64Initializer(id("s1"), 1)), name + ".n");
        String target = g.node("Concat", name + ".target", List.of(n, g.int64Initializer(id(name + ".kd"), k, d)), name + ".target",
                OnnxGraphWriter.intAttr("axis", 0));
        return g.node("Expand", name + ".expand", List.of(t, target), name + ".batch");
    }

    private String slice(String x, long from, long to, String out) {
        return g.node("Slice", out, List.of(x, g.int64Initializer(id("start"), from), g.int64Initializer(id("end"), to),
                g.int64Initializer(id("axis"), 1)), out);
    }

    private String layerNorm(String x, String key, long d) throws CheckpointException {
        String scale = g.initializer(key + ".weight", w.take(key + ".weight", d).values(), d);
        String bias = g.initializer(key + ".bias", w.take(key + ".bias", d).values(), d);
        return g.node("LayerNormalization", key, List.of(x, scale, bias), key + ".out", OnnxGraphWriter.intAttr("axis", -1),
                OnnxGraphWriter.floatAttr("epsilon", cfg.layerNormEps()));
    }

    /** x @ W^T + b for a torch Linear's weight [out, in] (stored transposed as [in, out]). */
    private String linear(String x, String weightKey, String biasKey, long in, long out, String name) throws CheckpointException {
        float[] wt = transpose(w.take(weightKey, out, in).values(), (int) out, (int) in);
        String y = g.node("MatMul", name, List.of(x, g.initializer(weightKey + ".T", wt, in, out)), name + ".mm");
        return g.node("Add", name + ".bias", List.of(y, g.initializer(biasKey, w.take(biasKey, out).values(), out)), name + ".out");
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

    private String block(String x, String b, long d) throws CheckpointException {
        int heads = cfg.heads();
        long hd = d / heads;
        String h = layerNorm(x, b + (timm() ? ".norm1" : ".ln_1"), d);
        String qkv = timm() ? linear(h, b + ".attn.qkv.weight", b + ".attn.qkv.bias", d, 3 * d, b + ".qkv")
                : linear(h, b + ".attn.in_proj_weight", b + ".attn.in_proj_bias", d, 3 * d, b + ".qkv");
        qkv = g.node("Reshape", b + ".qkv.split", List.of(qkv, g.int64Initializer(id("shape.qkv"), 0, -1, 3, heads, hd)), b + ".qkv5");
        qkv = g.node("Transpose", b + ".qkv.perm", List.of(qkv), b + ".qkvT", OnnxGraphWriter.intsAttr("perm", 2, 0, 3, 1, 4));
        String[] qkvParts = new String[3];
        for (int i = 0; i < 3; i++) {
            String s = g.node("Slice", b + ".qkv" + i, List.of(qkv, g.int64Initializer(id("start"), i), g.int64Initializer(id("end"), i + 1),
                    g.int64Initializer(id("axis"), 0)), b + ".qkv" + i);
            qkvParts[i] = g.node("Squeeze", b + ".qkv" + i + ".sq", List.of(s, g.int64Initializer(id("axes"), 0)), b + ".qkv" + i + ".sq");
        }
        String kt = g.node("Transpose", b + ".kT", List.of(qkvParts[1]), b + ".kT", OnnxGraphWriter.intsAttr("perm", 0, 1, 3, 2));
        String scores = g.node("MatMul", b + ".scores", List.of(qkvParts[0], kt), b + ".scores");
        scores = g.node("Mul", b + ".scale", List.of(scores, g.initializer(id("scale"), new float[] {(float) (1 / Math.sqrt(hd))})), b + ".scaled");
        String attn = g.node("Softmax", b + ".softmax", List.of(scores), b + ".attn", OnnxGraphWriter.intAttr("axis", -1));
        String ctx = g.node("MatMul", b + ".ctx", List.of(attn, qkvParts[2]), b + ".ctx");
        ctx = g.node("Transpose", b + ".ctxT", List.of(ctx), b + ".ctxT", OnnxGraphWriter.intsAttr("perm", 0, 2, 1, 3));
        ctx = g.node("Reshape", b + ".merge", List.of(ctx, g.int64Initializer(id("shape.merge"), 0, -1, d)), b + ".merged");
        String y = timm() ? linear(ctx, b + ".attn.proj.weight", b + ".attn.proj.bias", d, d, b + ".proj")
                : linear(ctx, b + ".attn.out_proj.weight", b + ".attn.out_proj.bias", d, d, b + ".proj");
        y = layerScale(y, b + ".ls1.gamma", d);
        x = g.node("Add", b + ".res1", List.of(x, y), b + ".res1");
        h = layerNorm(x, b + (timm() ? ".norm2" : ".ln_2"), d);
        y = mlp(h, b, d);
        y = layerScale(y, b + ".ls2.gamma", d);
        return g.node("Add", b + ".res2", List.of(x, y), b + ".out");
    }

    /**
     * The block's MLP: {@code fc1 -> activation -> fc2}, or a SwiGLU ({@code SiLU(x1) * x2} of the
     * two halves of one packed projection, then the output projection): DINOv2's own {@code
     * mlp.w12 / mlp.w3} (SwiGLUFFNFused) or timm's {@code mlp.fc1 / mlp.fc2} with fc1 twice as wide
     * as fc2's input (SwiGLUPacked).
     */
    private String mlp(String h, String b, long d) throws CheckpointException {
        if (timm() && w.has(b + ".mlp.w12.weight")) {
            long hidden2 = w.shape(b + ".mlp.w12.weight")[0];
            return swiGlu(h, b + ".mlp.w12", b + ".mlp.w3", d, hidden2 / 2, b);
        }
        String fc1 = timm() ? b + ".mlp.fc1" : b + ".mlp.c_fc";
        String fc2 = timm() ? b + ".mlp.fc2" : b + ".mlp.c_proj";
        long hidden = w.shape(fc1 + ".weight")[0];
        long[] fc2Shape = w.shape(fc2 + ".weight");
        if (timm() && fc2Shape.length == 2 && hidden == 2 * fc2Shape[1]) {
            return swiGlu(h, fc1, fc2, d, hidden / 2, b);
        }
        String y = activation(linear(h, fc1 + ".weight", fc1 + ".bias", d, hidden, b + ".fc1"), b + ".act");
        return linear(y, fc2 + ".weight", fc2 + ".bias", hidden, d, b + ".fc2");
    }

    private String swiGlu(String h, String in, String outKey, long d, long hidden, String b) throws CheckpointException {
        String y = linear(h, in + ".weight", in + ".bias", d, 2 * hidden, b + ".w12");
        String x1 = g.node("Slice", b + ".glu.x1", List.of(y, g.int64Initializer(id("start"), 0), g.int64Initializer(id("end"), hidden),
                g.int64Initializer(id("axis"), -1)), b + ".glu.x1");
        String x2 = g.node("Slice", b + ".glu.x2", List.of(y, g.int64Initializer(id("start"), hidden), g.int64Initializer(id("end"), 2 * hidden),
                g.int64Initializer(id("axis"), -1)), b + ".glu.x2");
        String sig = g.node("Sigmoid", b + ".silu.sig", List.of(x1), b + ".silu.sig");
        String silu = g.node("Mul", b + ".silu", List.of(x1, sig), b + ".silu");
        y = g.node("Mul", b + ".glu", List.of(silu, x2), b + ".glu");
        return linear(y, outKey + ".weight", outKey + ".bias", hidden, d, b + ".w3");
    }

    /**
     * timm's {@code AttentionPoolLatent} (SigLIP's "MAP" head) over tokens {@code x} [N, T, d]: a
     * learned latent query ({@code attn_pool.latent} [1, 1, d]) attends to the tokens with {@code
     * cfg.heads()} heads ({@code attn_pool.q}, {@code attn_pool.kv} packed k then v, {@code
     * attn_pool.proj}), then {@code y + mlp(norm(y))} ({@code attn_pool.norm}, {@code
     * attn_pool.mlp.fc1 / fc2} with the configured activation); the one latent token is the
     * embedding [N, d].
     */
    private String attentionPool(String x, long d) throws CheckpointException {
        int heads = cfg.heads();
        long hd = d / heads;
        String a = "attn_pool";
        String latent = expand(g.initializer(a + ".latent", w.take(a + ".latent", 1, 1, d).values(), 1, 1, d), x, 1, d, "latent");
        String q = linear(latent, a + ".q.weight", a + ".q.bias", d, d, a + ".q");
        q = g.node("Reshape", a + ".q.heads", List.of(q, g.int64Initializer(id("shape.q"), 0, 1, heads, hd)), a + ".q4");
        q = g.node("Transpose", a + ".q.perm", List.of(q), a + ".qT", OnnxGraphWriter.intsAttr("perm", 0, 2, 1, 3));
        String kv = linear(x, a + ".kv.weight", a + ".kv.bias", d, 2 * d, a + ".kv");
        kv = g.node("Reshape", a + ".kv.split", List.of(kv, g.int64Initializer(id("shape.kv"), 0, -1, 2, heads, hd)), a + ".kv5");
        kv = g.node("Transpose", a + ".kv.perm", List.of(kv), a + ".kvT", OnnxGraphWriter.intsAttr("perm", 2, 0, 3, 1, 4));
        String[] parts = new String[2];
        for (int i = 0; i < 2; i++) {
            String s = g.node("Slice", a + ".kv" + i, List.of(kv, g.int64Initializer(id("start"), i), g.int64Initializer(id("end"), i + 1),
                    g.int64Initializer(id("axis"), 0)), a + ".kv" + i);
            parts[i] = g.node("Squeeze", a + ".kv" + i + ".sq", List.of(s, g.int64Initializer(id("axes"), 0)), a + ".kv" + i + ".sq");
        }
        String kt = g.node("Transpose", a + ".kT", List.of(parts[0]), a + ".kT", OnnxGraphWriter.intsAttr("perm", 0, 1, 3, 2));
        String scores = g.node("MatMul", a + ".scores", List.of(q, kt), a + ".scores");
        scores = g.node("Mul", a + ".scale", List.of(scores, g.initializer(id("scale"), new float[] {(float) (1 / Math.sqrt(hd))})), a + ".scaled");
        String attn = g.node("Softmax", a + ".softmax", List.of(scores), a + ".attn", OnnxGraphWriter.intAttr("axis", -1));
        String ctx = g.node("MatMul", a + ".ctx", List.of(attn, parts[1]), a + ".ctx");
        ctx = g.node("Transpose", a + ".ctxT", List.of(ctx), a + ".ctxT", OnnxGraphWriter.intsAttr("perm", 0, 2, 1, 3));
        ctx = g.node("Reshape", a + ".merge", List.of(ctx, g.int64Initializer(id("shape.merge"), 0, 1, d)), a + ".merged");
        String y = linear(ctx, a + ".proj.weight", a + ".proj.bias", d, d, a + ".proj");
        String h = layerNorm(y, a + ".norm", d);
        long hidden = w.shape(a + ".mlp.fc1.weight")[0];
        h = activation(linear(h, a + ".mlp.fc1.weight", a + ".mlp.fc1.bias", d, hidden, a + ".fc1"), a + ".act");
        h = linear(h, a + ".mlp.fc2.weight", a + ".mlp.fc2.bias", hidden, d, a + ".fc2");
        y = g.node("Add", a + ".res", List.of(y, h), a + ".out");
        return g.node("Squeeze", a + ".squeeze", List.of(y, g.int64Initializer(id("axes"), 1)), a + ".pooled");
    }

    private String layerScale(String y, String key, long d) throws CheckpointException {
        if (!w.has(key)) {
            return y;
        }
        return g.node("Mul", key, List.of(y, g.initializer(key, w.take(key, d).values(), d)), key + ".out");
    }

    private String activation(String x, String name) {
        if (cfg.activation() == Activation.QUICK_GELU) {
            String s = g.node("Mul", name + ".k", List.of(x, g.initializer(id("1.702"), new float[] {1.702f})), name + ".kx");
            s = g.node("Sigmoid", name + ".sig", List.of(s), name + ".sig");
            return g.node("Mul", name, List.of(x, s), name + ".out");
        }
        String s = g.node("Mul", name + ".div", List.of(x, g.initializer(id("rsqrt2"), new float[] {(float) (1 / Math.sqrt(2))})), name + ".xs");
        s = g.node("Erf", name + ".erf", List.of(s), name + ".erf");
        s = g.node("Add", name + ".one", List.of(s, g.initializer(id("one"), new float[] {1f})), name + ".erf1");
        s = g.node("Mul", name + ".half", List.of(s, g.initializer(id("half"), new float[] {0.5f})), name + ".erfh");
        return g.node("Mul", name, List.of(x, s), name + ".out");
    }
}
