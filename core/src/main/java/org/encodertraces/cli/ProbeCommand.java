package org.encodertraces.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.encodertraces.result.ResultDocument;
import org.encodertraces.data.AcquisitionSplit;
import org.encodertraces.data.NearDuplicates;
import org.encodertraces.data.SplitGroups;
import org.encodertraces.embed.EmbeddingSet;
import org.encodertraces.embed.OperationSets;
import org.encodertraces.probe.AcquisitionProbe;
import org.encodertraces.probe.FeatureNormalization;
import org.encodertraces.probe.FlickrExifSplit;
import org.encodertraces.probe.HyperparameterSearch;
import org.encodertraces.probe.ProbeConfig;
import org.encodertraces.probe.ProbeResult;
import org.encodertraces.probe.ProcessingProbe;
import org.encodertraces.probe.ProcessingTask;
import org.encodertraces.probe.ResultWriter;
import org.encodertraces.probe.TrainerKind;
import org.encodertraces.rng.Protocol;
import org.encodertraces.validity.Overlap;
import org.encodertraces.validity.Validity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code traces probe}: linear probes on frozen embeddings predicting processing or acquisition. */
@Command(name = "probe", header = "Linear probe on embedding sets: processing or acquisition prediction.", mixinStandardHelpOptions = true,
        description = {"Linear probe (multinomial logistic regression) on frozen embeddings, with the study's protocol: "
                        + "hyper-parameter search on a validation set, refit on train+val, evaluation on the test set.",
                "Processing, the study's layout: --task T --train OP=FILE --test OP=FILE for each operation (train "
                        + "and val splits).",
                "Processing, one split: --task T --set OP=FILE for each operation (images split by --test-fraction).",
                "--protocol study (default) uses the study's own draws, splits and search seeds; --C or --lr/--wd "
                        + "fix the hyper-parameters and skip the search.",
                "Acquisition: --set FILE --split SPLIT.json (FlickrExif split format; ids map to the set's sample ids), "
                        + "or --set FILE --attribute LABEL (a split like the audit's, sized by --test-fraction, written to OUT; "
                        + "--group-by, --groups).",
                "Writes OUT/probe-<task>.json (inputs with sha256, parameters, seeds, metrics, per-class figures, "
                        + "provenance) and OUT/probe-<task>.csv (headline numbers). Exit status: 0 done, 2 bad usage or input."},
        footer = {"",
                "Tasks: jpeg (JPEG75_420 .. JPEG95_444), sharpening (JPEG95_444, SHARPEN_2, SHARPEN_4), resizing "
                        + "(JPEG95_444, RESIZE_HALF, RESIZE_DOUBLE), interpolation (INTERPOLATION_BILINEAR|BICUBIC|LANCZOS|BOX).",
                "Embedding sets: safetensors with 'image_embeddings' [N,D] and the JSON sidecar; a file without "
                        + "sidecar is read with row numbers as ids (or the --id-label tensor, e.g. 'Flickr ID')."})
