package org.encodertraces.audit;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.encodertraces.data.Dataset;
import org.encodertraces.embed.EmbeddingSet;
import org.encodertraces.embed.EmbeddingSetIO;
import org.encodertraces.embed.Extraction;
import org.encodertraces.embed.OperationSets;
import org.encodertraces.encoder.LayerEncoder;
import org.encodertraces.encoder.ModelRef;
import org.encodertraces.image.ImageDecoder;
import org.encodertraces.knn.KnnInfluence;
import org.encodertraces.knn.KnnResult;
import org.encodertraces.knn.KnnSetup;
import org.encodertraces.linalg.FloatMatrix;
import org.encodertraces.probe.FeatureNormalization;
import org.encodertraces.probe.ProbeResult;
import org.encodertraces.probe.ProcessingProbe;
import org.encodertraces.probe.ProcessingTask;
import org.encodertraces.provenance.ArtifactProvenance;
import org.encodertraces.provenance.Hashes;
import org.encodertraces.report.Note;
import org.encodertraces.result.ResultDocument;
import org.encodertraces.result.ResultFiles;
import org.encodertraces.validity.Validity;

/**
 * Where in the network the traces live ({@code traces audit --layers}): the processing probes, and
 * the kNN gap where the dataset has classes, at every depth of each ONNX model. The depths are read
 * in one pass per image ({@link LayerEncoder}: every depth's pooled vector side by side in one
 * embedding set, {@code <dataset>__<OP>__<model>.layers}, or {@code .layers-<key>} for named tensors), under the operations of the audited tasks
 * (unmasked), and each depth is measured on its own columns with the audit's split, probe settings
 * and seeds, so the curve's last point is the audit's own embedding measured again. No image is in
 * its own training set: the probe and kNN split is the audit's image split at every depth.
 */
public final class LayerStage {
    /** Suffix of the model name in the layer sets' file names. */
    public static final String SUFFIX = ".layers";

    /** Opens a model of the audit read at several depths. */
    public interface Opener {
        LayerEncoder open(String model) throws IOException;
    }

    private LayerStage() {
    }

    /**
     * One task at one depth.
     *
     * @param layer the depth
     * @param task the task's name (JPEG, Sharpening, ...)
     * @param probe the processing probe at this depth
     * @param knn kNN under the five set-ups at this depth, or null (no classes, or too few images)
     */
    public record Point(LayerEncoder.Layer layer, String task, ProbeResult probe, KnnResult knn) {
    }

    /**
     * Every depth of one model.
     *
     * @param model the model's name
     * @param layers its depths, the encoder's own embedding last
     * @param points every task at every depth, by depth then task
     * @param images the images the curves rest on (present under every operation)
     * @param setName the model's part of its layer sets' names ({@code <model>.layers}, with the choice's key for named tensors)
     */
    public record Result(String model, List<LayerEncoder.Layer> layers, List<Point> points, int images, String setName) {
    }

    /** The unmasked tasks the plan probes, with their operations all in the plan. */
    static List<ProcessingTask> tasks(Audit.Plan plan, AuditConfig cfg) {
        List<String> ops = plan.operations().stream().map(o -> o.name()).toList();
        return cfg.tasks().stream().filter(t -> ops.containsAll(t.operations())
                && plan.steps().stream().anyMatch(s -> s.kind().equals("probe") && s.name().equals(Audit.taskName(t)))).toList();
    }

