package org.encodertraces.probe;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import org.encodertraces.provenance.ArtifactProvenance;
import org.encodertraces.result.ResultDocument;
import org.encodertraces.result.ResultFiles;

/**
 * A {@link ProbeResult} as the project's result document ({@link ResultDocument}, written by {@link ResultFiles}) (inputs with their sha256,
 * parameters, seeds, metrics, per-class figures, search history, provenance) and a one-row CSV
 * of the headline numbers.
 */
public final class ResultWriter {
    private final ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** The result document. */
    public ResultDocument document(String experiment, ProbeResult r, List<ResultDocument.Input> inputs, Instant started, Instant finished) {
        ResultDocument.Builder doc = ResultDocument.builder(experiment);
        doc.field("task", r.task());
        doc.inputs(inputs);
        ProbeConfig c = r.config();
        ObjectNode p = mapper.createObjectNode();
        doc.parameters(p);
        p.put("protocol", c.protocol().label());
        p.put("protocol_draws", c.protocol() == org.encodertraces.rng.Protocol.STUDY
                ? "the study's: training operation per image np.random.default_rng(seed).choice(K, N); search draw with the search seed; "
                        + "validation hold-out per class by Python's random.shuffle after random.seed(search seed)"
                : "robust: training operation per image from SplittableRandom(seed); stratified validation hold-out from SplittableRandom(search seed)");
        p.put("search_seed", c.searchSeed());
        p.put("hyperparameters_fixed", c.fixed());
        p.put("trainer", c.trainer().name().toLowerCase(Locale.ROOT));
        p.put("normalization", c.normalization().name().toLowerCase(Locale.ROOT));
        p.put("trials", c.trials());
        p.put("sampler", c.sampler().name().toLowerCase(Locale.ROOT));
        p.put("val_fraction", c.valFraction());
        p.put("repeats", c.repeats());
        if (c.trainer() == TrainerKind.SGD) {
            p.put("epochs", c.epochs()).put("batch_size", c.batchSize()).put("momentum", 0.9).put("init", "zeros")
                    .put("lr_schedule", c.protocol() == org.encodertraces.rng.Protocol.STUDY
                            ? "the study's: after epoch e lr = 0.5 lr0 (1 + cos(pi e / E)), so epoch e >= 1 runs at cos(pi (e - 1) / E)"
                            : "cosine per epoch (CosineAnnealingLR, T_max = epochs)");
        } else {
            p.put("max_iterations", c.maxIterations()).put("tol", 1e-4).put("history", LogisticRegression.HISTORY)
                    .put("ftol", LogisticRegression.FTOL);
        }
        ObjectNode space = p.putObject("search_space");
        for (SearchSpace.Dimension d : c.trainer().searchSpace().dimensions()) {
            space.putObject(d.name()).put("low", d.low()).put("high", d.high()).put("scale", "log");
        }
        p.put("threads", c.threads());
        ObjectNode seeds = mapper.createObjectNode();
        doc.field("seeds", seeds);
        seeds.put("base", c.seed());
        ArrayNode rs = seeds.putArray("repeats");
        r.repeats().forEach(x -> rs.add(x.seed()));
        ObjectNode m = mapper.createObjectNode();
        doc.metrics(m);
        m.put("accuracy_mean", r.accuracyMean());
        m.put("accuracy_std", r.accuracyStd());
        m.put("mean_per_class_accuracy", r.metrics().meanPerClassAccuracy());
        m.put("chance", r.metrics().chance());
        m.put("majority_rate", r.metrics().majorityRate());
        m.put("train_size", r.trainSize()).put("search_train_size", r.searchTrainSize()).put("val_size", r.valSize())
                .put("test_size", r.testSize());
        ArrayNode perSeed = m.putArray("per_seed_accuracy");
        r.repeats().forEach(x -> perSeed.add(x.accuracy()));
        ArrayNode perSeedCorrect = m.putArray("per_seed_correct");
        r.repeats().forEach(x -> perSeedCorrect.add(x.correct()));
        ArrayNode reps = m.putArray("repeats");
        for (ProbeResult.Repeat x : r.repeats()) {
            reps.addObject().put("seed", x.seed()).put("correct", x.correct()).put("accuracy", x.accuracy()).put("mean_per_class_accuracy", x.meanPerClassAccuracy())
                    .put("iterations", x.iterations()).put("converged", x.converged()).put("objective", x.objective());
        }
        ArrayNode pc = mapper.createArrayNode();
        doc.field("per_class", pc);
        for (int k = 0; k < r.classNames().size(); k++) {
            ObjectNode o = pc.addObject().put("class", r.classNames().get(k)).put("support", r.metrics().support()[k]);
            double a = r.metrics().perClassAccuracy()[k];
            if (Double.isNaN(a)) {
                o.putNull("accuracy");
            } else {
                o.put("accuracy", a);
            }
        }
        ObjectNode cm = mapper.createObjectNode();
        doc.field("confusion_matrix", cm);
        cm.put("note", "rows true class, columns predicted, summed over repeats");
        ArrayNode rows = cm.putArray("counts");
        for (long[] row : r.metrics().confusion()) {
            ArrayNode a = rows.addArray();
            for (long v : row) {
                a.add(v);
            }
        }
        ObjectNode search = mapper.createObjectNode();
        doc.field("hyperparameter_search", search);
        search.put("fixed", c.fixed());
        search.set("best", mapper.valueToTree(new TreeMap<>(r.bestParams())));
        ArrayNode trials = search.putArray("trials");
        for (Trial t : r.trials()) {
            trials.addObject().put("number", t.number()).put("val_accuracy", t.score()).set("params", mapper.valueToTree(new TreeMap<>(t.params())));
        }
        ArrayNode notes = mapper.createArrayNode();
        r.notes().forEach(notes::add);
        doc.field("notes", notes);
        doc.provenance(ArtifactProvenance.between(started, finished));
        return doc.build();
    }

