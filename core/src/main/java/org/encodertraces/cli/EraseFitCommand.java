package org.encodertraces.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.encodertraces.embed.EmbeddingSet;
import org.encodertraces.embed.OperationSets;
import org.encodertraces.erase.EncoderIdentity;
import org.encodertraces.erase.EraseMethod;
import org.encodertraces.erase.EraserFile;
import org.encodertraces.erase.ErasureFit;
import org.encodertraces.erase.FitData;
import org.encodertraces.probe.ProcessingProbe;
import org.encodertraces.probe.ProcessingTask;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code traces erase fit}: fits an eraser on the training images of embedding sets and writes it with its sidecar. */
@Command(name = "fit", header = "Fit a trace eraser (LEACE or INLP) on the training images of embedding sets.", mixinStandardHelpOptions = true,
        description = {"Processing concept: --task T --set OP=FILE for each operation of the task; a row's label is the "
                        + "operation of its set.",
                "Acquisition (or any label) concept: --set FILE --label-tensor NAME (rows labelled -1 are left out). "
                        + "Both may be given:",
                "LEACE erases all concepts at once. Only training images are used: the images traces probe would "
                        + "test on with the same --test-fraction and --seed are held out (probe, knn and retrieval --eraser "
                        + "refuse to evaluate on fitted images).",
                "--all-images fits on every image (to apply the eraser to another dataset of the same encoder).",
                "Exit status: 0 written, 2 bad usage or input."})
final class EraseFitCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Mixin
    EraseMethodOptions methodOptions = new EraseMethodOptions();

    @Option(names = "--task", paramLabel = "TASK", description = "processing concept: jpeg, sharpening, resizing, interpolation")
    String task;

    @Option(names = "--set", required = true, paramLabel = "[OP=]FILE", description = "embedding set; OP=FILE per operation of --task")
    List<String> sets;

    @Option(names = "--label-tensor", paramLabel = "NAME", description = "an integer label tensor to erase as a concept (repeatable)")
    List<String> labelTensors = new ArrayList<>();

    @Option(names = "--test-fraction", defaultValue = "0.2", description = "images held out, as traces probe splits them (default ${DEFAULT-VALUE})")
    double testFraction;

    @Option(names = "--seed", defaultValue = "0", description = "seed of the held-out split, as traces probe's (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--all-images", description = "fit on every image (nothing held out)")
    boolean allImages;

    @Option(names = "--split", paramLabel = "SPLIT.json",
            description = "fit on the train and val ids of a FlickrExif split (as traces probe --split uses it) instead of a random split")
    Path split;

    @Option(names = "--threads", converter = OptionValues.Threads.class, defaultValue = "0", description = "INLP probe threads (0 = number of cores)")
    int threads;

    @Option(names = {"-o", "--out"}, converter = OptionValues.OutputPath.class, required = true, paramLabel = "ERASER.safetensors", description = "the eraser file (sidecar .json beside it)")
    Path out;

    @Override
    public Integer call() {
        PrintWriter outw = spec.commandLine().getOut();
        Instant started = Instant.now();
        try {
            int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
            ErasureFit.Options o = methodOptions.options(seed, n);
            EraseMethod m = o.method();
            OperationSets ts = TaskSets.read(sets);
            List<String> ops;
            String taskName = null;
            if (task != null) {
                ProcessingTask t = ProcessingTask.parse(task);
                ops = t.operations();
                taskName = t.name().toLowerCase(Locale.ROOT);
                if (!new java.util.HashSet<>(ts.operations()).equals(new java.util.HashSet<>(ops))) {
                    throw new IllegalArgumentException("task " + taskName + " needs sets for exactly " + ops + ", got " + ts.operations());
                }
            } else {
                if (ts.operations().size() != 1 || labelTensors.isEmpty()) {
                    throw new IllegalArgumentException("give --task with --set OP=FILE per operation, or one --set FILE with --label-tensor NAME");
                }
                ops = ts.operations();
            }
            List<EmbeddingSet> list = TaskSets.of(ts, ops, taskName);
            EmbeddingSet first = list.get(0);
            int[] images = allImages ? null : ProcessingProbe.ImageSplit.random(first.rows(), testFraction, seed).train();
            if (split != null) {
                org.encodertraces.probe.FlickrExifSplit sp = org.encodertraces.probe.FlickrExifSplit.read(split);
                java.util.Set<String> fitIds = new java.util.HashSet<>(sp.train().ids());
                fitIds.addAll(sp.val().ids());
                images = java.util.stream.IntStream.range(0, first.rows()).filter(i -> fitIds.contains(first.ids().get(i))).toArray();
                if (images.length == 0) {
                    throw new IllegalArgumentException(split + ": none of its train/val ids is a sample id of " + ts.file(ops.get(0)));
                }
            }
            FitData data = FitData.of(taskName != null ? ops : null, taskName, list, labelTensors, images);
            EncoderIdentity id = EncoderIdentity.of(first);
            for (int i = 1; i < list.size(); i++) {
                id.requireSame(EncoderIdentity.of(list.get(i)), ts.file(ops.get(0)), ts.file(ops.get(i)));
            }
            String manifest = first.provenance().manifestSha256();
            String heldOut = split != null ? "the test ids of " + split.getFileName()
                    : allImages ? "none (--all-images)" : "test fraction " + testFraction + ", seed " + seed + " (as traces probe splits images)";
            EraserFile fitted = ErasureFit.fit(o, data, id, manifest, TaskSets.fitInputs(ts, ops), heldOut, started);
            // the fitted images by real identity: sample ids, or file sha256 and row for sets without a sidecar
            // (whose ids are only row numbers, the same in a train file and its val file)
            EraserFile ef = new EraserFile(fitted.eraser(), fitted.encoder(),
                    org.encodertraces.validity.SampleIdentity.keys(list, data.imageIds()), fitted.datasetSha256(), fitted.description());
            ef.write(out);
            outw.printf(Locale.ROOT, "%s eraser for %s: rank %d of D=%d, fitted on %d images (%d rows) of %s; wrote %s%n", m.id(),
                    String.join(", ", ef.conceptNames()), ef.eraser().rank(), ef.eraser().dim(), data.imageIds().size(), data.rows(),
                    id.model().isEmpty() ? "an unnamed model" : id.model(), out);
            outw.flush();
            return 0;
        } catch (IllegalArgumentException | IOException e) {
            throw new UsageException(e);
        }
    }
}