    /**
     * Runs the depth curves of every model of the plan.
     *
     * @param notes receives what could not be measured and why
     */
    public static List<Result> run(Audit.Plan plan, AuditConfig cfg, Path outDir, Opener opener, Audit.Listener listener, List<Note> notes)
            throws IOException, InterruptedException {
        List<ProcessingTask> tasks = tasks(plan, cfg);
        List<Result> out = new ArrayList<>();
        if (tasks.isEmpty()) {
            notes.add(Note.layers("layer curves skipped: no processing probe runs on this dataset"));
            return out;
        }
        Dataset ds = plan.dataset();
        List<org.encodertraces.process.ProcessingOp> ops = new ArrayList<>();
        for (ProcessingTask t : tasks) {
            for (String op : t.operations()) {
                if (ops.stream().noneMatch(o -> o.name().equals(op))) {
                    ops.add(org.encodertraces.process.ProcessingOp.parse(op));
                }
            }
        }
        Path embDir = outDir.resolve("embeddings");
        for (String model : cfg.models()) {
            String fileName;
            List<LayerEncoder.Layer> layers;
            boolean reference;
            listener.stage("layers: embedding " + ds.samples().size() + " images x " + ops.size() + " operations with " + model
                    + " at every depth");
            try (LayerEncoder enc = opener.open(model)) {
                layers = enc.layers();
                reference = enc.info().isReference();
                fileName = ModelRef.fileSafe(model) + SUFFIX + enc.choiceKey();
                Extraction.run(new Extraction.Job(ds, fileName, enc, ops, cfg.seed(), embDir, cfg.threads(), cfg.batchSize(),
                        Audit.SHARD_SIZE, new ImageDecoder(ImageDecoder.PILLOW_MAX_PIXELS, false)),
                        (d, t) -> listener.progress("layers " + model, d, t), Audit.holder(ds, cfg.models()));
            }
            AuditConfig mcfg = reference ? cfg.withProbe(cfg.probe().withNormalization(FeatureNormalization.STANDARD)) : cfg;
            Map<String, EmbeddingSet> sets = new LinkedHashMap<>();
            for (org.encodertraces.process.ProcessingOp op : ops) {
                sets.put(op.name(), EmbeddingSetIO.read(embDir.resolve(Extraction.setName(ds.name(), op, fileName) + ".safetensors")));
            }
            Result r = measure(model, layers, tasks, sets, ds.labelTensors().contains(Audit.LABEL), mcfg, listener, notes);
            out.add(new Result(r.model(), r.layers(), r.points(), r.images(), fileName));
        }
        return out;
    }

    /** Every task at every depth of one model's layer sets (by operation). */
    static Result measure(String model, List<LayerEncoder.Layer> layers, List<ProcessingTask> tasks, Map<String, EmbeddingSet> sets,
                          boolean semantic, AuditConfig cfg, Audit.Listener listener, List<Note> notes) {
        List<Point> points = new ArrayList<>();
        int images = Integer.MAX_VALUE;
        for (ProcessingTask t : tasks) {
            List<String> ops = t.operations();
            OperationSets a = OperationSets.common(ops, ops.stream().map(sets::get).toList());
            images = Math.min(images, a.ids().size());
            String name = Audit.taskName(t);
            String problem = Validity.probeProblem(a.ids().size(), cfg.testFraction());
            if (problem != null) {
                notes.add(Note.layers(model + ": layer curve of " + name + " skipped: " + problem));
                continue;
            }
            ProcessingProbe.ImageSplit split = ProcessingProbe.ImageSplit.random(a.ids().size(), cfg.testFraction(), cfg.seed());
            List<float[][]> all = a.rows();
            int[] labels = semantic ? Audit.toInt(a.label(Audit.LABEL)) : null;
            String knnProblem = semantic ? Validity.knnProblem(a.ids().size(), Validity.classes(labels), cfg.k(), cfg.testFraction()) : null;
            if (semantic && knnProblem != null) {
                notes.add(Note.layers(model + ": kNN gap over depth of " + name + " not measured: " + knnProblem));
            }
            for (LayerEncoder.Layer l : layers) {
                listener.stage(model + ": " + name + " at depth " + l.depth() + " of " + layers.size() + " (" + l.name() + ")");
                List<float[][]> rows = new ArrayList<>();
                for (float[][] m : all) {
                    rows.add(columns(m, l.offset(), l.dim()));
                }
                ProbeResult pr = new ProcessingProbe(cfg.probe()).run(name, ops, rows, split);
                KnnResult kr = null;
                if (semantic && knnProblem == null) {
                    List<KnnInfluence.OperationEmbeddings> oe = new ArrayList<>();
                    for (int o = 0; o < ops.size(); o++) {
                        FloatMatrix m = FloatMatrix.of(rows.get(o));
                        oe.add(new KnnInfluence.OperationEmbeddings(ops.get(o), m.selectRows(split.train()), m.selectRows(split.test())));
                    }
                    kr = new KnnInfluence(new KnnInfluence.Config(cfg.k(), cfg.uniformSeeds(), cfg.seed(), cfg.threads(), cfg.probe().protocol()))
                            .run(oe, Audit.pick(labels, split.train()), Audit.pick(labels, split.test()));
                }
                points.add(new Point(l, name, pr, kr));
            }
        }
        return new Result(model, layers, points, images == Integer.MAX_VALUE ? 0 : images, null);
    }

