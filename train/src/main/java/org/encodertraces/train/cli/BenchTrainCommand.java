package org.encodertraces.train.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import org.encodertraces.cli.UsageException;
import org.encodertraces.train.Architecture;
import org.encodertraces.train.Libtorch;
import org.encodertraces.train.TrainingBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code traces bench-train}: training-step throughput of the residual CNN on random batches
 * ({@link TrainingBench} times it), the figure that {@code tools/bench/train_throughput.sh} sets
 * beside the same network in PyTorch.
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
            throw new UsageException(e);
        }
        Map<String, String> engine = Libtorch.start(threads, Libtorch.defaultCache(System.getenv()));
        TrainingBench.Result r = TrainingBench.run(arch, batch, steps, warmup);
        o.printf(java.util.Locale.ROOT, "djl %s %s threads=%d %s params=%d batch=%d steps=%d: %.1f ms/step, %.0f img/s%n",
                engine.get("engine"), engine.get("libtorch"), threads, arch.label(), r.parameters(), r.batch(), r.steps(), r.msPerStep(),
                r.imagesPerSecond());
        o.flush();
        return 0;
    }
}
