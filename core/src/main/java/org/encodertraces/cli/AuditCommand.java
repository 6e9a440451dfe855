package org.encodertraces.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.encodertraces.audit.Audit;
import org.encodertraces.audit.AuditEstimate;
import org.encodertraces.audit.StageTimes;
import org.encodertraces.audit.AuditConfig;
import org.encodertraces.audit.AuditFiles;
import org.encodertraces.audit.ErasureStage;
import org.encodertraces.audit.ZeroShotStage;
import org.encodertraces.data.Dataset;
import org.encodertraces.io.OutputLock;
import org.encodertraces.probe.FeatureNormalization;
import org.encodertraces.probe.ProcessingTask;
import org.encodertraces.probe.TrainerKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code traces audit}: every experiment the data allows, for one or more encoders, and the report. */
@Command(name = "audit", header = "Audit encoders for processing and acquisition traces on your images; write the report.", mixinStandardHelpOptions = true,
        description = {"Audit encoders for processing and acquisition traces on your images: extracts (and caches) the "
                        + "embedding sets, runs the processing probes of each task group and their masked variant, kNN under "
                        + "controlled processing (with class labels), pair retrieval (with subject/device labels), acquisition "
                        + "probes (with EXIF), and writes the results and the report to OUT. With --eraser/--erase the report "
                        + "adds an 'After erasure' section: the same experiments raw and erased on images the eraser never "
                        + "saw. A plan is printed first.",
                "Exit status: 0 done, 1 some images failed or an eraser could not be evaluated, 2 bad usage."})
