package org.encodertraces.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.concurrent.Callable;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.encodertraces.linalg.FloatMatrix;
import org.encodertraces.linalg.TopK;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code traces bench-knn}: times the blocked top-k search on the data tools/reference/bench_knn.py generates. */
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
        for (String f : new String[] {"shape.json", "queries.f32", "database.f32"}) {
            if (!Files.isRegularFile(dir.resolve(f))) {
                spec.commandLine().getErr().println("traces bench-knn: " + dir.resolve(f) + " not found: write the data with"
                        + " /usr/bin/python3 tools/reference/bench_knn.py --generate " + dir);
                return 2;
            }
        }
        if (repeats < 1 || k < 1 || threads < 0) {
            spec.commandLine().getErr().println("traces bench-knn: --repeats and -k must be positive, --threads not negative");
            return 2;
        }
        JsonNode shape = new ObjectMapper().readTree(dir.resolve("shape.json").toFile());
        int nq = shape.path("queries").asInt();
        int n = shape.path("database").asInt();
        int d = shape.path("dims").asInt();
        if (nq < 1 || n < 1 || d < 1) {
            spec.commandLine().getErr().println("traces bench-knn: " + dir.resolve("shape.json") + " must give positive queries, database and dims");
            return 2;
        }
        FloatMatrix q = new FloatMatrix(nq, d, readF32(dir.resolve("queries.f32"), nq * d));
        FloatMatrix x = new FloatMatrix(n, d, readF32(dir.resolve("database.f32"), Math.multiplyExact(n, d)));
        TopK search = new TopK(threads);
        double flops = 2.0 * nq * n * d;
        // CPU seconds of the whole process during the search: on a loaded machine, less noisy than wall time
        com.sun.management.OperatingSystemMXBean cpu =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        // the machine's fp32 GEMM peak, as tools/reference/bench_knn.py --run measured it (torch, 4096^3)
        Path peakFile = dir.resolve("gemm_peak.json");
        JsonNode peaks = Files.exists(peakFile) ? new ObjectMapper().readTree(peakFile.toFile()) : null;
        double peak = peaks == null ? Double.NaN : peaks.path("gemm_peak_gflops").asDouble(Double.NaN);
        // the same peak per busy core (one thread, CPU time): load-independent, compared with our GFLOP per CPU second
        double peakPerCpu = peaks == null ? Double.NaN : peaks.path("gemm_gflops_per_cpu_s").asDouble(Double.NaN);
        out.println(BenchMachine.describe());
        TopK.Result r = null;
        for (int rep = 0; rep < repeats; rep++) {
            long t0 = System.nanoTime();
            FloatMatrix qn = q.l2NormalizedRows();
            FloatMatrix xn = x.l2NormalizedRows();
            long c1 = cpu.getProcessCpuTime();
            long t1 = System.nanoTime();
            r = search.search(qn, xn, k);
            long t2 = System.nanoTime();
            long c2 = cpu.getProcessCpuTime();
            double s = (t2 - t1) / 1e9;
            out.printf(Locale.ROOT, "{\"impl\": \"java\", \"kernel\": \"%s\", \"tile\": \"%s\", \"fma\": %s, \"run\": %d, \"threads\": %d, \"normalize_s\": %.3f, \"search_s\": %.3f, \"gflops_search\": %.1f, \"cpu_s\": %.3f, \"gemm_peak_gflops\": %s, \"share_of_peak\": %s, \"gflops_per_cpu_s\": %s, \"share_of_peak_per_cpu_s\": %s}%n",
                    search.vectorKernel() ? "vector" : "portable", search.tile(), TopK.fusedMultiplyAdd(), rep + 1, search.threads(), (t1 - t0) / 1e9, s, flops / s / 1e9, (c2 - c1) / 1e9,
                    Double.isNaN(peak) ? "null" : String.format(Locale.ROOT, "%.1f", peak),
                    Double.isNaN(peak) ? "null" : String.format(Locale.ROOT, "%.3f", flops / s / 1e9 / peak),
                    c2 <= c1 ? "null" : String.format(Locale.ROOT, "%.1f", flops / ((c2 - c1) / 1e9) / 1e9),
                    // a search too short for the CPU clock's resolution has no rate to report
                    Double.isNaN(peakPerCpu) || c2 <= c1 ? "null"
                            : String.format(Locale.ROOT, "%.3f", flops / ((c2 - c1) / 1e9) / 1e9 / peakPerCpu));
            out.flush();
        }
        Path torch = dir.resolve("torch_topk.npy");
        if (r != null && Files.exists(torch)) {
            long[] ref = readNpyInt64(torch, nq * k);
            long same = 0;
            long sameTop1 = 0;
            for (int i = 0; i < nq; i++) {
                for (int j = 0; j < k; j++) {
                    same += r.index(i, j) == ref[i * k + j] ? 1 : 0;
                }
                sameTop1 += r.index(i, 0) == ref[i * k] ? 1 : 0;
            }
            out.printf(Locale.ROOT, "agreement with torch: %d of %d ranked indices identical, top-1 %d of %d%n",
                    same, (long) nq * k, sameTop1, nq);
        }
        out.flush();
        return 0;
    }

    private static float[] readF32(Path p, int count) throws IOException {
        float[] f = new float[count];
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            ByteBuffer b = ch.map(FileChannel.MapMode.READ_ONLY, 0, (long) count * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().get(f);
        }
        return f;
    }

    private static long[] readNpyInt64(Path p, int count) throws IOException {
        byte[] all = Files.readAllBytes(p);
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        int headerLen = b.getShort(8) & 0xffff;
        int offset = 10 + headerLen;
        long[] l = new long[count];
        b.position(offset);
        b.slice().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(l);
        return l;
    }
}
