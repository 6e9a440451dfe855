package org.encodertraces.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.encodertraces.linalg.FloatMatrix;
import org.encodertraces.linalg.TopK;

/**
 * The kNN search benchmark behind {@code traces bench-knn}: our blocked top-k search (normalise,
 * blocked dot products, running top-k) timed on the queries and database that
 * {@code tools/reference/bench_knn.py --generate} writes, set against the machine's fp32 GEMM peak
 * and PyTorch's indices when the script measured them.
 */
public final class KnnBench {
    /** The files the data folder must hold. */
    public static final List<String> INPUTS = List.of("shape.json", "queries.f32", "database.f32");

    private KnnBench() {
    }

    /**
     * The data of one benchmark.
     *
     * @param queries the query rows
     * @param database the database rows
     * @param peakGflops the machine's fp32 GEMM peak as the script measured it, or NaN
     * @param peakGflopsPerCpuSecond the same peak per busy core (one thread, CPU time), or NaN
     * @param torchTopK PyTorch's top-k indices ({@code torch_topk.npy}), or null when absent
     */
    public record Data(FloatMatrix queries, FloatMatrix database, double peakGflops, double peakGflopsPerCpuSecond, Path torchTopK) {
    }

    /**
     * One timed search.
     *
     * @param run 1, 2, ...
     * @param kernel {@code vector} or {@code portable}
     * @param tile the register tile
     * @param fma whether the JVM fuses multiply and add
     * @param threads the search threads
     * @param normalizeSeconds wall time of the L2 normalisation
     * @param searchSeconds wall time of the search
     * @param gflops the search's GFLOP/s (2 x queries x database x dims per search)
     * @param cpuSeconds CPU time of the whole process during the search
     * @param peakGflops the GEMM peak, or NaN
     * @param shareOfPeak {@code gflops} over the peak, or NaN without one
     * @param gflopsPerCpuSecond GFLOP per CPU second, or NaN when the search was too short for the CPU clock
     * @param shareOfPeakPerCpuSecond that over the per-core peak, or NaN
     */
    public record Run(int run, String kernel, String tile, boolean fma, int threads, double normalizeSeconds, double searchSeconds,
                      double gflops, double cpuSeconds, double peakGflops, double shareOfPeak, double gflopsPerCpuSecond,
                      double shareOfPeakPerCpuSecond) {
    }

    /**
     * How far our ranked indices agree with PyTorch's.
     *
     * @param same ranked indices identical
     * @param ranked all ranked indices (queries x k)
     * @param sameTop1 queries whose first neighbour is the same
     * @param queries all queries
     */
    public record Agreement(long same, long ranked, long sameTop1, long queries) {
    }

    /**
     * Refuses a data folder that lacks one of {@link #INPUTS}, saying how to write it.
     *
     * @throws IllegalArgumentException naming the missing file
     */
    public static void requireInputs(Path dir) {
        for (String f : INPUTS) {
            if (!Files.isRegularFile(dir.resolve(f))) {
                throw new IllegalArgumentException(dir.resolve(f) + " not found: write the data with"
                        + " /usr/bin/python3 tools/reference/bench_knn.py --generate " + dir);
            }
        }
    }

    /**
     * Reads the data folder.
     *
     * @throws IllegalArgumentException when {@code shape.json} does not give positive sizes
     */
    public static Data read(Path dir) throws IOException {
        JsonNode shape = new ObjectMapper().readTree(dir.resolve("shape.json").toFile());
        int nq = shape.path("queries").asInt();
        int n = shape.path("database").asInt();
        int d = shape.path("dims").asInt();
        if (nq < 1 || n < 1 || d < 1) {
            throw new IllegalArgumentException(dir.resolve("shape.json") + " must give positive queries, database and dims");
        }
        FloatMatrix q = new FloatMatrix(nq, d, readF32(dir.resolve("queries.f32"), nq * d));
        FloatMatrix x = new FloatMatrix(n, d, readF32(dir.resolve("database.f32"), Math.multiplyExact(n, d)));
        // the machine's fp32 GEMM peak, as tools/reference/bench_knn.py --run measured it (torch, 4096^3)
        Path peakFile = dir.resolve("gemm_peak.json");
        JsonNode peaks = Files.exists(peakFile) ? new ObjectMapper().readTree(peakFile.toFile()) : null;
        double peak = peaks == null ? Double.NaN : peaks.path("gemm_peak_gflops").asDouble(Double.NaN);
        // the same peak per busy core (one thread, CPU time): load-independent, compared with our GFLOP per CPU second
        double peakPerCpu = peaks == null ? Double.NaN : peaks.path("gemm_gflops_per_cpu_s").asDouble(Double.NaN);
        Path torch = dir.resolve("torch_topk.npy");
        return new Data(q, x, peak, peakPerCpu, Files.exists(torch) ? torch : null);
    }

    /**
     * Times the search {@code repeats} times (the first includes JIT warm-up), handing each run to
     * {@code each}; then compares the last run's indices with PyTorch's when they are there.
     */
    public static Optional<Agreement> run(Data data, int threads, int k, int repeats, Consumer<Run> each) throws IOException {
        FloatMatrix q = data.queries();
        FloatMatrix x = data.database();
        int nq = q.rows();
        TopK search = new TopK(threads);
        double flops = 2.0 * nq * x.rows() * q.cols();
        // CPU seconds of the whole process during the search: on a loaded machine, less noisy than wall time
        com.sun.management.OperatingSystemMXBean cpu =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        double peak = data.peakGflops();
        double peakPerCpu = data.peakGflopsPerCpuSecond();
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
            double gflops = flops / s / 1e9;
            // a search too short for the CPU clock's resolution has no rate to report
            double perCpu = c2 <= c1 ? Double.NaN : flops / ((c2 - c1) / 1e9) / 1e9;
            each.accept(new Run(rep + 1, search.vectorKernel() ? "vector" : "portable", search.tile(), TopK.fusedMultiplyAdd(),
                    search.threads(), (t1 - t0) / 1e9, s, gflops, (c2 - c1) / 1e9, peak, Double.isNaN(peak) ? Double.NaN : gflops / peak,
                    perCpu, Double.isNaN(peakPerCpu) || c2 <= c1 ? Double.NaN : perCpu / peakPerCpu));
        }
        if (r == null || data.torchTopK() == null) {
            return Optional.empty();
        }
        long[] ref = readNpyInt64(data.torchTopK(), nq * k);
        long same = 0;
        long sameTop1 = 0;
        for (int i = 0; i < nq; i++) {
            for (int j = 0; j < k; j++) {
                same += r.index(i, j) == ref[i * k + j] ? 1 : 0;
            }
            sameTop1 += r.index(i, 0) == ref[i * k] ? 1 : 0;
        }
        return Optional.of(new Agreement(same, (long) nq * k, sameTop1, nq));
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
