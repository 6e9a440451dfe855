package org.encodertraces.audit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.encodertraces.data.Dataset;
import org.encodertraces.data.Sample;
import org.encodertraces.embed.Extraction;
import org.encodertraces.encoder.ModelRef;
import org.encodertraces.encoder.builtin.BuiltinEncoders;
import org.encodertraces.process.ImageFootprint;
import org.encodertraces.process.ProcessingOp;
import org.encodertraces.probe.ProcessingTask;

/**
 * How long an audit will take, per stage, before it starts: per-stage costs measured on a quiet
 * 2-core machine, scaled by what drives them. Embedding scales with the images' decoded pixels
 * (decoding, the processing operations and the encoder's resize all touch every pixel, so a
 * 3-megapixel camera photo costs many times a 500-pixel one), read from the headers of the images
 * (all of them, or an even sample of a large folder); probes with their training rows, kNN with its
 * image pairs. A resumed audit is estimated on what is left: embedding sets an earlier run
 * completed, and shards it committed, cost nothing ({@link #reuse}).
 *
 * <p>Why per stage: the audit prints its measured stage times beside these at the end, so a
 * machine that differs from the reference shows where.
 *
 * @param seconds estimated wall-clock seconds per stage kind (the kinds of {@link StageTimes})
 * @param sizes the images' decoded sizes the embedding cost was scaled by
 */
