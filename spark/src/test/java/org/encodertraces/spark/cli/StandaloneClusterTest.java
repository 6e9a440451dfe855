package org.encodertraces.spark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.encodertraces.spark.Requirements;
import org.encodertraces.spark.SparkDistribution;
import org.encodertraces.spark.cli.SparkCommandsTest.CliRun;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code traces spark standalone --workers 2 --cores 1} in a process of its own (a master and two
 * workers, each a JVM, and an executor JVM per worker for each job), with {@code traces spark
 * embed|knn --master spark://...} run against it from this JVM (the driver): our jars and ONNX
 * Runtime travel to the executors through {@code spark.jars}. Outputs are compared byte for byte with
 * {@code traces embed} / {@code traces knn}; an executor JVM is killed mid-job; stopping the command
 * must leave no JVM behind. Every JVM the test starts is killed at the end, whatever happened.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterTest {
    static final Pattern MASTER = Pattern.compile("Spark standalone master: (spark://127\\.0\\.0\\.1:\\d+)");
    static final Pattern LOGS = Pattern.compile("logs in (\\S+)");
    static final String MODEL = "mobilenetv2-int8";
    static final String OPS = "IDENTITY,JPEG75_420";

    @TempDir
    static Path tmp;
    static Path images;
    static Process cluster;
    static String master;
    static Path clusterDir;
    static final List<ProcessHandle> seen = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        Requirements.shared("models/mobilenetv2-12-int8.onnx");
        Path flowers = Requirements.shared("data/flowers17");
        images = tmp.resolve("mini");
        for (String c : new String[] {"bluebell", "buttercup", "coltsfoot"}) {
            Files.createDirectories(images.resolve(c));
            try (Stream<Path> s = Files.list(flowers.resolve(c))) {
                for (Path f : s.sorted().limit(6).toList()) {
                    Files.copy(f, images.resolve(c).resolve(f.getFileName()));
                }
            }
        }
        Files.writeString(images.resolve("coltsfoot/bad.jpg"), "not an image");
        assertFalse(SparkSession.getDefaultSession().isDefined(), "no Spark session may be running in this JVM before the test");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                "-D" + SparkDistribution.PROPERTY + "=" + System.getProperty(SparkDistribution.PROPERTY)));
        cmd.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(s -> s.startsWith("--add-opens") || s.startsWith("--add-modules")).toList());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.encodertraces.cli.TracesCli", "spark", "standalone",
                "--workers", "2", "--cores", "1", "--memory", "512m", "--daemon-memory", "160m"));
        Path out = tmp.resolve("standalone.out");
        cluster = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        seen.add(cluster.toHandle());
        String text = "";
        while (cluster.isAlive() && !text.contains("run jobs with:")) {
            Thread.sleep(200);
            text = Files.readString(out, StandardCharsets.UTF_8);
        }
        assertTrue(cluster.isAlive(), "traces spark standalone exited: " + Files.readString(out));
        Matcher m = MASTER.matcher(text);
        assertTrue(m.find(), text);
        master = m.group(1);
        Matcher l = LOGS.matcher(text);
        assertTrue(l.find(), text);
        clusterDir = Path.of(l.group(1)).getParent();
        assertTrue(text.contains("web UI: http://"), text);
        recordDescendants();
    }

    /** Remembers every process below the command, so that the end of the test can check (and make sure) they are gone. */
    static void recordDescendants() {
        if (cluster != null) {
            cluster.descendants().forEach(h -> {
                if (seen.stream().noneMatch(s -> s.pid() == h.pid())) {
                    seen.add(h);
                }
            });
        }
    }

    @AfterAll
    static void killEverything() {
        recordDescendants();
        for (ProcessHandle h : seen) {
            h.destroyForcibly();
        }
    }

    static List<ProcessHandle> executors() {
        recordDescendants();
        return cluster.descendants().filter(h -> h.info().arguments().map(a -> String.join(" ", a).contains("CoarseGrainedExecutorBackend"))
                .orElse(false)).toList();
    }

    static CliRun sparkEmbed(Path out) {
        return CliRun.of("spark", "embed", "--master", master, "--conf", "spark.executor.memory=512m", "--conf", "spark.ui.enabled=false",
                "--images", images.toString(), "--model", MODEL, "--processing", OPS, "--shard-size", "2", "--batch-size", "2",
                "--partitions", "9", "--quiet", "-o", out.toString());
    }

    static Path reference;

    static Path referenceEmbed() {
        if (reference == null) {
            reference = tmp.resolve("one");
            CliRun r = CliRun.of("embed", "--images", images.toString(), "--model", MODEL, "--processing", OPS, "--shard-size", "2",
                    "--batch-size", "2", "--threads", "1", "--quiet", "-o", reference.toString());
            assertEquals(1, r.exit(), r.err());
        }
        return reference;
    }

    /** Same files as one machine's, every byte equal but the run logs' and the lock's, and nothing else (no work folder or temporary). */
    static void assertSameAsOneMachine(Path spark) throws IOException {
        Path one = referenceEmbed();
        TreeSet<String> a = names(one);
        TreeSet<String> b = names(spark);
        assertEquals(a, b, "files written");
        for (String f : a) {
            if (!f.endsWith(".run.json") && !f.equals(".traces.lock")) { // run logs and the output lock's holder differ
                assertEquals(-1L, Files.mismatch(one.resolve(f), spark.resolve(f)), f + " differs from traces embed's");
            }
        }
        assertTrue(Files.readString(spark.resolve("mini__IDENTITY__" + MODEL + ".run.json")).contains(master), "run record names the master");
    }

    static TreeSet<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            TreeSet<String> t = new TreeSet<>();
            s.filter(p -> !p.equals(dir)).forEach(p -> t.add(dir.relativize(p).toString()));
            return t;
        }
    }

    /** Writes the kNN inputs: 3 operations, {@code n} database rows (some duplicated: ties), 40 queries, 4 classes. */
    static List<String> knnInputs(String name, int n) throws IOException {
        return KnnInputs.write(tmp.resolve(name), 11, n, 40, 32);
    }

    static CliRun knn(Path out, List<String> inputs) {
        List<String> a = new ArrayList<>(List.of("knn", "-o", out.toString()));
        a.addAll(inputs);
        return CliRun.of(a.toArray(String[]::new));
    }

    static CliRun sparkKnn(Path out, List<String> inputs) {
        List<String> a = new ArrayList<>(List.of("spark", "knn", "--master", master, "--conf", "spark.executor.memory=512m", "--conf",
                "spark.ui.enabled=false", "--partitions", "5", "-o", out.toString()));
        a.addAll(inputs);
        return CliRun.of(a.toArray(String[]::new));
    }

    static void assertSameKnn(Path one, Path spark, CliRun a, CliRun b) throws IOException {
        assertEquals(a.out().replace(one.toString(), "X"), b.out().replace(spark.toString(), "X"));
        assertEquals(-1L, Files.mismatch(one.resolve("knn.csv"), spark.resolve("knn.csv")), "knn.csv differs");
        JsonNode x = new ObjectMapper().readTree(one.resolve("knn.json").toFile());
        JsonNode y = new ObjectMapper().readTree(spark.resolve("knn.json").toFile());
        for (String field : new String[] {"metrics", "configurations", "parameters", "inputs"}) {
            assertEquals(x.path(field), y.path(field), field + " differs");
        }
        assertTrue(x.path("configurations").size() > 0, "knn.json has its figures");
    }

    @Test
    @Order(1)
    void embedAndKnnOnTheStandaloneClusterAreIdenticalToOneMachine() throws IOException {
        Path two = tmp.resolve("spark-embed");
        CliRun r = sparkEmbed(two);
        assertEquals(1, r.exit(), r.out() + r.err()); // 1: the bad image is a recorded failure
        assertTrue(r.out().contains("on Spark (" + master + ")") && r.out().contains("18 rows, 1 failed"), r.out());
        assertSameAsOneMachine(two);
        // the tasks ran in executor JVMs the workers started (their folders hold our shipped jars)
        try (Stream<Path> s = Files.walk(clusterDir)) {
            List<String> shipped = s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("onnxruntime") && n.endsWith(".jar"))
                    .toList();
            assertTrue(shipped.size() >= 1, "ONNX Runtime's jar was shipped to executors: " + shipped);
        }
        List<String> inputs = knnInputs("knn", 600);
        Path one = tmp.resolve("knn-one");
        CliRun a = knn(one, inputs);
        assertEquals(0, a.exit(), a.err());
        Path sk = tmp.resolve("knn-spark");
        CliRun b = sparkKnn(sk, inputs);
        assertEquals(0, b.exit(), b.out() + b.err());
        assertSameKnn(one, sk, a, b);
    }

    /** Runs {@code job} on another thread and kills one executor JVM when {@code midJob} first holds while the job still runs. */
    static CliRun killAnExecutorWhen(java.util.function.BooleanSupplier midJob, java.util.function.Supplier<CliRun> job) throws Exception {
        CompletableFuture<CliRun> run = CompletableFuture.supplyAsync(job);
        ProcessHandle killed = null;
        while (!run.isDone() && killed == null) {
            List<ProcessHandle> ex = executors();
            if (midJob.getAsBoolean() && !ex.isEmpty()) {
                killed = ex.get(0);
                killed.destroyForcibly();
                killed.onExit().get(60, TimeUnit.SECONDS);
            }
            Thread.sleep(10);
        }
        CliRun r = run.get(10, TimeUnit.MINUTES);
        assertTrue(killed != null, "the job ended before an executor could be killed: " + r.out() + r.err());
        assertFalse(killed.isAlive(), "the executor is gone");
        return r;
    }

    @Test
    @Order(2)
    void killingAnExecutorMidEmbedOrMidKnnLeavesTheOutputIdentical() throws Exception {
        Path two = tmp.resolve("spark-embed-kill");
        Path work = two.resolve(".work/spark/mini__" + MODEL);
        // mid-job: a partition has committed a shard (the job is running), the set is not assembled yet
        CliRun r = killAnExecutorWhen(() -> {
            try (Stream<Path> s = Files.exists(work) ? Files.walk(work) : Stream.empty()) {
                return s.anyMatch(p -> p.getFileName().toString().endsWith(".safetensors"))
                        && !Files.exists(two.resolve("mini__IDENTITY__" + MODEL + ".safetensors"));
            } catch (IOException | java.io.UncheckedIOException e) {
                return false;
            }
        }, () -> sparkEmbed(two));
        assertEquals(1, r.exit(), r.out() + r.err());
        assertSameAsOneMachine(two);

        List<String> inputs = knnInputs("knn-big", 20_000);
        Path one = tmp.resolve("knn-big-one");
        CliRun a = knn(one, inputs);
        assertEquals(0, a.exit(), a.err());
        Path sk = tmp.resolve("knn-big-spark");
        // mid-job: a job of the command has finished (the overlap check, then the top-k passes: each reads the database's row
        // ranges on the executors), the command has not
        CliRun b = killAnExecutorWhen(() -> SparkSession.getDefaultSession().isDefined()
                && SparkSession.getDefaultSession().get().sparkContext().statusTracker().getJobIdsForGroup(null).length >= 2
                && !Files.exists(sk.resolve("knn.json")), () -> sparkKnn(sk, inputs));
        assertEquals(0, b.exit(), b.out() + b.err());
        assertSameKnn(one, sk, a, b);
    }

    @Test
    @Order(3)
    void stoppingTheCommandStopsEveryJvmItStarted() throws Exception {
        recordDescendants();
        List<ProcessHandle> below = seen.stream().filter(h -> h.pid() != cluster.pid()).toList();
        assertTrue(below.stream().filter(ProcessHandle::isAlive).count() >= 3, "a master and two workers run: " + below);
        cluster.destroy(); // SIGTERM, as kill does; Ctrl-C's SIGINT runs the same shutdown hook
        assertTrue(cluster.waitFor(2, TimeUnit.MINUTES), "traces spark standalone did not stop");
        assertEquals(143, cluster.exitValue(), "killed by SIGTERM");
        for (ProcessHandle h : below) {
            h.onExit().get(1, TimeUnit.MINUTES);
            assertFalse(h.isAlive(), "process " + h.pid() + " " + h.info().commandLine().orElse("") + " outlived the cluster");
        }
        assertFalse(Files.exists(clusterDir), "the cluster's folder (SPARK_HOME, work, logs) was removed");
    }
}
