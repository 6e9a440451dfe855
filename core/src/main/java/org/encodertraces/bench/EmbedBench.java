package org.encodertraces.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.encodertraces.data.Dataset;
import org.encodertraces.data.ImageFolders;
import org.encodertraces.embed.Extraction;
import org.encodertraces.embed.StageCosts;
import org.encodertraces.encoder.Encoder;
import org.encodertraces.image.ImageDecoder;
import org.encodertraces.process.ProcessingOp;

/**
 * The extraction benchmark behind {@code traces bench-embed}: each stage's CPU cost per image
 * (decode, operation, preprocess, inference), the throughput those costs allow on the cores
 * given, and the whole pipeline's measured throughput beside it. Why: the ratio of measured to
 * ideal is the pipeline's own overhead, which a raw throughput alone cannot show.
 */
public final class EmbedBench {
    private EmbedBench() {
    }

    /** Opens the encoder under test, with its idle ONNX Runtime threads spin-waiting or sleeping. */
    public interface Encoders {
        Encoder open(boolean spinning) throws IOException;
    }

    /**
     * How the pipeline runs.
     *
     * @param workers decode workers (the cores the ideal is computed for)
     * @param batchSize images per encoder call
     * @param spinning whether the timed pipeline's idle ONNX Runtime threads spin-wait
     * @param repeats timed pipeline runs per operation
     */
    public record Settings(int workers, int batchSize, boolean spinning, int repeats) {
    }

    /**
     * One timed pipeline run of one operation.
     *
     * @param model the encoder's name
     * @param cpu the stage costs of the operation, per image
     * @param inferenceCpuMs inference's CPU time per image, on ready tensors
     * @param ideal the images per second the stage costs allow on {@link Settings#workers()} cores
     * @param measured the images per second the pipeline reached
     * @param pipelineCpuMs the CPU time the whole process spent per image during the run
     * @param idle the share of all cores' time that was idle during the run (NaN where unknown)
     */
    public record Row(String model, StageCosts.Cpu cpu, double inferenceCpuMs, double ideal, double measured, double pipelineCpuMs,
                      double idle) {
        /** The operation timed. */
        public ProcessingOp op() {
            return cpu.op();
        }

        /** The stages' CPU cost per image, inference included. */
        public double cpuMsPerImage() {
            return cpu.totalMs() + inferenceCpuMs;
        }

        /** Measured throughput over the ideal. */
        public double ratio() {
            return measured / ideal;
        }

        /** The stages' cost over what the pipeline spent: the pipeline's CPU efficiency. */
        public double efficiency() {
            return cpuMsPerImage() / pipelineCpuMs;
        }
    }

    /** Receives the measurements as they are made. */
    public interface Listener {
        /** Inference on ready tensors, measured before the pipeline runs. */
        void inference(StageCosts.Inference inference);

        /** One timed pipeline run. */
        void row(Row row);
    }

    /**
     * The first {@code limit} images of a folder.
     *
     * @throws IllegalArgumentException when the folder holds none
     */
    public static Dataset images(Path folder, int limit) throws IOException {
        Dataset full = ImageFolders.open(folder);
        if (full.samples().isEmpty()) {
            throw new IllegalArgumentException("no images under " + folder);
        }
        return new Dataset(full.name(), full.source(), full.samples().subList(0, Math.min(limit, full.samples().size())), full.labelNames());
    }

    /** The decoder the benchmark times (Pillow's pixel limit, no lossless output). */
    public static ImageDecoder decoder() {
        return new ImageDecoder(ImageDecoder.PILLOW_MAX_PIXELS, false);
    }

    /**
     * Measures the stage costs of every operation, then times the pipeline on each, {@code repeats} times.
     *
     * @param model the encoder's name in the rows
     */
    public static void run(Dataset ds, String model, List<ProcessingOp> ops, Settings s, Encoders encoders, Listener listener) throws Exception {
        ImageDecoder decoder = decoder();
        List<StageCosts.Cpu> cpu;
        StageCosts.Inference inf;
        // inference's cost is measured with sleeping idle threads whatever the pipeline uses:
        // a spinning thread's CPU time is not work, and would lower the ideal
        try (Encoder enc = encoders.open(false)) {
            cpu = StageCosts.measure(ds.samples(), ops, decoder, enc.preprocessing(), 0, Math.min(64, ds.samples().size()));
            inf = StageCosts.inference(enc, s.batchSize(), ds.samples().size());
        }
        try (Encoder enc = encoders.open(s.spinning())) {
            listener.inference(inf);
            for (int k = 0; k < ops.size(); k++) {
                ProcessingOp op = ops.get(k);
                StageCosts.Cpu c = cpu.get(k);
                double ideal = StageCosts.ideal(s.workers(), c, inf);
                // one untimed run on a few images first: the pipeline's own code paths get compiled too
                Dataset warm = new Dataset(ds.name(), ds.source(), ds.samples().subList(0, Math.min(2 * s.batchSize(), ds.samples().size())),
                        ds.labelNames());
                extract(warm, enc, op, s, decoder);
                for (int rep = 0; rep < s.repeats(); rep++) {
                    long[] m0 = Machine.cpuTicks();
                    long c0 = StageCosts.processCpuNanos();
                    long t0 = System.nanoTime();
                    extract(ds, enc, op, s, decoder);
                    long t1 = System.nanoTime();
                    long c1 = StageCosts.processCpuNanos();
                    double idle = Machine.idleShare(m0, Machine.cpuTicks());
                    double ips = ds.samples().size() / ((t1 - t0) / 1e9);
                    listener.row(new Row(model, c, inf.cpuMsPerImage(), ideal, ips, (c1 - c0) / 1e6 / ds.samples().size(), idle));
                }
            }
        }
    }

    /** One extraction of one operation into a temporary folder, deleted after. */
    private static void extract(Dataset ds, Encoder enc, ProcessingOp op, Settings s, ImageDecoder decoder) throws Exception {
        Path out = Files.createTempDirectory("traces-bench");
        try {
            Extraction.run(new Extraction.Job(ds, "bench", enc, List.of(op), 0, out, s.workers(), s.batchSize(), 128, decoder), (d, t) -> { });
        } finally {
            try (Stream<Path> w = Files.walk(out)) {
                w.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