public final class AuditCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--images", required = true, paramLabel = "DIR_OR_DATASET", description = "image folder (class subfolders), photo folder or manifest")
    Path images;

    @Mixin
    ModelOptions modelOptions;

    @Option(names = {"-o", "--out"}, converter = OptionValues.OutputPath.class, required = true, paramLabel = "REPORT_DIR", description = "output folder (embeddings are cached under it)")
    Path out;

    @Option(names = "--tasks", defaultValue = "jpeg,sharpening,resizing,interpolation", split = ",",
            description = "processing task groups, or 'none' (default ${DEFAULT-VALUE})")
    List<String> tasks;

    @Option(names = "--mask", defaultValue = "90", description = "percent of the crop masked in the masked variants; 0 = none (default ${DEFAULT-VALUE})")
    int mask;

    @Option(names = "--trainer", defaultValue = "SGD", description = "probe trainer: SGD (the study's) or LBFGS (default ${DEFAULT-VALUE})")
    TrainerKind trainer;

    @Option(names = "--norm", defaultValue = "L2", description = "feature normalisation L2, STANDARD or NONE (default ${DEFAULT-VALUE}); the built-in reference encoders always use STANDARD")
    FeatureNormalization norm;

    @Option(names = "--trials", defaultValue = "10", description = "hyper-parameter trials (the study used 30; default ${DEFAULT-VALUE})")
    int trials;

    @Option(names = "--seeds", defaultValue = "10", description = "final fits per probe, mean and std reported (default ${DEFAULT-VALUE})")
    int seeds;

    @Option(names = "-k", defaultValue = "10", description = "kNN neighbours (default ${DEFAULT-VALUE})")
    int k;

    @Option(names = "--test-fraction", defaultValue = "0.3", description = "images held out for testing (default ${DEFAULT-VALUE})")
    double testFraction;

    @Option(names = "--protocol", defaultValue = "study",
            description = "study (the study's draws, splits and search seeds) or robust (our order-free draws) (default ${DEFAULT-VALUE})")
    String protocol;

    @Option(names = "--seed", defaultValue = "0", description = "seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--threads", converter = OptionValues.Threads.class, defaultValue = "0", description = "threads (0 = cores)")
    int threads;

    @Option(names = "--batch-size", defaultValue = "32", description = "images per encoder call (default ${DEFAULT-VALUE}); lower it for a small heap")
    int batchSize;

    @Option(names = "--quiet", description = "no progress bar")
    boolean quiet;

    @Option(names = "--dry-run", description = "print the plan, what an earlier run into OUT left to reuse and the time estimate, "
            + "then stop: nothing is embedded or written")
    boolean dryRun;

    @Option(names = "--group-by", paramLabel = "GROUP", description = {"keep photos of one group on one side of every acquisition split:"
            + " folder, folder:N (the top N folder levels), or a label: an EXIF field of an exif: folder (Model, Make) or a manifest"
            + " column (session)"})
    String groupBy;

    @Option(names = "--near-duplicates", paramLabel = "on|off|BITS", defaultValue = "on", description = {"find near-duplicate photos from"
            + " their pixels (perceptual hash) and keep each group on one side of every acquisition split; on = at most "
            + org.encodertraces.data.NearDuplicates.DEFAULT_MAX_DISTANCE + " of 64 bits apart, or give the bits (default ${DEFAULT-VALUE})"})
    String nearDuplicates;

    @Option(names = "--make-labels", paramLabel = "RULE", defaultValue = "normalised", description = {"camera make labels of an EXIF"
            + " folder: normalised (one per manufacturer: case and company suffixes merged) or flickrexif (the FlickrExif benchmark's"
            + " labels exactly) (default ${DEFAULT-VALUE})"})
    String makeLabels;

    @Option(names = "--eraser", paramLabel = "FILE", description = {"an eraser (traces erase fit) to measure in the report's 'After erasure'"
            + " section: raw and erased, on the images it was not fitted on (repeatable; each applies to the audited model it was fitted on)"})
    List<Path> erasers = new ArrayList<>();

    @Option(names = "--erase", paramLabel = "METHOD:TASK", description = {"fit an eraser inside the audit on its training split of TASK"
            + " (leace:jpeg, inlp:jpeg) and measure it on the other images (repeatable; TASK must be one of --tasks)"})
    List<String> erase = new ArrayList<>();

    @Option(names = "--zero-shot", description = {"also read each processing task out of the embeddings with the model's own text"
            + " tower (CLIP, OpenCLIP, SigLIP; a CLIP trained by traces train --objective clip): text_model.onnx or text.onnx and"
            + " tokenizer.json beside the model, fetched from the same Hub repository; accuracy on the linear probe's test rows,"
            + " beside the probe (docs/zero-shot.md)"})
    boolean zeroShot;

    @Option(names = "--prompts", paramLabel = "FILE", description = {"with --zero-shot: a JSON file of prompts per task and class that"
            + " adds to the default prompts (\"mode\": \"replace\" replaces the classes it names); see docs/zero-shot.md"})
    Path prompts;

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        Dataset ds;
        AuditConfig cfg;
        Models models;
        try {
            if (seeds < 1 || trials < 1) {
                throw new IllegalArgumentException(seeds < 1 ? "--seeds (final fits per probe) must be at least 1, got " + seeds
                        : "--trials (hyper-parameter trials) must be at least 1, got " + trials);
            }
            // a folder another run holds is refused before models are fetched or anything printed
            // (a dry run only reads: it may look at a running audit's folder)
            if (!dryRun) {
                org.encodertraces.io.OutputLock.checkFree(out);
            }
            // the dataset and the plan first: a folder too small for any figure is refused before any
            // model is downloaded or image embedded
            List<org.encodertraces.encoder.ModelRef> refs = modelOptions.parse(CliEnv.of(spec), List.of());
            org.encodertraces.data.Datasets.Opened opened = DatasetArgs.opened(images, err, org.encodertraces.exif.MakeLabels.parse(makeLabels));
            ds = opened.dataset();
            datasetNotes = opened.notes();
            List<ProcessingTask> t = tasks.equals(List.of("none")) ? List.of() : tasks.stream().map(ProcessingTask::parse).toList();
            AuditConfig base = AuditConfig.defaults(refs.stream().map(org.encodertraces.encoder.ModelRef::name).toList(), n);
            cfg = base.withTasks(t).withMaskPercent(mask).withK(k).withTestFraction(testFraction)
                    .withProbe(base.probe().withTrainer(trainer).withNormalization(norm).withBudget(trials, seeds)
                            .withProtocol(org.encodertraces.rng.Protocol.parse(protocol))).withSeed(seed).withBatchSize(batchSize)
                    .withGrouping(new org.encodertraces.audit.Grouping(groupBy == null ? null : org.encodertraces.data.GroupBy.parse(groupBy),
                            nearDuplicateDistance(nearDuplicates)));
            if (cfg.grouping().groupBy() != null) {
                cfg.grouping().groupBy().groups(ds); // a label the dataset lacks: refused before any work
            }
            String refused = refusal(ds, cfg, spec.commandLine().getParseResult().hasMatchedOption("-k"));
            if (refused != null) {
                throw new UsageException(refused);
            }
            models = Models.prepare(refs, CliEnv.of(spec), n, err, quiet);
            requests = erasureRequests(cfg, n);
            zeroShotRequest = zeroShotRequest(cfg, models, n);
        } catch (IllegalArgumentException | java.io.IOException e) {
            throw new UsageException(e);
        }
        if (dryRun) {
            printPlan(Audit.plan(ds, cfg).withNotes(datasetNotes), cfg, out, o, requests);
            java.util.Optional<String> holder = OutputLock.holder(out);
            if (holder.isPresent()) {
                o.println("  note: " + out + " is in use by another traces run (" + holder.get() + "): what it reuses is what"
                        + " that run had finished when this plan was made");
            }
            o.println("dry run: nothing embedded or written");
            o.flush();
            return 0;
        }
        return run(ds, cfg, models, out, quiet, o, err, requests, CliEnv.of(spec), datasetNotes, zeroShotRequest);
    }

    private ZeroShotStage.Request zeroShotRequest;

    /**
     * The zero-shot readout's prompts and each model's text tower, found (or downloaded) and opened once
     * here, so that a model without one, an unreadable tokenizer or prompts file is refused before any work.
     */
    private ZeroShotStage.Request zeroShotRequest(AuditConfig cfg, Models models, int threads) throws java.io.IOException {
        if (!zeroShot) {
            if (prompts != null) {
                throw new IllegalArgumentException("--prompts is for the zero-shot readout: add --zero-shot");
            }
            return null;
        }
        if (cfg.tasks().isEmpty()) {
            throw new IllegalArgumentException("--zero-shot reads out the processing tasks, and --tasks none runs none");
        }
        org.encodertraces.probe.PromptSet set = org.encodertraces.probe.PromptSet.defaults();
        if (prompts != null) {
            set = set.withFile(prompts);
        }
        for (ProcessingTask t : cfg.tasks()) {
            set.prompts(t); // a task with a class without prompts: refused now
        }
        java.util.Map<String, org.encodertraces.encoder.TextTower.Files> towers = new java.util.LinkedHashMap<>();
        for (String name : models.names()) {
            org.encodertraces.encoder.TextTower.Files f = models.textTower(name);
            try (org.encodertraces.encoder.TextTower t = org.encodertraces.encoder.TextTower.open(f, threads)) {
                for (ProcessingTask task : cfg.tasks()) {
                    for (List<String> texts : set.prompts(task).values()) {
                        t.embed(texts); // every prompt tokenizes, fits the text tower's length and runs
                    }
                }
            }
            towers.put(name, f);
        }
        return new ZeroShotStage.Request(set, towers);
    }

    private List<String> datasetNotes = List.of();

    private List<ErasureStage.Request> requests = List.of();

    /** The --eraser files (read and matched to an audited model) and the --erase fits (their task must be audited). */
    private List<ErasureStage.Request> erasureRequests(AuditConfig cfg, int threads) throws java.io.IOException {
        List<ErasureStage.Request> out = new ArrayList<>();
        List<String> fileNames = cfg.models().stream().map(org.encodertraces.encoder.ModelRef::fileSafe).toList();
        for (Path f : erasers) {
            ErasureStage.Request q = ErasureStage.Request.file(f);
            String m = q.loaded().encoder().model();
            if (!m.isEmpty() && !fileNames.contains(m)) {
                throw new IllegalArgumentException("the eraser " + f + " was fitted on embeddings of " + m + ", which this audit does not run ("
                        + String.join(", ", cfg.models()) + "): an eraser applies only to the encoder it was fitted on");
            }
            out.add(q);
        }
        for (String spec : erase) {
            ErasureStage.Request q = ErasureStage.Request.parse(spec, cfg.seed(), threads);
            if (!cfg.tasks().contains(q.task())) {
                throw new IllegalArgumentException("--erase " + spec + ": the audit does not run the " + q.task().name().toLowerCase(java.util.Locale.ROOT)
                        + " task (add it to --tasks)");
            }
            out.add(q);
        }
        return out;
    }

    /** Plans, runs and reports; shared with the demo. */
    static int run(Dataset ds, AuditConfig cfg, Models models, Path out, boolean quiet, PrintWriter o, PrintWriter err,
                   Map<String, String> env) throws Exception {
        return run(ds, cfg, models, out, quiet, o, err, List.of(), env);
    }

    /**
     * Why the audit of this dataset cannot run at all, or null: a {@code -k} given that this dataset's
     * database (the training side of the split) cannot satisfy, or no figure that can be formed on it.
     * (The default k on a small folder only leaves kNN out, with a note.)
     */
    static String refusal(Dataset ds, AuditConfig cfg, boolean kGiven) {
        int n = ds.samples().size();
        int db = org.encodertraces.validity.Validity.trainCount(n, cfg.testFraction());
        if (kGiven && !cfg.tasks().isEmpty() && ds.labelTensors().contains(Audit.LABEL) && cfg.k() >= db) {
            return "-k " + cfg.k() + ": " + org.encodertraces.validity.Validity.kProblem(cfg.k(), db) + " (the training side of the "
                    + n + " images of '" + ds.name() + "' at --test-fraction " + cfg.testFraction() + ")";
        }
        return Audit.nothingToRun(Audit.plan(ds, cfg));
    }

    /**
     * Plans, runs and reports, with the "after erasure" measurements of these erasers. The output
     * folder is taken first, so a folder another run holds is refused before the plan is printed.
     */
    static int run(Dataset ds, AuditConfig cfg, Models models, Path out, boolean quiet, PrintWriter o, PrintWriter err,
                   List<ErasureStage.Request> erasures, Map<String, String> env) throws Exception {
        return run(ds, cfg, models, out, quiet, o, err, erasures, env, List.of());
    }

    /** As above; {@code datasetNotes} (what the dataset reader left out or merged) go into the plan's notes and the report. */
    static int run(Dataset ds, AuditConfig cfg, Models models, Path out, boolean quiet, PrintWriter o, PrintWriter err,
                   List<ErasureStage.Request> erasures, Map<String, String> env, List<String> datasetNotes) throws Exception {
        return run(ds, cfg, models, out, quiet, o, err, erasures, env, datasetNotes, null);
    }

    /** As above, with the zero-shot readout when {@code zeroShot} is not null. */
    static int run(Dataset ds, AuditConfig cfg, Models models, Path out, boolean quiet, PrintWriter o, PrintWriter err,
                   List<ErasureStage.Request> erasures, Map<String, String> env, List<String> datasetNotes,
                   ZeroShotStage.Request zeroShot) throws Exception {
        OutputLock lock;
        try {
            lock = Audit.lock(out, ds, cfg.models());
        } catch (java.io.IOException e) {
            // said as the audit's, also when the demo runs it
            throw UsageException.of("audit", e);
        }
        try (lock) {
            return runLocked(ds, cfg, models, out, quiet, o, err, erasures, env, datasetNotes, zeroShot);
        }
    }

    private static int runLocked(Dataset ds, AuditConfig cfg, Models models, Path out, boolean quiet, PrintWriter o, PrintWriter err,
                                 List<ErasureStage.Request> erasures, Map<String, String> env, List<String> datasetNotes,
                                 ZeroShotStage.Request zeroShot) throws Exception {
        Audit.Plan plan = Audit.plan(ds, cfg).withNotes(datasetNotes);
        String nothing = Audit.nothingToRun(plan);
        if (nothing != null) {
            throw UsageException.of("audit", nothing);
        }
        Printed printed = printPlan(plan, cfg, out, o, erasures);
        AuditEstimate left = printed.left();
        boolean resumed = printed.resumed();
        Audit.Outcome outcome;
        StageTimes clock;
        try (Progress progress = Progress.of(env, err, "audit", 0, quiet);
             Interruption interruption = Interruption.announce(err, "traces audit: interrupted; rerun the same command to"
                     + " resume (finished embedding sets and committed shards are kept)")) {
            clock = new StageTimes(new Audit.Listener() {
                @Override
                public void stage(String message) {
                    if (!quiet) {
                        err.println("  " + message);
                        err.flush();
                    }
                    progress.stage(message);
                }

                @Override
                public void progress(String label, long done, long total) {
                    progress.set(done, total);
                }
            });
            outcome = Audit.run(plan, cfg, out, models::open, clock, erasures, zeroShot);
            clock.finish();
        } catch (IllegalArgumentException | java.io.IOException | org.encodertraces.encoder.EncoderException e) {
            throw UsageException.of("audit", e);
        }
        AuditFiles.write(outcome, out);
        Path report = ReportOutput.write(outcome, models.sharedDir(), out);
        o.println();
        o.print(AuditFiles.summary(outcome));
        o.printf("%ntook %s (estimated %s%s); per stage, measured (estimated):", minutes(clock.elapsed()), minutes(left.total()),
                resumed ? " for what was left" : "");
        java.util.Set<String> kinds = new java.util.LinkedHashSet<>(clock.seconds().keySet());
        kinds.addAll(left.seconds().keySet());
        for (String k : kinds) {
            Double m = clock.seconds().get(k);
            Double e = left.seconds().get(k);
            o.printf(" %s %s (%s);", k, m == null ? "-" : String.format(java.util.Locale.ROOT, "%.0f s", m),
                    e == null ? "-" : String.format(java.util.Locale.ROOT, "%.0f s", e));
        }
        o.printf("%nresults: %s%nreport:  %s%n", out.resolve("results"), report);
        long failed = outcome.failedImages();
        if (failed > 0) {
            o.printf("%d image embedding(s) failed (listed in %s/*.failures.tsv); the results leave them out%n", failed,
                    out.resolve("embeddings"));
        }
        long notErased = 0;
        for (Audit.ModelRun run : outcome.runs()) {
            for (ErasureStage.Result e : run.erasures()) {
                if (e.skipped() != null) {
                    notErased++;
                    o.printf("eraser %s could not be evaluated on %s: %s%n", e.eraser(), run.model(), e.skipped());
                }
            }
        }
        o.flush();
        return failed > 0 || notErased > 0 ? 1 : 0;
    }

    /** What {@link #printPlan} found: the estimate of what is left, and whether an earlier run left anything. */
    private record Printed(AuditEstimate left, boolean resumed) {
    }

    /**
     * Prints the plan: images and their sizes, what an earlier run into {@code out} left to reuse,
     * the time estimate per stage (of what is left), the experiments and the notes.
     */
    private static Printed printPlan(Audit.Plan plan, AuditConfig cfg, Path out, PrintWriter o, List<ErasureStage.Request> erasures)
            throws java.io.IOException {
        Dataset ds = plan.dataset();
        List<AuditEstimate.Reuse> reuse = AuditEstimate.reuse(plan, cfg, out);
        AuditEstimate left = AuditEstimate.remaining(plan, cfg, reuse);
        boolean resumed = reuse.stream().anyMatch(r -> r.complete() > 0 || r.partial() > 0);
        o.printf("audit plan: %d images of '%s' (%s), %d model(s): %s%n", ds.samples().size(), ds.name(),
                ds.labelNames().containsKey("label") ? ds.labelNames().get("label").size() + (ds.labelNames().get("label").size() == 1 ? " class" : " classes") : "no class labels",
                cfg.models().size(), String.join(", ", cfg.models()));
        o.printf("  %d processing operations -> %d embeddings; images %s%n", plan.operations().size(), plan.embeddings(),
                plan.estimate().sizes().describe());
        if (resumed) {
            o.printf("  reused from %s (an earlier run; the experiments themselves are computed again):%n", out.resolve("embeddings"));
            for (AuditEstimate.Reuse r : reuse) {
                o.printf("    %s: %s%n", r.model(), reuseLine(r));
            }
            o.printf("  estimated %s on 2 cores for what is left (%s; the whole audit %s)%n", minutes(left.total()), stages(left),
                    minutes(plan.estimatedSeconds()));
        } else {
            o.printf("  estimated %s on 2 cores (%s; per-stage costs measured on a 2-core machine, embedding scaled by"
                    + " the images' pixels; see README)%n", minutes(left.total()), stages(left));
        }
        for (Audit.Step s : plan.steps()) {
            o.printf("  - %-9s %-22s %s%n", s.kind(), s.name(), s.detail());
        }
        for (ErasureStage.Request q : erasures) {
            o.printf("  - %-9s %-22s %s%n", "erasure", q.name(), q.fitsHere()
                    ? "fit " + q.fit().method().id() + " on the training split of " + q.task().name().toLowerCase(java.util.Locale.ROOT)
                    + ", then every experiment raw and erased on the other images (about twice their cost again)"
                    : "every experiment raw and erased on the images it was not fitted on (about twice their cost again)");
        }
        for (var note : plan.notes()) {
            o.println("  note: " + note.text());
        }
        o.flush();
        return new Printed(left, resumed);
    }

    /** "20 of 20 embedding sets complete: nothing to embed", or what is left. */
    static String reuseLine(AuditEstimate.Reuse r) {
        if (r.allReused()) {
            return r.complete() + " of " + r.sets() + " embedding sets complete: nothing to embed";
        }
        if (r.complete() == 0 && r.partial() == 0) {
            return "nothing reusable: all " + r.sets() + " embedding sets to embed";
        }
        return r.complete() + " of " + r.sets() + " embedding sets complete" + (r.partial() > 0 ? ", " + r.partial()
                + " resume from committed shards" : "") + "; " + r.imageOpsLeft() + " of " + r.imageOps() + " image embeddings left";
    }

    /** "embedding 1 min 30 s, processing probes 3 s, kNN 2 s". */
    static String stages(AuditEstimate e) {
        List<String> parts = new ArrayList<>();
        // stages under 0.05 s would read "0.0 s"
        e.seconds().forEach((k, v) -> {
            if (v >= 0.05) {
                parts.add(k + " " + minutes(v));
            }
        });
        return parts.isEmpty() ? "nothing to do" : String.join(", ", parts);
    }

    /** {@code --near-duplicates}: on (the default distance), off (-1), or a number of bits. */
    static int nearDuplicateDistance(String v) {
        String t = v.trim().toLowerCase(java.util.Locale.ROOT);
        if (t.equals("on")) {
            return org.encodertraces.data.NearDuplicates.DEFAULT_MAX_DISTANCE;
        }
        if (t.equals("off")) {
            return -1;
        }
        if (t.matches("\\d{1,2}") && Integer.parseInt(t) <= 64) {
            return Integer.parseInt(t);
        }
        throw new IllegalArgumentException("--near-duplicates " + v + ": give on, off, or the largest Hamming distance in bits (0 to 64)");
    }

    /** A duration such as {@code 1 min 52 s} or {@code 40 s}. */
    static String minutes(double seconds) {
        if (seconds < 9.95) {
            return String.format(java.util.Locale.ROOT, "%.1f s", seconds);
        }
        long s = Math.round(seconds);
        return s < 60 ? s + " s" : s / 60 + " min " + s % 60 + " s";
    }

    static List<String> split(String s) {
        return Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
    }
}
