package org.encodertraces.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.encodertraces.encoder.PreprocessSpec;
import org.encodertraces.encoder.Preprocessor;
import org.encodertraces.image.RgbImage;

/**
 * Trains a {@link ResNet} on {@link TrainingImages} under a {@link TrainConfig}: the training
 * loop (SGD with momentum, or SimCLR's NT-Xent on two views), a {@link Checkpoint} after every
 * epoch and resumption from the last one, so a killed run ends on the same weights as an
 * uninterrupted one. What the weights are worth is measured apart ({@link Evaluation}).
 *
 * <p>Why the run is reproducible: initial weights come from a seeded Java generator, the epoch's
 * order from (seed, epoch), every augmentation from (seed, image id, epoch), and PyTorch's CPU
 * kernels give the same bits for the same thread count. Nothing else carries state.
 */
public final class Training {
    /** Callbacks while training (called on the training thread). */
    public interface Listener {
        /** After each step: epoch (0-based), step in epoch, steps per epoch, the step's loss. */
        void step(int epoch, int step, int steps, float loss);

        /** After each epoch, with its mean loss and training accuracy on the augmented batches. */
        void epoch(int epoch, double meanLoss, double trainAccuracy);
    }

    /** What a finished run hands back. */
    public record Result(int epochsRun, int resumedFromEpoch, List<EpochStats> epochs, Map<String, float[]> weights) {
    }

    /** One epoch's figures. */
    public record EpochStats(int epoch, double meanLoss, double trainAccuracy, double seconds) {
    }

    private Training() {
    }

    /** The preprocessing of a trained encoder at an input size: shorter side to the size (bicubic), centre crop, CIFAR-style normalisation. */
    public static PreprocessSpec preprocessing(int size) {
        return PreprocessSpec.study(size, org.encodertraces.image.ResampleFilter.BICUBIC, List.of(0.4914, 0.4822, 0.4465),
                List.of(0.2470, 0.2435, 0.2616));
    }

