package org.encodertraces.train.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.encodertraces.cli.CliEnv;
import org.encodertraces.cli.DatasetArgs;
import org.encodertraces.cli.Interruption;
import org.encodertraces.cli.Progress;
import org.encodertraces.cli.UsageException;
import org.encodertraces.data.Dataset;
import org.encodertraces.data.ReadFailure;
import org.encodertraces.train.Architecture;
import org.encodertraces.train.Libtorch;
import org.encodertraces.train.Recipe;
import org.encodertraces.train.TrainConfig;
import org.encodertraces.train.TrainRun;
import org.encodertraces.train.TrainedEncoder;
import org.encodertraces.train.Training;
import org.encodertraces.train.TrainingImages;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code traces train}: trains a small encoder under an augmentation recipe and writes it as an ONNX encoder. */
@Command(name = "train", mixinStandardHelpOptions = true,
        header = "Train a small residual CNN under an augmentation recipe (DJL + libtorch) and write it as an ONNX encoder.",
        description = {"Train a small residual CNN on class labels (or with SimCLR's contrastive loss) under an augmentation "
                        + "recipe (DJL + libtorch, CPU, offline) and write DIR/model.onnx, model.spec.json and training.json; "
                        + "resumes from DIR/checkpoint.bin.",
                "Use the result anywhere as --model DIR/model.onnx: the model.spec.json beside it gives its input, "
                        + "embedding output and preprocessing, and its sets are named after DIR (e.g. "
                        + "flowers__IDENTITY__crop-flip-s0)."})
