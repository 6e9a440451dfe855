package org.encodertraces.train.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.encodertraces.audit.Audit;
import org.encodertraces.audit.AuditConfig;
import org.encodertraces.cli.CliEnv;
import org.encodertraces.cli.DatasetArgs;
import org.encodertraces.cli.Interruption;
import org.encodertraces.cli.Progress;
import org.encodertraces.cli.UsageException;
import org.encodertraces.data.Dataset;
import org.encodertraces.knn.KnnSetup;
import org.encodertraces.probe.ProbeConfig;
import org.encodertraces.provenance.ToolInfo;
import org.encodertraces.result.ResultFiles;
import org.encodertraces.train.AblationReport;
import org.encodertraces.train.Architecture;
import org.encodertraces.train.Libtorch;
import org.encodertraces.train.Recipe;
import org.encodertraces.train.TrainConfig;
import org.encodertraces.train.TrainRun;
import org.encodertraces.train.TrainedEncoder;
import org.encodertraces.train.TrainingImages;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code traces ablation}: trains one architecture under several recipes and seeds, measures each
 * encoder with the audit's processing probes and kNN set-ups and its semantic test accuracy, and
 * writes one report section. Every run resumes; finished runs are reused.
 */
@Command(name = "ablation", mixinStandardHelpOptions = true,
        header = "Train one network under several recipes and seeds; measure each one's traces and semantic accuracy.",
        description = "Train the same network under several augmentation recipes and seeds, then measure each one's processing traces "
                + "(probes, kNN) and semantic accuracy; writes OUT/ablation.md, ablation.json, ablation.csv. Re-running continues.")
