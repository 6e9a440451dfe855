package org.encodertraces.audit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.encodertraces.data.Dataset;
import org.encodertraces.embed.EmbeddingSet;
import org.encodertraces.embed.OperationSets;
import org.encodertraces.erase.EncoderIdentity;
import org.encodertraces.erase.EraseMethod;
import org.encodertraces.erase.Eraser;
import org.encodertraces.erase.EraserFile;
import org.encodertraces.erase.ErasureFit;
import org.encodertraces.erase.FitData;
import org.encodertraces.erase.Inlp;
import org.encodertraces.knn.KnnResult;
import org.encodertraces.knn.KnnSetup;
import org.encodertraces.knn.RetrievalResult;
import org.encodertraces.probe.LinearProbe;
import org.encodertraces.probe.ProbeConfig;
import org.encodertraces.probe.ProbeResult;
import org.encodertraces.probe.ProcessingProbe;
import org.encodertraces.probe.ProcessingTask;
import org.encodertraces.provenance.Hashes;
import org.encodertraces.report.Note;

/**
 * The audit's "after erasure" part: for each eraser that belongs to a model, the audit's own
 * experiments (processing and acquisition probes, kNN, pair retrieval) plus a semantic linear probe,
 * run twice on the same images, raw and erased, so that what the eraser removes and what it costs
 * are read side by side.
 *
 * <p>Only images the eraser was never fitted on are used: for an eraser file, the images of this
 * dataset (same manifest sha256) whose ids its sidecar lists are left out (an eraser fitted on
 * another dataset is a transfer and sees all of them); an eraser fitted inside the audit
 * ({@code leace:jpeg}) is fitted on the audit's own training split of that task (the images the raw
 * probe trains on) and measured on the others. Those images are split again (the audit's test
 * fraction and seed) into a training and a test part for every experiment. The checking probes get
 * seeds of their own (the audit's + 1000), and LEACE fits no probe at all, so "at chance" is not
 * circular.
 */
public final class ErasureStage {
    /** Offset of the checking probes' seeds from the audit's. */
    public static final long SEED_OFFSET = 1000;
    /** Fewest held-out images an after-erasure measurement runs on. */
    public static final int MIN_IMAGES = 10;

    /**
     * What to erase: an eraser file, or a method and a processing task to fit inside the audit.
     *
     * @param name   how the report names it (the file name, or {@code leace:jpeg})
     * @param file   the eraser file, or null for one fitted here
     * @param loaded the file's contents, or null
     * @param fit    the method to fit here, or null for a file
     * @param task   the task to fit on, or null for a file
     */
    public record Request(String name, Path file, EraserFile loaded, ErasureFit.Options fit, ProcessingTask task) {
        /** Reads an eraser file (errors name the file). */
        public static Request file(Path file) throws IOException {
            return new Request(file.getFileName().toString(), file, EraserFile.read(file), null, null);
        }

        /**
         * Parses {@code METHOD:TASK} ({@code leace:jpeg}, {@code inlp:sharpening}); INLP gets {@code erase fit}'s
         * defaults with this seed.
         */
        public static Request parse(String spec, long seed, int threads) {
            int colon = spec.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("--erase wants METHOD:TASK such as leace:jpeg, got '" + spec + "'");
            }
            EraseMethod m = EraseMethod.parse(spec.substring(0, colon).trim());
            ProcessingTask t = ProcessingTask.parse(spec.substring(colon + 1).trim());
            ErasureFit.Options o = m == EraseMethod.LEACE ? ErasureFit.Options.leace()
                    : new ErasureFit.Options(m, 0, 0, new Inlp.Config(20, true, 0.01, 1.0, 0.2, seed, threads));
            return new Request(m.id() + ":" + t.name().toLowerCase(Locale.ROOT), null, null, o, t);
        }

