package org.encodertraces.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import org.encodertraces.train.Architecture;
import org.encodertraces.train.Libtorch;
import org.encodertraces.train.ResNet;
import org.encodertraces.train.Training;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code traces bench-train}: training-step throughput of the residual CNN on random batches
 * (forward, cross-entropy, backward, SGD update; no data pipeline), the figure that
 * {@code tools/bench/train_throughput.sh} sets beside the same network in PyTorch.
 */
@Command(name = "bench-train", mixinStandardHelpOptions = true,
        header = "Benchmark: training steps of the residual CNN on random batches.",
        description = "Time training steps of the residual CNN on random batches (no data pipeline); see tools/bench/train_throughput.sh")
public final class BenchTrainCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--width", defaultValue = "16")
    int width;

    @Option(names = "--depth", defaultValue = "1")
    int depth;

    @Option(names = "--stages", defaultValue = "3")
    int stages;

    @Option(names = "--size", defaultValue = "32")
    int size;

    @Option(names = "--batch-size", defaultValue = "128")
    int batch;

    @Option(names = "--steps", defaultValue = "30", description = "timed steps (default ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--warmup", defaultValue = "5")
    int warmup;

    @Option(names = "--threads", defaultValue = "1")
    int threads;

    @Override
    public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        Architecture arch;
        try {
            arch = new Architecture("resnet", width, depth, stages, size);
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("traces bench-train: " + e.getMessage());
            return 2;
        }
        Map<String, String> engine = Libtorch.start(threads, Libtorch.defaultCache(System.getenv()));
        Random r = new Random(0);
        float[] x = new float[batch * 3 * size * size];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        long[] y = new long[batch];
        for (int i = 0; i < batch; i++) {
            y[i] = r.nextInt(10);
        }
        try (NDManager root = NDManager.newBaseManager(); ResNet net = new ResNet(arch, 10, 0, root)) {
            Map<String, NDArray> momentum = Training.zeroMomentum(net, root);
            for (int i = 0; i < warmup; i++) {
                Training.step(net, momentum, root, x, y, 0.01f, 0.9f, 5e-4f);
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                Training.step(net, momentum, root, x, y, 0.01f, 0.9f, 5e-4f);
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            o.printf(java.util.Locale.ROOT, "djl %s %s threads=%d %s params=%d batch=%d steps=%d: %.1f ms/step, %.0f img/s%n",
                    engine.get("engine"), engine.get("libtorch"), threads, arch.label(), net.parameterCount(), batch, steps,
                    1000 * secs / steps, steps * batch / secs);
        }
        o.flush();
        return 0;
    }
}
