package org.encodertraces.train.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
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

    @Option(names = "--arch", defaultValue = "resnet", description = "architecture (default ${DEFAULT-VALUE})")
    String arch;

    @Option(names = "--width", defaultValue = "16", description = "channels of the first stage (default ${DEFAULT-VALUE})")
    int width;

    @Option(names = "--depth", defaultValue = "1", description = "residual blocks per stage (default ${DEFAULT-VALUE})")
    int depth;

    @Option(names = "--stages", defaultValue = "3", description = "stages (default ${DEFAULT-VALUE})")
    int stages;

    @Option(names = "--size", defaultValue = "32", description = "input side in pixels, 32-96 (default ${DEFAULT-VALUE})")
    int size;

    @Option(names = "--epochs", defaultValue = "10", description = "epochs (default ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--seed", defaultValue = "0", description = "seed of initialisation, order and augmentation (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--batch-size", defaultValue = "128", description = "(default ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--lr", defaultValue = "0.1", description = "peak learning rate (default ${DEFAULT-VALUE})")
    double lr;

    @Option(names = "--momentum", defaultValue = "0.9", description = "(default ${DEFAULT-VALUE})")
    double momentum;

    @Option(names = "--weight-decay", defaultValue = "5e-4", description = "(default ${DEFAULT-VALUE})")
    double weightDecay;

    @Option(names = "--objective", defaultValue = "cross-entropy",
            description = "cross-entropy (on the class labels) or simclr (NT-Xent on two augmented views, labels unused; "
                    + "accuracy by kNN on the embeddings) (default ${DEFAULT-VALUE})")
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
        TrainConfig cfg;
        Dataset train;
        Dataset testSet = null;
        try {
            cfg = new TrainConfig(new Architecture(arch, width, depth, stages, size), Recipe.parse(recipe), epochs, seed, batchSize, lr,
                    momentum, weightDecay, threads, objective(objective, temperature, projectionDim));
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
        private final TrainConfig cfg;
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
            this.err = err;
            this.cfg = cfg;
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
            long remaining = (long) steps * cfg.epochs() - ((long) epoch * steps + step + 1);
            double rate = stepsDone / secs;
            if (!terminal) {
                if (now - lastLine >= intervalNanos && step + 1 < steps) {
                    lastLine = now;
                    err.printf(java.util.Locale.ROOT, "%sepoch %d/%d: step %d/%d, loss %.4f (running mean), %.0f img/s, elapsed %s, ETA %s%n", label, epoch + 1,
                            cfg.epochs(), step + 1, steps, ema, rate * cfg.batchSize(), clock(secs), clock(remaining / rate));
                    err.flush();
                }
                return;
            }
            if (now - lastDraw < 200_000_000L) {
                return;
            }
            lastDraw = now;
            int filled = (int) (30L * (step + 1) / steps);
            err.printf("\rtrain epoch %d/%d [%s%s] %d/%d loss %.4f %.0f img/s ETA %s   ", epoch + 1, cfg.epochs(), "=".repeat(filled),
                    " ".repeat(30 - filled), step + 1, steps, ema, rate * cfg.batchSize(), clock(remaining / rate));
            err.flush();
        }

        @Override
        public void epoch(int epoch, double meanLoss, double trainAccuracy) {
            lastLine = System.nanoTime();
            if (quiet) {
                return;
            }
            double secs = (System.nanoTime() - start) / 1e9;
            double eta = (double) (cfg.epochs() - epoch - 1) * stepsPerEpoch * secs / Math.max(1, stepsDone);
            err.printf("%s%sepoch %d/%d: loss %.4f, %s %.2f%%, %.0f img/s, elapsed %s, ETA %s%n",
                    terminal ? "\r" : "", label, epoch + 1, cfg.epochs(), meanLoss,
                    cfg.objective().contrastive() ? "views that found their partner" : "train accuracy (augmented batches)", 100 * trainAccuracy, stepsDone * cfg.batchSize() / secs,
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
