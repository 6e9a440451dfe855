package org.encodertraces.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A residual CNN of an {@link Architecture} as named DJL arrays and the forward pass over them
 * (convolution without bias, batch norm, ReLU, identity or 1x1-projection shortcuts, global
 * average pooling, linear classifier).
 *
 * <p>Why explicit arrays rather than DJL blocks: the parameters, the batch-norm running statistics
 * and the optimizer's momentum are then plain named tensors, so a checkpoint restores all of the
 * state (a resumed run ends on the same bits), the ONNX export walks the same list of layers, and
 * initialisation draws from a seeded {@link Random} in Java (no engine RNG state to carry).
 */
public final class ResNet implements AutoCloseable {
    /** DJL's batch-norm momentum (kept fraction of the running statistics; PyTorch's 0.1). */
    static final float BN_MOMENTUM = 0.9f;
    /** Batch-norm epsilon (PyTorch's default). */
    static final float BN_EPS = 1e-5f;

    /** One convolution + batch norm of the network, in forward order. */
    public record ConvBn(String name, int in, int out, int kernel, int stride) {
        /** Zero padding that keeps the size at stride 1. */
        public int pad() {
            return kernel / 2;
        }
    }

    /** A basic block: two 3x3 ConvBn, and a projection ConvBn on the shortcut when the shape changes (else null). */
    public record Block(ConvBn conv1, ConvBn conv2, ConvBn shortcut) {
    }

    private final Architecture arch;
    private final int classes;
    private final NDManager manager;
    private final ConvBn stem;
    private final List<Block> blocks = new ArrayList<>();
    /** Trainable parameters by name, in a fixed order. */
    private final LinkedHashMap<String, NDArray> params = new LinkedHashMap<>();
    /** Batch-norm running statistics by name (not trained; updated by training forward passes). */
    private final LinkedHashMap<String, NDArray> buffers = new LinkedHashMap<>();