    private static float[][] columns(float[][] m, int offset, int dim) {
        float[][] out = new float[m.length][];
        for (int i = 0; i < m.length; i++) {
            out[i] = java.util.Arrays.copyOfRange(m[i], offset, offset + dim);
        }
        return out;
    }

    /**
     * Writes {@code results/<model>/layers.json} (a result document of kind {@code layers}: the depths,
     * every point with its counts as metrics, the parameters, the input sets with their sha256,
     * provenance) and {@code layers.csv} for each model.
     */
    public static List<Path> write(List<Result> results, Audit.Plan plan, AuditConfig cfg, Path outDir, Instant started) throws IOException {
        List<Path> written = new ArrayList<>();
        for (Result r : results) {
            List<Map<String, Object>> layers = new ArrayList<>();
            for (LayerEncoder.Layer l : r.layers()) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("depth", l.depth());
                o.put("tensor", l.name());
                o.put("pooling", l.pooling().name());
                o.put("dim", l.dim());
                o.put("columns", l.offset() + ".." + (l.offset() + l.dim() - 1));
                layers.add(o);
            }
            List<Map<String, Object>> points = new ArrayList<>();
            List<List<?>> rows = new ArrayList<>();
            for (Point p : r.points()) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("depth", p.layer().depth());
                o.put("tensor", p.layer().name());
                o.put("task", p.task());
                o.put("accuracy", p.probe().accuracyMean());
                o.put("accuracy_std", p.probe().accuracyStd());
                o.put("seeds", p.probe().repeats().size());
                o.put("chance", p.probe().chanceLevel());
                o.put("test_rows", p.probe().testSize());
                Double pos = null;
                Double neg = null;
                if (p.knn() != null) {
                    pos = p.knn().accuracy().get(KnnSetup.POS_SAME);
                    neg = p.knn().accuracy().get(KnnSetup.NEG_SAME);
                    o.put("knn_pos_same", pos);
                    o.put("knn_neg_same", neg);
                    o.put("knn_gap", pos - neg);
                    o.put("knn_queries", p.knn().queries());
                    o.put("k", p.knn().k());
                }
                points.add(o);
                rows.add(java.util.Arrays.asList(r.model(), p.layer().depth(), p.layer().name(), p.layer().dim(), p.task(),
                        p.probe().accuracyMean(), p.probe().accuracyStd(), p.probe().repeats().size(), p.probe().chanceLevel(),
                        p.probe().testSize(), pos, neg, pos == null ? null : pos - neg, p.knn() == null ? null : p.knn().queries()));
            }
            List<ResultDocument.Input> inputs = new ArrayList<>();
            Path embDir = outDir.resolve("embeddings");
            for (org.encodertraces.process.ProcessingOp op : plan.operations()) {
                Path f = embDir.resolve(Extraction.setName(plan.dataset().name(), op, r.setName()) + ".safetensors");
                if (java.nio.file.Files.exists(f)) {
                    inputs.add(new ResultDocument.Input("embeddings " + op.name() + " (every depth)", outDir.relativize(f).toString(),
                            Hashes.sha256(f)));
                }
            }
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("tasks", r.points().stream().map(Point::task).distinct().toList());
            params.put("test_fraction", cfg.testFraction());
            params.put("seed", cfg.seed());
            params.put("k", cfg.k());
            params.put("probe_trainer", cfg.probe().trainer().name());
            params.put("probe_normalization", cfg.probe().normalization().name());
            params.put("probe_trials", cfg.probe().trials());
            params.put("probe_seeds", cfg.probe().repeats());
            ResultDocument doc = ResultDocument.builder("layers").field("model", r.model()).field("images", r.images())
                    .field("layers", layers).parameters(params).inputs(inputs).metrics(points)
                    .provenance(ArtifactProvenance.between(started, Instant.now())).build();
            Path dir = outDir.resolve("results").resolve(ModelRef.fileSafe(r.model()));
            Path json = dir.resolve("layers.json");
            Path csv = dir.resolve("layers.csv");
            ResultFiles.write(doc, json, new ResultFiles.Table(List.of("model", "depth", "tensor", "dim", "task", "accuracy", "accuracy_std",
                    "seeds", "chance", "test_rows", "knn_pos_same", "knn_neg_same", "knn_gap", "knn_queries"), rows), csv);
            written.add(json);
            written.add(csv);
        }
        return written;
    }
}