public record AuditEstimate(Map<String, Double> seconds, ImageSizes sizes) {
    public AuditEstimate {
        seconds = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(seconds));
    }

    /** The whole estimate in seconds. */
    public double total() {
        return seconds.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    /**
     * The decoded size of a dataset's images, from their headers (nothing decoded).
     *
     * @param meanMegapixels mean pixels per image, in millions, over the headers read (what the cost scales with)
     * @param medianMegapixels median of the same
     * @param read headers read (the images, or an even sample of them)
     * @param unknown of those, headers that did not give a size (formats other than JPEG, PNG, GIF, BMP;
     *     unreadable files): counted at the mean of the others
     * @param images images in the dataset
     * @param sample the megapixels of each header read that gave a size
     */
    public record ImageSizes(double meanMegapixels, double medianMegapixels, int read, int unknown, int images, double[] sample) {
        /** "median 3.1 MP, mean 3.4 MP (headers of 400 of 12,000 images)". */
        public String describe() {
            if (read == unknown) {
                return "image sizes unknown (no readable header among " + read + " read)";
            }
            String of = read == images ? "headers of all " + images + " images" : "headers of " + read + " of " + images + " images";
            return String.format(java.util.Locale.ROOT, "median %s MP, mean %s MP (%s%s)", mp(medianMegapixels), mp(meanMegapixels), of,
                    unknown > 0 ? ", " + unknown + " without a readable size" : "");
        }

        private static String mp(double v) {
            return v >= 10 ? String.format(java.util.Locale.ROOT, "%.0f", v) : v >= 0.1 ? String.format(java.util.Locale.ROOT, "%.1f", v)
                    : String.format(java.util.Locale.ROOT, "%.2f", v);
        }
    }

    /**
     * What an earlier run into the same output folder left for one model: embedding sets already
     * complete, sets whose shards an interrupted run committed, and the (image, operation) pairs
     * still to embed.
     */
    public record Reuse(String model, int sets, int complete, int partial, long imageOpsLeft, long imageOps, long imagesLeft) {
        /** Nothing left to embed for this model. */
        public boolean allReused() {
            return imageOpsLeft == 0;
        }
    }

    /** Headers read at most: enough for a mean within a few percent on any folder, a fraction of a second to read. */
    static final int SIZE_SAMPLE = 400;

    // Embedding: the CPU time of one image under one operation, measured stage by stage with StageCosts
    // (bench-embed) on the demo's scenes (0.07 MP), flowers17 (0.3 MP) and the shared camera photos (1.2 MP):
    // decoding, the operation and the encoder's resize grow linearly with the pixels, inference does not.
    // Two cores do that work at EFFECTIVE_CORES; below a floor per image and operation the pipeline is bound
    // by its hand-offs, not by the CPU (small images: the demo). README quotes the audits measured against it.
    /** CPU milliseconds of inference per image, builtin:jpeg-forensic. */
    static final double INFER_FORENSIC_MS = 6.6;
    /** CPU milliseconds of inference per image, builtin:lowlevel-stats. */
    static final double INFER_LOWLEVEL_MS = 9.2;
    /** CPU milliseconds of inference per image, a MobileNet-sized ONNX model (MobileNetV2 INT8 5.6, float 8.1; larger models take longer). */
    static final double INFER_ONNX_MS = 7.0;
    /** CPU milliseconds per image and operation that do not grow with the pixels (the crop's tensor, hand-offs). */
    static final double OPERATION_MS = 2.1;
    /** CPU milliseconds per megapixel of one image under one operation: the operation, the encoder's resize, the copies. */
    static final double OPERATION_MP_MS = 30;
    /** CPU milliseconds to decode one image, besides its pixels. */
    static final double DECODE_MS = 1.1;
    /** CPU milliseconds per megapixel to decode one image (once per model, for all its operations). */
    static final double DECODE_MP_MS = 8.5;
    /**
     * What two cores give the embedding pipeline when it is bound by the CPU: the flowers17 audit's
     * embedding, about 510 s of CPU time in about 285 s on a quiet 2-core machine.
     */
    static final double EFFECTIVE_CORES = 1.8;
    /** Wall-clock seconds per image and operation below which the pipeline does not go on 2 cores (the demo). */
    static final double FLOOR_IMAGE_OP = 0.009;
    /** Seconds per probe training row and fit (hyper-parameter trials plus final seeds). */
    static final double PROBE_ROW_FIT = 2e-5;
    /** Seconds per (operation pair x image pair) of a kNN task. */
    static final double KNN_PAIR = 3.2e-7;
    /** Seconds per image of the dataset audit (JPEG tables and EXIF). */
    static final double AUDIT_IMAGE = 0.006;
    /** CPU milliseconds to hash one decoded image for the near-duplicate search, besides its decode. */
    static final double NEAR_DUPLICATE_HASH_MS = 2;

    /** Reads the decoded sizes from the headers of all images, or of {@value #SIZE_SAMPLE} spread evenly over a larger dataset. */
    public static ImageSizes sizes(Dataset ds) {
        return sizes(ds, SIZE_SAMPLE);
    }

    static ImageSizes sizes(Dataset ds, int max) {
        List<Sample> all = ds.samples();
        int n = all.size();
        int read = Math.min(n, Math.max(1, max));
        List<Double> known = new ArrayList<>();
        int unknown = 0;
        for (int i = 0; i < read && n > 0; i++) {
            // an even spread, so that a folder sorted by camera or size is sampled across its whole range
            Sample s = all.get((int) ((long) i * n / read));
            try {
                ImageFootprint.Header h = ImageFootprint.header(s.file());
                if (h.width() > 0 && h.height() > 0) {
                    known.add(h.width() * (double) h.height() / 1e6);
                    continue;
                }
            } catch (IOException | RuntimeException e) {
                // no size: counted at the mean
            }
            unknown++;
        }
        if (known.isEmpty()) {
            return new ImageSizes(0, 0, n == 0 ? 0 : read, n == 0 ? 0 : read, n, new double[0]);
        }
        double[] v = known.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double mean = Arrays.stream(v).average().orElse(0);
        double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        return new ImageSizes(mean, median, n == 0 ? 0 : read, unknown, n, v);
    }

    /** CPU milliseconds of inference per image for a model by its name. */
    static double inferenceMs(String model) {
        return model.equals("builtin:jpeg-forensic") ? INFER_FORENSIC_MS : BuiltinEncoders.IDS.contains(model) ? INFER_LOWLEVEL_MS
                : INFER_ONNX_MS;
    }

    /**
     * Wall-clock seconds per (image, operation) of one model on images of the sampled sizes, with
     * {@code opsPerImage} operations sharing each decode: the mean over the sample, per image, of
     * the CPU-bound time or the floor, whichever is longer (a mean of the sizes would under-count a
     * folder of mixed sizes).
     */
    static double secondsPerImageOp(String model, ImageSizes sizes, double opsPerImage) {
        double[] mp = sizes.sample().length == 0 ? new double[] {0} : sizes.sample();
        double sum = 0;
        for (double p : mp) {
            double cpuMs = inferenceMs(model) + OPERATION_MS + OPERATION_MP_MS * p + (DECODE_MS + DECODE_MP_MS * p) / Math.max(1, opsPerImage);
            sum += Math.max(FLOOR_IMAGE_OP, cpuMs / 1000 / EFFECTIVE_CORES);
        }
        return sum / mp.length;
    }

    /** Seconds per image of the near-duplicate search: one more decode and a hash, on the cores the pipeline gets. */
    static double nearDuplicateSeconds(ImageSizes sizes) {
        double[] mp = sizes.sample().length == 0 ? new double[] {0} : sizes.sample();
        double sum = 0;
        for (double p : mp) {
            sum += (DECODE_MS + DECODE_MP_MS * p + NEAR_DUPLICATE_HASH_MS) / 1000 / EFFECTIVE_CORES;
        }
        return sum / mp.length;
    }

    /** The whole audit's estimate, nothing reused. */
    static AuditEstimate of(Dataset ds, List<ProcessingOp> ops, List<Audit.Step> steps, AuditConfig cfg, ImageSizes sizes) {
        int n = ds.samples().size();
        List<Reuse> none = new ArrayList<>();
        for (String m : cfg.models()) {
            none.add(new Reuse(m, ops.size(), 0, 0, (long) n * ops.size(), (long) n * ops.size(), ops.isEmpty() ? 0 : n));
        }
        return of(n, steps, cfg, sizes, none);
    }

    /** The estimate of what is left when {@code reuse} says what an earlier run did. */
    public static AuditEstimate remaining(Audit.Plan plan, AuditConfig cfg, List<Reuse> reuse) {
        return of(plan.dataset().samples().size(), plan.steps(), cfg, plan.estimate().sizes(), reuse);
    }

    private static AuditEstimate of(int n, List<Audit.Step> steps, AuditConfig cfg, ImageSizes sizes, List<Reuse> reuse) {
        double embedding = 0;
        for (Reuse r : reuse) {
            if (r.imageOpsLeft() > 0) {
                embedding += r.imageOpsLeft() * secondsPerImageOp(r.model(), sizes, (double) r.imageOpsLeft() / Math.max(1, r.imagesLeft()));
            }
        }
        double fits = cfg.probe().trials() + cfg.probe().repeats();
        double probes = 0;
        double knn = 0;
        double acquisition = 0;
        double nearDuplicates = 0;
        for (Audit.Step s : steps) {
            switch (s.kind()) {
                case "probe" -> probes += PROBE_ROW_FIT * n * taskOps(s.name(), false) * fits;
                case "knn" -> {
                    int o = taskOps(s.name(), true);
                    knn += KNN_PAIR * o * o * (double) n * n;
                }
                case "acquisition" -> acquisition += 2 * PROBE_ROW_FIT * n * fits;
                case "grouping" -> nearDuplicates += cfg.grouping().nearDuplicates() ? n * nearDuplicateSeconds(sizes) : 0;
                default -> {
                }
            }
        }
        int models = cfg.models().size();
        Map<String, Double> seconds = new LinkedHashMap<>();
        seconds.put("near-duplicates", nearDuplicates);
        seconds.put("embedding", embedding);
        if (steps.stream().anyMatch(s -> s.kind().equals("dataset"))) {
            seconds.put("dataset audit", AUDIT_IMAGE * n);
        }
        seconds.put("processing probes", probes * models);
        seconds.put("kNN", knn * models);
        seconds.put("acquisition probes", acquisition * models);
        seconds.values().removeIf(v -> v == 0);
        return new AuditEstimate(seconds, sizes);
    }

    /** Operations of the task a step is named after (a masked variant has the task's). */
    private static int taskOps(String stepName, boolean exact) {
        int ops = 1;
        for (ProcessingTask t : ProcessingTask.values()) {
            String name = Audit.taskName(t);
            if (exact ? stepName.equals(name) : stepName.startsWith(name)) {
                ops = t.operations().size();
            }
        }
        return ops;
    }

    /**
     * What an earlier run into {@code outDir} left for each model of the plan: complete embedding
     * sets (same seed, processing and dataset) and the shards of interrupted ones. The model itself
     * is compared when the sets are read, so a set made by another model is refused then, not here.
     */
    public static List<Reuse> reuse(Audit.Plan plan, AuditConfig cfg, Path outDir) throws IOException {
        Path emb = outDir.resolve("embeddings");
        Dataset ds = plan.dataset();
        int n = ds.samples().size();
        List<Reuse> out = new ArrayList<>();
        for (String m : cfg.models()) {
            int complete = 0;
            int partial = 0;
            long left = 0;
            long imagesLeft = 0;
            for (ProcessingOp op : plan.operations()) {
                Extraction.Committed c = Extraction.committed(emb, ds, op, ModelRef.fileSafe(m), cfg.seed(), Audit.SHARD_SIZE);
                long done = c.imagesDone(n, Audit.SHARD_SIZE);
                if (c.complete()) {
                    complete++;
                } else if (c.shardsDone() > 0) {
                    partial++;
                }
                left += n - done;
                imagesLeft = Math.max(imagesLeft, n - done);
            }
            out.add(new Reuse(m, plan.operations().size(), complete, partial, left, (long) n * plan.operations().size(), imagesLeft));
        }
        return out;
    }
}
