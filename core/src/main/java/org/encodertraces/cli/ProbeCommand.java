package org.encodertraces.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.encodertraces.embed.EmbeddingSet;
import org.encodertraces.embed.EmbeddingSetIO;
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
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code traces probe}: linear probes on frozen embeddings predicting processing or acquisition. */
@Command(name = "probe", header = "Linear probe on embedding sets: processing or acquisition prediction.", mixinStandardHelpOptions = true,
        description = {"Linear probe (multinomial logistic regression) on frozen embeddings, with the study's protocol:",
                "hyper-parameter search on a validation set, refit on train+val, evaluation on the test set.",
                "Processing: --task T --set OP=FILE for each operation of the task (sets of the same images in the same order).",
                "Acquisition: --set FILE --split SPLIT.json (FlickrExif split format; ids map to the set's sample ids).",
                "Writes OUT/probe-<task>.json (inputs with sha256, parameters, seeds, metrics, per-class figures, provenance)",
                "and OUT/probe-<task>.csv (headline numbers). Exit status: 0 done, 2 bad usage or input."},
        footer = {"", "Tasks: jpeg (JPEG75_420 .. JPEG95_444), sharpening (JPEG95_444, SHARPEN_2, SHARPEN_4),",
                "resizing (JPEG95_444, RESIZE_HALF, RESIZE_DOUBLE), interpolation (INTERPOLATION_BILINEAR|BICUBIC|LANCZOS|BOX).",
                "Embedding sets: safetensors with 'image_embeddings' [N,D] and the JSON sidecar; a file without sidecar is read",
                "with row numbers as ids (or the --id-label tensor, e.g. 'Flickr ID')."})