    /** A freshly initialised network (Kaiming-normal convolutions, unit batch norm, uniform classifier) from {@code seed}. */
    public ResNet(Architecture arch, int classes, long seed, NDManager parent) {
        if (classes < 2) {
            throw new IllegalArgumentException("training needs at least 2 classes, got " + classes);
        }
        this.arch = arch;
        this.classes = classes;
        this.manager = parent.newSubManager();
        this.stem = new ConvBn("stem", 3, arch.width(), 3, 1);
        int c = arch.width();
        for (int s = 0; s < arch.stages(); s++) {
            int w = arch.stageWidth(s);
            for (int b = 0; b < arch.depth(); b++) {
                int stride = s > 0 && b == 0 ? 2 : 1;
                String n = "stage" + s + ".block" + b;
                ConvBn sc = stride != 1 || c != w ? new ConvBn(n + ".shortcut", c, w, 1, stride) : null;
                blocks.add(new Block(new ConvBn(n + ".conv1", c, w, 3, stride), new ConvBn(n + ".conv2", w, w, 3, 1), sc));
                c = w;
            }
        }
        Random rnd = new Random(seed);
        for (ConvBn cb : convs()) {
            int fanIn = cb.in() * cb.kernel() * cb.kernel();
            float std = (float) Math.sqrt(2.0 / fanIn);
            float[] w = new float[cb.out() * fanIn];
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) rnd.nextGaussian() * std;
            }
            param(cb.name() + ".weight", w, new Shape(cb.out(), cb.in(), cb.kernel(), cb.kernel()));
            param(cb.name() + ".bn.gamma", filled(cb.out(), 1f), new Shape(cb.out()));
            param(cb.name() + ".bn.beta", filled(cb.out(), 0f), new Shape(cb.out()));
            buffers.put(cb.name() + ".bn.mean", manager.create(filled(cb.out(), 0f), new Shape(cb.out())));
            buffers.put(cb.name() + ".bn.var", manager.create(filled(cb.out(), 1f), new Shape(cb.out())));
        }
        int d = arch.embeddingDim();
        float bound = (float) (1.0 / Math.sqrt(d));
        float[] fc = new float[classes * d];
        for (int i = 0; i < fc.length; i++) {
            fc[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
        }
        param("fc.weight", fc, new Shape(classes, d));
        param("fc.bias", filled(classes, 0f), new Shape(classes));
    }

    private void param(String name, float[] values, Shape shape) {
        NDArray a = manager.create(values, shape);
        a.setRequiresGradient(true);
        params.put(name, a);
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    /** The architecture. */
    public Architecture architecture() {
        return arch;
    }

    /** Number of classes of the training head. */
    public int classes() {
        return classes;
    }

    /** The stem and every ConvBn of the blocks, in forward order (conv1, conv2, shortcut). */
    public List<ConvBn> convs() {
        List<ConvBn> all = new ArrayList<>();
        all.add(stem);
        for (Block b : blocks) {
            all.add(b.conv1());
            all.add(b.conv2());
            if (b.shortcut() != null) {
                all.add(b.shortcut());
            }
        }
        return all;
    }

    /** The stem. */
    public ConvBn stem() {
        return stem;
    }

    /** The residual blocks in forward order. */
    public List<Block> blocks() {
        return List.copyOf(blocks);
    }

    /** Trainable parameters by name (live arrays). */
    public Map<String, NDArray> parameters() {
        return params;
    }

    /** Batch-norm running statistics by name (live arrays). */
    public Map<String, NDArray> buffers() {
        return buffers;
    }

    /** Every array of the state (parameters then buffers), by name, in a fixed order. */
    public Map<String, NDArray> state() {
        LinkedHashMap<String, NDArray> all = new LinkedHashMap<>(params);
        all.putAll(buffers);
        return all;
    }

    /** Number of trainable scalars. */
    public long parameterCount() {
        return params.values().stream().mapToLong(a -> a.getShape().size()).sum();
    }

    private NDArray convBn(NDArray x, ConvBn cb, boolean training) {
        NDArray y = Conv2d.conv2d(x, params.get(cb.name() + ".weight"), null, new Shape(cb.stride(), cb.stride()),
                new Shape(cb.pad(), cb.pad()), new Shape(1, 1), 1).singletonOrThrow();
        return BatchNorm.batchNorm(y, buffers.get(cb.name() + ".bn.mean"), buffers.get(cb.name() + ".bn.var"),
                params.get(cb.name() + ".bn.gamma"), params.get(cb.name() + ".bn.beta"), 1, BN_MOMENTUM, BN_EPS, training)
                .singletonOrThrow();
    }

    /** The embedding [N, D] of a normalised input batch [N, 3, S, S] (global average of the last stage). */
    public NDArray embed(NDArray x, boolean training) {
        NDArray h = Activation.relu(convBn(x, stem, training));
        for (Block b : blocks) {
            NDArray y = Activation.relu(convBn(h, b.conv1(), training));
            y = convBn(y, b.conv2(), training);
            NDArray sc = b.shortcut() == null ? h : convBn(h, b.shortcut(), training);
            h = Activation.relu(y.add(sc));
        }
        return Pool.globalAvgPool2d(h);
    }

    /** Class logits [N, classes] of an embedding batch. */
    public NDArray logits(NDArray embedding) {
        return Linear.linear(embedding, params.get("fc.weight"), params.get("fc.bias")).singletonOrThrow();
    }

    /** Logits of an input batch. */
    public NDArray forward(NDArray x, boolean training) {
        return logits(embed(x, training));
    }

    /** Mean softmax cross-entropy of logits against integer labels. */
    public static NDArray crossEntropy(NDArray logits, NDArray labels, int classes) {
        NDArray logp = logits.logSoftmax(1);
        NDArray onehot = labels.oneHot(classes).toType(logp.getDataType(), false);
        return logp.mul(onehot).sum(new int[] {1}).mean().neg();
    }

    /** Copies the state out, by name (values in row-major order). */
    public Map<String, float[]> snapshot() {
        LinkedHashMap<String, float[]> m = new LinkedHashMap<>();
        state().forEach((k, v) -> m.put(k, v.toFloatArray()));
        return m;
    }

    /**
     * Replaces the state with a snapshot of the same names and sizes. New arrays are made from the
     * values rather than written into the old ones: DJL's {@code NDArray.set} runs under libtorch's
     * deprecated {@code AutoNonVariableTypeMode}, which prints a warning to every user's terminal.
     */
    public void restore(Map<String, float[]> values) {
        for (Map.Entry<String, NDArray> e : state().entrySet()) {
            float[] v = values.get(e.getKey());
            if (v == null || v.length != e.getValue().getShape().size()) {
                throw new IllegalArgumentException("checkpoint has no matching tensor '" + e.getKey() + "' (" + e.getValue().getShape() + ")");
            }
        }
        replace(params, values, true);
        replace(buffers, values, false);
    }

    private void replace(LinkedHashMap<String, NDArray> arrays, Map<String, float[]> values, boolean trainable) {
        for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
            NDArray old = e.getValue();
            NDArray a = manager.create(values.get(e.getKey()), old.getShape());
            if (trainable) {
                a.setRequiresGradient(true);
            }
            e.setValue(a);
            old.close();
        }
    }

    /** Forward pass inputs for a list. */
    static NDList list(NDArray... a) {
        return new NDList(a);
    }

    @Override
    public void close() {
        manager.close();
    }
}
