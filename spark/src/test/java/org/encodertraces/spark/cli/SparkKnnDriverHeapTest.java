package org.encodertraces.spark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.encodertraces.embed.EmbeddingSet;
import org.encodertraces.embed.EmbeddingSetIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code traces spark knn} over a database larger than its driver's heap: two operations' training sets
 * of 160,000 x 320 float32 rows (410 MB together, generated here) against a driver JVM started with
 * {@code -Xmx256m} in {@code local[2]}, where the executors run in the driver's JVM and share its heap:
 * the run completes (holding the database there would need 410 MB for the rows and as much again for
 * their normalised copy) because the executors read row ranges from the files in blocks of
 * {@link org.encodertraces.spark.SparkRowRangeKnn#BLOCK_BYTES}, and its knn.csv and knn.json figures are those of
 * {@code traces knn} in this JVM (3 GB heap), which holds the whole database.
 */
class SparkKnnDriverHeapTest {
    static final int N = 160_000;
    static final int D = 320;
    static final int NQ = 12;
    static final long DRIVER_HEAP = 256L << 20;

    @TempDir
    Path tmp;

    @Test
    void aDatabaseLargerThanTheDriversHeapNeverPassesThroughIt() throws Exception {
        SplittableRandom rnd = new SplittableRandom(11);
        List<String> args = new ArrayList<>();
        long databaseBytes = 0;
        List<String> idsTr = new ArrayList<>(N);
        long[] ytr = new long[N];
        for (int i = 0; i < N; i++) {
            idsTr.add("tr" + i);
            ytr[i] = i % 5;
        }
        List<String> idsTe = new ArrayList<>();
        long[] yte = new long[NQ];
        for (int i = 0; i < NQ; i++) {
            idsTe.add("te" + i);
            yte[i] = i % 5;
        }
        for (String op : new String[] {"A", "B"}) {
            // rows near their class's centre, so that the neighbours mean something; row 1000 + i repeats row i (ties)
            float[] centres = new float[5 * D];
            for (int j = 0; j < centres.length; j++) {
                centres[j] = (float) (rnd.nextDouble() * 2 - 1);
            }
            float[] tr = new float[N * D];
            for (int i = 0; i < N; i++) {
                for (int j = 0; j < D; j++) {
                    tr[i * D + j] = i >= 1000 && i < 1100 ? tr[(i - 1000) * D + j]
                            : centres[(i % 5) * D + j] + (float) (rnd.nextDouble() * 4 - 2);
                }
            }
            float[] te = new float[NQ * D];
            for (int i = 0; i < NQ; i++) {
                for (int j = 0; j < D; j++) {
                    te[i * D + j] = centres[(i % 5) * D + j] + (float) (rnd.nextDouble() * 4 - 2);
                }
            }
            Path ftr = tmp.resolve("train-" + op + ".safetensors");
            Path fte = tmp.resolve("test-" + op + ".safetensors");
            EmbeddingSetIO.write(ftr, new EmbeddingSet(N, D, tr, Map.of("label", ytr), idsTr, null));
            EmbeddingSetIO.write(fte, new EmbeddingSet(NQ, D, te, Map.of("label", yte), idsTe, null));
            databaseBytes += Files.size(ftr);
            args.addAll(List.of("--train", op + "=" + ftr, "--test", op + "=" + fte));
        }
        assertTrue(databaseBytes > DRIVER_HEAP * 3 / 2, "the database (" + databaseBytes + " bytes) is well over the driver's heap");
        args.addAll(List.of("-k", "7", "--uniform-seeds", "2", "--threads", "1"));

        Path viaSpark = tmp.resolve("spark");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + (DRIVER_HEAP >> 20) + "m", "-XX:+ExitOnOutOfMemoryError",
                "-Dlog4j2.configurationFile=org/encodertraces/spark/log4j2-cli.properties"));
        cmd.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(s -> s.startsWith("--add-opens") || s.startsWith("--add-modules")).toList());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.encodertraces.cli.TracesCli", "spark", "knn",
                "--master", "local[2]", "--partitions", "4",
                // Spark's memory manager refuses to start in a heap under 450 MB; this sizes its pools as if the heap
                // were 512 MB (only the cached-block and shuffle accounting, which this job does not use; the JVM's
                // -Xmx stays 256 MB)
                "--conf", "spark.testing.memory=" + (512L << 20), "-o", viaSpark.toString()));
        cmd.addAll(args);
        Path log = tmp.resolve("spark-knn.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean ended = p.waitFor(20, TimeUnit.MINUTES);
        if (!ended) {
            p.destroyForcibly().waitFor();
        }
        String text = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(ended, "spark knn did not end: " + text);
        assertTrue(!text.contains("OutOfMemoryError"), text);
        assertEquals(0, p.exitValue(), text);

        Path here = tmp.resolve("one");
        List<String> one = new ArrayList<>(List.of("knn", "-o", here.toString()));
        one.addAll(args);
        SparkCommandsTest.CliRun ref = SparkCommandsTest.CliRun.of(one.toArray(String[]::new));
        assertEquals(0, ref.exit(), ref.err());
        assertTrue(text.contains(ref.out().replace(here.toString(), viaSpark.toString())), "summary differs:\n" + text + "\n" + ref.out());
        assertEquals(-1L, Files.mismatch(here.resolve("knn.csv"), viaSpark.resolve("knn.csv")));
        assertFigures(here.resolve("knn.json"), viaSpark.resolve("knn.json"));
    }

    static void assertFigures(Path expected, Path actual) throws IOException {
        JsonNode a = new ObjectMapper().readTree(expected.toFile());
        JsonNode b = new ObjectMapper().readTree(actual.toFile());
        for (String field : new String[] {"metrics", "configurations", "parameters", "inputs"}) {
            assertTrue(a.has(field) && b.has(field), field);
            assertEquals(a.path(field), b.path(field), field + " differs");
        }
        assertTrue(a.toString().length() > 1000, "knn.json has its figures");
    }
}
