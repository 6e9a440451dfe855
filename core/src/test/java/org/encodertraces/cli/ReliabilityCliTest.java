package org.encodertraces.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.encodertraces.data.DeadLeaves;
import org.encodertraces.embed.EmbeddingSet;
import org.encodertraces.embed.EmbeddingSetIO;
import org.encodertraces.encoder.onnx.OnnxModelEditor;
import org.encodertraces.encoder.onnx.ProtoWriter;
import org.encodertraces.image.ChromaSubsampling;
import org.encodertraces.image.JpegCodec;
import org.encodertraces.image.RgbImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9 at the command line, in process: messages instead of stack traces, exit statuses as
 * the README promises, provenance-checked reuse, the commit point, stale temporaries, checked
 * values. (Kills, locks between processes and small heaps are in {@link ReliabilityProcessTest}.)
 */
class ReliabilityCliTest {

    static Path scenes(Path dir, int perClass, boolean withCorrupt) throws Exception {
        for (DeadLeaves.SceneClass c : DeadLeaves.CLASSES.subList(0, 2)) {
            Path d = dir.resolve(c.name());
            Files.createDirectories(d);
            for (int i = 0; i < perClass; i++) {
                RgbImage img = DeadLeaves.render(c, i, 160, 120, 1);
                Files.write(d.resolve(String.format("%s_%03d.jpg", c.name(), i)), JpegCodec.encode(img, 90, ChromaSubsampling.S420));
            }
        }
        if (withCorrupt) {
            Files.writeString(dir.resolve(DeadLeaves.CLASSES.get(0).name()).resolve("zz_broken.jpg"), "not an image");
        }
        return dir;
    }

    private static void noStackTrace(CliRun r) {
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception:") || r.err().contains("Exception\n"), r.err());
    }

    // ---------------------------------------------------------------- usage and messages

