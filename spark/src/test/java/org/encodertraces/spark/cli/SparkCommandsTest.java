package org.encodertraces.spark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.spark.sql.SparkSession;
import org.encodertraces.cli.TracesCli;
import org.encodertraces.embed.EmbeddingSet;
import org.encodertraces.embed.EmbeddingSetIO;
import org.encodertraces.spark.Requirements;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code traces spark embed|knn} at the command line, in {@code local[2,2]} (two cores, a failed
 * task retried once) on one SparkSession shared by every test: the outputs are compared byte for
 * byte with {@code traces embed} and {@code traces knn} run in the same JVM.
 */
class SparkCommandsTest {
    static final String[] OPS = {"IDENTITY", "JPEG75_420"};
    static final List<String> FILES = List.of(".safetensors", ".json", ".failures.tsv");

    @TempDir
    static Path tmp;
    static Path images;
    static SparkSession session;
    static CliRun noMaster;

    record CliRun(int exit, String out, String err) {
        static CliRun of(String... args) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            var cl = TracesCli.commandLine();
            cl.setOut(new PrintWriter(out));
            cl.setErr(new PrintWriter(err));
            int exit = cl.execute(args);
            return new CliRun(exit, out.toString(), err.toString());
        }
    }

    @BeforeAll
    static void start() throws IOException {
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
        // two bad images: a truncated JPEG and a text file named .jpg
        byte[] jpeg = Files.readAllBytes(images.resolve("bluebell").resolve(Files.list(images.resolve("bluebell")).sorted().findFirst()
                .orElseThrow().getFileName()));
        Files.write(images.resolve("buttercup/zz-truncated.jpg"), Arrays.copyOf(jpeg, 600));
        Files.writeString(images.resolve("coltsfoot/bad.jpg"), "not an image");
        // before any session exists: without --master and outside spark-submit there is no master to use
        noMaster = CliRun.of("spark", "embed", "--images", images.toString(), "--model", "builtin:lowlevel-stats", "--quiet",
                "-o", tmp.resolve("no-master").toString());
        session = SparkSession.builder().master("local[2,2]").appName("traces-spark-tests").config("spark.ui.enabled", "false")
                .getOrCreate();
    }

    @AfterAll
    static void stop() {
        if (session != null) {
            session.stop();
        }
    }

    static void assertSameSets(Path expected, Path actual, String dataset, String model) throws IOException {
        for (String op : OPS) {
            String base = dataset + "__" + op + "__" + model;
            for (String ext : FILES) {
                Path a = expected.resolve(base + ext);
                Path b = actual.resolve(base + ext);
                assertTrue(Files.exists(b), b + " missing");
                assertEquals(-1L, Files.mismatch(a, b), base + ext + " differs from traces embed's");
            }
            assertTrue(Files.readString(actual.resolve(base + ".run.json")).contains("\"engine\" : \"spark"), "run record names Spark");
        }
        assertTrue(!Files.exists(actual.resolve(".work")), "work folder removed after assembly");
    }

    static CliRun embed(Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of("embed", "--images", images.toString(), "--model", "builtin:lowlevel-stats",
                "--processing", String.join(",", OPS), "--shard-size", "4", "--batch-size", "3", "--threads", "1", "--quiet",
                "-o", out.toString()));
        a.addAll(List.of(extra));
        return CliRun.of(a.toArray(String[]::new));
    }

    static CliRun sparkEmbed(String spec, String model, Path out, String... extra) {
        return sparkEmbed(spec, model, out.toString(), extra);
    }

    static CliRun sparkEmbed(String spec, String model, String out, String... extra) {
        List<String> a = new ArrayList<>(List.of("spark", "embed", "--master", "local[2]", "--images", spec, "--model", model,
                "--processing", String.join(",", OPS), "--shard-size", "4", "--batch-size", "3", "--quiet", "-o", out));
        a.addAll(List.of(extra));
        if (!a.contains("--partitions")) {
            a.addAll(List.of("--partitions", "3"));
        }
        return CliRun.of(a.toArray(String[]::new));
    }

    static JsonNode runRecord(Path out, String base) throws IOException {
        return new ObjectMapper().readTree(out.resolve(base + ".run.json").toFile());
    }

    @Test
    void withoutMasterOutsideSparkSubmitIsAUsageError() {
        assertEquals(2, noMaster.exit(), noMaster.err());
        assertTrue(noMaster.err().contains("no Spark master: pass --master local[N]"), noMaster.err());
        CliRun bare = CliRun.of("spark");
        assertEquals(2, bare.exit(), bare.err());
        assertTrue(bare.err().contains("name a Spark command: embed, knn or standalone"), bare.err());
        CliRun badConf = CliRun.of("spark", "embed", "--images", images.toString(), "--model", "builtin:lowlevel-stats",
                "--master", "local[1]", "--conf", "novalue", "-o", tmp.resolve("bad-conf").toString());
        assertEquals(2, badConf.exit(), badConf.err());
        assertTrue(badConf.err().contains("--conf novalue: expected KEY=VALUE"), badConf.err());
    }

    @Test
    void classFolderSetWithTheSharedModelIsByteIdenticalAndBadImagesAreRecordedFailures() throws IOException {
        Requirements.shared("models/mobilenetv2-12-int8.onnx");
        Path one = tmp.resolve("one-mnv2");
        CliRun ref = CliRun.of("embed", "--images", images.toString(), "--model", "mobilenetv2-int8", "--processing", String.join(",", OPS),
                "--shard-size", "4", "--batch-size", "3", "--threads", "1", "--quiet", "-o", one.toString());
        assertEquals(1, ref.exit(), ref.err());
        Path two = tmp.resolve("spark-mnv2");
        CliRun r = sparkEmbed(images.toString(), "mobilenetv2-int8", two);
        assertEquals(1, r.exit(), r.out() + r.err()); // 1: some images failed, none lost
        assertTrue(r.out().contains("18 rows, 2 failed"), r.out());
        assertSameSets(one, two, "mini", "mobilenetv2-int8");
        String failures = Files.readString(two.resolve("mini__IDENTITY__mobilenetv2-int8.failures.tsv"));
        assertTrue(failures.contains("zz-truncated.jpg") && failures.contains("bad.jpg"), failures);
        assertEquals(3, failures.lines().count(), failures);
        // a rerun reuses the finished sets
        CliRun again = sparkEmbed(images.toString(), "mobilenetv2-int8", two);
        assertEquals(1, again.exit(), again.err());
        assertTrue(again.out().contains("already complete: reused"), again.out());
    }

    @Test
    void anOutputOnAnotherHadoopFileSystemIsByteIdenticalAndResumes() throws IOException {
        // remotelike: is the local disk behind a scheme that is not file:, the path hdfs: and s3a: outputs take
        var hadoop = session.sparkContext().hadoopConfiguration();
        hadoop.set("fs.remotelike.impl", org.encodertraces.spark.RemoteLikeFileSystem.class.getName());
        hadoop.set("fs.remotelike.impl.disable.cache", "true");
        Path one = tmp.resolve("one-remote");
        assertEquals(1, embed(one).exit());
        Path two = tmp.resolve("spark-remote");
        CliRun failed = sparkEmbed(images.toString(), "builtin:lowlevel-stats", URI_PREFIX + two, "--fail-partition", "1",
                "--fail-attempts", "2");
        assertEquals(2, failed.exit(), failed.out() + failed.err());
        assertTrue(Files.exists(two.resolve(".work/spark/mini__builtin_lowlevel-stats/part-00000/mini__IDENTITY__builtin_lowlevel-stats.json")),
                "finished partitions were uploaded");
        CliRun r = sparkEmbed(images.toString(), "builtin:lowlevel-stats", URI_PREFIX + two);
        assertEquals(1, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("reused from an earlier run"), r.out());
        assertTrue(r.out().contains("remotelike:" + two), r.out());
        assertSameSets(one, two, "mini", "builtin_lowlevel-stats");
        CliRun again = sparkEmbed(images.toString(), "builtin:lowlevel-stats", URI_PREFIX + two);
        assertTrue(again.out().contains("already complete: reused"), again.out());
    }

    static final String URI_PREFIX = "remotelike://";

    @Test
    void zipSetIsByteIdenticalToEmbed() throws IOException {
        Path zip = tmp.resolve("mini.zip");
        try (OutputStream os = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(os);
             Stream<Path> files = Files.walk(images)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                z.putNextEntry(new ZipEntry("set/" + images.relativize(f).toString().replace('\\', '/')));
                z.write(Files.readAllBytes(f));
                z.closeEntry();
            }
        }
        String spec = "zip:" + zip + "!/set";
        Path one = tmp.resolve("one-zip");
        List<String> a = new ArrayList<>(List.of("embed", "--images", spec, "--model", "builtin:lowlevel-stats",
                "--processing", String.join(",", OPS), "--shard-size", "4", "--batch-size", "3", "--threads", "1", "--quiet",
                "-o", one.toString()));
        CliRun ref = CliRun.of(a.toArray(String[]::new));
        assertEquals(1, ref.exit(), ref.err());
        Path two = tmp.resolve("spark-zip");
        CliRun r = sparkEmbed(spec, "builtin:lowlevel-stats", two, "--partitions", "2");
        assertEquals(1, r.exit(), r.out() + r.err());
        String dataset = Files.list(one).map(p -> p.getFileName().toString()).filter(n -> n.endsWith("__IDENTITY__builtin_lowlevel-stats.json"))
                .findFirst().orElseThrow().replace("__IDENTITY__builtin_lowlevel-stats.json", "");
        assertSameSets(one, two, dataset, "builtin_lowlevel-stats");
    }

    @Test
    void aTaskKilledMidPartitionIsRetriedFromItsShardsAndTheOutputIsUnchanged() throws IOException {
        Path one = tmp.resolve("one-retry");
        assertEquals(1, embed(one).exit());
        Path two = tmp.resolve("spark-retry");
        // partition 1's first attempt dies after committing its first shard; local[2,2] retries it once
        CliRun r = sparkEmbed(images.toString(), "builtin:lowlevel-stats", two, "--fail-partition", "1");
        assertEquals(1, r.exit(), r.out() + r.err());
        assertSameSets(one, two, "mini", "builtin_lowlevel-stats");
        assertTrue(runRecord(two, "mini__IDENTITY__builtin_lowlevel-stats").get("resumed_shards").asInt() >= 1,
                "the retry resumed from the shard its first attempt committed");
    }

    @Test
    void aFailedJobIsResumedByRerunningTheCommand() throws IOException {
        Path one = tmp.resolve("one-rerun");
        assertEquals(1, embed(one).exit());
        Path two = tmp.resolve("spark-rerun");
        // both attempts allowed by local[2,2] fail: the job fails, its committed shards stay
        CliRun failed = sparkEmbed(images.toString(), "builtin:lowlevel-stats", two, "--partitions", "1", "--fail-partition", "0",
                "--fail-attempts", "2");
        assertEquals(2, failed.exit(), failed.out() + failed.err());
        assertTrue(failed.err().contains("the Spark job failed") && failed.err().contains("injected failure of partition 0")
                && failed.err().contains("rerun the same command to resume"), failed.err());
        assertTrue(!failed.err().contains("\tat "), "no stack trace: " + failed.err());
        assertTrue(Files.isDirectory(two.resolve(".work/spark")), "shards kept for the rerun");
        CliRun r = sparkEmbed(images.toString(), "builtin:lowlevel-stats", two, "--partitions", "1");
        assertEquals(1, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("shard(s) resumed"), r.out());
        assertSameSets(one, two, "mini", "builtin_lowlevel-stats");
    }

    @Test
    void sparkKnnGivesTraceKnnsResultsWithTies() throws IOException {
        // 3 operations; 61 training rows (duplicated rows tie across partition boundaries), 23 queries, 4 classes
        List<String> args = KnnInputs.write(tmp.resolve("knn"), 7, 61, 23, 16);
        List<String> one = new ArrayList<>(List.of("knn", "-o", tmp.resolve("knn-one").toString()));
        one.addAll(args);
        CliRun ref = CliRun.of(one.toArray(String[]::new));
        assertEquals(0, ref.exit(), ref.err());
        List<String> two = new ArrayList<>(List.of("spark", "knn", "--master", "local[2]", "--partitions", "4", "-o",
                tmp.resolve("knn-spark").toString()));
        two.addAll(args);
        CliRun r = CliRun.of(two.toArray(String[]::new));
        assertEquals(0, r.exit(), r.err());
        assertEquals(ref.out().replace("knn-one", "X"), r.out().replace("knn-spark", "X"));
        assertEquals(-1L, Files.mismatch(tmp.resolve("knn-one/knn.csv"), tmp.resolve("knn-spark/knn.csv")));
        JsonNode a = new ObjectMapper().readTree(tmp.resolve("knn-one/knn.json").toFile());
        JsonNode b = new ObjectMapper().readTree(tmp.resolve("knn-spark/knn.json").toFile());
        for (String field : new String[] {"metrics", "configurations", "parameters", "inputs"}) {
            assertTrue(a.has(field) == b.has(field), field);
            assertEquals(a.path(field), b.path(field), field + " differs");
        }
        assertTrue(a.toString().length() > 1000, "knn.json has its figures");
    }

    @Test
    void sparkKnnRefusesQueriesTheDatabaseHoldsAsTracesKnnDoes() throws IOException {
        // query te2 of operation B is database row 40 of B bit for bit under another name; te5 is database image tr3 by id
        Random rnd = new Random(3);
        int n = 50;
        int nq = 8;
        int d = 8;
        List<String> args = new ArrayList<>();
        for (String op : new String[] {"A", "B"}) {
            float[] tr = new float[n * d];
            for (int i = 0; i < tr.length; i++) {
                tr[i] = (float) rnd.nextGaussian();
            }
            float[] te = new float[nq * d];
            for (int i = 0; i < te.length; i++) {
                te[i] = (float) rnd.nextGaussian();
            }
            if (op.equals("B")) {
                System.arraycopy(tr, 40 * d, te, 2 * d, d);
            }
            long[] ytr = new long[n];
            long[] yte = new long[nq];
            List<String> idsTr = new ArrayList<>();
            List<String> idsTe = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ytr[i] = i % 2;
                idsTr.add("tr" + i);
            }
            for (int i = 0; i < nq; i++) {
                yte[i] = i % 2;
                idsTe.add(i == 5 ? "tr3" : "te" + i);
            }
            Path ftr = tmp.resolve("overlap/train-" + op + ".safetensors");
            Path fte = tmp.resolve("overlap/test-" + op + ".safetensors");
            EmbeddingSetIO.write(ftr, new EmbeddingSet(n, d, tr, Map.of("label", ytr), idsTr, null));
            EmbeddingSetIO.write(fte, new EmbeddingSet(nq, d, te, Map.of("label", yte), idsTe, null));
            args.addAll(List.of("--train", op + "=" + ftr, "--test", op + "=" + fte));
        }
        List<String> one = new ArrayList<>(List.of("knn", "-o", tmp.resolve("overlap-one").toString()));
        one.addAll(args);
        CliRun ref = CliRun.of(one.toArray(String[]::new));
        List<String> two = new ArrayList<>(List.of("spark", "knn", "--master", "local[2]", "--partitions", "3", "-o",
                tmp.resolve("overlap-spark").toString()));
        two.addAll(args);
        CliRun r = CliRun.of(two.toArray(String[]::new));
        assertEquals(2, ref.exit(), ref.err());
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("2 of the 8 query images are also in the database: 1 by sample id (tr3); 1 by content, the same"
                + " embedding bit for bit (te2 = tr40 (B))"), r.err());
        assertEquals(ref.err(), r.err());
        assertTrue(Files.notExists(tmp.resolve("overlap-spark/knn.json")));
    }

    @Test
    void partitionedTopKListsEqualTopKsWithTiesAcrossPartitions() {
        Random rnd = new Random(3);
        int n = 50;
        int d = 8;
        float[] db = new float[n * d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                db[i * d + j] = i >= 25 ? db[(i - 25) * d + j] : (float) rnd.nextGaussian(); // rows 25.. repeat rows 0..: exact ties
            }
        }
        float[] q = new float[9 * d];
        for (int i = 0; i < q.length; i++) {
            q[i] = (float) rnd.nextGaussian();
        }
        int[] dbLabels = new int[n];
        int[] qLabels = new int[9];
        for (int i = 0; i < n; i++) {
            dbLabels[i] = i % 3;
        }
        for (int i = 0; i < 9; i++) {
            qLabels[i] = i % 3;
        }
        int[][] drawn = {org.encodertraces.knn.KnnInfluence.uniformDraw(org.encodertraces.rng.Protocol.STUDY, 0, n, 2)};
        var lists = new org.encodertraces.knn.KnnInfluence.Lists(dbLabels, qLabels, drawn, 1);
        var queries = new org.encodertraces.linalg.FloatMatrix(9, d, q).l2NormalizedRows();
        var database = new org.encodertraces.linalg.FloatMatrix(n, d, db);
        var expected = new org.encodertraces.linalg.TopK(1).search(queries, database.l2NormalizedRows(), 7, 3, lists);
        try (var spark = org.encodertraces.spark.SparkKnn.partition(
                org.apache.spark.api.java.JavaSparkContext.fromSparkContext(session.sparkContext()), List.of(database), 4, 1)) {
            var got = spark.search(queries, 0, 7, 3, lists);
            assertEquals(4, spark.partitions());
            assertTrue(Arrays.equals(expected.indices(), got.indices()), "neighbour indices differ");
            assertTrue(Arrays.equals(expected.scores(), got.scores()), "neighbour scores differ");
        }
    }

    @Test
    void sparkSubmitsMasterIsUsedWhenNoneIsGiven() throws Exception {
        // spark-submit passes --master to the driver as the system property spark.master; SparkMain must not override it
        Path out = tmp.resolve("submit");
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of(javaBin.toString(), "-Xmx1g", "-Dspark.master=local[1]", "-Dspark.ui.enabled=false",
                "-Dspark.driver.bindAddress=127.0.0.1", "-Dspark.driver.host=127.0.0.1",
                "-Dlog4j2.configurationFile=org/encodertraces/spark/log4j2-cli.properties"));
        cmd.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(s -> s.startsWith("--add-opens") || s.startsWith("--add-modules")).toList());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.encodertraces.spark.SparkMain", "embed", "--images",
                images.resolve("bluebell").toString(), "--model", "builtin:lowlevel-stats", "--quiet", "-o", out.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "spark-submit style run did not finish");
        assertEquals(0, p.exitValue(), log);
        assertTrue(log.contains("on Spark (local[1])"), log);
        assertTrue(Files.exists(out.resolve("bluebell__IDENTITY__builtin_lowlevel-stats.safetensors")), log);
    }
}
