package org.encodertraces.probe;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import org.encodertraces.provenance.ArtifactProvenance;

/**
 * Writes a {@link ProbeResult} as the project's result JSON (inputs with their sha256,
 * parameters, seeds, metrics, per-class figures, search history, provenance) and a one-row CSV
 * of the headline numbers.
 */
public final class ResultWriter {
    private final ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * An input file of the experiment.
     *
     * @param role   what it is (e.g. "embeddings:JPEG75_420", "split")
     * @param path   the path as given
     * @param sha256 hex digest of its bytes
     */
    public record Input(String role, String path, String sha256) {
        /** Describes a file, hashing its bytes. */
        public static Input of(String role, Path file) throws IOException {
            return new Input(role, file.toString(), ResultWriter.sha256(file));
        }
    }

    /** The result document as a JSON tree. */
    public ObjectNode toJson(String experiment, ProbeResult r, List<Input> inputs, Instant started, Instant finished) {
        ObjectNode root = mapper.createObjectNode();
        root.put("experiment", experiment);
        root.put("task", r.task());
        ArrayNode in = root.putArray("inputs");
        for (Input i : inputs) {
            in.addObject().put("role", i.role()).put("path", i.path()).put("sha256", i.sha256());
        }
        ProbeConfig c = r.config();
        ObjectNode p = root.putObject("parameters");
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
        ObjectNode seeds = root.putObject("seeds");
        seeds.put("base", c.seed());
        ArrayNode rs = seeds.putArray("repeats");
        r.repeats().forEach(x -> rs.add(x.seed()));
        ObjectNode m = root.putObject("metrics");
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
        ArrayNode pc = root.putArray("per_class");
        for (int k = 0; k < r.classNames().size(); k++) {
            ObjectNode o = pc.addObject().put("class", r.classNames().get(k)).put("support", r.metrics().support()[k]);
            double a = r.metrics().perClassAccuracy()[k];
            if (Double.isNaN(a)) {
                o.putNull("accuracy");
            } else {
                o.put("accuracy", a);
            }
        }
        ObjectNode cm = root.putObject("confusion_matrix");
        cm.put("note", "rows true class, columns predicted, summed over repeats");
        ArrayNode rows = cm.putArray("counts");
        for (long[] row : r.metrics().confusion()) {
            ArrayNode a = rows.addArray();
            for (long v : row) {
                a.add(v);
            }
        }
        ObjectNode search = root.putObject("hyperparameter_search");
        search.put("fixed", c.fixed());
        search.set("best", mapper.valueToTree(new TreeMap<>(r.bestParams())));
        ArrayNode trials = search.putArray("trials");
        for (Trial t : r.trials()) {
            trials.addObject().put("number", t.number()).put("val_accuracy", t.score()).set("params", mapper.valueToTree(new TreeMap<>(t.params())));
        }
        ArrayNode notes = root.putArray("notes");
        r.notes().forEach(notes::add);
        root.set("provenance", ArtifactProvenance.between(started, finished).toJsonNode());
        return root;
    }

    /** Writes {@code <stem>.json} and {@code <stem>.csv} into {@code dir}; returns the JSON path. */
    public Path write(Path dir, String stem, String experiment, ProbeResult r, List<Input> inputs, Instant started, Instant finished)
            throws IOException {
        Files.createDirectories(dir);
        Path json = dir.resolve(stem + ".json");
        mapper.writeValue(json.toFile(), toJson(experiment, r, inputs, started, finished));
        try (Writer w = Files.newBufferedWriter(dir.resolve(stem + ".csv"), StandardCharsets.UTF_8)) {
            w.write(csvHeader());
            w.write('\n');
            w.write(csvRow(experiment, r));
            w.write('\n');
        }
        return json;
    }

    /** Header of the headline CSV. */
    public static String csvHeader() {
        return "experiment,task,trainer,normalization,classes,repeats,accuracy_mean,accuracy_std,mean_per_class_accuracy,chance,"
                + "majority_rate,train_size,test_size,best_params,protocol,hyperparameters_fixed";
    }

    /** One CSV row of headline numbers. */
    public static String csvRow(String experiment, ProbeResult r) {
        StringBuilder best = new StringBuilder();
        new TreeMap<>(r.bestParams()).forEach((k, v) -> best.append(best.length() == 0 ? "" : ";").append(k).append('=').append(v));
        ProbeConfig c = r.config();
        return String.join(",", csv(experiment), csv(r.task()), c.trainer().name().toLowerCase(Locale.ROOT),
                c.normalization().name().toLowerCase(Locale.ROOT), Integer.toString(r.classNames().size()), Integer.toString(r.repeats().size()),
                num(r.accuracyMean()), num(r.accuracyStd()), num(r.metrics().meanPerClassAccuracy()), num(r.metrics().chance()),
                num(r.metrics().majorityRate()), Integer.toString(r.trainSize()), Integer.toString(r.testSize()), csv(best.toString()),
                c.protocol().label(), Boolean.toString(c.fixed()));
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.6f", v);
    }

    private static String csv(String s) {
        return org.encodertraces.io.Csv.field(s);
    }

    /** Hex sha256 of a file's bytes. */
    public static String sha256(Path file) throws IOException {
        return org.encodertraces.provenance.Hashes.sha256(file);
    }
}
