package org.encodertraces.spark.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import org.encodertraces.cli.ByteSize;
import org.encodertraces.cli.CliEnv;
import org.encodertraces.cli.DatasetArgs;
import org.encodertraces.cli.ModelOptions;
import org.encodertraces.cli.Progress;
import org.encodertraces.cli.UsageException;
import org.encodertraces.data.Dataset;
import org.encodertraces.encoder.Encoder;
import org.encodertraces.encoder.EncoderException;
import org.encodertraces.encoder.EncoderFactory;
import org.encodertraces.encoder.ExecutionProvider;
import org.encodertraces.encoder.ModelRef;
import org.encodertraces.process.ProcessingOp;
import org.encodertraces.spark.HadoopFiles;
import org.encodertraces.spark.SparkDatasetSource;
import org.encodertraces.spark.SparkEmbed;
import org.encodertraces.spark.SparkModelSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code traces spark embed}: {@code traces embed} with the images partitioned over a Spark cluster. */
@Command(name = "embed", mixinStandardHelpOptions = true,
        description = {"Embed a dataset on Spark: the samples are cut into partitions of whole shards, each partition is "
                        + "extracted on an executor with the same pipeline as 'traces embed', and the driver assembles the "
                        + "parts into OUT/<dataset>__<OP>__<model>.safetensors + .json + .failures.tsv: byte-identical to "
                        + "'traces embed' (only the .run.json differs). OUT may be any Hadoop file system path (file:, hdfs:, "
                        + "s3a:, ...). Re-running after a failure reuses finished partitions (and, on a local or mounted OUT, "
                        + "the shards of an unfinished one).",
                "Exit status: 0 all images embedded, 1 some images failed, 2 bad usage or model."})
