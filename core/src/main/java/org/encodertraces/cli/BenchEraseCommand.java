package org.encodertraces.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.encodertraces.erase.Concept;
import org.encodertraces.erase.Eraser;
import org.encodertraces.erase.Leace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code traces bench-erase}: times the LEACE fit on the data tools/erase/bench_leace.py generates, beside numpy. */
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
        JsonNode shape = new ObjectMapper().readTree(dir.resolve("shape.json").toFile());
        int n = shape.get("rows").asInt();
        int k = shape.get("classes").asInt();
        ByteBuffer yb = read(dir.resolve("y.i32"), 4L * n);
        int[] y = new int[n];
        yb.asIntBuffer().get(y);
        List<String> classes = new java.util.ArrayList<>();
        for (int c = 0; c < k; c++) {
            classes.add(Integer.toString(c));
        }
        out.printf(Locale.ROOT, "Java %s, %d processors%n", System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
        for (JsonNode dn : shape.get("dims")) {
            int d = dn.asInt();
            float[] x = new float[Math.multiplyExact(n, d)];
            read(dir.resolve("x_" + d + ".f32"), 4L * n * d).asFloatBuffer().get(x);
            Eraser e = null;
            // CPU seconds of the whole process (JIT and GC threads included): on a loaded machine, less noisy than wall time
            com.sun.management.OperatingSystemMXBean cpu =
                    (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            for (int r = 0; r < repeats; r++) {
                long t = System.nanoTime();
                long c = cpu.getProcessCpuTime();
                e = Leace.defaults().fit(x, n, d, List.of(new Concept("bench", "label", y, classes)));
                out.printf(Locale.ROOT, "ours LEACE fit N=%d D=%d: %.2f s wall, %.2f s CPU (run %d), rank %d%n", n, d, (System.nanoTime() - t) / 1e9,
                        (cpu.getProcessCpuTime() - c) / 1e9, r + 1, e.rank());
                out.flush();
            }
            Path ref = dir.resolve("map_" + d + ".f64");
            if (Files.exists(ref)) {
                double[] m = new double[d * d];
                read(ref, 8L * d * d).asDoubleBuffer().get(m);
                double[] ours = e.matrix();
                double worst = 0;
                for (int i = 0; i < m.length; i++) {
                    worst = Math.max(worst, Math.abs(ours[i] - m[i]));
                }
                out.printf(Locale.ROOT, "  max |map - numpy map| = %.3g%n", worst);
            }
        }
        out.flush();
        return 0;
    }

    private static ByteBuffer read(Path f, long bytes) throws IOException {
        if (Files.size(f) != bytes) {
            throw new IOException(f + ": " + Files.size(f) + " bytes, expected " + bytes);
        }
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(bytes)).order(ByteOrder.LITTLE_ENDIAN);
            while (b.hasRemaining() && ch.read(b) >= 0) {
                // fill
            }
            return b.flip();
        }
    }
}