public final class ProbeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--set", paramLabel = "[OP=]FILE",
            description = "embedding set; OP=FILE once per operation for a processing task (images split by --test-fraction), FILE alone with --split")
    List<String> sets = new ArrayList<>();

    @Option(names = "--train", paramLabel = "OP=FILE",
            description = "processing task, the study's layout: train-split embeddings under operation OP; repeat for every operation")
    Map<String, Path> trainSets = new LinkedHashMap<>();

    @Option(names = "--test", paramLabel = "OP=FILE",
            description = "processing task, the study's layout: val-split (test) embeddings under operation OP; the same operations as --train")
    Map<String, Path> testSets = new LinkedHashMap<>();

    @Option(names = "--protocol", defaultValue = "study",
            description = "study (the study's draws, splits and search seeds exactly) or robust (our order-free draws; see docs/fidelity.md) (default ${DEFAULT-VALUE})")
    String protocol;

    @Option(names = "--C", paramLabel = "C", description = "fix L-BFGS's inverse regularisation C and skip the search (implies --trainer lbfgs)")
    Double fixedC;

    @Option(names = "--lr", paramLabel = "LR", description = "fix SGD's learning rate (with --wd) and skip the search (implies --trainer sgd)")
    Double fixedLr;

    @Option(names = "--wd", paramLabel = "WD", description = "fix SGD's weight decay (with --lr) and skip the search")
    Double fixedWd;

    @Option(names = "--search-seed", paramLabel = "N",
            description = "seed of the search's draw, validation split and sampler (default: study 22 for processing, 42 for acquisition; robust --seed)")
    Long searchSeed;

    @Option(names = "--task", paramLabel = "TASK", description = "processing task: jpeg, sharpening, resizing, interpolation")
    String task;

    @Option(names = "--split", paramLabel = "FILE", description = "FlickrExif split JSON (acquisition probe)")
    Path split;

    @Option(names = "--attribute", paramLabel = "LABEL",
            description = "acquisition on one set: the label tensor to predict (e.g. Make of an exif: folder's set); the split is built"
                    + " like the audit's: class-balanced, --test-fraction of the smallest class in test, groups kept on one side")
    String attribute;

    @Option(names = "--min-per-class", defaultValue = "20", description = "with --attribute: smallest class kept (default ${DEFAULT-VALUE})")
    int minPerClass;

    @Option(names = "--group-by", paramLabel = "LABEL", description = "with --attribute: keep photos with the same value of this label"
            + " tensor (a camera Model, a session) on one side of the split")
    String groupBy;

    @Option(names = "--groups", paramLabel = "FILE", description = "with --attribute: keep the groups of this file on one side of the split"
            + " (results/near_duplicates.json of an audit of the same images)")
    Path groupsFile;

    @Option(names = "--id-label", paramLabel = "NAME", description = "label tensor holding the row ids (acquisition; default: the sidecar ids)")
    String idLabel;

    @Option(names = "--trainer", description = "sgd (the study's default) or lbfgs (default sgd; lbfgs with --C)")
    String trainer;

    @Option(names = "--norm", defaultValue = "l2", description = "feature normalisation: l2, standard, none (default ${DEFAULT-VALUE})")
    String norm;

    @Option(names = "--trials", defaultValue = "30", description = "hyper-parameter trials (default ${DEFAULT-VALUE})")
    int trials;

    @Option(names = "--sampler", defaultValue = "tpe", description = "tpe or random (default ${DEFAULT-VALUE})")
    String sampler;

    @Option(names = "--seed", defaultValue = "0", description = "base seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--repeats", description = "final fits with seeds seed..seed+n-1 (default 10 processing, 1 acquisition)")
    Integer repeats;

    @Option(names = "--val-fraction", defaultValue = "0.2", description = "stratified validation fraction of train (processing; default ${DEFAULT-VALUE})")
    double valFraction;

    @Option(names = "--test-fraction", defaultValue = "0.2", description = "images held out for testing, seeded (processing --set; with"
            + " --attribute, the share of the smallest class; default ${DEFAULT-VALUE})")
    double testFraction;

    @Option(names = "--epochs", defaultValue = "100", description = "SGD epochs (default ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "1024", description = "SGD batch size (default ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--max-iter", defaultValue = "2000", description = "L-BFGS iteration limit (default ${DEFAULT-VALUE})")
    int maxIter;

    @Option(names = "--threads", converter = OptionValues.Threads.class, defaultValue = "0", description = "worker threads (0 = number of cores; results do not depend on it)")
    int threads;

    @Option(names = {"-o", "--out"}, converter = OptionValues.OutputPath.class, required = true, paramLabel = "OUTDIR", description = "output folder")
    Path out;

    @Option(names = "--allow-overlap", description = "go on when test images are also in the training set (a warning is printed and recorded)")
    boolean allowOverlap;

    @picocli.CommandLine.Mixin
    EraserOption erasure = new EraserOption();

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter outw = spec.commandLine().getOut();
        Instant started = Instant.now();
        try {
            boolean acquisition = split != null || attribute != null;
            if (acquisition == (task != null) || (split != null && attribute != null)) {
                throw new IllegalArgumentException("give either --task (processing), --split (acquisition on a FlickrExif split) or"
                        + " --attribute (acquisition on one set)");
            }
            if (attribute == null && (groupBy != null || groupsFile != null)) {
                throw new IllegalArgumentException("--group-by and --groups shape the split of --attribute; a --split file or a processing"
                        + " task brings its own");
            }
            int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
            Protocol prot = Protocol.parse(protocol);
            TrainerKind kind = trainerKind();
            long sSeed = searchSeed != null ? searchSeed : prot == Protocol.ROBUST ? seed
                    : acquisition ? ProbeConfig.STUDY_ACQUISITION_SEARCH_SEED : ProbeConfig.STUDY_PROCESSING_SEARCH_SEED;
            ProbeConfig cfg = new ProbeConfig(FeatureNormalization.parse(norm), kind, trials,
                    HyperparameterSearch.Sampler.parse(sampler), valFraction, seed, repeats != null ? repeats : acquisition ? 1 : 10,
                    n, epochs, batchSize, maxIter, prot, sSeed, fixedParams(kind));
            List<ResultDocument.Input> inputs = new ArrayList<>();
            ProbeResult result;
            String name;
            if (attribute != null) {
                if (!trainSets.isEmpty() || !testSets.isEmpty() || sets.size() != 1 || sets.get(0).contains("=")) {
                    throw new IllegalArgumentException("an acquisition probe with --attribute takes one --set FILE");
                }
                Path file = Path.of(sets.get(0));
                EmbeddingSet set = erasure.apply(read(file), file);
                long[] values = EmbeddingInputs.labels(set, attribute, file);
                Map<String, String> labels = new LinkedHashMap<>();
                Map<String, String> groupKey = new LinkedHashMap<>();
                long[] by = groupBy == null ? null : EmbeddingInputs.labels(set, groupBy, file);
                for (int i = 0; i < set.rows(); i++) {
                    if (values[i] >= 0) {
                        labels.put(set.ids().get(i), Long.toString(values[i]));
                    }
                    if (by != null) {
                        groupKey.put(set.ids().get(i), by[i] >= 0 ? Long.toString(by[i]) : null);
                    }
                }
                SplitGroups near = groupsFile == null ? SplitGroups.none() : SplitGroups.of(NearDuplicates.readGroups(groupsFile));
                SplitGroups groups = SplitGroups.byKey(groupKey).union(near);
                List<String> why = new ArrayList<>();
                AcquisitionSplit as = AcquisitionSplit.of(attribute, labels, minPerClass, testFraction, valFraction, seed, groups, near, why);
                if (as.collapsed() > 0) {
                    why.add(as.collapsed() + " test photos left out: each near-duplicate group counts once in test");
                }
                why.forEach(w -> err.println("note: " + w));
                if (as.ungrouped() != null) {
                    err.println("note: a plain split would put " + as.leaking().size() + " of its " + as.ungrouped().testIds().size()
                            + " test photos beside a photo of their group in training; the split kept the groups together");
                }
                erasure.requireUnseen(set, as.split().testIds(), "test photos");
                java.nio.file.Files.createDirectories(out);
                Path splitFile = out.resolve(org.encodertraces.data.SplitFile.fileName(attribute));
                as.split().write(splitFile);
                inputs.add(ResultDocument.Input.of("embeddings", file));
                if (groupsFile != null) {
                    inputs.add(ResultDocument.Input.of("groups", groupsFile));
                }
                result = new AcquisitionProbe(cfg).run(matrix(set), set.ids(), FlickrExifSplit.of(as.split()));
                name = attribute;
            } else if (acquisition) {
                if (!trainSets.isEmpty() || !testSets.isEmpty()) {
                    throw new IllegalArgumentException("--train/--test are for processing tasks; an acquisition probe takes --set FILE --split SPLIT.json");
                }
                if (sets.size() != 1 || sets.get(0).contains("=")) {
                    throw new IllegalArgumentException("an acquisition probe takes one --set FILE");
                }
                Path file = Path.of(sets.get(0));
                EmbeddingSet set = erasure.apply(read(file), file);
                FlickrExifSplit sp = FlickrExifSplit.read(split);
                erasure.requireUnseen(set, sp.test().ids(), "test photos");
                inputs.add(ResultDocument.Input.of("embeddings", file));
                inputs.add(ResultDocument.Input.of("split", split));
                List<String> ids = set.ids();
                if (idLabel != null) {
                    ids = new ArrayList<>();
                    for (long v : set.label(idLabel)) {
                        ids.add(Long.toString(v));
                    }
                }
                result = new AcquisitionProbe(cfg).run(matrix(set), ids, sp);
                name = sp.targetAttribute();
            } else if (!trainSets.isEmpty() || !testSets.isEmpty()) {
                ProcessingTask t = ProcessingTask.parse(task);
                if (!sets.isEmpty()) {
                    throw new IllegalArgumentException("give either --set OP=FILE (one split) or --train/--test OP=FILE (the study's layout), not both");
                }
                Map<String, Path> tr = byOperation(trainSets);
                Map<String, Path> te = byOperation(testSets);
                requireOperations(t, tr.keySet(), "--train");
                requireOperations(t, te.keySet(), "--test");
                OperationSets trainS = readAligned(t, tr, "train", inputs);
                OperationSets testS = readAligned(t, te, "test", inputs);
                erasure.requireUnseen(testS.first(), testS.ids(), "test images");
                checkOverlap(Overlap.find(t.operations(), trainS.sets(), testS.sets()), "the training set (--train)", err);
                name = t.name().toLowerCase(Locale.ROOT);
                result = new ProcessingProbe(cfg).run(name, t.operations(), trainS.rows(), testS.rows());
            } else {
                ProcessingTask t = ProcessingTask.parse(task);
                if (sets.isEmpty()) {
                    throw new IllegalArgumentException("a processing task needs --train/--test OP=FILE (the study's layout) or --set OP=FILE");
                }
                Map<String, Path> byOp = new LinkedHashMap<>();
                for (String s : sets) {
                    int eq = s.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("--set '" + s + "': a processing task needs OP=FILE");
                    }
                    byOp.put(s.substring(0, eq).trim().toUpperCase(Locale.ROOT), Path.of(s.substring(eq + 1)));
                }
                requireOperations(t, byOp.keySet(), "--set");
                OperationSets whole = readAligned(t, byOp, "embeddings", inputs);
                List<String> firstIds = whole.ids();
                ProcessingProbe.ImageSplit images = ProcessingProbe.ImageSplit.random(firstIds.size(), testFraction, seed);
                List<String> testIds = new ArrayList<>();
                for (int i : images.test()) {
                    testIds.add(firstIds.get(i));
                }
                erasure.requireUnseen(whole.first(), testIds, "test images");
                checkOverlap(Overlap.within(t.operations(), whole.sets(), images.train(), images.test()), "the training side of the split", err);
                result = new ProcessingProbe(cfg).run(t.name().toLowerCase(Locale.ROOT), t.operations(), whole.rows(), images);
                name = t.name().toLowerCase(Locale.ROOT);
            }
            if (erasure.active()) {
                inputs.add(ResultDocument.Input.of("eraser", erasure.file));
            }
            if (overlapWarning != null) {
                List<String> notes = new ArrayList<>(result.notes());
                notes.add(overlapWarning);
                result = new ProbeResult(result.task(), result.classNames(), result.config(), result.metrics(), result.repeats(),
                        result.accuracyMean(), result.accuracyStd(), result.bestParams(), result.trials(), result.trainSize(),
                        result.searchTrainSize(), result.valSize(), result.testSize(), notes);
            }
            String stem = "probe-" + name.replaceAll("[^A-Za-z0-9._-]+", "_");
            Path json = new ResultWriter().write(out, stem, "probe", result, inputs, started, Instant.now());
            for (String note : result.notes()) {
                err.println("note: " + note);
            }
            // the interval comes from the test count (widened by any spread over seeds): an acquisition split refitted with
            // several seeds has no spread worth the name, and "+- 0.00" would read as certainty
            org.encodertraces.report.Interval ci = org.encodertraces.report.Intervals.withSeeds(result.accuracyMean(), result.testSize(),
                    result.repeats().size() > 1 ? result.accuracyStd() : null);
            outw.printf(Locale.ROOT, "%s: accuracy %.2f%% [%.1f, %.1f] on n=%d test rows, chance %.2f%% (%d classes); %d seed(s)%s, mean"
                            + " per-class %.2f%%; %s %s; protocol %s; wrote %s%n",
                    name, 100 * result.accuracyMean(), 100 * ci.lo(), 100 * ci.hi(), result.testSize(), 100 * result.chanceLevel(),
                    result.classNames().size(), result.repeats().size(), result.repeats().size() > 1
                            ? String.format(Locale.ROOT, " (std %.2f)", 100 * result.accuracyStd()) : "",
                    100 * result.metrics().meanPerClassAccuracy(), cfg.fixed() ? "fixed" : "best", result.bestParams(), prot.label(), json);
            if (Validity.smallSample(result.testSize())) {
                outw.println("  " + Validity.smallSampleMark(result.testSize()) + ": the interval is wide");
            }
            outw.flush();
            return 0;
        } catch (IllegalArgumentException | IOException e) {
            throw new UsageException(e);
        }
    }

    private String overlapWarning;

    /** Refuses test images found on the training side, or (with --allow-overlap) warns and keeps the warning for the result. */
    private void checkOverlap(Overlap overlap, String where, PrintWriter err) {
        if (overlap.none()) {
            return;
        }
        String what = overlap.describe("test images", where);
        if (!allowOverlap) {
            throw new IllegalArgumentException(what + ". Give test images the training set does not hold, or pass --allow-overlap to go on"
                    + " with a warning");
        }
        err.println("traces probe: warning: " + what + " (--allow-overlap: going on; the result records it)");
        overlapWarning = "warning: " + what;
    }

    private TrainerKind trainerKind() {
        boolean sgdFixed = fixedLr != null || fixedWd != null;
        if (fixedC != null && sgdFixed) {
            throw new IllegalArgumentException("--C fixes the L-BFGS trainer, --lr/--wd the SGD trainer: give one or the other");
        }
        TrainerKind implied = fixedC != null ? TrainerKind.LBFGS : sgdFixed ? TrainerKind.SGD : null;
        TrainerKind given = trainer == null ? null : TrainerKind.parse(trainer);
        if (given != null && implied != null && given != implied) {
            throw new IllegalArgumentException("--trainer " + trainer + " does not take " + (implied == TrainerKind.LBFGS ? "--C" : "--lr/--wd"));
        }
        return given != null ? given : implied != null ? implied : TrainerKind.SGD;
    }

    private Map<String, Double> fixedParams(TrainerKind kind) {
        if (fixedC != null) {
            return Map.of("C", fixedC);
        }
        if (fixedLr != null || fixedWd != null) {
            if (fixedLr == null || fixedWd == null) {
                throw new IllegalArgumentException("fixing SGD's hyper-parameters needs both --lr and --wd");
            }
            return Map.of("lr", fixedLr, "weight_decay", fixedWd);
        }
        return Map.of();
    }

    private static Map<String, Path> byOperation(Map<String, Path> given) {
        Map<String, Path> m = new LinkedHashMap<>();
        given.forEach((op, f) -> m.put(op.trim().toUpperCase(Locale.ROOT), f));
        return m;
    }

    private static void requireOperations(ProcessingTask t, java.util.Set<String> got, String option) {
        if (!got.equals(new java.util.HashSet<>(t.operations()))) {
            throw new IllegalArgumentException("task " + t.name().toLowerCase(Locale.ROOT) + " needs " + option + " sets for exactly "
                    + t.operations() + ", got " + got);
        }
    }

    /** Reads one set per operation of the task, in task order (erased when --eraser is given); they must hold the same images in order. */
    private OperationSets readAligned(ProcessingTask t, Map<String, Path> byOp, String role, List<ResultDocument.Input> inputs)
            throws IOException {
        OperationSets.Builder sets = OperationSets.builder(role);
        for (String op : t.operations()) {
            Path f = byOp.get(op);
            sets.add(op, f, erasure.apply(read(f), f));
            inputs.add(ResultDocument.Input.of(role + ":" + op, f));
        }
        return sets.build();
    }

    private static EmbeddingSet read(Path f) throws IOException {
        return EmbeddingInputs.read(f);
    }

    private static float[][] matrix(EmbeddingSet s) {
        float[][] x = new float[s.rows()][];
        for (int i = 0; i < x.length; i++) {
            x[i] = s.row(i);
        }
        return x;
    }
}
