package org.encodertraces.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.encodertraces.encoder.PreprocessSpec;

/**
 * Trains a {@link ClipModel} on {@link CaptionedImages}: each step a batch of images (augmented by
 * the recipe) with one caption each, CLIP's symmetric InfoNCE, AdamW, the logit scale clamped as
 * CLIP does; a {@link Checkpoint} after every epoch (parameters and both AdamW moments) and
 * resumption from the last one, so a killed run ends on the same weights as an uninterrupted one.
 *
 * <p>The epoch loop (order, batches, schedule, listener, checkpoint after each epoch, stop after N
 * epochs) and the augmentation pipeline are {@link Training}'s, shared with the other objectives;
 * what is CLIP's own is the caption draw, the step and AdamW.
 *
 * <p>Why the run is reproducible: initial weights come from a seeded Java generator (or the
 * fine-tuned run's checkpoint), the epoch's order from (seed, epoch), each image's caption and
 * augmentation from (seed, image id, epoch), and PyTorch's CPU kernels give the same bits for the
 * same thread count.
 */
public final class ClipTraining {
    /** What a finished (or stopped) run hands back. */
    public record Result(int epochsRun, int resumedFromEpoch, List<Training.EpochStats> epochs, Map<String, float[]> weights) {
    }

    /** Prefix of the first AdamW moment in the checkpoint's optimizer state. */
    static final String M = "m/";
    /** Prefix of the second AdamW moment. */
    static final String V = "v/";

    private ClipTraining() {
    }