public final class AblationCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--images", required = true, paramLabel = "DATASET",
            description = "labelled training images (e.g. zip:cifar10.zip!/train); with --objective clip a caption set (captions:ARCHIVE.zip?split=train)")
    String images;

    @Option(names = "--test", required = true, paramLabel = "DATASET",
            description = "labelled test images: semantic accuracy, and the probe images; with --objective clip the caption set's test split "
                    + "(zero-shot retrieval, and the probe images)")
    String test;

    @Option(names = "--recipes", defaultValue = "none,crop-flip,ssl,trace", split = ",", description = "(default ${DEFAULT-VALUE})")
    List<String> recipes;

    @Option(names = "--seeds", defaultValue = "0,1,2", split = ",", description = "(default ${DEFAULT-VALUE})")
    List<Long> seeds;

    @Option(names = "--width", description = "resnet: channels of the first stage (default 16); clip vit: the ViT's width (default 64)")
    Integer width;

    @Option(names = "--depth", description = "resnet: blocks per stage (default 1); clip vit: the ViT's blocks (default 4)")
    Integer depth;

    @Option(names = "--stages", defaultValue = "3")
    int stages;

    @Option(names = "--size", description = "input side in pixels (default 32; 64 for clip)")
    Integer size;

    @Option(names = "--epochs", defaultValue = "10")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "128")
    int batchSize;

    @Option(names = "--lr", description = "peak learning rate (default 0.1 for SGD; 5e-4 for clip's AdamW)")
    Double lr;

    @Option(names = "--objective", defaultValue = "cross-entropy",
            description = "cross-entropy, simclr (semantic accuracy then by kNN on the embeddings) or clip (image-text runs from scratch and "
                    + "fine-tuned, see --modes; zero-shot retrieval beside the traces) (default ${DEFAULT-VALUE})")
    String objective;

    @Mixin
    ClipAblation.Options clip = new ClipAblation.Options();

    @Option(names = "--temperature", defaultValue = "0.5", description = "NT-Xent temperature, simclr only (default ${DEFAULT-VALUE})")
    double temperature;

    @Option(names = "--projection-dim", defaultValue = "128", description = "projection head size, simclr only (default ${DEFAULT-VALUE})")
    int projectionDim;

    @Option(names = "--per-class", defaultValue = "0", description = "training images per class (0 = all)")
    int perClass;

    @Option(names = "--test-per-class", defaultValue = "0", description = "test images per class for the semantic accuracy (0 = all)")
    int testPerClass;

    @Option(names = "--probe-per-class", defaultValue = "50", description = "test images per class the trace probes use (default ${DEFAULT-VALUE})")
    int probePerClass;

    @Option(names = "--trials", defaultValue = "5", description = "probe hyper-parameter trials (default ${DEFAULT-VALUE})")
    int trials;

    @Option(names = "--probe-seeds", defaultValue = "3", description = "probe final fits (default ${DEFAULT-VALUE})")
    int probeSeeds;

    @Option(names = "--threads", defaultValue = "1", description = "(default ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--jobs", defaultValue = "1", paramLabel = "N",
            description = "(recipe, seed) runs trained and audited at a time, each with --threads threads; the figures are the same "
                    + "as one at a time (default ${DEFAULT-VALUE})")
    int jobs;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR")
    Path out;

    @Option(names = "--quiet", description = "no progress bar")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter o = spec.commandLine().getOut();
        if (objective.equals("clip")) {
            return ClipAblation.run(this, o, err);
        }
        List<String> clipOnly = new ArrayList<>();
        for (String name : ClipAblation.Options.NAMES) {
            if (spec.commandLine().getParseResult().hasMatchedOption(name)) {
                clipOnly.add(name);
            }
        }
        if (!clipOnly.isEmpty()) {
            throw new UsageException(String.join(", ", clipOnly) + (clipOnly.size() == 1 ? " applies" : " apply") + " to --objective clip only");
        }
        int width = this.width == null ? 16 : this.width;
        int depth = this.depth == null ? 1 : this.depth;
        int size = this.size == null ? 32 : this.size;
        double lr = this.lr == null ? 0.1 : this.lr;
        Architecture arch;
        List<Recipe> rs = new ArrayList<>();
        Dataset train;
        Dataset testSet;
        org.encodertraces.train.Objective obj;
        try {
            arch = new Architecture("resnet", width, depth, stages, size);
            for (String r : recipes) {
                rs.add(Recipe.parse(r));
            }
            obj = TrainCommand.objective(objective, temperature, projectionDim);
            for (Recipe r : rs) {
                new TrainConfig(arch, r, epochs, 0, batchSize, lr, 0.9, 5e-4, threads, obj);
            }
            if (jobs < 1) {
                throw new IllegalArgumentException("--jobs must be at least 1, got " + jobs);
            }
            train = DatasetArgs.open(Path.of(images), err);
            testSet = DatasetArgs.open(Path.of(test), err);
        } catch (IllegalArgumentException | IOException e) {
            throw new UsageException(e);
        }
        try {
            return run(arch, obj, rs, train, testSet, o, err);
        } catch (IllegalArgumentException | IOException e) {
            throw new UsageException(e);
        }
    }

    private int run(Architecture arch, org.encodertraces.train.Objective obj, List<Recipe> rs, Dataset train, Dataset testSet, PrintWriter o, PrintWriter err)
            throws IOException, InterruptedException {
        Instant started = Instant.now();
        Map<String, String> engine = Libtorch.start(threads, Libtorch.defaultCache(System.getenv()));
        int decodeThreads = threads * Math.min(jobs, seeds.size() * rs.size());
        TrainingImages data = TrainingImages.decode(train, perClass, decodeThreads);
        TrainingImages testData = TrainingImages.decode(testSet, testPerClass, decodeThreads);
        Dataset probeSet = TrainRun.perClass(testSet, probePerClass);
        int failed = data.failures().size() + testData.failures().size();
        // seeds outside, recipes inside: a run cut short still compares every recipe; the report keeps this order
        List<TrainConfig> configs = new ArrayList<>();
        for (long seed : seeds) {
            for (Recipe recipe : rs) {
                configs.add(new TrainConfig(arch, recipe, epochs, seed, batchSize, lr == null ? 0.1 : lr, 0.9, 5e-4, threads, obj));
            }
        }
        int concurrent = Math.min(jobs, configs.size());
        o.printf("ablation: %s, %d recipes x %d seeds, %d epochs on %d training images; semantic accuracy on %d test images; "
                        + "trace probes on %d test images%s%n", arch.label(), rs.size(), seeds.size(), epochs, data.size(), testData.size(),
                probeSet.samples().size(), concurrent > 1 ? "; " + concurrent + " runs at a time, " + threads + " thread(s) each" : "");
        o.flush();
        String setup = settingsLine(arch, obj, data, testData, probeSet);
        AblationReport.Row[] rows = new AblationReport.Row[configs.size()];
        Object reportLock = new Object();
        ExecutorService pool = Executors.newFixedThreadPool(concurrent);
        try (Interruption interruption = Interruption.announce(err, "traces ablation: interrupted; rerun the same command to"
                + " resume (finished runs are reused, unfinished ones resume from their last epoch)")) {
            List<Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < configs.size(); i++) {
                int index = i;
                fs.add(pool.submit(() -> {
                    AblationReport.Row row = runOne(configs.get(index), data, testData, probeSet, engine, concurrent > 1, o, err);
                    synchronized (reportLock) {
                        rows[index] = row;
                        List<AblationReport.Row> done = java.util.Arrays.stream(rows).filter(java.util.Objects::nonNull).toList();
                        write(out, done, arch, data, testData, probeSet, engine, started, setup);
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    pool.shutdownNow();
                    Throwable c = e.getCause();
                    if (c instanceof IOException io) {
                        throw io;
                    } else if (c instanceof RuntimeException re) {
                        throw re;
                    } else if (c instanceof InterruptedException ie) {
                        throw ie;
                    }
                    throw new IllegalStateException(c);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        o.println("wrote " + out.resolve("ablation.md") + ", ablation.json, ablation.csv");
        o.printf("took %d s%n", Duration.between(started, Instant.now()).toSeconds());
        o.flush();
        return failed == 0 ? 0 : 1;
    }

    /** Trains (or resumes, or reuses) one run and audits it; its figures depend only on its own configuration. */
    private AblationReport.Row runOne(TrainConfig cfg, TrainingImages data, TrainingImages testData, Dataset probeSet, Map<String, String> engine,
                                      boolean concurrent, PrintWriter o, PrintWriter err) throws IOException, InterruptedException {
        String recipe = cfg.recipe().name();
        long seed = cfg.seed();
        String label = "[" + recipe + " seed " + seed + "] ";
        // cross-entropy runs keep the folder names of earlier versions; another objective gets its own
        Path dir = out.resolve("runs").resolve((cfg.objective().contrastive() ? cfg.objective().kind() + "_" : "") + recipe + "__seed" + seed);
        o.println(label + "training -> " + dir);
        o.flush();
        TrainRun.Outcome t;
        try (TrainCommand.TrainProgress p = new TrainCommand.TrainProgress(err, cfg, quiet, concurrent ? label : null,
                Progress.interval(CliEnv.of(spec)))) {
            t = TrainRun.run(cfg, data, testData, dir, engine, p, 0);
        }
        o.printf("%stest accuracy %.2f%%%s%n", label, 100 * t.testAccuracy(), t.reused() ? " (reused)" : "");
        o.flush();
        AuditConfig ac = AuditConfig.defaults(List.of(dir.resolve(TrainedEncoder.ONNX).toString()), threads)
                .withProbe(ProbeConfig.study().withBudget(trials, probeSeeds).withThreads(threads));
        Audit.Plan plan = Audit.plan(probeSet, ac);
        Audit.Outcome a = Audit.run(plan, ac, dir.resolve("audit"), m -> TrainedEncoder.open(dir, size == null ? 32 : size, threads),
                new Audit.Listener() {
                    @Override
                    public void stage(String message) {
                        if (!quiet) {
                            err.println("  " + message.replace(dir.resolve(TrainedEncoder.ONNX).toString(), recipe + "/" + seed));
                            err.flush();
                        }
                    }

                    @Override
                    public void progress(String what, long done, long total) {
                    }
                });
        Audit.ModelRun mr = a.runs().get(0);
        Map<String, Double> probes = new LinkedHashMap<>();
        Map<String, Double> chance = new LinkedHashMap<>();
        for (Audit.TaskProbe tp : mr.probes()) {
            probes.put(tp.task(), tp.result().accuracyMean());
            chance.put(tp.task(), 1.0 / tp.result().classNames().size());
        }
        Map<String, Double> gaps = new LinkedHashMap<>();
        for (Audit.TaskKnn k : mr.knn()) {
            gaps.put(k.task(), k.result().gapPosMinusNeg());
        }
        double secs = readSeconds(dir);
        o.printf("%sprobes %s; kNN gap %s%n", label, fmt(probes), fmt(gaps));
        o.flush();
        return new AblationReport.Row(recipe, seed, t.testAccuracy(), probes, chance, gaps, secs);
    }

    private String settingsLine(Architecture arch, org.encodertraces.train.Objective obj, TrainingImages data, TrainingImages testData,
                                Dataset probeSet) {
        return String.format(java.util.Locale.ROOT,
                "Set-up: %s (%d-d embedding), %s, SGD momentum 0.9, lr %.3g, batch %d, %d epochs, %d training images of %s (%s per class), "
                        + "%d thread(s); semantic accuracy on %d images of %s; processing probes (SGD, %d trials, %d seeds, 30%% held out) "
                        + "and kNN (k = 10) on %d images of the test split. Command: traces ablation %s",
                arch.label(), arch.embeddingDim(), obj.contrastive()
                        ? "SimCLR NT-Xent (temperature " + obj.temperature() + ", " + obj.projectionDim() + "-d projection; semantic accuracy by "
                        + org.encodertraces.train.Objective.KNN_K + "-NN on the training embeddings)"
                        : "cross-entropy on the labels", lr == null ? 0.1 : lr, batchSize, epochs, data.size(), data.dataset().source(), perClass == 0 ? "all" : perClass,
                threads, testData.size(), testData.dataset().source(), trials, probeSeeds, probeSet.samples().size(),
                String.join(" ", spec.commandLine().getParseResult().originalArgs().subList(1, spec.commandLine().getParseResult().originalArgs().size())));
    }

    static double readSeconds(Path dir) throws IOException {
        var n = new ObjectMapper().readTree(dir.resolve(TrainedEncoder.PROVENANCE).toFile());
        double s = 0;
        for (var e : n.path("epochs")) {
            s += e.path("seconds").asDouble();
        }
        return s;
    }

    private static String fmt(Map<String, Double> m) {
        StringBuilder sb = new StringBuilder();
        m.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append(' ').append(String.format(java.util.Locale.ROOT, "%.1f%%", 100 * v)));
        return sb.toString();
    }

    private static void write(Path out, List<AblationReport.Row> rows, Architecture arch, TrainingImages data, TrainingImages testData,
                              Dataset probeSet, Map<String, String> engine, Instant started, String setup) throws IOException {
        Files.createDirectories(out);
        Files.writeString(out.resolve("ablation.md"), AblationReport.markdown(rows, setup));
        ResultFiles.write(AblationReport.document(rows, setup, arch.describe(),
                        new AblationReport.ImagesUsed(data.dataset().source(), data.size(), data.dataset().manifestSha256()),
                        new AblationReport.ImagesUsed(testData.dataset().source(), testData.size(), testData.dataset().manifestSha256()),
                        new AblationReport.ImagesUsed(probeSet.name(), probeSet.samples().size(), probeSet.manifestSha256()), engine,
                        java.util.Arrays.stream(KnnSetup.values()).map(Enum::name).toList(), started, Instant.now()),
                out.resolve("ablation.json"), AblationReport.table(rows), out.resolve("ablation.csv"));
    }
}
