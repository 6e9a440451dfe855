package org.encodertraces.embed;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.encodertraces.data.Sample;
import org.encodertraces.encoder.Encoder;
import org.encodertraces.encoder.FloatTensorBatch;
import org.encodertraces.encoder.PreprocessSpec;
import org.encodertraces.encoder.Preprocessor;
import org.encodertraces.image.ImageDecodeException;
import org.encodertraces.image.ImageDecoder;
import org.encodertraces.image.RgbImage;
import org.encodertraces.process.ProcessingOp;

/**
 * Measures what one image costs at each stage of {@link Extraction} (decode, processing
 * operation, preprocessing, inference), in CPU milliseconds, and the throughput those costs
 * allow on a number of cores. Why: a pipeline's measured throughput means little without the
 * ideal its own stages set, and the gap between the two is the pipeline's overhead.
 *
 * <p>Decode, operation and preprocessing are timed on the calling thread, one image after
 * another, as thread CPU time (so other processes' load does not inflate them); inference is the
 * process's CPU time while the encoder runs on ready tensors (every ONNX Runtime thread counted).
 */
public final class StageCosts {
    /**
     * CPU milliseconds per image of the CPU stages under one operation.
     *
     * @param decodeMs decoding the file to RGB
     * @param operationMs the processing operation (before and after the crop)
     * @param preprocessMs resize, centre crop and the normalised tensor
     * @param images images timed (those that decoded and processed)
     */
    public record Cpu(ProcessingOp op, double decodeMs, double operationMs, double preprocessMs, int images) {
        /** Sum of the three stages. */
        public double totalMs() {
            return decodeMs + operationMs + preprocessMs;
        }
    }

    /**
     * The encoder on ready tensors.
     *
     * @param imagesPerSecond wall-clock throughput
     * @param cpuMsPerImage process CPU milliseconds per image (all inference threads)
     * @param images images run
     */
    public record Inference(double imagesPerSecond, double cpuMsPerImage, int images) {
    }

    private StageCosts() {
    }

    /**
     * Times decode, each operation and preprocessing over the samples on this thread, after one
     * untimed pass over the first {@code warmup} samples (JIT compilation). Samples that fail are
     * left out of the means.
     */
    public static List<Cpu> measure(List<Sample> samples, List<ProcessingOp> ops, ImageDecoder decoder, PreprocessSpec spec,
                                    long seed, int warmup) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        int per = 3 * spec.cropSize() * spec.cropSize();
        float[] tensor = new float[per];
        long decode = 0;
        long[] operation = new long[ops.size()];
        long[] preprocess = new long[ops.size()];
        int[] counted = new int[ops.size()];
        int decoded = 0;
        for (int pass = 0; pass < 2; pass++) {
            List<Sample> list = pass == 0 ? samples.subList(0, Math.min(warmup, samples.size())) : samples;
            boolean timed = pass == 1;
            for (Sample sm : list) {
                long t0 = mx.getCurrentThreadCpuTime();
                RgbImage image;
                try {
                    image = decoder.decode(sm.file()).image();
                } catch (ImageDecodeException | RuntimeException e) {
                    continue;
                }
                long t1 = mx.getCurrentThreadCpuTime();
                if (timed) {
                    decode += t1 - t0;
                    decoded++;
                }
                for (int k = 0; k < ops.size(); k++) {
                    ProcessingOp op = ops.get(k);
                    try {
                        long a = mx.getCurrentThreadCpuTime();
                        RgbImage img = op.applyBeforeCrop(image, sm.id(), seed).image();
                        long b = mx.getCurrentThreadCpuTime();
                        RgbImage cropped = Preprocessor.resizeAndCrop(img, spec);
                        long c = mx.getCurrentThreadCpuTime();
                        if (op.hasAfterCropSteps()) {
                            cropped = op.applyAfterCrop(cropped, sm.id(), seed);
                        }
                        long d = mx.getCurrentThreadCpuTime();
                        Preprocessor.writeTensor(cropped, spec, tensor, 0);
                        long e = mx.getCurrentThreadCpuTime();
                        if (timed) {
                            operation[k] += (b - a) + (d - c);
                            preprocess[k] += (c - b) + (e - d);
                            counted[k]++;
                        }
                    } catch (RuntimeException e) {
                        // a failing image is the pipeline's to report; here it is simply not timed
                    }
                }
            }
        }
        List<Cpu> out = new ArrayList<>();
        for (int k = 0; k < ops.size(); k++) {
            out.add(new Cpu(ops.get(k), ms(decode, decoded), ms(operation[k], counted[k]), ms(preprocess[k], counted[k]),
                    counted[k]));
        }
        return out;
    }

    /**
     * Runs the encoder on batches of random tensors (one untimed batch first) until at least
     * {@code images} images have been embedded.
     */
    public static Inference inference(Encoder encoder, int batchSize, int images) {
        PreprocessSpec spec = encoder.preprocessing();
        int per = 3 * spec.cropSize() * spec.cropSize();
        float[] data = new float[batchSize * per];
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) r.nextGaussian();
        }
        FloatTensorBatch batch = new FloatTensorBatch(spec.tensorShape(batchSize), data);
        encoder.embed(batch);
        int batches = Math.max(1, (images + batchSize - 1) / batchSize);
        long c0 = processCpuNanos();
        long t0 = System.nanoTime();
        for (int b = 0; b < batches; b++) {
            encoder.embed(batch);
        }
        long t1 = System.nanoTime();
        long c1 = processCpuNanos();
        int n = batches * batchSize;
        return new Inference(n / ((t1 - t0) / 1e9), ms(c1 - c0, n), n);
    }

    /** Images per second that {@code cores} fully busy cores allow at these costs. */
    public static double ideal(int cores, Cpu cpu, Inference inference) {
        return cores * 1000.0 / (cpu.totalMs() + inference.cpuMsPerImage());
    }

    /** This process's CPU time so far, all threads (native ones included), in nanoseconds. */
    public static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static double ms(long nanos, int count) {
        return count == 0 ? Double.NaN : nanos / 1e6 / count;
    }
}
