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
import org.encodertraces.data.Dataset;
import org.encodertraces.data.DatasetAudit;
import org.encodertraces.embed.EmbeddingSet;
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
                       long embeddings, AuditEstimate estimate, List<String> notes) {
        /** The estimate of the whole audit, nothing reused, in seconds. */
        public double estimatedSeconds() {
            return estimate.total();
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

    /** Everything measured for one model. */
    public record ModelRun(String model, String fileName, Map<String, Object> encoder, int dim, List<TaskProbe> probes,
                           List<TaskKnn> knn, RetrievalResult retrieval, List<AcquisitionStage.AttributeProbe> acquisition,
                           List<String> notes, EncoderDescription info, List<ErasureStage.Result> erasures) {
    }

    /** The audit's results. */
    public record Outcome(Plan plan, List<ModelRun> runs, DatasetAudit.Report datasetAudit, List<String> notes, Instant started,
                          Instant finished) {
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
                String[] f = line.split("\t", -1);
                if (f.length >= 3 && f[2].isEmpty()) {
                    ids.add(f[0]);
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

    /** Decides what to run. */
    public static Plan plan(Dataset ds, AuditConfig cfg) {
        List<String> notes = new ArrayList<>();
        List<Step> steps = new ArrayList<>();
        Set<String> ops = new LinkedHashSet<>();
        boolean semantic = ds.labelTensors().contains(LABEL);
        int n = ds.samples().size();
        for (ProcessingTask t : cfg.tasks()) {
            ops.addAll(taskOps(t, cfg.maskPercent(), false));
            steps.add(new Step("probe", taskName(t), "predict which of " + t.operations() + " was applied"));
            if (semantic) {
                steps.add(new Step("knn", taskName(t), "kNN (k=" + cfg.k() + ") accuracy under the five processing set-ups"));
            }
        }
        if (cfg.maskPercent() > 0 && cfg.tasks().contains(ProcessingTask.JPEG)) {
            ops.addAll(taskOps(ProcessingTask.JPEG, cfg.maskPercent(), true));
            steps.add(new Step("probe", "JPEG masked " + cfg.maskPercent() + "%", "the JPEG task with " + cfg.maskPercent()
                    + "% of the crop painted black after the encoder's crop"));
        }
        if (!semantic) {
            notes.add("kNN skipped: the dataset has no semantic class labels (use a folder with one subfolder per class)");
        }
        boolean pairs = ds.labelTensors().contains("subject") && ds.labelTensors().contains("device");
        if (pairs) {
            ops.add("IDENTITY");
            steps.add(new Step("retrieval", "pairs", "recall@1/@5 of the same subject's photo from the other device"));
        } else {
            notes.add("pair retrieval skipped: the dataset has no 'subject' and 'device' labels (PairCams-style pairs)");
        }
        AcquisitionStage.plan(ds, cfg, ops, steps, notes);
        if (semantic) {
            steps.add(new Step("dataset", "audit", "Cramér's V between the classes and JPEG quality, subsampling, camera make, device class"));
        }
        List<ProcessingOp> parsed = ops.stream().map(ProcessingOp::parse).toList();
        long embeddings = (long) n * parsed.size() * cfg.models().size();
        return new Plan(ds, cfg.models(), parsed, steps, embeddings,
                AuditEstimate.of(ds, parsed, steps, cfg, AuditEstimate.sizes(ds)), notes);
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
        Instant started = Instant.now();
        Dataset ds = plan.dataset();
        Path embDir = outDir.resolve("embeddings");
        List<ModelRun> runs = new ArrayList<>();
        List<String> notes = new ArrayList<>(plan.notes());
        DatasetAudit.Report datasetAudit = null;
        boolean datasetAuditDue = ds.labelTensors().contains(LABEL);
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
                    notes.add("dataset audit: " + undecodable.size() + " image(s) that could not be decoded are left out of it");
                }
            }
            List<String> modelNotes = new ArrayList<>();
            List<String> failedUnder = new ArrayList<>();
            for (Extraction.Output x : extracted) {
                if (x.failed() > 0) {
                    failedUnder.add(x.failed() + " under " + x.op().name());
                }
            }
            if (!failedUnder.isEmpty()) {
                modelNotes.add("images failed to embed: " + String.join(", ", failedUnder) + " (file and reason in "
                        + embDir.getFileName() + "/" + ds.name() + "__<OP>__" + fileName + ".failures.tsv); they are left out of every result");
            }
            Map<String, EmbeddingSet> sets = new HashMap<>();
            for (ProcessingOp op : plan.operations()) {
                sets.put(op.name(), EmbeddingSetIO.read(embDir.resolve(Extraction.setName(ds.name(), op, fileName) + ".safetensors")));
            }
            // hand-made features come in different units, so the reference encoders are standardised;
            // learned embeddings get the configured normalisation (the study's L2 by default)
            AuditConfig mcfg = info.isReference()
                    ? cfg.withProbe(cfg.probe().withNormalization(org.encodertraces.probe.FeatureNormalization.STANDARD)) : cfg;
            Analysis an = analyse(ds, mcfg, sets, listener, model, modelNotes);
            List<ErasureStage.Result> erased = ErasureStage.run(erasures, ds, mcfg, sets, listener, model, fileName,
                    embDir.resolve(Extraction.setName(ds.name(), plan.operations().get(0), fileName) + ".safetensors"), modelNotes);
            runs.add(new ModelRun(model, fileName, encoderProv, dim, an.probes(), an.knn(), an.retrieval(), an.acquisition(), modelNotes, info,
                    erased));
        }
        return new Outcome(plan, runs, datasetAudit, notes, started, Instant.now());
    }

    /** What the experiments measured on one model's embedding sets. */
    record Analysis(List<TaskProbe> probes, List<TaskKnn> knn, RetrievalResult retrieval, List<AcquisitionStage.AttributeProbe> acquisition) {
    }

    /**
     * The experiments on one model's sets (by operation name): the processing probes of each task and the
     * masked JPEG variant, kNN when the dataset has classes, pair retrieval, acquisition probes.
     *
     * @param label names the model in stage messages
     * @param notes receives what was skipped and why
     */
    static Analysis analyse(Dataset ds, AuditConfig mcfg, Map<String, EmbeddingSet> sets, Listener listener, String label,
                            List<String> notes) {
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
            Aligned a = Aligned.of(ops.stream().map(sets::get).toList());
            if (a.ids().size() < 10) {
                notes.add(taskName(t) + (masked ? " (masked)" : "") + ": only " + a.ids().size() + " images embedded under every operation; skipped");
                continue;
            }
            String name = masked ? taskName(t) + " masked " + mcfg.maskPercent() + "%" : taskName(t);
            ProcessingProbe.ImageSplit split = ProcessingProbe.ImageSplit.random(a.ids().size(), mcfg.testFraction(), mcfg.seed());
            listener.stage(label + ": probe " + name);
            ProbeResult pr = new ProcessingProbe(mcfg.probe()).run(name, t.operations(), a.rows(), split);
            probes.add(new TaskProbe(name, masked, ops, pr));
            if (semantic && !masked) {
                listener.stage(label + ": kNN " + name);
                int[] labels = a.labels(LABEL);
                List<KnnInfluence.OperationEmbeddings> oe = new ArrayList<>();
                for (int o = 0; o < ops.size(); o++) {
                    FloatMatrix m = FloatMatrix.of(a.rows().get(o));
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
        List<AcquisitionStage.AttributeProbe> acq = AcquisitionStage.run(ds, mcfg, sets, listener, label, notes);
        return new Analysis(probes, knn, retrieval, acq);
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
