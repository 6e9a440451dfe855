package org.encodertraces.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.encodertraces.bench.EmbedBench;
import org.encodertraces.bench.Machine;
import org.encodertraces.data.Dataset;
import org.encodertraces.embed.StageCosts;
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
 * pipeline's measured throughput beside it, in one run ({@link EmbedBench} measures; this prints
 * Markdown rows for BENCHMARKS.md).
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
        Dataset ds;
        try {
            if (limit < 1 || batchSize < 1 || repeats < 1 || threads < 0 || intraOpThreads < 0) {
                throw new IllegalArgumentException("--limit, --batch-size and --repeats must be positive, --threads and --intra-op-threads not negative");
            }
            ops = ProcessingOp.parseList(processing);
            models = Models.prepare(modelOptions, CliEnv.of(spec), List.of("mobilenetv2-int8"), n, spec.commandLine().getErr(), false);
            if (models.names().size() != 1) {
                throw new IllegalArgumentException("bench-embed times one --model at a time");
            }
            ds = EmbedBench.images(images, limit);
        } catch (IllegalArgumentException | java.io.IOException e) {
            throw new UsageException(e);
        }
        String model = models.names().get(0);
        o.println(Machine.describe());
        o.printf(Locale.ROOT, "set-up: %d images of %s, %d decode workers, ONNX Runtime %d intra-op threads, spinning %s, batch %d, %s%n",
                ds.samples().size(), images, n, intra, spinning ? "on" : "off", batchSize, ImageDecoder.decoderDescription());
        EmbedBench.run(ds, model, ops, new EmbedBench.Settings(n, batchSize, spinning, repeats), sp -> models.open(model, intra, sp),
                new EmbedBench.Listener() {
                    @Override
                    public void inference(StageCosts.Inference inf) {
                        o.printf(Locale.ROOT, "inference on ready tensors: %.1f images/s, %.2f CPU ms per image (%d images)%n",
                                inf.imagesPerSecond(), inf.cpuMsPerImage(), inf.images());
                        o.println();
                        o.printf("| model | operation | decode | operation | preprocess | inference | CPU ms/image | ideal on %d cores | measured"
                                + " | measured / ideal | pipeline CPU ms/image | machine idle | stage CPU / pipeline CPU |%n", n);
                        o.println("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
                        o.flush();
                    }

                    @Override
                    public void row(EmbedBench.Row r) {
                        StageCosts.Cpu c = r.cpu();
                        o.printf(Locale.ROOT, "| %s | %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.1f | %.1f | %.2f | %.2f | %.0f%% | %.2f |%n", r.model(),
                                r.op().name(), c.decodeMs(), c.operationMs(), c.preprocessMs(), r.inferenceCpuMs(), r.cpuMsPerImage(), r.ideal(),
                                r.measured(), r.ratio(), r.pipelineCpuMs(), 100 * r.idle(), r.efficiency());
                        o.flush();
                    }
                });
        return 0;
    }
}
