package org.encodertraces.audit;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.encodertraces.data.ContentDuplicates;
import org.encodertraces.data.Dataset;
import org.encodertraces.data.DatasetAudit;
import org.encodertraces.data.NearDuplicates;
import org.encodertraces.data.SplitGroups;
import org.encodertraces.data.SplitRules;
import org.encodertraces.embed.EmbeddingSet;
import org.encodertraces.embed.OperationSets;
import org.encodertraces.embed.EmbeddingSetIO;
import org.encodertraces.embed.Extraction;
import org.encodertraces.encoder.Encoder;
import org.encodertraces.encoder.EncoderDescription;
import org.encodertraces.encoder.ModelRef;
import org.encodertraces.image.ImageDecoder;
import org.encodertraces.io.OutputLock;
import org.encodertraces.knn.KnnInfluence;
import org.encodertraces.knn.KnnResult;
import org.encodertraces.knn.PairRetrieval;
import org.encodertraces.knn.RetrievalResult;
import org.encodertraces.linalg.FloatMatrix;
import org.encodertraces.probe.ProbeResult;
import org.encodertraces.probe.ProcessingProbe;
import org.encodertraces.probe.ProcessingTask;
import org.encodertraces.process.ProcessingOp;
import org.encodertraces.report.Note;
import org.encodertraces.validity.Validity;

/**
 * The one-command audit: extracts (or reuses) every embedding set the experiments need, then
 * runs the processing probes of each task group, their masked variants, kNN under controlled
 * processing when the dataset has semantic labels, and pair retrieval when it has subjects and
 * device classes. Acquisition probes and the dataset audit are added by {@link AcquisitionStage}
 * when the dataset carries EXIF labels. Prints nothing; reports progress through a listener.
 */
public final class Audit {
    /** Opens an encoder by its name in {@link AuditConfig#models()} (the CLI has parsed and prepared it). */
    public interface EncoderOpener {
        Encoder open(String model) throws IOException;
    }

    /** Progress and stage messages for the CLI. */
    public interface Listener {
        void stage(String message);

        void progress(String label, long done, long total);
    }

    /** A planned experiment. */
    public record Step(String kind, String name, String detail) {
    }

    /**
     * What will run: the operations to extract per model, the experiments, how many embeddings,
     * the time estimate (per stage, scaled by the images' decoded sizes), and why anything is left out.
     */
    public record Plan(Dataset dataset, List<String> models, List<ProcessingOp> operations, List<Step> steps,
                       long embeddings, AuditEstimate estimate, List<Note> notes) {
        /** The estimate of the whole audit, nothing reused, in seconds. */
        public double estimatedSeconds() {
            return estimate.total();
        }

        /** This plan with further notes about the whole run (e.g. what the dataset reader left out), first. */
        public Plan withNotes(List<String> first) {
            if (first.isEmpty()) {
                return this;
            }
            List<Note> all = new ArrayList<>(first.stream().map(Note::general).toList());
            all.addAll(notes);
            return new Plan(dataset, models, operations, steps, embeddings, estimate, all);
        }
    }

    /** Images per committed shard of the audit's embedding sets. */
    static final int SHARD_SIZE = 128;

    /** One task's probe on one model. */
    public record TaskProbe(String task, boolean masked, List<String> operations, ProbeResult result) {
    }

    /** One task's kNN influence on one model. */
    public record TaskKnn(String task, KnnResult result) {
    }

    /**
     * Everything measured for one model.
     *
     * @param failedImages the (image, operation) pairs that failed to embed, over all its embedding
     *                     sets (each listed in the set's {@code .failures.tsv}); they are left out of every result
     */
    public record ModelRun(String model, String fileName, Map<String, Object> encoder, int dim, List<TaskProbe> probes,
                           List<TaskKnn> knn, RetrievalResult retrieval, List<AcquisitionStage.AttributeProbe> acquisition,
                           List<Note> notes, EncoderDescription info, List<ErasureStage.Result> erasures, long failedImages,
                           List<ZeroShotStage.Result> zeroShot) {
        public ModelRun {
            zeroShot = zeroShot == null ? List.of() : List.copyOf(zeroShot);
        }
    }

