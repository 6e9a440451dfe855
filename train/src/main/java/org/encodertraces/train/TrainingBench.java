package org.encodertraces.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Map;
import java.util.Random;

/**
 * The training-step benchmarks behind {@code traces bench-train}: forward, cross-entropy, backward
 * and SGD update of the residual CNN, or forward, symmetric InfoNCE, backward and AdamW update of a
 * small CLIP ({@link ClipTraining}'s own step), on random batches (no data pipeline): the figures
 * that {@code tools/bench/train_throughput.sh} and {@code tools/bench/clip_throughput.sh} set beside
 * the same networks in PyTorch.
 */
public final class TrainingBench {
    private TrainingBench() {
    }

    /**
     * What was timed and how fast it ran.
     *
     * @param parameters the network's trainable parameters
     * @param batch images per step
     * @param steps timed steps
     * @param seconds their wall time
     */
    public record Result(long parameters, int batch, int steps, double seconds) {
        /** Milliseconds per step. */
        public double msPerStep() {
            return 1000 * seconds / steps;
        }

        /** Images per second. */
        public double imagesPerSecond() {
            return steps * batch / seconds;
        }
    }

    /**
     * Runs {@code warmup} untimed steps, then times {@code steps} (libtorch must be started, {@link Libtorch#start}).
     *
     * @param batch images per step, 10 random classes
     */
    public static Result run(Architecture arch, int batch, int steps, int warmup) {
        int size = arch.inputSize();
        Random r = new Random(0);
        float[] x = new float[batch * 3 * size * size];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        long[] y = new long[batch];
        for (int i = 0; i < batch; i++) {
            y[i] = r.nextInt(10);
        }
        try (NDManager root = NDManager.newBaseManager(); ResNet net = new ResNet(arch, 10, 0, root)) {
            Map<String, NDArray> momentum = Training.zeroMomentum(net, root);
            for (int i = 0; i < warmup; i++) {
                Training.step(net, momentum, root, x, y, 0.01f, 0.9f, 5e-4f);
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                Training.step(net, momentum, root, x, y, 0.01f, 0.9f, 5e-4f);
            }
            return new Result(net.parameterCount(), batch, steps, (System.nanoTime() - t0) / 1e9);
        }
    }

    /**
     * A CLIP benchmark's figures: the whole and its phases (seconds over the timed steps).
     *
     * @param forward   forward passes of both towers and the loss
     * @param backward  the backward pass
     * @param optimizer AdamW and the logit scale's clamp
     */
    public record ClipResult(Result total, double forward, double backward, double optimizer) {
    }

    /**
     * Times {@link ClipTraining}'s training step on a random batch: {@code batch} random images
     * (standard normal pixels) and as many random captions (a start token, 1 to context - 2 random
     * word ids of a {@code vocab}-token vocabulary, an end token, padding), AdamW as a run uses it
     * (learning rate 5e-4, weight decay 0.1). libtorch must be started ({@link Libtorch#start}).
     */
    public static ClipResult runClip(ClipArchitecture arch, int vocab, int batch, int steps, int warmup) {
        int first = CaptionTokenizer.SPECIALS.size();
        if (vocab <= first) {
            throw new IllegalArgumentException("the vocabulary must hold more than its " + first + " special tokens, got " + vocab);
        }
        int size = arch.imageSize();
        int ctx = arch.context();
        int end = CaptionTokenizer.SPECIALS.indexOf(CaptionTokenizer.END);
        Random r = new Random(0);
        float[] x = new float[batch * 3 * size * size];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        long[] ids = new long[batch * ctx];
        for (int i = 0; i < batch; i++) {
            int words = 1 + r.nextInt(ctx - 2);
            ids[i * ctx] = CaptionTokenizer.SPECIALS.indexOf(CaptionTokenizer.START);
            for (int j = 1; j <= words; j++) {
                ids[i * ctx + j] = first + r.nextInt(vocab - first);
            }
            ids[i * ctx + words + 1] = end;
        }
        ClipConfig cfg = new ClipConfig(arch, Recipe.parse("none"), 1, 0, batch, 5e-4, 0.1, 1, 1, null);
        boolean gradWas = ai.djl.pytorch.jni.JniUtils.isGradMode();
        ai.djl.pytorch.jni.JniUtils.setGradMode(false);
        try (NDManager root = NDManager.newBaseManager(); ClipModel net = new ClipModel(arch, vocab, 0, root)) {
            Map<String, NDArray> moments = ClipTraining.zeroMoments(net, root);
            long[] nanos = new long[3];
            for (int i = 0; i < warmup; i++) {
                ClipTraining.step(net, moments, root, x, ids, end, i + 1, 5e-4f, cfg, nanos);
            }
            java.util.Arrays.fill(nanos, 0);
            long t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                ClipTraining.step(net, moments, root, x, ids, end, warmup + i + 1, 5e-4f, cfg, nanos);
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            long params = net.parameters().values().stream().mapToLong(a -> a.getShape().size()).sum();
            return new ClipResult(new Result(params, batch, steps, secs), nanos[0] / 1e9, nanos[1] / 1e9, nanos[2] / 1e9);
        } finally {
            ai.djl.pytorch.jni.JniUtils.setGradMode(gradWas);
        }
    }
}