public final class ProbeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--set", required = true, paramLabel = "[OP=]FILE",
            description = "embedding set; OP=FILE once per operation for a processing task, FILE alone with --split")
    List<String> sets;

    @Option(names = "--task", paramLabel = "TASK", description = "processing task: jpeg, sharpening, resizing, interpolation")
    String task;

    @Option(names = "--split", paramLabel = "FILE", description = "FlickrExif split JSON (acquisition probe)")
    Path split;

    @Option(names = "--id-label", paramLabel = "NAME", description = "label tensor holding the row ids (acquisition; default: the sidecar ids)")
    String idLabel;

    @Option(names = "--trainer", defaultValue = "sgd", description = "sgd (the study's default) or lbfgs (default ${DEFAULT-VALUE})")
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

    @Option(names = "--test-fraction", defaultValue = "0.2", description = "images held out for testing, seeded (processing; default ${DEFAULT-VALUE})")
    double testFraction;

    @Option(names = "--epochs", defaultValue = "100", description = "SGD epochs (default ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "1024", description = "SGD batch size (default ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--max-iter", defaultValue = "2000", description = "L-BFGS iteration limit (default ${DEFAULT-VALUE})")
    int maxIter;

    @Option(names = "--threads", defaultValue = "0", description = "worker threads (0 = number of cores; results do not depend on it)")
    int threads;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "OUTDIR", description = "output folder")
    Path out;

    @picocli.CommandLine.Mixin
    EraserOption erasure = new EraserOption();

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter outw = spec.commandLine().getOut();
        Instant started = Instant.now();
        try {
            boolean acquisition = split != null;
            if (acquisition == (task != null)) {
                throw new IllegalArgumentException("give either --task (processing) or --split (acquisition)");
            }
            int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
            ProbeConfig cfg = new ProbeConfig(FeatureNormalization.parse(norm), TrainerKind.parse(trainer), trials,
                    HyperparameterSearch.Sampler.parse(sampler), valFraction, seed, repeats != null ? repeats : acquisition ? 1 : 10,
                    n, epochs, batchSize, maxIter);
            List<ResultWriter.Input> inputs = new ArrayList<>();
            ProbeResult result;
            String name;
            if (acquisition) {
                if (sets.size() != 1 || sets.get(0).contains("=")) {
                    throw new IllegalArgumentException("an acquisition probe takes one --set FILE");
                }
                Path file = Path.of(sets.get(0));
                EmbeddingSet set = erasure.apply(read(file), file);
                FlickrExifSplit sp = FlickrExifSplit.read(split);
                erasure.requireUnseen(set, sp.test().ids(), "test photos");
                inputs.add(ResultWriter.Input.of("embeddings", file));
                inputs.add(ResultWriter.Input.of("split", split));
                List<String> ids = set.ids();
                if (idLabel != null) {
                    ids = new ArrayList<>();
                    for (long v : set.label(idLabel)) {
                        ids.add(Long.toString(v));
                    }
                }
                result = new AcquisitionProbe(cfg).run(matrix(set), ids, sp);
                name = sp.targetAttribute();
            } else {
                ProcessingTask t = ProcessingTask.parse(task);
                Map<String, Path> byOp = new LinkedHashMap<>();
                for (String s : sets) {
                    int eq = s.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("--set '" + s + "': a processing task needs OP=FILE");
                    }
                    byOp.put(s.substring(0, eq).trim().toUpperCase(Locale.ROOT), Path.of(s.substring(eq + 1)));
                }
                if (!byOp.keySet().equals(new java.util.HashSet<>(t.operations()))) {
                    throw new IllegalArgumentException("task " + t.name().toLowerCase(Locale.ROOT) + " needs sets for exactly "
                            + t.operations() + ", got " + byOp.keySet());
                }
                List<float[][]> matrices = new ArrayList<>();
                List<String> firstIds = null;
                String firstOp = null;
                EmbeddingSet firstSet = null;
                for (String op : t.operations()) {
                    Path f = byOp.get(op);
                    EmbeddingSet set = erasure.apply(read(f), f);
                    if (firstIds == null) {
                        firstSet = set;
                        firstIds = set.ids();
                        firstOp = op;
                    } else if (!firstIds.equals(set.ids())) {
                        throw new IllegalArgumentException(f + " (" + op + ") does not hold the same images in the same order as the "
                                + firstOp + " set (sample ids differ)");
                    }
                    matrices.add(matrix(set));
                    inputs.add(ResultWriter.Input.of("embeddings:" + op, f));
                }
                ProcessingProbe.ImageSplit images = ProcessingProbe.ImageSplit.random(firstIds.size(), testFraction, seed);
                List<String> testIds = new ArrayList<>();
                for (int i : images.test()) {
                    testIds.add(firstIds.get(i));
                }
                erasure.requireUnseen(firstSet, testIds, "test images");
                result = new ProcessingProbe(cfg).run(t.name().toLowerCase(Locale.ROOT), t.operations(), matrices, images);
                name = t.name().toLowerCase(Locale.ROOT);
            }
            if (erasure.active()) {
                inputs.add(ResultWriter.Input.of("eraser", erasure.file));
            }
            String stem = "probe-" + name.replaceAll("[^A-Za-z0-9._-]+", "_");
            Path json = new ResultWriter().write(out, stem, "probe", result, inputs, started, Instant.now());
            for (String note : result.notes()) {
                err.println("note: " + note);
            }
            outw.printf(Locale.ROOT, "%s: accuracy %.2f%% +- %.2f (%d repeats), mean per-class %.2f%%, chance %.2f%%; best %s; wrote %s%n",
                    name, 100 * result.accuracyMean(), 100 * result.accuracyStd(), result.repeats().size(),
                    100 * result.metrics().meanPerClassAccuracy(), 100 * result.metrics().chance(), result.bestParams(), json);
            outw.flush();
            return 0;
        } catch (IllegalArgumentException | IOException e) {
            err.println("traces probe: " + e.getMessage());
            err.flush();
            return 2;
        }
    }

    private static EmbeddingSet read(Path f) throws IOException {
        if (!Files.isRegularFile(f)) {
            throw new IOException(f + ": no such embedding set");
        }
        return Files.exists(EmbeddingSetIO.sidecarOf(f)) ? EmbeddingSetIO.read(f) : EmbeddingSetIO.readWithoutSidecar(f);
    }

    private static float[][] matrix(EmbeddingSet s) {
        float[][] x = new float[s.rows()][];
        for (int i = 0; i < x.length; i++) {
            x[i] = s.row(i);
        }
        return x;
    }
}
