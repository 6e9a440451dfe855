package org.encodertraces.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.encodertraces.bench.EraseBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code traces bench-erase}: times the LEACE fit on the data tools/erase/bench_leace.py generates, beside numpy ({@link EraseBench}). */
@Command(name = "bench-erase", header = "Benchmark: LEACE fit, to compare with numpy (BENCHMARKS.md).", mixinStandardHelpOptions = true,
        description = {"Times Leace.fit on DIR/x_<D>.f32 with DIR/y.i32 (written by tools/erase/bench_leace.py --generate) "
                        + "and, when DIR/map_<D>.f64 (numpy's map, from bench_leace.py --run) is there, prints the largest "
                        + "difference of the maps."})
final class BenchEraseCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "DIR", description = "folder with shape.json, y.i32 and x_<D>.f32")
    Path dir;

    @Option(names = "--repeats", defaultValue = "2", description = "timed fits per D (default ${DEFAULT-VALUE}); the first includes JIT warm-up")
    int repeats;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        EraseBench.Data data = EraseBench.read(dir);
        out.printf(Locale.ROOT, "Java %s, %d processors%n", System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
        EraseBench.run(data, repeats, new EraseBench.Listener() {
            @Override
            public void fit(EraseBench.Fit f) {
                out.printf(Locale.ROOT, "ours LEACE fit N=%d D=%d: %.2f s wall, %.2f s CPU (run %d), rank %d%n", f.rows(), f.dim(), f.wallSeconds(),
                        f.cpuSeconds(), f.run(), f.rank());
                out.flush();
            }

            @Override
            public void comparison(int dim, double maxDifference) {
                out.printf(Locale.ROOT, "  max |map - numpy map| = %.3g%n", maxDifference);
            }
        });
        out.flush();
        return 0;
    }
}