    /**
     * Trains, resuming from {@code checkpoint} when it exists and was written by the same
     * configuration and data, and writes the checkpoint after every epoch.
     *
     * @param stopAfterEpochs for tests and time budgets: return after this many epochs of this call (0: no limit)
     */
    public static Result run(TrainConfig cfg, TrainingImages data, Path checkpoint, String runKey, Listener listener,
                             int stopAfterEpochs) throws IOException, InterruptedException {
        int n = data.size();
        if (n < cfg.batchSize()) {
            throw new IllegalArgumentException(n + " training images are fewer than one batch of " + cfg.batchSize());
        }
        int steps = n / cfg.batchSize();
        int total = steps * cfg.epochs();
        int size = cfg.arch().inputSize();
        PreprocessSpec spec = preprocessing(size);
        int per = 3 * size * size;
        ExecutorService pool = Executors.newFixedThreadPool(cfg.threads());
        // libtorch's grad mode is per thread and on in a new thread; DJL turns it off only on the thread that loaded the engine
        boolean gradWas = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDManager root = NDManager.newBaseManager();
             ResNet net = new ResNet(cfg.arch(), cfg.objective().headSize(data.classes().size()), cfg.seed(), root)) {
            Map<String, NDArray> momentum = zeroMomentum(net, root);
            int start = 0;
            if (Files.isRegularFile(checkpoint)) {
                start = Checkpoint.resume(checkpoint, runKey, net, momentum);
            }
            boolean two = cfg.objective().contrastive();
            return epochs(n, cfg.batchSize(), cfg.epochs(), cfg.seed(), start, t -> learningRate(cfg, t, steps, total), (idx, epoch, s, lr) -> {
                if (two) {
                    // two views of each image: the second's draws come from the image id with a view suffix
                    float[] x = new float[2 * idx.length * per];
                    System.arraycopy(batch(pool, cfg, data, spec, idx, epoch, per, ""), 0, x, 0, idx.length * per);
                    System.arraycopy(batch(pool, cfg, data, spec, idx, epoch, per, SECOND_VIEW), 0, x, idx.length * per, idx.length * per);
                    return contrastiveStep(net, momentum, root, x, idx.length, (float) cfg.objective().temperature(), (float) lr,
                            (float) cfg.momentum(), (float) cfg.weightDecay());
                }
                float[] x = batch(pool, cfg, data, spec, idx, epoch, per, "");
                long[] y = new long[idx.length];
                for (int i = 0; i < idx.length; i++) {
                    y[i] = data.labels()[idx[i]];
                }
                return step(net, momentum, root, x, y, (float) lr, (float) cfg.momentum(), (float) cfg.weightDecay());
            }, two ? 2 : 1, done -> Checkpoint.save(checkpoint, runKey, done, net, momentum), listener, stopAfterEpochs, net::snapshot);
        } finally {
            JniUtils.setGradMode(gradWas);
            pool.shutdownNow();
        }
    }

    /** One batch of the shared epoch loop: trains on the images {@code idx} at learning rate {@code lr}; returns {loss, correct}. */
    @FunctionalInterface
    interface BatchStep {
        float[] train(int[] idx, int epoch, int step, double lr) throws InterruptedException;
    }

    /** What the shared epoch loop does after each epoch: write the checkpoint of {@code epochsDone} epochs. */
    @FunctionalInterface
    interface EpochEnd {
        void save(int epochsDone) throws IOException;
    }

    /**
     * The epoch loop of every objective ({@link #run}, {@link ClipTraining#run}): each epoch the
     * order from (seed, epoch), batches of {@code batchSize} (the last partial one dropped), the
     * learning rate of the global step, the listener told of every step and epoch, the checkpoint
     * after every epoch, and a return after {@code stopAfterEpochs} epochs of this call (0: none).
     *
     * @param start    the first epoch (those before were resumed from the checkpoint)
     * @param perImage predictions each image adds to the accuracy's denominator (2 with two views)
     */
    static Result epochs(int n, int batchSize, int epochs, long seed, int start, java.util.function.IntToDoubleFunction lr, BatchStep step,
                         int perImage, EpochEnd end, Listener listener, int stopAfterEpochs, java.util.function.Supplier<Map<String, float[]>> weights)
            throws IOException, InterruptedException {
        int steps = n / batchSize;
        List<EpochStats> stats = new ArrayList<>();
        for (int epoch = start; epoch < epochs; epoch++) {
            long t0 = System.nanoTime();
            int[] order = order(n, seed, epoch);
            double lossSum = 0;
            long correct = 0;
            for (int s = 0; s < steps; s++) {
                int[] idx = java.util.Arrays.copyOfRange(order, s * batchSize, (s + 1) * batchSize);
                float[] lossAndCorrect = step.train(idx, epoch, s, lr.applyAsDouble(epoch * steps + s));
                float loss = lossAndCorrect[0];
                correct += (long) lossAndCorrect[1];
                lossSum += loss;
                listener.step(epoch, s, steps, loss);
            }
            double mean = lossSum / steps;
            double acc = correct / (double) (steps * batchSize * perImage);
            end.save(epoch + 1);
            stats.add(new EpochStats(epoch, mean, acc, (System.nanoTime() - t0) / 1e9));
            listener.epoch(epoch, mean, acc);
            if (stopAfterEpochs > 0 && epoch + 1 - start >= stopAfterEpochs && epoch + 1 < epochs) {
                return new Result(epoch + 1, start, stats, weights.get());
            }
        }
        return new Result(epochs, start, stats, weights.get());
    }

    /** The schedule of every objective: linear warm-up over the first epoch (when there are several), then cosine decay to 0 at the last step. */
    static double learningRate(double peak, int epochs, int step, int stepsPerEpoch, int total) {
        if (step < stepsPerEpoch && epochs > 1) {
            return peak * (step + 1) / stepsPerEpoch;
        }
        int warm = epochs > 1 ? stepsPerEpoch : 0;
        double t = (step - warm) / (double) Math.max(1, total - warm);
        return peak * 0.5 * (1 + Math.cos(Math.PI * t));
    }

    /** Linear warm-up over the first epoch, then cosine decay to 0 at the last step. */
    static double learningRate(TrainConfig cfg, int step, int stepsPerEpoch, int total) {
        return learningRate(cfg.lr(), cfg.epochs(), step, stepsPerEpoch, total);
    }

    /** The epoch's order: a Fisher-Yates shuffle seeded by (seed, epoch). */
    static int[] order(int n, long seed, int epoch) {
        int[] o = new int[n];
        for (int i = 0; i < n; i++) {
            o[i] = i;
        }
        SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = o[i];
            o[i] = o[j];
            o[j] = t;
        }
        return o;
    }

    /** Appended to an image's id for the draws of its second view (contrastive objective). */
    static final String SECOND_VIEW = "#view2";

    private static float[] batch(ExecutorService pool, TrainConfig cfg, TrainingImages data, PreprocessSpec spec, int[] idx,
                                 int epoch, int per, String view) throws InterruptedException {
        return augment(pool, cfg.threads(), cfg.recipe(), cfg.seed(), data.images(), data.ids(), spec, idx, epoch, per, view);
    }

    /**
     * The images {@code idx} of a batch, each augmented by {@code recipe} (its draws from the seed, the
     * image's id + {@code view}, the epoch) and preprocessed into one tensor, split over {@code threads}
     * tasks of the pool: the input pipeline of every objective.
     */
    static float[] augment(ExecutorService pool, int threads, Recipe recipe, long seed, List<RgbImage> images, List<String> ids, PreprocessSpec spec,
                           int[] idx, int epoch, int per, String view) throws InterruptedException {
        float[] x = new float[idx.length * per];
        List<Future<?>> fs = new ArrayList<>();
        int chunk = (idx.length + threads - 1) / threads;
        for (int c0 = 0; c0 < idx.length; c0 += chunk) {
            int from = c0;
            int to = Math.min(idx.length, c0 + chunk);
            fs.add(pool.submit(() -> {
                for (int i = from; i < to; i++) {
                    int k = idx[i];
                    RgbImage img = recipe.apply(images.get(k), seed, ids.get(k) + view, epoch);
                    Preprocessor.writeTensor(Preprocessor.resizeAndCrop(img, spec), spec, x, i * per);
                }
            }));
        }
        for (Future<?> f : fs) {
            try {
                f.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("augmentation failed: " + e.getCause(), e.getCause());
            }
        }
        return x;
    }

    /**
     * One SGD step on a batch ({@code x} normalised [N, 3, S, S] row-major, {@code y} class indices):
     * forward in training mode, cross-entropy, backward, update. Returns {loss, correct predictions}.
     */
    public static float[] step(ResNet net, Map<String, NDArray> momentum, NDManager root, float[] x, long[] y, float lr, float mu, float wd) {
        int size = net.architecture().inputSize();
        try (NDManager sub = root.newSubManager()) {
            NDArray xs = sub.create(x, new Shape(y.length, 3, size, size));
            NDArray ys = sub.create(y);
            return gradientStep(net, momentum, sub, lr, mu, wd, () -> {
                NDArray logits = net.forward(xs, true);
                return new NDArray[] {ResNet.crossEntropy(logits, ys, net.classes()), logits.argMax(1).eq(ys).sum()};
            });
        }
    }

    /**
     * One SGD step of SimCLR's NT-Xent: {@code x} holds 2n views (rows 0..n-1 the first view of each
     * image, n..2n-1 the second); each view's projection, L2-normalised, must pick its partner among
     * the other 2n - 1 by cosine similarity / temperature. Returns {loss, views whose nearest is their partner}.
     */
    public static float[] contrastiveStep(ResNet net, Map<String, NDArray> momentum, NDManager root, float[] x, int n, float temperature,
                                          float lr, float mu, float wd) {
        int size = net.architecture().inputSize();
        try (NDManager sub = root.newSubManager()) {
            NDArray xs = sub.create(x, new Shape(2L * n, 3, size, size));
            long[] partner = new long[2 * n];
            for (int i = 0; i < n; i++) {
                partner[i] = i + n;
                partner[i + n] = i;
            }
            NDArray ys = sub.create(partner);
            // a view is not its own candidate: its similarity is pushed far below the others'
            NDArray self = sub.eye(2 * n).mul(1e9f);
            return gradientStep(net, momentum, sub, lr, mu, wd, () -> {
                NDArray z = net.forward(xs, true);
                NDArray zn = z.div(z.norm(new int[] {1}, true).clip(1e-12f, Float.MAX_VALUE));
                NDArray sim = zn.matMul(zn.transpose()).div(temperature).sub(self);
                return new NDArray[] {ResNet.crossEntropy(sim, ys, 2 * n), sim.argMax(1).eq(ys).sum()};
            });
        }
    }

    /** A forward pass giving {loss, count of correct}, backward from it, and the SGD update. */
    private static float[] gradientStep(ResNet net, Map<String, NDArray> momentum, NDManager sub, float lr, float mu, float wd,
                                        java.util.function.Supplier<NDArray[]> forward) {
        // What DJL's PtGradientCollector does (grad mode on, backward from ones), without its JVM-wide
        // "one collector at a time" flag: libtorch's grad mode is per thread, so runs on other threads
        // (traces ablation --jobs) each collect their own gradients.
        boolean gradWas = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
        try {
            NDArray[] lossAndCorrect = forward.get();
            NDArray l = lossAndCorrect[0];
            NDArray ones = sub.ones(l.getShape(), l.getDataType());
            JniUtils.backward((PtNDArray) l, (PtNDArray) ones, false, false);
            float loss = l.getFloat();
            long correct = lossAndCorrect[1].toType(ai.djl.ndarray.types.DataType.INT64, false).getLong();
            // the update in place on the parameters, outside the graph
            JniUtils.setGradMode(false);
            update(net, momentum, sub, lr, mu, wd);
            return new float[] {loss, correct};
        } finally {
            JniUtils.setGradMode(gradWas);
        }
    }

    /** Zero momentum buffers for every parameter of a network. */
    public static Map<String, NDArray> zeroMomentum(ResNet net, NDManager manager) {
        Map<String, NDArray> momentum = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : net.parameters().entrySet()) {
            momentum.put(e.getKey(), manager.zeros(e.getValue().getShape()));
        }
        return momentum;
    }

    /** SGD with momentum and weight decay, as torch.optim.SGD computes it (buffer starts at zero). */
    private static void update(ResNet net, Map<String, NDArray> momentum, NDManager sub, float lr, float mu, float wd) {
        for (Map.Entry<String, NDArray> e : net.parameters().entrySet()) {
            NDArray p = e.getValue();
            // attach (not tempAttach): these handles are freed with the step's manager; tempAttach
            // handed them back to the parameters' manager, which leaked ~0.6 MB of native memory a step
            NDArray g = p.getGradient();
            g.attach(sub);
            NDArray decay = p.mul(wd);
            decay.attach(sub);
            NDArray v = momentum.get(e.getKey());
            v.muli(mu).addi(g).addi(decay);
            NDArray stepArr = v.mul(lr);
            stepArr.attach(sub);
            p.subi(stepArr);
            g.muli(0f);
        }
    }

    /** The final weights a run saved in its checkpoint, without the momentum ({@link Checkpoint#readWeights}). */
    public static Map<String, float[]> readWeights(Path checkpoint) throws IOException {
        return Checkpoint.readWeights(checkpoint);
    }
}