public final class TrainCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--images", required = true, paramLabel = "DATASET", description = "labelled training images: class folders, zip:ARCHIVE.zip!/train, any dataset spec")
    String images;

    @Option(names = "--test", paramLabel = "DATASET", description = "labelled test images for the final accuracy (e.g. zip:cifar10.zip!/test)")
    String test;

    @Option(names = "--recipe", defaultValue = "none", description = "augmentation: none, crop-flip, ssl, trace, or a chain a+b (default ${DEFAULT-VALUE})")
    String recipe;

    @Option(names = "--arch", defaultValue = "resnet", description = "architecture: resnet, or vit (the image tower of --objective clip) (default ${DEFAULT-VALUE})")
    String arch;

    @Option(names = "--width", description = "channels of the resnet's first stage (default 16), or the ViT's width (default 64)")
    Integer width;

    @Option(names = "--depth", description = "residual blocks per stage of the resnet (default 1), or the ViT's blocks (default 4)")
    Integer depth;

    @Option(names = "--patch", defaultValue = "8", description = "ViT patch side in pixels (default ${DEFAULT-VALUE})")
    int patch;

    @Option(names = "--heads", defaultValue = "4", description = "ViT attention heads (default ${DEFAULT-VALUE})")
    int heads;

    @Option(names = "--pooling", defaultValue = "cls", description = "ViT pooling: cls or mean (default ${DEFAULT-VALUE})")
    String pooling;

    @Option(names = "--context", defaultValue = "32", description = "clip: text context length in tokens, start and end included (default ${DEFAULT-VALUE})")
    int context;

    @Option(names = "--text-width", defaultValue = "64", description = "clip: text transformer width (default ${DEFAULT-VALUE})")
    int textWidth;

    @Option(names = "--text-depth", defaultValue = "2", description = "clip: text transformer blocks (default ${DEFAULT-VALUE})")
    int textDepth;

    @Option(names = "--text-heads", defaultValue = "4", description = "clip: text attention heads (default ${DEFAULT-VALUE})")
    int textHeads;

    @Option(names = "--embed-dim", defaultValue = "64", description = "clip: size of the shared image-text embedding (default ${DEFAULT-VALUE})")
    int embedDim;

    @Option(names = "--min-count", defaultValue = "2", description = "clip: a caption word seen fewer times in the training captions is <unk> (default ${DEFAULT-VALUE})")
    int minCount;

    @Option(names = "--max-images", defaultValue = "0", description = "clip: train on the first N images of the split (0 = all)")
    int maxImages;

    @Option(names = "--max-test", defaultValue = "0", description = "clip: measure retrieval on the first N test images (0 = all)")
    int maxTest;

    @Option(names = "--init", paramLabel = "DIR", description = "clip: fine-tune from an earlier clip run's folder (its weights and tokenizer)")
    Path init;

    @Option(names = "--stages", defaultValue = "3", description = "stages (default ${DEFAULT-VALUE})")
    int stages;

    @Option(names = "--size", description = "input side in pixels, 32-96 (default 32; 64 for clip)")
    Integer size;

    @Option(names = "--epochs", defaultValue = "10", description = "epochs (default ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--seed", defaultValue = "0", description = "seed of initialisation, order and augmentation (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--batch-size", defaultValue = "128", description = "(default ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--lr", description = "peak learning rate (default 0.1 for SGD; 5e-4 for clip's AdamW)")
    Double lr;

    @Option(names = "--momentum", defaultValue = "0.9", description = "(default ${DEFAULT-VALUE})")
    double momentum;

    @Option(names = "--weight-decay", description = "(default 5e-4 for SGD; 0.1 for clip's AdamW)")
    Double weightDecay;

    @Option(names = "--objective", defaultValue = "cross-entropy",
            description = "cross-entropy (on the class labels), simclr (NT-Xent on two augmented views, labels unused; "
                    + "accuracy by kNN on the embeddings) or clip (image-text InfoNCE on a caption set: --images "
                    + "captions:ARCHIVE.zip?split=train; zero-shot retrieval on --test, by default the same set's test split) (default ${DEFAULT-VALUE})")
    String objective;

    @Option(names = "--temperature", defaultValue = "0.5", description = "NT-Xent temperature, simclr only (default ${DEFAULT-VALUE})")
    double temperature;

    @Option(names = "--projection-dim", defaultValue = "128", description = "projection head size, simclr only (default ${DEFAULT-VALUE})")
    int projectionDim;

    @Option(names = "--per-class", defaultValue = "0", description = "train on the first N images of each class (0 = all)")
    int perClass;

    @Option(names = "--threads", defaultValue = "1", description = "PyTorch and augmentation threads; results are bit-identical for a given count (default ${DEFAULT-VALUE})")
    int threads;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR", description = "run folder")
    Path out;

    @Option(names = "--stop-after", defaultValue = "0", hidden = true, description = "stop after N epochs of this call (tests)")
    int stopAfter;

    @Option(names = "--quiet", description = "no progress bar")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter o = spec.commandLine().getOut();
        if (objective.equals("clip")) {
            List<String> unused = new java.util.ArrayList<>();
            for (String name : List.of("--momentum", "--temperature", "--projection-dim", "--per-class")) {
                if (spec.commandLine().getParseResult().hasMatchedOption(name)) {
                    unused.add(name);
                }
            }
            if (!unused.isEmpty()) {
                throw new UsageException(String.join(", ", unused) + (unused.size() == 1 ? " has" : " have")
                        + " no effect with --objective clip (AdamW, CLIP's learned temperature, the towers' own width;"
                        + " --max-images limits the training images)");
            }
            return ClipTrain.run(this, o, err);
        }
        if (!arch.equals("resnet")) {
            throw new UsageException("--arch " + arch + " is the image tower of --objective clip; --objective " + objective + " trains a resnet");
        }
        if (init != null) {
            throw new UsageException("--init fine-tunes a clip run; --objective " + objective + " trains from scratch");
        }
        TrainConfig cfg;
        Dataset train;
        Dataset testSet = null;
        try {
            cfg = new TrainConfig(new Architecture(arch, width == null ? 16 : width, depth == null ? 1 : depth, stages, size == null ? 32 : size), Recipe.parse(recipe),
                    epochs, seed, batchSize, lr == null ? 0.1 : lr, momentum, weightDecay == null ? 5e-4 : weightDecay, threads,
                    objective(objective, temperature, projectionDim));
            train = DatasetArgs.open(Path.of(images), err);
            if (test != null) {
                testSet = DatasetArgs.open(Path.of(test), err);
            }
        } catch (IllegalArgumentException | IOException e) {
            throw new UsageException(e);
        }
        try {
            return run(cfg, train, testSet, o, err);
        } catch (IllegalArgumentException | IOException e) {
            throw new UsageException(e);
        }
    }

    /** The objective of the command-line options. */
    static org.encodertraces.train.Objective objective(String kind, double temperature, int projectionDim) {
        if (kind.equals("clip")) {
            throw new IllegalArgumentException("--objective clip trains on a caption set with traces train; here the objectives are "
                    + String.join(", ", org.encodertraces.train.Objective.KINDS));
        }
        return kind.equals("simclr") ? org.encodertraces.train.Objective.simclr(temperature, projectionDim)
                : new org.encodertraces.train.Objective(kind, 0, 0);
    }

    private int run(TrainConfig cfg, Dataset train, Dataset testSet, PrintWriter o, PrintWriter err) throws IOException, InterruptedException {
        Map<String, String> engine = Libtorch.start(cfg.threads(), Libtorch.defaultCache(System.getenv()));
        TrainingImages data = TrainingImages.decode(train, perClass, cfg.threads());
        report(err, data);
        TrainingImages testData = testSet == null ? null : TrainingImages.decode(testSet, 0, cfg.threads());
        if (testData != null) {
            report(err, testData);
        }
        o.printf("training %s on %d images of %s, %d classes, recipe %s, %s, seed %d, %d epochs, %d thread(s), %s %s -> %s%n",
                cfg.arch().label(), data.size(), train.name(), data.classes().size(), cfg.recipe().name(),
                cfg.objective().contrastive() ? "simclr (temperature " + cfg.objective().temperature() + ")" : "cross-entropy", cfg.seed(),
                cfg.epochs(), cfg.threads(), engine.get("engine"), engine.get("libtorch"), out);
        if (Files.isRegularFile(out.resolve(TrainedEncoder.CHECKPOINT))) {
            o.println("resuming from " + out.resolve(TrainedEncoder.CHECKPOINT));
        }
        o.flush();
        TrainRun.Outcome r;
        try (TrainProgress p = new TrainProgress(err, cfg, quiet, null, Progress.interval(CliEnv.of(spec)));
             Interruption interruption = Interruption.announce(err, "traces train: interrupted; rerun the same command to"
                     + " resume from the last finished epoch (" + out.resolve(TrainedEncoder.CHECKPOINT) + ")")) {
            r = TrainRun.run(cfg, data, testData, out, engine, p, stopAfter);
        }
        if (!r.complete()) {
            o.printf("stopped after epoch %d of %d; run again to resume%n", r.epochsRun(), cfg.epochs());
            o.flush();
            return 0;
        }
        if (r.reused()) {
            o.println("already complete (same settings and data): " + out.resolve(TrainedEncoder.PROVENANCE));
        }
        boolean knn = cfg.objective().contrastive();
        if (testData != null) {
            o.printf("test accuracy %.2f%% on %d images%s%n", 100 * r.testAccuracy(), testData.size(),
                    knn ? " (kNN, k = " + org.encodertraces.train.Objective.KNN_K + ", on the training embeddings)" : "");
        }
        o.printf("train accuracy (no augmentation%s) %.2f%%%n", knn ? "; kNN, each image left out" : "", 100 * r.trainAccuracy());
        o.printf("wrote %s, %s, %s%n", out.resolve(TrainedEncoder.ONNX), out.resolve(TrainedEncoder.SPEC), out.resolve(TrainedEncoder.PROVENANCE));
        o.flush();
        return data.failures().isEmpty() && (testData == null || testData.failures().isEmpty()) ? 0 : 1;
    }

    private static void report(PrintWriter err, TrainingImages d) {
        if (d.failures().isEmpty()) {
            return;
        }
        err.printf("%d image(s) of %s could not be decoded and are left out:%n", d.failures().size(), d.dataset().source());
        for (ReadFailure f : d.failures().subList(0, Math.min(20, d.failures().size()))) {
            err.println("  " + f.file() + ": " + f.reason());
        }
        if (d.failures().size() > 20) {
            err.println("  ...");
        }
        err.flush();
    }

    /**
     * Progress with loss, images per second and ETA: redrawn on a terminal; otherwise a plain line
     * every interval within an epoch (30 s; {@code TRACES_PROGRESS_SECONDS}) and one per epoch.
     */
    static final class TrainProgress implements Training.Listener, AutoCloseable {
        private final PrintWriter err;
        private final int epochs;
        private final int batchSize;
        private final String accuracyLabel;
        private final boolean quiet;
        private final boolean terminal;
        private final String label;
        private final long intervalNanos;
        private final long start = System.nanoTime();
        private long stepsDone;
        private long lastDraw;
        private long lastLine = System.nanoTime();
        private double ema = Double.NaN;
        private int stepsPerEpoch;

        TrainProgress(PrintWriter err, TrainConfig cfg, boolean quiet) {
            this(err, cfg, quiet, null, Progress.DEFAULT_INTERVAL_SECONDS * 1_000_000_000L);
        }

        /**
         * @param label null: the only run, redrawn on a terminal; else a run among others, plain lines starting with the label
         * @param intervalNanos the time between two plain lines within an epoch when not redrawn on a terminal
         */
        TrainProgress(PrintWriter err, TrainConfig cfg, boolean quiet, String label, long intervalNanos) {
            this(err, cfg.epochs(), cfg.batchSize(), cfg.objective().contrastive() ? "views that found their partner"
                    : "train accuracy (augmented batches)", quiet, label, intervalNanos);
        }

        /** For any run: its epochs, batch size and what its per-epoch accuracy measures. */
        TrainProgress(PrintWriter err, int epochs, int batchSize, String accuracyLabel, boolean quiet, String label, long intervalNanos) {
            this.err = err;
            this.epochs = epochs;
            this.batchSize = batchSize;
            this.accuracyLabel = accuracyLabel;
            this.quiet = quiet;
            this.label = label == null ? "" : label;
            this.terminal = label == null && System.console() != null;
            this.intervalNanos = intervalNanos;
        }

        @Override
        public void step(int epoch, int step, int steps, float loss) {
            stepsDone++;
            stepsPerEpoch = steps;
            ema = Double.isNaN(ema) ? loss : 0.9 * ema + 0.1 * loss;
            long now = System.nanoTime();
            if (quiet) {
                return;
            }
            double secs = (now - start) / 1e9;
            long remaining = (long) steps * epochs - ((long) epoch * steps + step + 1);
            double rate = stepsDone / secs;
            if (!terminal) {
                if (now - lastLine >= intervalNanos && step + 1 < steps) {
                    lastLine = now;
                    err.printf(java.util.Locale.ROOT, "%sepoch %d/%d: step %d/%d, loss %.4f (running mean), %.0f img/s, elapsed %s, ETA %s%n", label, epoch + 1,
                            epochs, step + 1, steps, ema, rate * batchSize, clock(secs), clock(remaining / rate));
                    err.flush();
                }
                return;
            }
            if (now - lastDraw < 200_000_000L) {
                return;
            }
            lastDraw = now;
            int filled = (int) (30L * (step + 1) / steps);
            err.printf("\rtrain epoch %d/%d [%s%s] %d/%d loss %.4f %.0f img/s ETA %s   ", epoch + 1, epochs, "=".repeat(filled),
                    " ".repeat(30 - filled), step + 1, steps, ema, rate * batchSize, clock(remaining / rate));
            err.flush();
        }

        @Override
        public void epoch(int epoch, double meanLoss, double trainAccuracy) {
            lastLine = System.nanoTime();
            if (quiet) {
                return;
            }
            double secs = (System.nanoTime() - start) / 1e9;
            double eta = (double) (epochs - epoch - 1) * stepsPerEpoch * secs / Math.max(1, stepsDone);
            err.printf("%s%sepoch %d/%d: loss %.4f, %s %.2f%%, %.0f img/s, elapsed %s, ETA %s%n",
                    terminal ? "\r" : "", label, epoch + 1, epochs, meanLoss,
                    accuracyLabel, 100 * trainAccuracy, stepsDone * batchSize / secs,
                    clock(secs), clock(eta));
            err.flush();
        }

        private static String clock(double seconds) {
            long s = Math.round(seconds);
            return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String.format("%d:%02d", s / 60, s % 60);
        }

        @Override
        public void close() {
        }
    }
}