    /**
     * Trains, resuming from {@code checkpoint} when it belongs to the same run.
     *
     * @param initial         the fine-tuned run's weights (null from scratch)
     * @param stopAfterEpochs return after this many epochs of this call (0: no limit)
     */
    public static Result run(ClipConfig cfg, CaptionTokenizer tok, CaptionedImages data, Map<String, float[]> initial, Path checkpoint,
                             String runKey, Training.Listener listener, int stopAfterEpochs) throws IOException, InterruptedException {
        int n = data.size();
        if (n < cfg.batchSize()) {
            throw new IllegalArgumentException(n + " training images are fewer than one batch of " + cfg.batchSize());
        }
        int steps = n / cfg.batchSize();
        int total = steps * cfg.epochs();
        int size = cfg.arch().imageSize();
        PreprocessSpec spec = Training.preprocessing(size);
        int per = 3 * size * size;
        int ctx = cfg.arch().context();
        ExecutorService pool = Executors.newFixedThreadPool(cfg.threads());
        boolean gradWas = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDManager root = NDManager.newBaseManager(); ClipModel net = new ClipModel(cfg.arch(), tok.size(), cfg.seed(), root)) {
            if (initial != null) {
                net.restore(initial);
            }
            Map<String, NDArray> moments = zeroMoments(net, root);
            int start = 0;
            if (Files.isRegularFile(checkpoint)) {
                start = resume(checkpoint, runKey, net, moments);
            }
            Training.Result r = Training.epochs(n, cfg.batchSize(), cfg.epochs(), cfg.seed(), start, t -> learningRate(cfg, t, steps, total),
                    (idx, epoch, s, lr) -> {
                        float[] x = images(pool, cfg, data, spec, idx, epoch, per);
                        long[] ids = new long[idx.length * ctx];
                        for (int i = 0; i < idx.length; i++) {
                            String caption = caption(data, idx[i], cfg.seed(), epoch);
                            System.arraycopy(tok.encode(caption), 0, ids, i * ctx, ctx);
                        }
                        return step(net, moments, root, x, ids, tok.endId(), epoch * steps + s + 1, (float) lr, cfg);
                    }, 1, done -> save(checkpoint, runKey, done, net, moments), listener, stopAfterEpochs, net::snapshot);
            return new Result(r.epochsRun(), r.resumedFromEpoch(), r.epochs(), r.weights());
        } finally {
            JniUtils.setGradMode(gradWas);
            pool.shutdownNow();
        }
    }

    /** The caption of image {@code k} in an epoch: one of its captions, drawn from (seed, image id, epoch). */
    static String caption(CaptionedImages data, int k, long seed, int epoch) {
        List<String> caps = data.captions().get(k);
        long h = seed * 0x9E3779B97F4A7C15L + epoch;
        for (byte b : data.ids().get(k).getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ b) * 0x100000001B3L;
        }
        h ^= h >>> 29;
        return caps.get((int) Math.floorMod(h, (long) caps.size()));
    }

    /** Linear warm-up over the first epoch (when there are several), then cosine decay to 0 at the last step. */
    static double learningRate(ClipConfig cfg, int step, int stepsPerEpoch, int total) {
        return Training.learningRate(cfg.lr(), cfg.epochs(), step, stepsPerEpoch, total);
    }

    private static float[] images(ExecutorService pool, ClipConfig cfg, CaptionedImages data, PreprocessSpec spec, int[] idx, int epoch, int per)
            throws InterruptedException {
        return Training.augment(pool, cfg.threads(), cfg.recipe(), cfg.seed(), data.images(), data.ids(), spec, idx, epoch, per, "");
    }

    /** One AdamW step on a batch of pairs; returns {loss, images whose nearest caption in the batch is their own}. */
    static float[] step(ClipModel net, Map<String, NDArray> moments, NDManager root, float[] x, long[] ids, int endId, int t, float lr,
                        ClipConfig cfg) {
        return step(net, moments, root, x, ids, endId, t, lr, cfg, null);
    }

    /**
     * {@link #step}, adding the wall time of its phases to {@code nanos} when not null: [0] the forward
     * pass and loss, [1] the backward pass, [2] AdamW and the logit scale's clamp (libtorch's CPU
     * kernels run synchronously, so each phase's time is its own). The arithmetic is the same either way.
     */
    static float[] step(ClipModel net, Map<String, NDArray> moments, NDManager root, float[] x, long[] ids, int endId, int t, float lr,
                        ClipConfig cfg, long[] nanos) {
        int size = cfg.arch().imageSize();
        int n = ids.length / cfg.arch().context();
        try (NDManager sub = root.newSubManager()) {
            long t0 = System.nanoTime();
            NDArray xs = sub.create(x, new Shape(n, 3, size, size));
            boolean gradWas = JniUtils.isGradMode();
            JniUtils.setGradMode(true);
            float loss;
            long correct;
            long t1;
            long t2;
            try {
                NDArray[] lc = net.loss(net.encodeImage(xs, true), net.encodeText(sub, ids, endId));
                NDArray l = lc[0];
                t1 = System.nanoTime();
                JniUtils.backward((PtNDArray) l, (PtNDArray) sub.ones(l.getShape(), l.getDataType()), false, false);
                t2 = System.nanoTime();
                loss = l.getFloat();
                correct = lc[1].toType(ai.djl.ndarray.types.DataType.INT64, false).getLong();
            } finally {
                JniUtils.setGradMode(false);
            }
            long t3 = System.nanoTime();
            try {
                adamw(net, moments, sub, lr, t, cfg);
                net.clampLogitScale();
            } finally {
                JniUtils.setGradMode(gradWas);
            }
            if (nanos != null) {
                nanos[0] += t1 - t0 + t3 - t2;
                nanos[1] += t2 - t1;
                nanos[2] += System.nanoTime() - t3;
            }
            return new float[] {loss, correct};
        }
    }

    /** Whether AdamW decays a parameter: open_clip's rule (rank 2 and more, not batch norm). */
    static boolean decayed(String name, NDArray p) {
        return p.getShape().dimension() >= 2 && !name.contains(".bn.");
    }

    /** AdamW as torch.optim.AdamW computes it (decoupled decay, bias-corrected moments). */
    private static void adamw(ClipModel net, Map<String, NDArray> moments, NDManager sub, float lr, int t, ClipConfig cfg) {
        float b1 = (float) ClipConfig.BETA1;
        float b2 = (float) ClipConfig.BETA2;
        float c1 = (float) (1 - Math.pow(ClipConfig.BETA1, t));
        float c2 = (float) Math.sqrt(1 - Math.pow(ClipConfig.BETA2, t));
        float wd = (float) cfg.weightDecay();
        for (Map.Entry<String, NDArray> e : net.parameters().entrySet()) {
            NDArray p = e.getValue();
            NDArray g = p.getGradient();
            g.attach(sub);
            if (decayed(e.getKey(), p) && wd > 0) {
                p.muli(1 - lr * wd);
            }
            NDArray m = moments.get(M + e.getKey());
            NDArray v = moments.get(V + e.getKey());
            m.muli(b1).addi(g.mul(1 - b1));
            NDArray g2 = g.mul(g).mul(1 - b2);
            g2.attach(sub);
            v.muli(b2).addi(g2);
            NDArray denom = v.sqrt();
            denom.attach(sub);
            denom = denom.div(c2);
            denom.attach(sub);
            denom.addi((float) ClipConfig.EPS);
            NDArray upd = m.div(denom);
            upd.attach(sub);
            upd.muli(lr / c1);
            p.subi(upd);
            g.muli(0f);
        }
    }

    /** Zero AdamW moments for every parameter. */
    static Map<String, NDArray> zeroMoments(ClipModel net, NDManager manager) {
        Map<String, NDArray> m = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : net.parameters().entrySet()) {
            m.put(M + e.getKey(), manager.zeros(e.getValue().getShape()));
            m.put(V + e.getKey(), manager.zeros(e.getValue().getShape()));
        }
        return m;
    }

    private static void save(Path file, String runKey, int epochsDone, ClipModel net, Map<String, NDArray> moments) throws IOException {
        Checkpoint.save(file, runKey, epochsDone, net.state(), moments);
    }

    private static int resume(Path file, String runKey, ClipModel net, Map<String, NDArray> moments) throws IOException {
        Checkpoint.Contents c = Checkpoint.read(file, runKey, true);
        Map<String, float[]> weights = new LinkedHashMap<>();
        c.values().forEach((k, v) -> {
            if (!k.startsWith(Checkpoint.MOMENTUM)) {
                weights.put(k, v);
            }
        });
        net.restore(weights);
        for (Map.Entry<String, NDArray> e : moments.entrySet()) {
            float[] v = c.values().get(Checkpoint.MOMENTUM + e.getKey());
            if (v == null) {
                throw new IOException(file + ": checkpoint lacks the optimizer state " + e.getKey());
            }
            NDArray old = e.getValue();
            e.setValue(old.getManager().create(v, old.getShape()));
            old.close();
        }
        return c.epochs();
    }
}
