package org.encodertraces.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Map;
import java.util.Random;

/**
 * The training-step benchmark behind {@code traces bench-train}: forward, cross-entropy, backward
 * and SGD update of the residual CNN on random batches (no data pipeline), the figure that
 * {@code tools/bench/train_throughput.sh} sets beside the same network in PyTorch.
 */
public final class TrainingBench {
    private TrainingBench() {
    }

    /**
     * What was timed and how fast it ran.
     *
     * @param parameters the network's trainable parameters
     * @param batch images per step
     * @param steps timed steps
     * @param seconds their wall time
     */
    public record Result(long parameters, int batch, int steps, double seconds) {
        /** Milliseconds per step. */
        public double msPerStep() {
            return 1000 * seconds / steps;
        }

        /** Images per second. */
        public double imagesPerSecond() {
            return steps * batch / seconds;
        }
    }

    /**
     * Runs {@code warmup} untimed steps, then times {@code steps} (libtorch must be started, {@link Libtorch#start}).
     *
     * @param batch images per step, 10 random classes
     */
    public static Result run(Architecture arch, int batch, int steps, int warmup) {
        int size = arch.inputSize();
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
            return new Result(net.parameterCount(), batch, steps, (System.nanoTime() - t0) / 1e9);
        }
    }
}