    /** The result document as a JSON tree. */
    public ObjectNode toJson(String experiment, ProbeResult r, List<ResultDocument.Input> inputs, Instant started, Instant finished) {
        return document(experiment, r, inputs, started, finished).toJson();
    }

    /** Writes {@code <stem>.json} and {@code <stem>.csv} into {@code dir}; returns the JSON path. */
    public Path write(Path dir, String stem, String experiment, ProbeResult r, List<ResultDocument.Input> inputs, Instant started, Instant finished)
            throws IOException {
        Path json = dir.resolve(stem + ".json");
        ResultFiles.write(document(experiment, r, inputs, started, finished), json, table(experiment, r), dir.resolve(stem + ".csv"));
        return json;
    }

    /** The columns of the headline CSV. */
    public static final List<String> CSV_HEADER = List.of("experiment", "task", "trainer", "normalization", "classes", "repeats",
            "accuracy_mean", "accuracy_std", "mean_per_class_accuracy", "chance", "majority_rate", "train_size", "test_size",
            "best_params", "protocol", "hyperparameters_fixed");

    /** The header line of the headline CSV. */
    public static String csvHeader() {
        return String.join(",", CSV_HEADER);
    }

    /** The headline CSV: one row. */
    public static ResultFiles.Table table(String experiment, ProbeResult r) {
        StringBuilder best = new StringBuilder();
        new TreeMap<>(r.bestParams()).forEach((k, v) -> best.append(best.length() == 0 ? "" : ";").append(k).append('=').append(v));
        ProbeConfig c = r.config();
        return new ResultFiles.Table(CSV_HEADER, List.of(List.of(experiment, r.task(), c.trainer().name().toLowerCase(Locale.ROOT),
                c.normalization().name().toLowerCase(Locale.ROOT), Integer.toString(r.classNames().size()), Integer.toString(r.repeats().size()),
                num(r.accuracyMean()), num(r.accuracyStd()), num(r.metrics().meanPerClassAccuracy()), num(r.metrics().chance()),
                num(r.metrics().majorityRate()), Integer.toString(r.trainSize()), Integer.toString(r.testSize()), best.toString(),
                c.protocol().label(), Boolean.toString(c.fixed()))));
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.6f", v);
    }

}
