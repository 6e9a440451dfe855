package org.encodertraces.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.encodertraces.data.Dataset;
import org.encodertraces.data.ImageFolders;
import org.encodertraces.embed.Extraction;
import org.encodertraces.embed.StageCosts;
import org.encodertraces.encoder.Encoder;
import org.encodertraces.image.ImageDecoder;
import org.encodertraces.process.ProcessingOp;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code traces bench-embed}: each extraction stage's CPU cost per image (decode, operation,
 * preprocess, inference), the throughput those costs allow on the cores given, and the whole
 * pipeline's measured throughput beside it, in one run. Why: the ratio of measured to ideal is
 * the pipeline's own overhead, which a raw throughput alone cannot show. Prints Markdown rows for
 * BENCHMARKS.md.
 */
@Command(name = "bench-embed", mixinStandardHelpOptions = true,
        description = {"Benchmark: per-image CPU cost of decode, processing operation, preprocessing and inference, the "
                        + "ideal throughput those costs allow on --threads cores, and the measured extraction throughput."})
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

    @Option(names = "--threads", converter = OptionValues.Threads.class, defaultValue = "0", description = "cores: decode workers, and ONNX Runtime threads unless --intra-op-threads (0 = cores)")
    int threads;

    @Option(names = "--intra-op-threads", defaultValue = "0", description = "ONNX Runtime intra-op threads (0 = --threads)")
    int intraOpThreads;

    @Option(names = "--spinning", description = "let ONNX Runtime's idle threads spin-wait (its own default; extraction turns it off)")
    boolean spinning;

    @Option(names = "--batch-size", defaultValue = "32")
    int batchSize;

    @Option(names = "--repeats", defaultValue = "1", description = "timed pipeline runs per operation (default ${DEFAULT-VALUE})")
    int repeats;

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        int intra = intraOpThreads > 0 ? intraOpThreads : n;
        Models models;
        List<ProcessingOp> ops;
        try {
            if (limit < 1 || batchSize < 1 || repeats < 1 || threads < 0 || intraOpThreads < 0) {
                throw new IllegalArgumentException("--limit, --batch-size and --repeats must be positive, --threads and --intra-op-threads not negative");
            }
            ops = ProcessingOp.parseList(processing);
            models = Models.prepare(modelOptions, CliEnv.of(spec), List.of("mobilenetv2-int8"), n, spec.commandLine().getErr(), false);
            if (models.names().size() != 1) {
                throw new IllegalArgumentException("bench-embed times one --model at a time");
            }
        } catch (IllegalArgumentException | java.io.IOException e) {
            spec.commandLine().getErr().println("traces bench-embed: " + e.getMessage());
            return 2;
        }
        String model = models.names().get(0);
        Dataset full;
        try {
            full = ImageFolders.open(images);
        } catch (IllegalArgumentException | java.io.IOException e) {
            spec.commandLine().getErr().println("traces bench-embed: " + e.getMessage());
            return 2;
        }
        if (full.samples().isEmpty()) {
            spec.commandLine().getErr().println("traces bench-embed: no images under " + images);
            return 2;
        }
        Dataset ds = new Dataset(full.name(), full.source(), full.samples().subList(0, Math.min(limit, full.samples().size())), full.labelNames());
        ImageDecoder decoder = new ImageDecoder(ImageDecoder.PILLOW_MAX_PIXELS, false);
        o.println(BenchMachine.describe());
        o.printf(Locale.ROOT, "set-up: %d images of %s, %d decode workers, ONNX Runtime %d intra-op threads, spinning %s, batch %d, %s%n",
                ds.samples().size(), images, n, intra, spinning ? "on" : "off", batchSize, ImageDecoder.decoderDescription());
        List<StageCosts.Cpu> cpu;
        StageCosts.Inference inf;
        // inference's cost is measured with sleeping idle threads whatever the pipeline uses:
        // a spinning thread's CPU time is not work, and would lower the ideal
        try (Encoder enc = models.open(model, intra, false)) {
            cpu = StageCosts.measure(ds.samples(), ops, decoder, enc.preprocessing(), 0, Math.min(64, ds.samples().size()));
            inf = StageCosts.inference(enc, batchSize, ds.samples().size());
        }
        try (Encoder enc = models.open(model, intra, spinning)) {
            o.printf(Locale.ROOT, "inference on ready tensors: %.1f images/s, %.2f CPU ms per image (%d images)%n",
                    inf.imagesPerSecond(), inf.cpuMsPerImage(), inf.images());
            o.println();
            o.printf("| model | operation | decode | operation | preprocess | inference | CPU ms/image | ideal on %d cores | measured | measured / ideal | pipeline CPU ms/image | machine idle | stage CPU / pipeline CPU |%n", n);
            o.println("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            o.flush();
            for (int k = 0; k < ops.size(); k++) {
                ProcessingOp op = ops.get(k);
                StageCosts.Cpu c = cpu.get(k);
                double ideal = StageCosts.ideal(n, c, inf);
                // one untimed run on a few images first: the pipeline's own code paths get compiled too
                Dataset warm = new Dataset(ds.name(), ds.source(), ds.samples().subList(0, Math.min(2 * batchSize, ds.samples().size())), ds.labelNames());
                extract(warm, model, enc, op, n, decoder);
                for (int rep = 0; rep < repeats; rep++) {
                    long[] m0 = BenchMachine.cpuTicks();
                    long c0 = StageCosts.processCpuNanos();
                    long t0 = System.nanoTime();
                    extract(ds, model, enc, op, n, decoder);
                    long t1 = System.nanoTime();
                    long c1 = StageCosts.processCpuNanos();
                    double idle = BenchMachine.idleShare(m0, BenchMachine.cpuTicks());
                    double ips = ds.samples().size() / ((t1 - t0) / 1e9);
                    o.printf(Locale.ROOT, "| %s | %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.1f | %.1f | %.2f | %.2f | %.0f%% | %.2f |%n", model, op.name(),
                            c.decodeMs(), c.operationMs(), c.preprocessMs(), inf.cpuMsPerImage(), c.totalMs() + inf.cpuMsPerImage(),
                            ideal, ips, ips / ideal, (c1 - c0) / 1e6 / ds.samples().size(), 100 * idle,
                            (c.totalMs() + inf.cpuMsPerImage()) / ((c1 - c0) / 1e6 / ds.samples().size()));
                    o.flush();
                }
            }
        }
        return 0;
    }

    private void extract(Dataset ds, String model, Encoder enc, ProcessingOp op, int n, ImageDecoder decoder) throws Exception {
        Path out = Files.createTempDirectory("traces-bench");
        try {
            Extraction.run(new Extraction.Job(ds, "bench", enc, List.of(op), 0, out, n, batchSize, 128, decoder), (d, t) -> { });
        } finally {
            try (Stream<Path> w = Files.walk(out)) {
                w.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
