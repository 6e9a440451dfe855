package org.encodertraces.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.encodertraces.bench.KnnBench;
import org.encodertraces.bench.Machine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code traces bench-knn}: times the blocked top-k search on the data tools/reference/bench_knn.py generates ({@link KnnBench}). */
@Command(name = "bench-knn", header = "Benchmark: blocked top-k search, to compare with PyTorch (BENCHMARKS.md).", mixinStandardHelpOptions = true,
        description = {"Time TopK search (normalise, blocked dot products, running top-k) on DIR/queries.f32 and "
                        + "DIR/database.f32 written by tools/reference/bench_knn.py --generate, and compare the indices with "
                        + "DIR/torch_topk.npy when present. See BENCHMARKS.md."})
public final class BenchKnnCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "DIR", description = "folder with queries.f32, database.f32 and shape.json")
    Path dir;

    @Option(names = "--threads", converter = OptionValues.Threads.class, defaultValue = "0", description = "search threads (0 = number of cores)")
    int threads;

    @Option(names = "-k", defaultValue = "10", description = "neighbours (default ${DEFAULT-VALUE})")
    int k;

    @Option(names = "--repeats", defaultValue = "2", description = "timed runs (default ${DEFAULT-VALUE}); the first includes JIT warm-up")
    int repeats;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        try {
            KnnBench.requireInputs(dir);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e);
        }
        if (repeats < 1 || k < 1 || threads < 0) {
            throw new UsageException("--repeats and -k must be positive, --threads not negative");
        }
        KnnBench.Data data;
        try {
            data = KnnBench.read(dir);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e);
        }
        out.println(Machine.describe());
        Optional<KnnBench.Agreement> agreement = KnnBench.run(data, threads, k, repeats, r -> {
            out.printf(Locale.ROOT, "{\"impl\": \"java\", \"kernel\": \"%s\", \"tile\": \"%s\", \"fma\": %s, \"run\": %d, \"threads\": %d, "
                            + "\"normalize_s\": %.3f, \"search_s\": %.3f, \"gflops_search\": %.1f, \"cpu_s\": %.3f, \"gemm_peak_gflops\": %s, "
                            + "\"share_of_peak\": %s, \"gflops_per_cpu_s\": %s, \"share_of_peak_per_cpu_s\": %s}%n",
                    r.kernel(), r.tile(), r.fma(), r.run(), r.threads(), r.normalizeSeconds(), r.searchSeconds(), r.gflops(), r.cpuSeconds(),
                    orNull("%.1f", r.peakGflops()), orNull("%.3f", r.shareOfPeak()), orNull("%.1f", r.gflopsPerCpuSecond()),
                    orNull("%.3f", r.shareOfPeakPerCpuSecond()));
            out.flush();
        });
        agreement.ifPresent(a -> out.printf(Locale.ROOT, "agreement with torch: %d of %d ranked indices identical, top-1 %d of %d%n",
                a.same(), a.ranked(), a.sameTop1(), a.queries()));
        out.flush();
        return 0;
    }

    /** A number in JSON, or null where there is none (NaN). */
    private static String orNull(String format, double v) {
        return Double.isNaN(v) ? "null" : String.format(Locale.ROOT, format, v);
    }
}