        /** Whether the eraser is fitted inside the audit. */
        public boolean fitsHere() {
            return file == null;
        }
    }

    /**
     * One experiment raw and erased on the same held-out images.
     *
     * @param name        {@code probe JPEG}, {@code kNN gap JPEG}, {@code semantic probe}, ...
     * @param erased      whether it measures an erased concept
     * @param chance      chance accuracy, or null
     * @param before      raw
     * @param beforeStd   spread over seeds, or null
     * @param after       erased
     * @param afterStd    spread over seeds, or null
     * @param testSamples test rows or queries per seed
     */
    public record Measure(String name, boolean erased, Double chance, double before, Double beforeStd, double after, Double afterStd,
                          int testSamples) {
    }

    /**
     * One eraser on one model.
     *
     * @param eraser          its name
     * @param method          leace or inlp
     * @param concepts        the erased concepts
     * @param rank            the eraser's rank
     * @param sha256          the eraser file's sha256, or "" for one fitted here
     * @param transfer        whether it was fitted on another dataset
     * @param fittedImages    images of this dataset it was fitted on
     * @param evaluatedImages images it was measured on (none of them fitted on)
     * @param measures        the measurements (empty when skipped)
     * @param skipped         why it could not be measured, or null
     */
    public record Result(String eraser, String method, List<String> concepts, int rank, String sha256, boolean transfer, int fittedImages,
                         int evaluatedImages, List<Measure> measures, String skipped) {
    }

    private ErasureStage() {
    }

    /**
     * The erasers of {@code requests} that belong to this model, measured.
     *
     * @param fileName the model's file-safe name (what its embedding sets record as their model)
     * @param setFile  one of the model's set files, for messages
     * @throws IllegalArgumentException when an eraser file names this model but was fitted on another encoder
     */
    static List<Result> run(List<Request> requests, Dataset ds, AuditConfig mcfg, Map<String, EmbeddingSet> sets, Audit.Listener listener,
                            String model, String fileName, Path setFile, List<Note> notes,
                            org.encodertraces.data.SplitRules groups) throws IOException {
        List<Result> out = new ArrayList<>();
        if (requests.isEmpty() || sets.isEmpty()) {
            return out;
        }
        EmbeddingSet any = sets.values().iterator().next();
        for (Request q : requests) {
            Eraser eraser;
            Set<String> fitted;
            List<String> concepts;
            boolean transfer = false;
            String sha = "";
            if (!q.fitsHere()) {
                EraserFile f = q.loaded();
                if (!f.encoder().model().isEmpty() && !f.encoder().model().equals(fileName)) {
                    continue;
                }
                f.encoder().requireSame(EncoderIdentity.of(any), q.file(), setFile);
                eraser = f.eraser();
                String manifest = any.provenance().manifestSha256();
                transfer = !manifest.isEmpty() && !f.datasetSha256().isEmpty() && !manifest.equals(f.datasetSha256());
                fitted = transfer ? Set.of() : new HashSet<>(f.fittedIds());
                concepts = f.conceptNames();
                sha = Hashes.sha256(q.file());
            } else {
                List<String> ops = q.task().operations();
                if (!ops.stream().allMatch(sets::containsKey)) {
                    out.add(skipped(q, List.of(taskKey(q.task())), "its task's embedding sets are not part of this audit (add "
                            + taskKey(q.task()) + " to --tasks)", notes, model));
                    continue;
                }
                OperationSets a = OperationSets.common(ops, ops.stream().map(sets::get).toList());
                if (a.ids().size() < 2 * MIN_IMAGES) {
                    out.add(skipped(q, List.of(taskKey(q.task())), "only " + a.ids().size() + " images embedded under every "
                            + Audit.taskName(q.task()) + " operation", notes, model));
                    continue;
                }
                ProcessingProbe.ImageSplit split = ProcessingProbe.ImageSplit.random(a.ids().size(), mcfg.testFraction(), mcfg.seed());
                List<String> fitIds = new ArrayList<>();
                for (int i : split.train()) {
                    fitIds.add(a.ids().get(i));
                }
                listener.stage(model + ": fitting " + q.name() + " on " + fitIds.size() + " training images");
                List<EmbeddingSet> fitSets = ops.stream().map(op -> subset(sets.get(op), fitIds)).toList();
                eraser = ErasureFit.eraser(q.fit(), FitData.of(ops, taskKey(q.task()), fitSets, List.of(), null));
                fitted = new HashSet<>(fitIds);
                concepts = List.of(taskKey(q.task()));
            }
            Set<String> unseen = new HashSet<>();
            for (EmbeddingSet s : sets.values()) {
                for (String id : s.ids()) {
                    if (!fitted.contains(id)) {
                        unseen.add(id);
                    }
                }
            }
            int fittedHere = 0;
            for (org.encodertraces.data.Sample x : ds.samples()) {
                fittedHere += fitted.contains(x.id()) ? 1 : 0;
            }
            if (unseen.size() < MIN_IMAGES) {
                out.add(new Result(q.name(), eraser.method(), concepts, eraser.rank(), sha, transfer, fittedHere, unseen.size(), List.of(),
                        skip(notes, model, q.name(), "only " + unseen.size() + " of the images were not used to fit it (" + MIN_IMAGES
                                + " needed): nothing to evaluate it on without evaluating on its own fitting images")));
                continue;
            }
            try {
                List<Measure> measures = measure(q, eraser, concepts, unseen, ds, mcfg, sets, listener, model, notes, groups);
                out.add(new Result(q.name(), eraser.method(), concepts, eraser.rank(), sha, transfer, fittedHere, unseen.size(), measures, null));
            } catch (IllegalArgumentException e) {
                // too few held-out images for one of the experiments' splits: the audit goes on without this eraser
                out.add(new Result(q.name(), eraser.method(), concepts, eraser.rank(), sha, transfer, fittedHere, unseen.size(), List.of(),
                        skip(notes, model, q.name(), "on its " + unseen.size() + " held-out images: " + e.getMessage())));
            }
        }
        return out;
    }

    /** Every experiment on the held-out images, raw and erased. */
    private static List<Measure> measure(Request q, Eraser eraser, List<String> concepts, Set<String> unseen, Dataset ds, AuditConfig mcfg,
                                         Map<String, EmbeddingSet> sets, Audit.Listener listener, String model, List<Note> notes,
                                         org.encodertraces.data.SplitRules groups) {
        Map<String, EmbeddingSet> raw = new LinkedHashMap<>();
        Map<String, EmbeddingSet> erased = new LinkedHashMap<>();
        for (Map.Entry<String, EmbeddingSet> e : sets.entrySet()) {
            List<String> keep = e.getValue().ids().stream().filter(unseen::contains).toList();
            EmbeddingSet r = subset(e.getValue(), keep);
            raw.put(e.getKey(), r);
            erased.put(e.getKey(), new EmbeddingSet(r.rows(), r.dim(), eraser.apply(r.embeddings(), r.rows()), r.labels(), r.ids(),
                    r.provenance()));
        }
        Dataset held = new Dataset(ds.name(), ds.source(), ds.samples().stream().filter(x -> unseen.contains(x.id())).toList(),
                ds.labelNames());
        ProbeConfig pc = mcfg.probe();
        AuditConfig ccfg = mcfg.withProbe(pc.withSeed(pc.seed() + SEED_OFFSET).withSearchSeed(pc.searchSeed() + SEED_OFFSET));
        List<Note> scratch = new ArrayList<>();
        Audit.Analysis before = Audit.analyse(held, ccfg, raw, listener, model + " (raw, for " + q.name() + ")", scratch, groups);
        Audit.Analysis after = Audit.analyse(held, ccfg, erased, listener, model + " (erased by " + q.name() + ")", new ArrayList<>(),
                groups);
        for (Note n : scratch) {
            notes.add(Note.erasure("after erasure by " + q.name() + ": " + n.text()));
        }
        List<Measure> measures = pair(before, after, concepts);
        semantic(held, ccfg, raw, erased, concepts, listener, model).ifPresent(measures::add);
        if (measures.isEmpty()) {
            throw new IllegalArgumentException("none of the audit's experiments could run on so few (too few images per task or class;"
                    + " acquisition probes need " + mcfg.minPerClass() + " photos in at least two classes)");
        }
        return measures;
    }

    private static Result skipped(Request q, List<String> concepts, String why, List<Note> notes, String model) {
        return new Result(q.name(), q.fit().method().id(), concepts, 0, "", false, 0, 0, List.of(), skip(notes, model, q.name(), why));
    }

    private static String skip(List<Note> notes, String model, String eraser, String why) {
        notes.add(Note.erasure("eraser " + eraser + " not evaluated on " + model + ": " + why));
        return why;
    }

    static String taskKey(ProcessingTask t) {
        return t.name().toLowerCase(Locale.ROOT);
    }

    private static boolean isConcept(String name, List<String> concepts) {
        for (String c : concepts) {
            if (c.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    /** Raw and erased results of the same experiments, matched by name. */
    static List<Measure> pair(Audit.Analysis b, Audit.Analysis a, List<String> concepts) {
        List<Measure> out = new ArrayList<>();
        Map<String, ProbeResult> afterProbes = new HashMap<>();
        a.probes().forEach(p -> afterProbes.put(p.task(), p.result()));
        for (Audit.TaskProbe p : b.probes()) {
            ProbeResult r = afterProbes.get(p.task());
            if (r != null) {
                out.add(probe("probe " + p.task(), !p.masked() && isConcept(p.task(), concepts), p.result(), r));
            }
        }
        Map<String, ProbeResult> afterAcq = new HashMap<>();
        a.acquisition().forEach(p -> afterAcq.put(p.attribute() + p.masked(), p.result()));
        for (AcquisitionStage.AttributeProbe p : b.acquisition()) {
            ProbeResult r = afterAcq.get(p.attribute() + p.masked());
            if (r != null) {
                out.add(probe("acquisition " + p.attribute() + (p.masked() ? " masked" : ""), !p.masked() && isConcept(p.attribute(), concepts),
                        p.result(), r));
            }
        }
        Map<String, KnnResult> afterKnn = new HashMap<>();
        a.knn().forEach(k -> afterKnn.put(k.task(), k.result()));
        for (Audit.TaskKnn k : b.knn()) {
            KnnResult r = afterKnn.get(k.task());
            if (r == null) {
                continue;
            }
            out.add(new Measure("kNN gap " + k.task(), false, null, k.result().gapPosMinusNeg(), null, r.gapPosMinusNeg(), null,
                    k.result().queries()));
            out.add(new Measure("kNN all-same " + k.task(), false, null, k.result().accuracy().get(KnnSetup.ALL_SAME), null,
                    r.accuracy().get(KnnSetup.ALL_SAME), null, k.result().queries()));
        }
        if (b.retrieval() != null && a.retrieval() != null) {
            RetrievalResult rb = b.retrieval();
            RetrievalResult ra = a.retrieval();
            int queries = rb.recalls().stream().filter(x -> x.queryClass().equals("all")).mapToInt(RetrievalResult.Recall::queries)
                    .findFirst().orElse(0);
            out.add(new Measure("retrieval R@1 other device", false, null, rb.recall("negatives=other-device", "all", 1), null,
                    ra.recall("negatives=other-device", "all", 1), null, queries));
            out.add(new Measure("retrieval R@1 change", false, null,
                    rb.recall("negatives=query-device", "all", 1) - rb.recall("negatives=other-device", "all", 1), null,
                    ra.recall("negatives=query-device", "all", 1) - ra.recall("negatives=other-device", "all", 1), null, queries));
        }
        return out;
    }

    private static Measure probe(String name, boolean erased, ProbeResult b, ProbeResult a) {
        return new Measure(name, erased, b.metrics().chance(), b.accuracyMean(), b.repeats().size() > 1 ? b.accuracyStd() : null,
                a.accuracyMean(), a.repeats().size() > 1 ? a.accuracyStd() : null, b.testSize());
    }

    /**
     * A semantic linear probe raw and erased: trained on the held-out images' training part under every
     * operation of the erased task (or of the first task the audit has), tested on their test part.
     */
    private static java.util.Optional<Measure> semantic(Dataset held, AuditConfig ccfg, Map<String, EmbeddingSet> raw,
                                                        Map<String, EmbeddingSet> erased, List<String> concepts, Audit.Listener listener,
                                                        String model) {
        if (!held.labelTensors().contains(Audit.LABEL) || !held.labelNames().containsKey(Audit.LABEL)) {
            return java.util.Optional.empty();
        }
        List<String> ops = null;
        for (ProcessingTask t : ProcessingTask.values()) {
            if (isConcept(taskKey(t), concepts) && t.operations().stream().allMatch(raw::containsKey)) {
                ops = t.operations();
            }
        }
        for (ProcessingTask t : ccfg.tasks()) {
            if (ops == null && t.operations().stream().allMatch(raw::containsKey)) {
                ops = t.operations();
            }
        }
        if (ops == null) {
            ops = raw.containsKey("IDENTITY") ? List.of("IDENTITY") : null;
        }
        if (ops == null) {
            return java.util.Optional.empty();
        }
        List<String> classes = held.labelNames().get(Audit.LABEL);
        listener.stage(model + ": semantic probe, raw and erased");
        double[] acc = new double[2];
        Double[] std = new Double[2];
        int tests = 0;
        for (int phase = 0; phase < 2; phase++) {
            Map<String, EmbeddingSet> sets = phase == 0 ? raw : erased;
            OperationSets a = OperationSets.common(ops, ops.stream().map(sets::get).toList());
            if (a.ids().size() < MIN_IMAGES) {
                return java.util.Optional.empty();
            }
            ProcessingProbe.ImageSplit split = ProcessingProbe.ImageSplit.random(a.ids().size(), ccfg.testFraction(), ccfg.seed());
            int[] y = Audit.toInt(a.label(Audit.LABEL));
            List<float[]> tr = new ArrayList<>();
            List<float[]> te = new ArrayList<>();
            List<Integer> ytr = new ArrayList<>();
            List<Integer> yte = new ArrayList<>();
            for (float[][] rows : a.rows()) {
                for (int i : split.train()) {
                    tr.add(rows[i]);
                    ytr.add(y[i]);
                }
                for (int i : split.test()) {
                    te.add(rows[i]);
                    yte.add(y[i]);
                }
            }
            ProbeResult r = new LinearProbe(ccfg.probe()).run("semantic", classes, tr.toArray(new float[0][]),
                    ytr.stream().mapToInt(Integer::intValue).toArray(), te.toArray(new float[0][]), yte.stream().mapToInt(Integer::intValue).toArray());
            acc[phase] = r.accuracyMean();
            std[phase] = r.repeats().size() > 1 ? r.accuracyStd() : null;
            tests = r.testSize();
        }
        return java.util.Optional.of(new Measure("semantic probe", false, 1.0 / classes.size(), acc[0], std[0], acc[1], std[1], tests));
    }

    /** The rows of {@code set} with these ids, in this order (every id must be in the set). */
    static EmbeddingSet subset(EmbeddingSet set, List<String> ids) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < set.rows(); i++) {
            index.put(set.ids().get(i), i);
        }
        int d = set.dim();
        float[] e = new float[ids.size() * d];
        Map<String, long[]> labels = new LinkedHashMap<>();
        set.labels().forEach((k, v) -> labels.put(k, new long[ids.size()]));
        for (int r = 0; r < ids.size(); r++) {
            int i = index.get(ids.get(r));
            System.arraycopy(set.embeddings(), i * d, e, r * d, d);
            for (Map.Entry<String, long[]> l : labels.entrySet()) {
                l.getValue()[r] = set.labels().get(l.getKey())[i];
            }
        }
        return new EmbeddingSet(ids.size(), d, e, labels, ids, set.provenance());
    }
}
