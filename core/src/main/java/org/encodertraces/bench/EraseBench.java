package org.encodertraces.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.encodertraces.erase.Concept;
import org.encodertraces.erase.Eraser;
import org.encodertraces.erase.Leace;

/**
 * The LEACE benchmark behind {@code traces bench-erase}: {@link Leace#fit} timed on the data that
 * {@code tools/erase/bench_leace.py --generate} writes ({@code shape.json}, {@code y.i32},
 * {@code x_<D>.f32}), and our map compared with numpy's ({@code map_<D>.f64}) when the script
 * wrote it.
 */
public final class EraseBench {
    private EraseBench() {
    }

    /**
     * The benchmark's data, read up to the embeddings (read per width when it is timed).
     *
     * @param dir the data folder
     * @param rows N
     * @param labels the class of each row
     * @param classes the class names, "0" to "K-1"
     * @param dims the embedding widths to time
     */
    public record Data(Path dir, int rows, int[] labels, List<String> classes, List<Integer> dims) {
    }

    /**
     * One timed fit.
     *
     * @param rows N
     * @param dim the embedding width D
     * @param run 1, 2, ... (the first includes JIT warm-up)
     * @param wallSeconds wall time
     * @param cpuSeconds CPU time of the whole process (JIT and GC threads included): on a loaded machine, less noisy than wall time
     * @param rank the eraser's rank
     */
    public record Fit(int rows, int dim, int run, double wallSeconds, double cpuSeconds, int rank) {
    }

    /** Receives the measurements as they are made. */
    public interface Listener {
        void fit(Fit fit);

        /** The largest absolute difference between our map and numpy's at this width. */
        void comparison(int dim, double maxDifference);
    }

    /** Reads {@code shape.json} and the labels. */
    public static Data read(Path dir) throws IOException {
        JsonNode shape = new ObjectMapper().readTree(dir.resolve("shape.json").toFile());
        int n = shape.get("rows").asInt();
        int k = shape.get("classes").asInt();
        ByteBuffer yb = read(dir.resolve("y.i32"), 4L * n);
        int[] y = new int[n];
        yb.asIntBuffer().get(y);
        List<String> classes = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            classes.add(Integer.toString(c));
        }
        List<Integer> dims = new ArrayList<>();
        for (JsonNode dn : shape.get("dims")) {
            dims.add(dn.asInt());
        }
        return new Data(dir, n, y, classes, dims);
    }

    /** Times {@code repeats} fits per width, then compares the last with numpy's map where there is one. */
    public static void run(Data data, int repeats, Listener listener) throws IOException {
        int n = data.rows();
        com.sun.management.OperatingSystemMXBean cpu =
                (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        for (int d : data.dims()) {
            float[] x = new float[Math.multiplyExact(n, d)];
            read(data.dir().resolve("x_" + d + ".f32"), 4L * n * d).asFloatBuffer().get(x);
            Eraser e = null;
            for (int r = 0; r < repeats; r++) {
                long t = System.nanoTime();
                long c = cpu.getProcessCpuTime();
                e = Leace.defaults().fit(x, n, d, List.of(new Concept("bench", "label", data.labels(), data.classes())));
                listener.fit(new Fit(n, d, r + 1, (System.nanoTime() - t) / 1e9, (cpu.getProcessCpuTime() - c) / 1e9, e.rank()));
            }
            Path ref = data.dir().resolve("map_" + d + ".f64");
            if (Files.exists(ref)) {
                double[] m = new double[d * d];
                read(ref, 8L * d * d).asDoubleBuffer().get(m);
                double[] ours = e.matrix();
                double worst = 0;
                for (int i = 0; i < m.length; i++) {
                    worst = Math.max(worst, Math.abs(ours[i] - m[i]));
                }
                listener.comparison(d, worst);
            }
        }
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
