package org.encodertraces.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.encodertraces.data.Dataset;
import org.encodertraces.data.ImageFolders;
import org.encodertraces.embed.Extraction;
import org.encodertraces.encoder.Encoder;
import org.encodertraces.encoder.FloatTensorBatch;
import org.encodertraces.image.ImageDecoder;
import org.encodertraces.process.ProcessingOp;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code traces bench-embed}: extraction throughput against the encoder's raw ONNX Runtime
 * throughput on ready tensors, in one run, so the cost of decoding, processing and
 * preprocessing is visible. Prints a Markdown table for BENCHMARKS.md.
 */
@Command(name = "bench-embed", mixinStandardHelpOptions = true,
        description = "Benchmark: raw encoder throughput on pre-built tensors vs the full extraction pipeline (decode, process, preprocess, encode).")
public final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--images", required = true, description = "image folder")
    Path images;

    /** The encoder to time (default mobilenetv2-int8); any model reference. */
    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--processing", defaultValue = "IDENTITY,JPEG75_420,SHARPEN_4,INTERPOLATION_LANCZOS,MASK_90",
            description = "operations to time (default ${DEFAULT-VALUE})")
    String processing;

    @Option(names = "--limit", defaultValue = "256", description = "images to use (default ${DEFAULT-VALUE})")
    int limit;

    @Option(names = "--threads", defaultValue = "0", description = "threads (0 = cores)")
    int threads;

    @Option(names = "--batch-size", defaultValue = "32")
    int batchSize;

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        Models models;
        try {
            models = Models.prepare(modelOptions, CliEnv.of(spec), List.of("mobilenetv2-int8"), n, spec.commandLine().getErr(), false);
            if (models.names().size() != 1) {
                throw new IllegalArgumentException("bench-embed times one --model at a time");
            }
        } catch (IllegalArgumentException | java.io.IOException e) {
            spec.commandLine().getErr().println("traces bench-embed: " + e.getMessage());
            return 2;
        }
        String model = models.names().get(0);
        Dataset full = ImageFolders.open(images);
        Dataset ds = new Dataset(full.name(), full.source(), full.samples().subList(0, Math.min(limit, full.samples().size())), full.labelNames());
        try (Encoder enc = models.open(model)) {
            int per = 3 * enc.preprocessing().cropSize() * enc.preprocessing().cropSize();
            float[] data = new float[batchSize * per];
            SplittableRandom r = new SplittableRandom(1);
            for (int i = 0; i < data.length; i++) {
                data[i] = (float) r.nextGaussian();
            }
            FloatTensorBatch batch = new FloatTensorBatch(enc.preprocessing().tensorShape(batchSize), data);
            enc.embed(batch);
            int batches = Math.max(1, ds.samples().size() / batchSize);
            long t0 = System.nanoTime();
            for (int b = 0; b < batches; b++) {
                enc.embed(batch);
            }
            double raw = batches * batchSize / ((System.nanoTime() - t0) / 1e9);
            o.printf("| %s | raw ONNX Runtime on ready tensors (batch %d) | %d | %.1f |%n", model, batchSize, batches * batchSize, raw);
            for (ProcessingOp op : ProcessingOp.parseList(processing)) {
                Path out = Files.createTempDirectory("traces-bench");
                try {
                    long t1 = System.nanoTime();
                    Extraction.run(new Extraction.Job(ds, "bench", enc, List.of(op), 0, out, n, batchSize, 128, new ImageDecoder(ImageDecoder.PILLOW_MAX_PIXELS, false)),
                            (d, t) -> { });
                    double ips = ds.samples().size() / ((System.nanoTime() - t1) / 1e9);
                    o.printf("| %s | pipeline, %s | %d | %.1f |%n", model, op.name(), ds.samples().size(), ips);
                    o.flush();
                } finally {
                    try (Stream<Path> w = Files.walk(out)) {
                        w.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                    }
                }
            }
        }
        return 0;
    }
}