    @Test
    void noCommandPrintsUsageAndExits2() {
        CliRun r = CliRun.of();
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("no command given") && r.err().contains("Usage: traces"), r.err());
    }

    @Test
    void aMisspeltOptionIsNamedAsUnknownWithTheNearestOne() {
        CliRun r = CliRun.of("embed", "--image", "x", "--model", "builtin:lowlevel-stats", "-o", "y");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("unknown option '--image'") && r.err().contains("did you mean --images?"), r.err());
        noStackTrace(r);
    }

    @Test
    void outputThatIsAFileOrCannotExistIsAMessage(@TempDir Path tmp) throws Exception {
        Path data = scenes(tmp.resolve("s"), 1, false);
        Path file = Files.writeString(tmp.resolve("afile"), "x");
        CliRun p = CliRun.of("process", "--op", "JPEG75_420", data.toString(), "-o", file.toString());
        assertEquals(2, p.exit());
        assertTrue(p.err().contains("-o " + file + " is an existing file, not a folder"), p.err());
        noStackTrace(p);
        CliRun e = CliRun.of("embed", "--images", data.toString(), "--model", "builtin:lowlevel-stats", "--quiet", "-o", file.toString());
        assertEquals(2, e.exit());
        assertTrue(e.err().contains("is an existing file, not a folder"), e.err());
        noStackTrace(e);
        CliRun proc = CliRun.of("process", "--op", "JPEG75_420", data.toString(), "-o", "/proc/version/x");
        assertEquals(2, proc.exit());
        assertTrue(proc.err().contains("/proc/version/x") && proc.err().contains("cannot create the output folder"), proc.err());
        noStackTrace(proc);
    }

    @Test
    void reportOnAMissingForeignOrInvalidJsonIsAMessage(@TempDir Path tmp) throws Exception {
        CliRun missing = CliRun.of("report", tmp.resolve("nope.json").toString(), "--out", tmp.resolve("o").toString());
        assertNotEquals(0, missing.exit());
        assertTrue(missing.err().contains("nope.json: no such file"), missing.err());
        noStackTrace(missing);
        Path foreign = Files.writeString(tmp.resolve("foreign.json"), "{\"a\": 1}");
        CliRun f = CliRun.of("report", foreign.toString(), "--out", tmp.resolve("o").toString());
        assertNotEquals(0, f.exit());
        assertTrue(f.err().contains("not a report.json written by traces"), f.err());
        noStackTrace(f);
        String sample = Files.readString(Path.of("docs/report-sample.json"));
        Path bad = Files.writeString(tmp.resolve("bad.json"), sample.replaceFirst("\"family\": \"[A-Z]+\"", "\"family\": \"BOGUS\""));
        CliRun b = CliRun.of("report", bad.toString(), "--out", tmp.resolve("o").toString());
        assertNotEquals(0, b.exit());
        assertTrue(b.err().contains("has value 'BOGUS', not one of [CVL"), b.err());
        noStackTrace(b);
    }

    @Test
    void exifOnASymbolicLinkLoopSaysSo(@TempDir Path tmp) throws Exception {
        Path a = tmp.resolve("a.jpg");
        Path b = tmp.resolve("b.jpg");
        Files.createSymbolicLink(a, b);
        Files.createSymbolicLink(b, a);
        CliRun r = CliRun.of("exif", a.toString());
        assertEquals(1, r.exit());
        assertTrue(r.out().contains("symbolic link loop") && !r.out().contains("no such file"), r.out());
    }

    @Test
    void processOnAnEmptyInputIsAnError(@TempDir Path tmp) throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        CliRun r = CliRun.of("process", "--op", "JPEG75_420", empty.toString(), "-o", tmp.resolve("o").toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("no image files found in " + empty), r.err());
    }

    // ---------------------------------------------------------------- embedding sets: reuse, commit point, temporaries

    private static String[] embed(Path data, Path out, String... extra) {
        List<String> a = new java.util.ArrayList<>(List.of("embed", "--images", data.toString(), "--model", "builtin:lowlevel-stats",
                "--processing", "JPEG85_444", "--quiet", "--threads", "1", "-o", out.toString()));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    @Test
    void aSetMadeWithAnotherSeedOrDatasetIsNotReusedSilently(@TempDir Path tmp) throws Exception {
        Path data = scenes(tmp.resolve("s"), 3, false);
        Path out = tmp.resolve("out");
        Path set = out.resolve("s__JPEG85_444__builtin_lowlevel-stats.safetensors");
        assertEquals(0, CliRun.of(embed(data, out)).exit());
        CliRun same = CliRun.of(embed(data, out));
        assertEquals(0, same.exit());
        assertTrue(same.out().contains("already complete: reused"), same.out());

        CliRun seed = CliRun.of(embed(data, out, "--seed", "7"));
        assertEquals(2, seed.exit());
        assertTrue(seed.err().contains("made with seed 0, this run uses seed 7") && seed.err().contains("--force"), seed.err());
        assertEquals(0, EmbeddingSetIO.read(set).provenance().toJsonNode().get("seed").asLong(), "kept, not replaced");
        CliRun forced = CliRun.of(embed(data, out, "--seed", "7", "--force"));
        assertEquals(0, forced.exit(), forced.err());
        assertEquals(7, EmbeddingSetIO.read(set).provenance().toJsonNode().get("seed").asLong());

        // a new photo (a byte-identical copy would be merged into its original, leaving the dataset as it was)
        Files.write(data.resolve("autumn/autumn_009.jpg"), JpegCodec.encode(DeadLeaves.render(DeadLeaves.CLASSES.get(0), 9, 160, 120, 1), 90,
                ChromaSubsampling.S420));
        CliRun grown = CliRun.of(embed(data, out, "--seed", "7"));
        assertEquals(2, grown.exit());
        assertTrue(grown.err().contains("different dataset"), grown.err());
    }

    @Test
    void shardsLeftBesideACommittedSetAreRemovedOnTheNextRun(@TempDir Path tmp) throws Exception {
        Path data = scenes(tmp.resolve("s"), 2, false);
        Path out = tmp.resolve("out");
        assertEquals(0, CliRun.of(embed(data, out)).exit());
        // a kill after the commit and before .work/ was removed
        Path work = Files.createDirectories(out.resolve(".work/s__JPEG85_444__builtin_lowlevel-stats"));
        Files.copy(out.resolve("s__JPEG85_444__builtin_lowlevel-stats.safetensors"), work.resolve("shard-000000.safetensors"));
        CliRun again = CliRun.of(embed(data, out));
        assertEquals(0, again.exit());
        assertTrue(again.out().contains("already complete"), again.out());
        assertFalse(Files.exists(out.resolve(".work")), "no shard kept for good");
    }

    @Test
    void aSetWhoseFailuresFileIsMissingIsRecomputedNotCalledComplete(@TempDir Path tmp) throws Exception {
        Path data = scenes(tmp.resolve("s"), 3, true);
        Path out = tmp.resolve("out");
        assertEquals(1, CliRun.of(embed(data, out)).exit());
        Path failures = out.resolve("s__JPEG85_444__builtin_lowlevel-stats.failures.tsv");
        Path run = out.resolve("s__JPEG85_444__builtin_lowlevel-stats.run.json");
        // what a kill between the sidecar and failures.tsv left under the old order
        Files.delete(failures);
        Files.delete(run);
        CliRun again = CliRun.of(embed(data, out));
        assertEquals(1, again.exit());
        assertFalse(again.out().contains("already complete"), again.out());
        assertTrue(Files.readString(failures).contains("zz_broken.jpg"));
        assertTrue(Files.exists(run));
    }

    @Test
    void staleTemporariesAreCleanedAndOutputsAreGroupReadable(@TempDir Path tmp) throws Exception {
        Path data = scenes(tmp.resolve("s"), 2, false);
        Path out = Files.createDirectories(tmp.resolve("out"));
        Path stale = Files.createFile(out.resolve(".s__JPEG85_444__builtin_lowlevel-stats.safetensors.1234.tmp"));
        Path staleShard = Files.createDirectories(out.resolve(".work/other"));
        Files.createFile(staleShard.resolve(".shard-000000.safetensors.99.tmp"));
        assertEquals(0, CliRun.of(embed(data, out)).exit());
        assertFalse(Files.exists(stale), "0-byte temporaries of a dead run are removed");
        assertFalse(Files.exists(staleShard.resolve(".shard-000000.safetensors.99.tmp")));
        try (Stream<Path> s = Files.list(out)) {
            for (Path p : s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).toList()) {
                assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)), p.toString());
            }
        }
        Path processed = tmp.resolve("processed");
        Path stalePng = Files.createFile(Files.createDirectories(processed.resolve("JPEG75_420/autumn")).resolve(".autumn_000.png.77.tmp"));
        Path notOurs = Files.createFile(Files.createDirectories(processed.resolve("notes")).resolve(".draft.tmp"));
        assertEquals(0, CliRun.of("process", "--op", "JPEG75_420", data.toString(), "-o", processed.toString()).exit());
        assertFalse(Files.exists(stalePng), "a killed process run's temporary is removed");
        assertTrue(Files.exists(notOurs), "folders the run does not write are not cleaned");
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(processed.resolve("processing.json"))));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                processed.resolve("JPEG75_420/autumn/autumn_000.png"))));
    }

    // ---------------------------------------------------------------- values

    /** x -> Log -> GlobalAveragePool -> Flatten: NaN for a dark image (log of a negative normalised pixel), finite for a white one. */
    private static Path logModel(Path dir) throws Exception {
        ProtoWriter graph = new ProtoWriter();
        String[][] nodes = {{"Log", "x", "l"}, {"GlobalAveragePool", "l", "g"}, {"Flatten", "g", "y"}};
        for (String[] n : nodes) {
            graph.message(1, new ProtoWriter().string(1, n[1]).string(2, n[2]).string(3, n[0] + "_" + n[2]).string(4, n[0]));
        }
        graph.string(2, "log");
        graph.message(11, OnnxModelEditor.valueInfo("x", 1, -1, 3, 32, 32));
        graph.message(12, OnnxModelEditor.valueInfo("y", 1, -1, 3));
        byte[] model = new ProtoWriter().varint(1, 8).string(2, "encoder-traces-test").message(7, graph)
                .message(8, new ProtoWriter().string(1, "").varint(2, 13)).toByteArray();
        return Files.write(dir.resolve("log.onnx"), model);
    }

    @Test
    void embedRefusesToWriteANonFiniteEmbedding(@TempDir Path tmp) throws Exception {
        Path data = Files.createDirectories(tmp.resolve("d/c"));
        byte[] white = new byte[64 * 64 * 3];
        java.util.Arrays.fill(white, (byte) 255);
        Files.write(data.resolve("white.jpg"), JpegCodec.encode(new RgbImage(64, 64, white), 95, ChromaSubsampling.S444));
        Files.write(data.resolve("black.jpg"), JpegCodec.encode(new RgbImage(64, 64, new byte[64 * 64 * 3]), 95, ChromaSubsampling.S444));
        Path model = logModel(tmp);
        Path out = tmp.resolve("out");
        CliRun r = CliRun.of("embed", "--images", tmp.resolve("d").toString(), "--model", model.toString(), "--output", "y", "--size", "32",
                "--mean", "0.485,0.456,0.406", "--std", "0.229,0.224,0.225",
                "--quiet", "--threads", "1", "-o", out.toString());
        assertEquals(1, r.exit(), r.err());
        EmbeddingSet set = EmbeddingSetIO.read(out.resolve("d__IDENTITY__log.safetensors"));
        assertEquals(List.of("c/white.jpg"), set.ids());
        String failures = Files.readString(out.resolve("d__IDENTITY__log.failures.tsv"));
        assertTrue(failures.contains("c/black.jpg") && failures.contains("non-finite embedding (NaN at dimension 0)"), failures);
    }

    private static Path writeSet(Path file, float[] emb, long[] labels, int classes) throws Exception {
        ObjectNode prov = JsonNodeFactory.instance.objectNode();
        var names = prov.putObject("dataset").putObject("label_names").putArray("label");
        for (int c = 0; c < classes; c++) {
            names.add("c" + c);
        }
        int rows = labels.length;
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < rows; i++) {
            ids.add("img" + i);
        }
        Map<String, long[]> l = new LinkedHashMap<>();
        l.put("label", labels);
        EmbeddingSetIO.write(file, new EmbeddingSet(rows, emb.length / rows, emb, l, ids, org.encodertraces.embed.SetProvenance.fromJson(prov)));
        return file;
    }

    @Test
    void probeAndKnnRefuseNonFiniteValuesAndBadLabels(@TempDir Path tmp) throws Exception {
        int rows = 40;
        int dim = 4;
        java.util.Random rnd = new java.util.Random(1);
        float[] good = new float[rows * dim];
        for (int i = 0; i < good.length; i++) {
            good[i] = (float) rnd.nextGaussian();
        }
        long[] labels = new long[rows];
        for (int i = 0; i < rows; i++) {
            labels[i] = i % 2;
        }
        float[] nan = good.clone();
        nan[13 * dim + 2] = Float.NaN;
        Path a = writeSet(tmp.resolve("a.safetensors"), good, labels, 2);
        Path n = writeSet(tmp.resolve("n.safetensors"), nan, labels, 2);
        CliRun knn = CliRun.of("knn", "--train=A=" + n, "--test=A=" + a, "-o", tmp.resolve("k").toString());
        assertNotEquals(0, knn.exit());
        assertTrue(knn.err().contains("n.safetensors") && knn.err().contains("row 13, dimension 2 holds NaN"), knn.err());
        noStackTrace(knn);
        long[] bad = labels.clone();
        bad[5] = 99;
        Path b = writeSet(tmp.resolve("b.safetensors"), good, bad, 2);
        CliRun probe = CliRun.of("probe", "--task", "sharpening", "--set", "JPEG95_444=" + b, "--set", "SHARPEN_2=" + a,
                "--set", "SHARPEN_4=" + a, "-o", tmp.resolve("p").toString());
        assertNotEquals(0, probe.exit());
        assertTrue(probe.err().contains("label tensor 'label' row 5 holds 99, outside 0..1"), probe.err());
        bad[5] = -5;
        Path m = writeSet(tmp.resolve("m.safetensors"), good, bad, 2);
        CliRun neg = CliRun.of("knn", "--train=A=" + m, "--test=A=" + a, "-o", tmp.resolve("k2").toString());
        assertNotEquals(0, neg.exit());
        assertTrue(neg.err().contains("row 5 holds -5"), neg.err());
    }

    @Test
    void anAuditWhereImagesFailedExits1AndSaysSo(@TempDir Path tmp) throws Exception {
        Path data = scenes(tmp.resolve("s"), 6, true);
        Path out = tmp.resolve("audit");
        CliRun r = CliRun.of("audit", "--images", data.toString(), "--model", "builtin:lowlevel-stats", "--tasks", "sharpening",
                "--mask", "0", "--trainer", "LBFGS", "--trials", "2", "--seeds", "1", "--quiet", "-o", out.toString());
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.out().contains("images failed to embed: 1 under JPEG95_444, 1 under SHARPEN_2, 1 under SHARPEN_4"), r.out());
        assertTrue(r.out().contains("3 image embedding(s) failed"), r.out());
        // with the broken file counted as a 'not JPEG' photo, class vs JPEG quality read Cramer's V 0.267 (n=13)
        // (whatever the width of the console table's experiment column)
        assertTrue(java.util.regex.Pattern.compile("class vs jpeg_quality +not measured: every photo has the same value \\(81-90\\)")
                .matcher(r.out()).find(), "the dataset audit leaves the undecodable image out: " + r.out());
        assertTrue(r.out().contains("dataset audit: 1 image(s) that could not be decoded are left out of it"), r.out());
        for (String f : new String[] {"summary.md", "report.json", "report.html"}) {
            assertTrue(Files.readString(out.resolve(f)).contains("images failed to embed"), f);
        }
    }
}