    /**
     * The audit's results.
     *
     * @param nearDuplicates    the near-duplicates found (null when not looked for)
     * @param acquisitionSplits the split each acquisition probe was measured on, by attribute (the
     *                          FlickrExif format, so {@code traces probe --split} can rerun it)
     */
    public record Outcome(Plan plan, List<ModelRun> runs, DatasetAudit.Report datasetAudit, List<Note> notes, Instant started,
                          Instant finished, NearDuplicates.Result nearDuplicates, Map<String, org.encodertraces.data.SplitFile> acquisitionSplits) {
        public Outcome {
            acquisitionSplits = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(acquisitionSplits));
        }

        /** The (image, operation) pairs that failed to embed, over every model's embedding sets. */
        public long failedImages() {
            return runs.stream().mapToLong(ModelRun::failedImages).sum();
        }
    }

    /** Ids of the samples that failed to decode (operation "" in a set's failures file). */
    private static java.util.Set<String> undecodable(Path embDir, Dataset ds, List<ProcessingOp> ops, String fileName) throws IOException {
        java.util.Set<String> ids = new java.util.HashSet<>();
        if (ops.isEmpty()) {
            return ids;
        }
        Path tsv = embDir.resolve(Extraction.setName(ds.name(), ops.get(0), fileName) + ".failures.tsv");
        if (java.nio.file.Files.exists(tsv)) {
            for (String line : java.nio.file.Files.readAllLines(tsv).stream().skip(1).toList()) {
                List<String> f = org.encodertraces.io.Tsv.split(line);
                if (f.size() >= 3 && f.get(2).isEmpty()) {
                    ids.add(f.get(0));
                }
            }
        }
        return ids;
    }

    /** Label tensor of the semantic class. */
    public static final String LABEL = "label";

    private Audit() {
    }

    /** The operations of a task, masked or not. */
    static List<String> taskOps(ProcessingTask t, int maskPercent, boolean masked) {
        if (!masked) {
            return t.operations();
        }
        return t.operations().stream().map(op -> op + "+BORDER_" + maskPercent).toList();
    }

    /**
     * Decides what to run, by the validity rules ({@link Validity}) applied to the dataset's size and
     * classes before any work: byte-identical files are kept once ({@link ContentDuplicates}, the plan's
     * dataset is the merged one); a figure that cannot be formed is left out with a note naming the reason
     * and the minimum, a figure on fewer than {@link Validity#SMALL_SAMPLE} test images says so in its
     * step, and the operations only a left-out figure needed are not embedded.
     */
    public static Plan plan(Dataset dataset, AuditConfig cfg) {
        List<Note> notes = new ArrayList<>();
        // a photo saved twice under two names would be two samples that a split can put on both sides
        ContentDuplicates.Result merged = ContentDuplicates.merge(dataset);
        Dataset ds = merged.dataset();
        merged.notes().forEach(n -> notes.add(Note.general(n)));
        List<Step> steps = new ArrayList<>();
        Set<String> ops = new LinkedHashSet<>();
        boolean semantic = ds.labelTensors().contains(LABEL);
        int n = ds.samples().size();
        double f = cfg.testFraction();
        int nTest = Validity.testCount(n, f);
        int nTrain = n - nTest;
        String probeProblem = Validity.probeProblem(n, f);
        String knnProblem = semantic ? Validity.knnProblem(n, classes(ds), cfg.k(), f) : null;
        List<String> probesSkipped = new ArrayList<>();
        for (ProcessingTask t : cfg.tasks()) {
            String name = taskName(t);
            if (probeProblem != null) {
                probesSkipped.add(name);
                continue;
            }
            ops.addAll(taskOps(t, cfg.maskPercent(), false));
            steps.add(new Step("probe", name, "predict which of " + t.operations() + " was applied" + size(nTest * t.operations().size(),
                    "test rows, " + nTest + " images x " + t.operations().size() + " operations")));
            searchNote(name, t, nTrain, cfg, notes);
            if (semantic && knnProblem == null) {
                steps.add(new Step("knn", name, "kNN (k=" + cfg.k() + ", database of " + nTrain + ") accuracy under the five processing set-ups"
                        + size(nTest, "queries")));
            }
        }
        if (cfg.maskPercent() > 0 && cfg.tasks().contains(ProcessingTask.JPEG) && probeProblem == null) {
            ops.addAll(taskOps(ProcessingTask.JPEG, cfg.maskPercent(), true));
            String name = "JPEG masked " + cfg.maskPercent() + "%";
            steps.add(new Step("probe", name, "the JPEG task with " + cfg.maskPercent()
                    + "% of the crop painted black after the encoder's crop" + size(nTest * ProcessingTask.JPEG.operations().size(),
                    "test rows, " + nTest + " images x " + ProcessingTask.JPEG.operations().size() + " operations")));
            searchNote(name, ProcessingTask.JPEG, nTrain, cfg, notes);
        }
        if (!probesSkipped.isEmpty()) {
            notes.add(probeNote(probesSkipped, probeProblem));
        }
        if (!semantic) {
            notes.add(Note.knn("kNN skipped: the dataset has no semantic class labels (use a folder with one subfolder per class)"));
        } else if (!cfg.tasks().isEmpty() && (knnProblem != null || probeProblem != null)) {
            notes.add(knnNote(knnProblem != null ? knnProblem
                    : "it runs on the processing probes' embeddings, and those are skipped (" + probeProblem + ")"));
        }
        boolean pairs = ds.labelTensors().contains("subject") && ds.labelTensors().contains("device");
        if (pairs) {
            ops.add("IDENTITY");
            steps.add(new Step("retrieval", "pairs", "recall@1/@5 of the same subject's photo from the other device"));
        } else {
            notes.add(Note.retrieval("pair retrieval skipped: the dataset has no 'subject' and 'device' labels (PairCams-style pairs)"));
        }
        AcquisitionStage.plan(ds, cfg, ops, steps, notes);
        if (semantic) {
            String why = n < Validity.MIN_DATASET_AUDIT_IMAGES ? "needs at least " + Validity.MIN_DATASET_AUDIT_IMAGES + " images, has " + n
                    : classes(ds) < Validity.MIN_CLASSES ? "needs at least " + Validity.MIN_CLASSES + " classes to correlate with, has "
                    + classes(ds) : null;
            if (why == null) {
                steps.add(new Step("dataset", "audit", "Cramér's V between the classes and JPEG quality, subsampling, camera make, device class"));
            } else {
                notes.add(Note.audit("dataset audit skipped: " + why));
            }
        }
        List<ProcessingOp> parsed = ops.stream().map(ProcessingOp::parse).toList();
        long embeddings = (long) n * parsed.size() * cfg.models().size();
        return new Plan(ds, cfg.models(), parsed, steps, embeddings,
                AuditEstimate.of(ds, parsed, steps, cfg, AuditEstimate.sizes(ds)), notes);
    }

    /**
     * Why the plan cannot run at all (no figure can be formed on this dataset), naming what each figure
     * needs, or null when something will run. Said before any embedding.
     */
    public static String nothingToRun(Plan plan) {
        if (!plan.steps().isEmpty()) {
            return null;
        }
        Dataset ds = plan.dataset();
        return ds.samples().size() + " image(s) of '" + ds.name() + "' are too few or too uniform for any figure of the audit: "
                + String.join("; ", plan.notes().stream().map(Note::text).toList());
    }

    /** The number of semantic classes with at least one sample. */
    static int classes(Dataset ds) {
        return (int) ds.samples().stream().map(x -> x.labels().get(LABEL)).filter(v -> v != null && v >= 0).distinct().count();
    }

    /** " (n = 24 test rows, ...; weak: ...)" for a plan step: the test count its figure will rest on. */
    private static String size(int n, String what) {
        return " (n = " + n + " " + what + (Validity.smallSample(n) ? "; weak: fewer than " + Validity.SMALL_SAMPLE
                + ", wide intervals" : "") + ")";
    }

    private static void searchNote(String name, ProcessingTask t, int nTrain, AuditConfig cfg, List<Note> notes) {
        String note = ProcessingProbe.searchNote(t.operations(), nTrain, cfg.probe());
        if (note != null) {
            notes.add(Note.processing(name + " probe: " + note));
        }
    }

    static Note probeNote(List<String> tasks, String problem) {
        return Note.processing("processing probes skipped (" + String.join(", ", tasks) + "): " + problem);
    }

    static Note knnNote(String problem) {
        return Note.knn(problem.equals(Validity.ONE_CLASS) ? "kNN " + problem : "kNN skipped: " + problem);
    }

    /** What an audit records in its output folders' locks, for whoever is refused meanwhile. */
    public static String holder(Dataset ds, List<String> models) {
        return "traces audit " + ds.name() + " with " + String.join(", ", models);
    }

    /**
     * Takes the audit's output folder for the whole run, before its plan is printed: a second run
     * into the same folder is refused at once, naming this one ({@link OutputLock.HeldException}).
     */
    public static OutputLock lock(Path outDir, Dataset ds, List<String> models) throws IOException {
        return OutputLock.acquire(outDir, holder(ds, models));
    }

    /** Runs the plan, writing embedding sets under {@code outDir/embeddings}. */
    public static Outcome run(Plan plan, AuditConfig cfg, Path outDir, EncoderOpener opener, Listener listener)
            throws IOException, InterruptedException {
        return run(plan, cfg, outDir, opener, listener, List.of());
    }

    /**
     * Runs the plan and, per model, the "after erasure" measurements of each eraser that belongs to it
     * ({@link ErasureStage}).
     */
    public static Outcome run(Plan plan, AuditConfig cfg, Path outDir, EncoderOpener opener, Listener listener,
                              List<ErasureStage.Request> erasures) throws IOException, InterruptedException {
        return run(plan, cfg, outDir, opener, listener, erasures, null);
    }

    /**
     * Runs the plan, the "after erasure" measurements, and, when {@code zeroShot} is not null, the zero-shot
     * readout of each model's text tower beside its processing probes ({@link ZeroShotStage}).
     */
    public static Outcome run(Plan plan, AuditConfig cfg, Path outDir, EncoderOpener opener, Listener listener,
                              List<ErasureStage.Request> erasures, ZeroShotStage.Request zeroShot) throws IOException, InterruptedException {
        Instant started = Instant.now();
        Dataset ds = plan.dataset();
        Path embDir = outDir.resolve("embeddings");
        List<ModelRun> runs = new ArrayList<>();
        List<Note> notes = new ArrayList<>(plan.notes());
        DatasetAudit.Report datasetAudit = null;
        boolean datasetAuditDue = plan.steps().stream().anyMatch(st -> st.kind().equals("dataset"));
        if (plan.operations().isEmpty()) {
            // nothing to embed (e.g. --tasks none on class folders): the dataset audit is all there is
            if (datasetAuditDue) {
                listener.stage("dataset audit: do the classes correlate with JPEG settings or cameras?");
                datasetAudit = DatasetAudit.run(ds, LABEL, false);
            }
            notes.add(Note.general("no embedding set was needed: the plan holds no experiment on the models' embeddings ("
                    + String.join(", ", cfg.models()) + " not run)"));
            return new Outcome(plan, runs, datasetAudit, notes, started, Instant.now(), null, Map.of());
        }
        NearDuplicates.Result nearDuplicates = null;
        Map<String, org.encodertraces.data.SplitFile> acquisitionSplits = new LinkedHashMap<>();
        SplitGroups groups = SplitGroups.none();
        SplitGroups near = SplitGroups.none();
        if (plan.steps().stream().anyMatch(s -> s.kind().equals("acquisition"))) {
            if (cfg.grouping().nearDuplicates()) {
                listener.stage("near-duplicates: hashing the pixels of " + ds.samples().size() + " photos");
                nearDuplicates = NearDuplicates.find(ds.samples(), cfg.grouping().nearDuplicateDistance(), cfg.threads(),
                        embDir.resolve(ds.name() + ".near-duplicates.json"), (d, t) -> listener.progress("near-duplicates", d, t));
                near = SplitGroups.byKey(nearDuplicates.groupOf());
                groups = near;
                notes.addAll(nearDuplicateNotes(nearDuplicates, ds));
            }
            if (cfg.grouping().groupBy() != null) {
                SplitGroups user = cfg.grouping().groupBy().groups(ds);
                notes.add(Note.acquisition("acquisition splits keep photos sharing " + cfg.grouping().groupBy().describe() + " together: "
                        + user.groups().size() + " group(s) of two or more, " + user.groupedPhotos() + " photos"));
                groups = groups.union(user);
            }
        }
        SplitRules rules = new SplitRules(groups, near);
        if (plan.steps().stream().anyMatch(s -> s.kind().equals("acquisition"))) {
            AcquisitionStage.splits(ds, cfg, rules, notes).forEach((a, sp) -> acquisitionSplits.put(a, sp.split()));
        }
        for (String model : cfg.models()) {
            String fileName = ModelRef.fileSafe(model);
            Map<String, Object> encoderProv;
            EncoderDescription info;
            int dim;
            List<Extraction.Output> extracted;
            listener.stage("embedding " + ds.samples().size() + " images x " + plan.operations().size() + " operations with " + model);
            try (Encoder enc = opener.open(model)) {
                encoderProv = new LinkedHashMap<>(enc.provenance());
                info = enc.info();
                dim = enc.embeddingDim();
                extracted = Extraction.run(new Extraction.Job(ds, fileName, enc, plan.operations(), cfg.seed(), embDir, cfg.threads(),
                        cfg.batchSize(), SHARD_SIZE, new ImageDecoder(ImageDecoder.PILLOW_MAX_PIXELS, false)),
                        (d, t) -> listener.progress("embed " + model, d, t), holder(ds, cfg.models()));
            }
            if (datasetAuditDue) {
                // after the first extraction, so that images which could not even be decoded are left out of it too
                datasetAuditDue = false;
                listener.stage("dataset audit: do the classes correlate with JPEG settings or cameras?");
                java.util.Set<String> undecodable = undecodable(embDir, ds, plan.operations(), fileName);
                Dataset audited = undecodable.isEmpty() ? ds : new Dataset(ds.name(), ds.source(),
                        ds.samples().stream().filter(x -> !undecodable.contains(x.id())).toList(), ds.labelNames());
                datasetAudit = DatasetAudit.run(audited, LABEL, false);
                if (!undecodable.isEmpty()) {
                    notes.add(Note.audit("dataset audit: " + undecodable.size() + " image(s) that could not be decoded are left out of it"));
                }
            }
            List<Note> modelNotes = new ArrayList<>();
            List<String> failedUnder = new ArrayList<>();
            long failedImages = 0;
            for (Extraction.Output x : extracted) {
                failedImages += x.failed();
                if (x.failed() > 0) {
                    failedUnder.add(x.failed() + " under " + x.op().name());
                }
            }
            if (!failedUnder.isEmpty()) {
                modelNotes.add(Note.general("images failed to embed: " + String.join(", ", failedUnder) + " (file and reason in "
                        + embDir.getFileName() + "/" + ds.name() + "__<OP>__" + fileName + ".failures.tsv); they are left out of every result"));
            }
            Map<String, EmbeddingSet> sets = new HashMap<>();
            for (ProcessingOp op : plan.operations()) {
                sets.put(op.name(), EmbeddingSetIO.read(embDir.resolve(Extraction.setName(ds.name(), op, fileName) + ".safetensors")));
            }
            // hand-made features come in different units, so the reference encoders are standardised;
            // learned embeddings get the configured normalisation (the study's L2 by default)
            AuditConfig mcfg = info.isReference()
                    ? cfg.withProbe(cfg.probe().withNormalization(org.encodertraces.probe.FeatureNormalization.STANDARD)) : cfg;
            Analysis an = analyse(ds, mcfg, sets, listener, model, modelNotes, rules);
            modelNotes.removeIf(plan.notes()::contains); // the plan said it already, for every model
            List<ErasureStage.Result> erased = ErasureStage.run(erasures, ds, mcfg, sets, listener, model, fileName,
                    embDir.resolve(Extraction.setName(ds.name(), plan.operations().get(0), fileName) + ".safetensors"), modelNotes, rules);
            List<ZeroShotStage.Result> zs = List.of();
            if (zeroShot != null) {
                listener.stage(model + ": embedding the zero-shot prompts with its text tower");
                ZeroShotStage.Texts texts = ZeroShotStage.embed(zeroShot, model, cfg.tasks(), cfg.threads());
                encoderProv.put("text_tower", texts.provenance());
                zs = ZeroShotStage.run(texts, mcfg, sets, an.probes(), listener, model);
            }
            runs.add(new ModelRun(model, fileName, encoderProv, dim, an.probes(), an.knn(), an.retrieval(), an.acquisition(), modelNotes, info,
                    erased, failedImages, zs));
        }
        return new Outcome(plan, runs, datasetAudit, notes, started, Instant.now(), nearDuplicates, acquisitionSplits);
    }

    /** How many near-duplicates there are, and which (the first groups by name; all of them are in the results). */
    static List<Note> nearDuplicateNotes(NearDuplicates.Result r, Dataset ds) {
        List<Note> out = new ArrayList<>();
        out.add(Note.acquisition("acquisition splits: " + r.groups().size() + " near-duplicate group(s), " + r.photos() + " photos (" + NearDuplicates.METHOD
                + " at most " + r.maxDistance() + " of 64 bits; " + r.hashes().size() + " photos hashed" + (r.failures().isEmpty() ? ""
                : ", " + r.failures().size() + " could not be decoded") + "); each group stays on one side of every acquisition split"
                + (r.groups().isEmpty() ? "" : "; all groups in results/near_duplicates.json")));
        Map<String, String> makes = new HashMap<>();
        if (ds.labelNames().containsKey("Make")) {
            List<String> names = ds.labelNames().get("Make");
            for (org.encodertraces.data.Sample x : ds.samples()) {
                Long v = x.labels().get("Make");
                if (v != null && v >= 0 && v < names.size()) {
                    makes.put(x.id(), names.get(v.intValue()));
                }
            }
        }
        int shown = Math.min(NOTED_GROUPS, r.groups().size());
        for (int i = 0; i < shown; i++) {
            NearDuplicates.Group g = r.groups().get(i);
            java.util.Set<String> m = new java.util.TreeSet<>();
            g.ids().forEach(id -> m.add(makes.getOrDefault(id, "unknown")));
            List<String> ids = g.ids().size() <= 6 ? g.ids() : g.ids().subList(0, 5);
            out.add(Note.acquisition("acquisition splits: near-duplicate group " + (i + 1) + " of " + r.groups().size() + " (" + g.ids().size() + " photos"
                    + (makes.isEmpty() ? "" : ", Make " + String.join(" / ", m)) + ", up to " + g.maxDistance() + " bits apart): "
                    + String.join(", ", ids) + (ids.size() < g.ids().size() ? " and " + (g.ids().size() - ids.size()) + " more" : "")));
        }
        if (shown < r.groups().size()) {
            out.add(Note.acquisition("acquisition splits: " + (r.groups().size() - shown) + " more near-duplicate group(s) in results/near_duplicates.json"));
        }
        return out;
    }

    /** Near-duplicate groups named one by one in the notes (the rest are in the results file). */
    static final int NOTED_GROUPS = 10;

    /** What the experiments measured on one model's embedding sets. */
    record Analysis(List<TaskProbe> probes, List<TaskKnn> knn, RetrievalResult retrieval, List<AcquisitionStage.AttributeProbe> acquisition) {
    }

    /**
     * The experiments on one model's sets (by operation name): the processing probes of each task and the
     * masked JPEG variant, kNN when the dataset has classes, pair retrieval, acquisition probes.
     *
     * @param label names the model in stage messages
     * @param notes receives what was skipped and why
     * @param rules photos the acquisition splits keep together, and the near-duplicates among them (by sample id)
     */
    static Analysis analyse(Dataset ds, AuditConfig mcfg, Map<String, EmbeddingSet> sets, Listener listener, String label,
                            List<Note> notes, SplitRules rules) {
        List<TaskProbe> probes = new ArrayList<>();
        List<TaskKnn> knn = new ArrayList<>();
        boolean semantic = ds.labelTensors().contains(LABEL);
        List<Object[]> variants = new ArrayList<>();
        for (ProcessingTask t : mcfg.tasks()) {
            variants.add(new Object[] {t, false});
        }
        if (mcfg.maskPercent() > 0 && mcfg.tasks().contains(ProcessingTask.JPEG)) {
            variants.add(new Object[] {ProcessingTask.JPEG, true});
        }
        for (Object[] v : variants) {
            ProcessingTask t = (ProcessingTask) v[0];
            boolean masked = (Boolean) v[1];
            List<String> ops = taskOps(t, mcfg.maskPercent(), masked);
            if (!ops.stream().allMatch(sets::containsKey)) {
                continue; // left out by the plan
            }
            OperationSets a = OperationSets.common(ops, ops.stream().map(sets::get).toList());
            String name = masked ? taskName(t) + " masked " + mcfg.maskPercent() + "%" : taskName(t);
            String problem = Validity.probeProblem(a.ids().size(), mcfg.testFraction());
            if (problem != null) {
                addOnce(notes, probeNote(List.of(name), problem));
                continue;
            }
            ProcessingProbe.ImageSplit split = ProcessingProbe.ImageSplit.random(a.ids().size(), mcfg.testFraction(), mcfg.seed());
            listener.stage(label + ": probe " + name);
            List<float[][]> rows = a.rows();
            ProbeResult pr = new ProcessingProbe(mcfg.probe()).run(name, t.operations(), rows, split);
            probes.add(new TaskProbe(name, masked, ops, pr));
            for (String pn : pr.notes()) {
                addOnce(notes, Note.processing(name + " probe: " + pn));
            }
            if (semantic && !masked) {
                int[] labels = toInt(a.label(LABEL));
                String knnProblem = Validity.knnProblem(a.ids().size(), Validity.classes(labels), mcfg.k(), mcfg.testFraction());
                if (knnProblem != null) {
                    addOnce(notes, knnNote(knnProblem));
                    continue;
                }
                listener.stage(label + ": kNN " + name);
                List<KnnInfluence.OperationEmbeddings> oe = new ArrayList<>();
                for (int o = 0; o < ops.size(); o++) {
                    FloatMatrix m = FloatMatrix.of(rows.get(o));
                    oe.add(new KnnInfluence.OperationEmbeddings(t.operations().get(o), m.selectRows(split.train()), m.selectRows(split.test())));
                }
                KnnResult kr = new KnnInfluence(new KnnInfluence.Config(mcfg.k(), mcfg.uniformSeeds(), mcfg.seed(), mcfg.threads(), mcfg.probe().protocol()))
                        .run(oe, pick(labels, split.train()), pick(labels, split.test()));
                knn.add(new TaskKnn(name, kr));
            }
        }
        RetrievalResult retrieval = null;
        if (sets.containsKey("IDENTITY") && ds.labelTensors().contains("subject") && ds.labelTensors().contains("device")) {
            listener.stage(label + ": pair retrieval");
            EmbeddingSet id = sets.get("IDENTITY");
            int[] subject = toInt(id.label("subject"));
            int[] device = toInt(id.label("device"));
            List<String> deviceNames = ds.labelNames().getOrDefault("device", List.of("camera", "phone"));
            retrieval = new PairRetrieval(mcfg.threads()).run(new FloatMatrix(id.rows(), id.dim(), id.embeddings()), subject, device,
                    deviceNames, 1, 5);
        }
        List<AcquisitionStage.AttributeProbe> acq = AcquisitionStage.run(ds, mcfg, sets, listener, label, notes, rules);
        return new Analysis(probes, knn, retrieval, acq);
    }

    private static void addOnce(List<Note> notes, Note note) {
        if (!notes.contains(note)) {
            notes.add(note);
        }
    }

    /** The study's name of a task group: JPEG, Sharpening, Resizing, Interpolation. */
    public static String taskName(ProcessingTask t) {
        return t == ProcessingTask.JPEG ? "JPEG" : t.name().charAt(0) + t.name().substring(1).toLowerCase(java.util.Locale.ROOT);
    }

    static int[] pick(int[] v, int[] idx) {
        int[] out = new int[idx.length];
        for (int i = 0; i < idx.length; i++) {
            out[i] = v[idx[i]];
        }
        return out;
    }

    static int[] toInt(long[] v) {
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Math.toIntExact(v[i]);
        }
        return out;
    }
}
