package org.encodertraces.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.encodertraces.TestData;
import org.encodertraces.cli.TracesCli;
import org.encodertraces.data.DeadLeaves;
import org.encodertraces.encoder.Preprocessor;
import org.encodertraces.encoder.builtin.LowLevelStatsEncoder;
import org.encodertraces.encoder.FloatTensorBatch;
import org.encodertraces.image.ChromaSubsampling;
import org.encodertraces.image.ImageDecoder;
import org.encodertraces.image.JpegCodec;
import org.encodertraces.image.RgbImage;
import org.encodertraces.process.ProcessingOp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ExtractionTest {

    /** A class-folder dataset of synthetic JPEGs, plus one corrupt file in the middle. */
    static Path dataset(Path dir, int perClass) throws Exception {
        for (DeadLeaves.SceneClass c : DeadLeaves.CLASSES.subList(0, 3)) {
            Path d = dir.resolve(c.name());
            Files.createDirectories(d);
            for (int i = 0; i < perClass; i++) {
                RgbImage img = DeadLeaves.render(c, i, 300, 260, 1);
                Files.write(d.resolve(String.format("%s_%03d.jpg", c.name(), i)), JpegCodec.encode(img, 92, ChromaSubsampling.S420));
            }
        }
        Files.writeString(dir.resolve("forest").resolve("forest_000b.jpg"), "not an image");
        return dir;
    }

    /** What the last {@link #run} printed on standard error, for assertion messages. */
    private static volatile String lastErr = "";

    static int run(String... args) {
        CommandLine cl = TracesCli.commandLine();
        cl.setOut(new PrintWriter(new StringWriter()));
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        lastErr = err.toString();
        return exit;
    }

    @Test
    void embedsRecordsFailuresKeepsOrderAndMatchesTheEncoderDirectly(@TempDir Path tmp) throws Exception {
        Path data = dataset(tmp.resolve("scenes"), 4);
        Path out = tmp.resolve("out");
        assertEquals(1, run("embed", "--images", data.toString(), "--model", "builtin:lowlevel-stats", "--processing", "IDENTITY,JPEG75_420",
                "--shard-size", "5", "--quiet", "-o", out.toString()));
        EmbeddingSet set = EmbeddingSetIO.read(out.resolve("scenes__JPEG75_420__builtin_lowlevel-stats.safetensors"));
        assertEquals(12, set.rows());
        assertEquals(List.of("autumn/autumn_000.jpg", "autumn/autumn_001.jpg"), set.ids().subList(0, 2));
        assertEquals("forest/forest_000.jpg", set.ids().get(4));
        assertEquals("forest/forest_001.jpg", set.ids().get(5), "the failed file leaves no gap in the order");
        assertArrayEquals(new long[] {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2}, set.label("label"));
        String failures = Files.readString(out.resolve("scenes__JPEG75_420__builtin_lowlevel-stats.failures.tsv"));
        assertTrue(failures.contains("forest/forest_000b.jpg") && failures.contains("unrecognised image format"), failures);
        JsonNode prov = set.provenance().toJsonNode();
        assertEquals("JPEG75_420", prov.get("processing").get("operation").asText());
        assertEquals(1, prov.get("failed").asInt());
        assertEquals("forest", prov.get("dataset").get("label_names").get("label").get(1).asText());
        // row 5 equals the encoder applied by hand to the same processed pixels
        LowLevelStatsEncoder enc = new LowLevelStatsEncoder();
        RgbImage img = new ImageDecoder().decode(data.resolve(set.ids().get(5))).image();
        RgbImage processed = ProcessingOp.parse("JPEG75_420").apply(img, set.ids().get(5), 0).image();
        float[] t = Preprocessor.tensor(processed, enc.preprocessing());
        float[] want = enc.embed(new FloatTensorBatch(enc.preprocessing().tensorShape(1), t))[0];
        assertArrayEquals(want, set.row(5));
        // a second run reuses the finished sets
        assertEquals(1, run("embed", "--images", data.toString(), "--model", "builtin:lowlevel-stats", "--processing", "IDENTITY,JPEG75_420",
                "--quiet", "-o", out.toString()));
        assertFalse(Files.exists(out.resolve(".work")), "shards are cleaned up after assembly");
    }

    @Test
    void killedRunResumesToByteIdenticalOutput(@TempDir Path tmp) throws Exception {
        Path data = dataset(tmp.resolve("scenes"), 14);
        Path whole = tmp.resolve("whole");
        String[] common = {"embed", "--images", data.toString(), "--model", "builtin:jpeg-forensic", "--processing", "JPEG85_444,MASK_90",
                "--shard-size", "2", "--threads", "1", "--quiet"};
        assertEquals(1, run(concat(common, "-o", whole.toString())));

        Path killed = tmp.resolve("killed");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), TracesCli.class.getName()));
        cmd.addAll(List.of(concat(common, "-o", killed.toString())));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile()).start();
        Path work = killed.resolve(".work");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (countShards(work) < 3 && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        p.destroyForcibly().waitFor();
        assertTrue(countShards(work) >= 3, "the child should have committed shards before the kill: " + Files.readString(tmp.resolve("child.log")));
        assertFalse(Files.exists(killed.resolve("scenes__MASK_90__builtin_jpeg-forensic.safetensors")),
                "killed before the end (otherwise this test proves nothing)");

        // a kill between a shard's two moves (data, then the sidecar that commits it) leaves its data without a sidecar:
        // make that happen every time, on the last shard, rather than when the kill's timing falls there
        Path lastShard;
        try (Stream<Path> s = Files.walk(work)) {
            lastShard = s.filter(f -> f.getFileName().toString().matches("shard-\\d+\\.safetensors")).max(Path::compareTo).orElseThrow();
        }
        Files.deleteIfExists(EmbeddingSetIO.sidecarOf(lastShard));

        assertEquals(1, run(concat(common, "-o", killed.toString())), () -> "the resumed run: " + lastErr);
        for (String op : new String[] {"JPEG85_444", "MASK_90"}) {
            String base = "scenes__" + op + "__builtin_jpeg-forensic";
            assertArrayEquals(Files.readAllBytes(whole.resolve(base + ".safetensors")), Files.readAllBytes(killed.resolve(base + ".safetensors")), op);
            assertArrayEquals(Files.readAllBytes(whole.resolve(base + ".failures.tsv")), Files.readAllBytes(killed.resolve(base + ".failures.tsv")));
            ObjectMapper om = new ObjectMapper();
            ObjectNode a = (ObjectNode) om.readTree(whole.resolve(base + ".json").toFile());
            ObjectNode b = (ObjectNode) om.readTree(killed.resolve(base + ".json").toFile());
            assertEquals(a, b, "sidecars equal");
            assertArrayEquals(Files.readAllBytes(whole.resolve(base + ".json")), Files.readAllBytes(killed.resolve(base + ".json")));
        }
    }

    private static long countShards(Path work) throws Exception {
        if (!Files.exists(work)) {
            return 0;
        }
        // the child renames temporaries while we walk: a file that vanished mid-walk means "look again"
        for (int attempt = 0; ; attempt++) {
            try (Stream<Path> s = Files.walk(work)) {
                return s.filter(f -> f.getFileName().toString().matches("shard-\\d+\\.safetensors")).count();
            } catch (java.io.UncheckedIOException e) {
                if (!(e.getCause() instanceof java.nio.file.NoSuchFileException) || attempt >= 100) {
                    throw e;
                }
            }
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    void realModelEmbedsFlowersSubset(@TempDir Path tmp) throws Exception {
        Path shared = TestData.shared();
        Path data = tmp.resolve("flowers");
        for (String c : new String[] {"daisy", "iris"}) {
            Files.createDirectories(data.resolve(c));
            try (Stream<Path> s = Files.list(shared.resolve("data/flowers17").resolve(c))) {
                for (Path f : s.sorted().limit(3).toList()) {
                    Files.copy(f, data.resolve(c).resolve(f.getFileName()));
                }
            }
        }
        Path out = tmp.resolve("out");
        assertEquals(0, run("embed", "--images", data.toString(), "--model", "mobilenetv2-int8", "--processing", "IDENTITY,MASK_95",
                "--quiet", "-o", out.toString()));
        EmbeddingSet a = EmbeddingSetIO.read(out.resolve("flowers__IDENTITY__mobilenetv2-int8.safetensors"));
        EmbeddingSet b = EmbeddingSetIO.read(out.resolve("flowers__MASK_95__mobilenetv2-int8.safetensors"));
        assertEquals(6, a.rows());
        assertEquals(1280, a.dim());
        assertEquals("cc028fe6cae7bc11a4ff53cfc9b79c920e8be65ce33a904ec3e2a8f66d77f95f",
                a.provenance().toJsonNode().get("encoder").get("model_sha256").asText());
        double diff = 0;
        for (int i = 0; i < a.embeddings().length; i++) {
            diff += Math.abs(a.embeddings()[i] - b.embeddings()[i]);
        }
        assertTrue(diff > 1, "masking 95% of the crop changes the embedding");
        assertTrue(new File(out.toFile(), "flowers__MASK_95__mobilenetv2-int8.failures.tsv").exists());
        numpyReadsTheSameValues(out.resolve("flowers__IDENTITY__mobilenetv2-int8.safetensors"), a);
    }

    /**
     * tools/python/read_embeddings.py (numpy only) must read the very values Java wrote: compared
     * through the sha256 of each tensor's little-endian bytes. Skipped, saying so, where Debian's
     * python3 with numpy is not installed.
     */
    private static void numpyReadsTheSameValues(Path file, EmbeddingSet set) throws Exception {
        Path python = Path.of("/usr/bin/python3");
        org.encodertraces.Requirements.skipUnless(Files.isExecutable(python),
                "no /usr/bin/python3, so numpy's read-back is not checked (apt-get install python3-numpy)");
        Process check = new ProcessBuilder(python.toString(), "-c", "import numpy").start();
        org.encodertraces.Requirements.skipUnless(check.waitFor() == 0,
                "numpy missing for /usr/bin/python3, so its read-back is not checked (apt-get install python3-numpy)");
        Process p = new ProcessBuilder(python.toString(), "tools/python/read_embeddings.py", file.toString(), "--digest")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        java.nio.ByteBuffer emb = java.nio.ByteBuffer.allocate(set.embeddings().length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (float f : set.embeddings()) {
            emb.putFloat(f);
        }
        java.nio.ByteBuffer lab = java.nio.ByteBuffer.allocate(set.rows() * 8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (long l : set.label("label")) {
            lab.putLong(l);
        }
        String want = "image_embeddings " + set.rows() + "x" + set.dim() + " " + org.encodertraces.provenance.Hashes.sha256(emb.array()) + "\n"
                + "label " + set.rows() + " " + org.encodertraces.provenance.Hashes.sha256(lab.array()) + "\n";
        assertEquals(want, out);
    }
}