public final class SparkEmbedCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--images", required = true, paramLabel = "DATASET",
            description = "a dataset as 'traces embed' takes it (folder, manifest, zip:ARCHIVE!/PREFIX, kind:path); every executor must see it at the same path")
    String images;

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    SparkOptions sparkOptions;

    @Option(names = "--processing", defaultValue = "IDENTITY", paramLabel = "OP[,OP...]", description = "processing operations (default ${DEFAULT-VALUE})")
    String processing;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR", description = "output folder: a local path or a Hadoop URI (hdfs://..., s3a://...)")
    String out;

    @Option(names = "--seed", defaultValue = "0", description = "seed for per-image random processing (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--threads", defaultValue = "1", description = "decode threads and ONNX Runtime intra-op threads per task (default ${DEFAULT-VALUE}: Spark gives each task one core)")
    int threads;

    @Option(names = "--partitions", defaultValue = "0", description = "partitions (each a run of whole shards; default 0: four per core of the cluster)")
    int partitions;

    @Option(names = "--batch-size", defaultValue = "32", description = "images per encoder call (default ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--shard-size", defaultValue = "128", description = "images per committed shard (default ${DEFAULT-VALUE})")
    int shardSize;

    @Option(names = "--gpu", description = "use the CUDA execution provider on the executors (needs the build with -Pgpu)")
    boolean gpu;

    @Option(names = "--quiet", description = "no progress bar")
    boolean quiet;

    @Option(names = "--force", description = "recompute sets already in OUT that were made with another seed, processing, model or dataset")
    boolean force;

    @Option(names = "--memory-budget", paramLabel = "SIZE", converter = ByteSize.class,
            description = "heap per task for images being decoded and processed (default: 75%% of the executor's heap)")
    long memoryBudget;

    @Option(names = "--max-pixels", defaultValue = "178956970", description = "refuse larger images (default ${DEFAULT-VALUE})")
    long maxPixels;

    @Option(names = "--fail-partition", hidden = true, defaultValue = "-1",
            description = "test hook: the first attempt of this partition fails after committing its first shard")
    int failPartition;

    @Option(names = "--fail-attempts", hidden = true, defaultValue = "1", description = "test hook: how many attempts of --fail-partition fail")
    int failAttempts;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter o = spec.commandLine().getOut();
        Map<String, String> env = CliEnv.of(spec);
        List<ModelRef> refs;
        Dataset dataset;
        List<EncoderFactory.Prepared> prepared;
        EncoderFactory.Settings settings;
        try {
            if (threads < 1) {
                throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
            }
            refs = modelOptions.parse(env, List.of());
            ProcessingOp.parseList(processing);
            settings = ModelOptions.settings(env, threads, gpu ? ExecutionProvider.CUDA : ExecutionProvider.CPU, err, quiet);
            prepared = EncoderFactory.prepareAll(refs, settings);
            dataset = DatasetArgs.open(Path.of(images), err);
        } catch (IllegalArgumentException | IOException e) {
            throw new UsageException(e);
        }
        int failed = 0;
        try (SparkSessions spark = SparkSessions.open(sparkOptions.master, sparkOptions.conf, "traces spark embed")) {
            JavaSparkContext sc = spark.context();
            HadoopFiles dir = HadoopFiles.of(out, sc.hadoopConfiguration());
            int parts = partitions > 0 ? partitions : 4 * sc.defaultParallelism();
            Map<String, String> shipEnv = new TreeMap<>();
            env.forEach((k, v) -> {
                if (k.startsWith("TRACES_") || k.startsWith("HF_")) {
                    shipEnv.put(k, v);
                }
            });
            for (int m = 0; m < refs.size(); m++) {
                EncoderFactory.Prepared model = prepared.get(m);
                String name = model.ref().name();
                String shipped = null;
                if (model.file() != null && !sc.isLocal()) {
                    shipped = ship(sc, model.file());
                }
                SparkModelSource source = new SparkModelSource(refs.get(m), shipEnv, gpu,
                        model.file() == null ? null : model.file().toAbsolutePath().toString(), shipped);
                SparkEmbed.Config config = new SparkEmbed.Config(new SparkDatasetSource(images), source, model.ref().fileName(),
                        processing, seed, dir, threads, batchSize, shardSize, maxPixels, memoryBudget, force, parts, failPartition, failAttempts);
                List<SparkEmbed.Output> outputs;
                try (Encoder encoder = EncoderFactory.open(model, settings)) {
                    o.printf("embedding %d images of %s with %s on Spark (%s) -> %s%n", dataset.samples().size(), dataset.name(),
                            name, sc.master(), dir.uri());
                    o.flush();
                    try (Progress p = new Progress(err, "spark embed " + name + " (partitions)", 1, quiet)) {
                        outputs = SparkEmbed.run(sc, config, dataset, encoder, p::set);
                    }
                } catch (EncoderException e) {
                    throw new UsageException(name + ": " + e.getMessage(), e);
                }
                for (SparkEmbed.Output r : outputs) {
                    String note = r.reused() ? " (already complete: reused, made with the same seed, processing, model and dataset)"
                            : " (" + r.partitions() + " partition(s)" + (r.resumedPartitions() > 0
                            ? ", " + r.resumedPartitions() + " reused from an earlier run" : "") + (r.resumedShards() > 0
                            ? ", " + r.resumedShards() + " shard(s) resumed" : "") + ")";
                    o.printf("  %s: %d rows, %d failed%s%n", r.file(), r.rows(), r.failed(), note);
                    failed += r.failed();
                }
            }
        } catch (IllegalArgumentException | IOException e) {
            throw new UsageException(e);
        } catch (Exception e) {
            if (!(e instanceof org.apache.spark.SparkException)) {
                throw e;
            }
            throw new UsageException("the Spark job failed: " + rootMessage(e)
                    + "\n  rerun the same command to resume (finished partitions are kept)", e);
        }
        o.printf("done: %d failure(s) in total%s%n", failed, failed > 0 ? " (see the .failures.tsv files)" : "");
        o.flush();
        return failed == 0 ? 0 : 1;
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        return t == e ? m.lines().findFirst().orElse(m) : t.toString();
    }

    /** Adds the model file (and its external-data siblings) to the context once; returns its name there. */
    private static String ship(JavaSparkContext sc, Path file) throws IOException {
        String base = file.getFileName().toString();
        try (var siblings = Files.list(file.toAbsolutePath().getParent())) {
            for (Path s : siblings.filter(s -> s.getFileName().toString().startsWith(base + ".")).toList()) {
                sc.addFile(s.toAbsolutePath().toString());
            }
        }
        sc.addFile(file.toAbsolutePath().toString());
        return base;
    }
}
