package org.encodertraces.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.encodertraces.data.Dataset;
import org.encodertraces.embed.Extraction;
import org.encodertraces.encoder.Encoder;
import org.encodertraces.encoder.EncoderFactory;
import org.encodertraces.encoder.ExecutionProvider;
import org.encodertraces.encoder.ModelRef;
import org.encodertraces.image.ImageDecoder;
import org.encodertraces.process.ProcessingOp;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code traces embed}: extract embedding sets per (dataset, processing, model). */
@Command(name = "embed", mixinStandardHelpOptions = true,
        description = {"Embed a folder of images with one or more encoders under one or more processing operations.",
                "Writes OUT/<dataset>__<OP>__<model>.safetensors (image_embeddings [N,D] + label tensors) with a "
                        + ".json sidecar (provenance, ids in row order), a .failures.tsv and a .run.json. Work is committed in "
                        + "shards: re-running the same command after an interruption finishes the job with identical output.",
                "Exit status: 0 all images embedded, 1 some images failed, 2 bad usage or model."})
public final class EmbedCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--images", required = true, paramLabel = "DATASET", description = "a dataset: image folder (class subfolders give the 'label' tensor; a flat folder gets EXIF label tensors), a CSV/TSV manifest with a 'path' column and label columns, or a kind:path spec (imagenet-val:ROOT, inat:FILE.json, paircams:TABLE.parquet, flickrexif:TABLE.parquet, ...)")
    Path images;

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--processing", defaultValue = "IDENTITY", paramLabel = "OP[,OP...]", description = "processing operations (default ${DEFAULT-VALUE})")
    String processing;

    @Option(names = {"-o", "--out"}, converter = OptionValues.OutputPath.class, required = true, paramLabel = "DIR", description = "output folder")
    Path out;

    @Option(names = "--seed", defaultValue = "0", description = "seed for per-image random processing (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--threads", converter = OptionValues.Threads.class, defaultValue = "0", description = "decode/processing threads and ONNX Runtime intra-op threads (0 = cores)")
    int threads;

    @Option(names = "--batch-size", defaultValue = "32", description = "images per encoder call (default ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--shard-size", defaultValue = "128", description = "images per committed shard (default ${DEFAULT-VALUE})")
    int shardSize;

    @Option(names = "--gpu", description = "use the CUDA execution provider (needs the build with -Pgpu)")
    boolean gpu;

    @Option(names = "--quiet", description = "no progress bar")
    boolean quiet;

    @Option(names = "--force", description = "recompute sets already in OUT that were made with another seed, processing, model or dataset (otherwise refused)")
    boolean force;

    @Option(names = "--memory-budget", paramLabel = "SIZE", converter = ByteSize.class,
            description = "heap that images being decoded and processed may take together, e.g. 2g or 800m (default: 75%% of the Java heap; the heap is set by TRACES_JAVA_OPTS=-Xmx...)")
    long memoryBudget;

    @Option(names = "--max-pixels", defaultValue = "178956970", description = "refuse larger images (default ${DEFAULT-VALUE})")
    long maxPixels;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter o = spec.commandLine().getOut();
        try {
            CliErrors.checkOutputFolder("-o", out);
            org.encodertraces.io.OutputLock.checkFree(out);
        } catch (IllegalArgumentException | java.io.IOException e) {
            throw new UsageException(e);
        }
        List<ProcessingOp> ops;
        Dataset dataset;
        List<EncoderFactory.Prepared> prepared;
        int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        EncoderFactory.Settings settings;
        try {
            Map<String, String> env = CliEnv.of(spec);
            List<ModelRef> refs = modelOptions.parse(env, List.of());
            ops = ProcessingOp.parseList(processing);
            settings = ModelOptions.settings(env, n, gpu ? ExecutionProvider.CUDA : ExecutionProvider.CPU, err, quiet);
            prepared = EncoderFactory.prepareAll(refs, settings);
            dataset = DatasetArgs.open(images, err);
        } catch (IllegalArgumentException | java.io.IOException e) {
            throw new UsageException(e);
        }
        int failed = 0;
        for (EncoderFactory.Prepared model : prepared) {
            List<Extraction.Output> outputs;
            String name = model.ref().name();
            try (Encoder encoder = EncoderFactory.open(model, settings)) {
                o.printf("embedding %d images of %s with %s under %d operation(s) -> %s%n", dataset.samples().size(), dataset.name(),
                        name, ops.size(), out);
                o.flush();
                Extraction.Job job = new Extraction.Job(dataset, model.ref().fileName(), encoder, ops, seed, out, n,
                        batchSize, shardSize, new ImageDecoder(maxPixels, false), memoryBudget, force);
                try (Progress p = Progress.of(CliEnv.of(spec), err, "embed " + name, (long) dataset.samples().size() * ops.size(), quiet);
                     Interruption i = Interruption.announce(err, "traces embed: interrupted; rerun the same command to resume"
                             + " (committed shards are kept)")) {
                    outputs = Extraction.run(job, p::set);
                }
            } catch (IllegalArgumentException | java.io.IOException | org.encodertraces.encoder.EncoderException e) {
                throw new UsageException(name + ": " + e.getMessage(), e);
            }
            for (Extraction.Output r : outputs) {
                String note = r.reused() ? " (already complete: reused, made with the same seed, processing, model and dataset)"
                        : r.resumedShards() > 0 ? " (resumed: " + r.resumedShards() + " of " + r.shards()
                        + " shard(s) reused from the interrupted run)" : "";
                o.printf("  %s: %d rows, %d failed%s%n", r.file(), r.rows(), r.failed(), note);
                failed += r.failed();
            }
        }
        o.printf("done: %d failure(s) in total%s%n", failed, failed > 0 ? " (see the .failures.tsv files)" : "");
        o.flush();
        return failed == 0 ? 0 : 1;
    }
}
