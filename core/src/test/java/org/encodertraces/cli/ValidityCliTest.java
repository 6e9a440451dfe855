package org.encodertraces.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.encodertraces.data.DeadLeaves;
import org.encodertraces.embed.EmbeddingSet;
import org.encodertraces.embed.EmbeddingSetIO;
import org.encodertraces.embed.Safetensors;
import org.encodertraces.embed.Tensor;
import org.encodertraces.image.ChromaSubsampling;
import org.encodertraces.image.JpegCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 22 (validity core) at the command line: audits of small folders finish under the study's
 * protocol with a report that says what was skipped and why; a folder too small for anything is
 * refused before any embedding; kNN refuses queries that are in its database, k at or above the
 * database, and says "not applicable" for one class; the kNN table carries chance and small-sample
 * marks; a manifest's one file under two spellings is refused; an eraser fitted on a sidecar-less train
 * file is accepted on its val file.
 */
class ValidityCliTest {

    /** Dead-leaves photos, 64 x 48 JPEG q90: {@code perClass} in each of {@code classes} class folders, or in one folder when flat. */
    static Path photos(Path dir, int classes, int perClass, boolean flat) throws Exception {
        for (int c = 0; c < classes; c++) {
            DeadLeaves.SceneClass sc = DeadLeaves.CLASSES.get(c);
            Path d = flat ? dir : dir.resolve(sc.name());
            Files.createDirectories(d);
            for (int i = 0; i < perClass; i++) {
                Files.write(d.resolve(String.format("%s_%03d.jpg", sc.name(), i)),
                        JpegCodec.encode(DeadLeaves.render(sc, i, 64, 48, 3), 90, ChromaSubsampling.S420));
            }
        }
        return dir;
    }

    private static CliRun audit(Path images, Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of("audit", "--images", images.toString(), "--model", "builtin:jpeg-forensic", "--tasks", "jpeg",
                "--mask", "0", "--trials", "2", "--seeds", "2", "--threads", "2", "--quiet", "-o", out.toString()));
        a.addAll(List.of(extra));
        return CliRun.of(a.toArray(String[]::new));
    }

    private static void noStackTrace(CliRun r) {
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), r.err());
    }

    // ---------------------------------------------------------------- the audit on small folders

    @Test
    void smallFoldersFinishWithAReportUnderTheStudyProtocolSayingWhatWasSkipped(@TempDir Path tmp) throws Exception {
        // 12 photos in 2 classes: the study's search split cannot be formed (an operation drawn once) and kNN
        // (k = 10) has a database of 8: both said in the plan, the probe still measured
        CliRun twelve = audit(photos(tmp.resolve("twelve"), 2, 6, false), tmp.resolve("a12"));
        assertEquals(0, twelve.exit(), twelve.err());
        noStackTrace(twelve);
        String plan = twelve.out().substring(0, twelve.out().indexOf("\nmodel "));
        assertTrue(plan.contains("kNN skipped: k = 10 needs a database of more than 10 training images; 12 images give 8")
                && plan.contains("at least 16 images needed"), plan);
        assertTrue(plan.contains("JPEG probe: the study's validation split for the hyper-parameter search cannot be formed: processing operation"
                + " JPEG"), "named in the user's words, not 'class 4': " + plan);
        assertTrue(plan.contains("weak: fewer than 50"), "the plan says which figures are weak: " + plan);
        assertTrue(Files.exists(tmp.resolve("a12/report.html")));
        String summary = Files.readString(tmp.resolve("a12/summary.md"));
        assertTrue(summary.contains("kNN skipped") && summary.contains("cannot be formed"), summary);
        // the console's probe line has chance, n and the small-sample mark
        assertTrue(twelve.out().matches("(?s).*probe JPEG\\s+\\d+\\.\\d% +\\d+\\.\\d +16\\.7% +24 +small sample.*"), twelve.out());

        // 20 photos in a flat folder: no classes, so no kNN; the probe runs
        CliRun flat = audit(photos(tmp.resolve("flat"), 2, 10, true), tmp.resolve("a20"));
        assertEquals(0, flat.exit(), flat.err());
        assertTrue(Files.exists(tmp.resolve("a20/report.html")));

        // 30 photos of one class: kNN is not applicable and not computed; the dataset audit needs two classes
        CliRun one = audit(photos(tmp.resolve("one"), 1, 30, false), tmp.resolve("a30"));
        assertEquals(0, one.exit(), one.err());
        assertTrue(one.out().contains("kNN not applicable (one class)"), one.out());
        assertTrue(one.out().contains("dataset audit skipped: needs at least 2 classes"), one.out());
        assertFalse(one.out().contains("kNN JPEG all-same"), "no kNN figure drawn for one class: " + one.out());
        assertTrue(Files.readString(tmp.resolve("a30/report.html")).contains("not applicable (one class)"));

        // 40 photos in 2 classes: kNN runs on 12 queries, with chance and small-sample marks everywhere it is shown
        CliRun forty = audit(photos(tmp.resolve("forty"), 2, 20, false), tmp.resolve("a40"));
        assertEquals(0, forty.exit(), forty.err());
        assertTrue(forty.out().matches("(?s).*kNN JPEG all-same\\s+\\d+\\.\\d%\\s+50\\.0% +12 .*small sample.*"), forty.out());
        Path a40 = tmp.resolve("a40");
        List<String> knnCsv = Files.readAllLines(a40.resolve("knn.csv"));
        assertTrue(knnCsv.get(0).endsWith(",queries,chance,small_sample,ceiling"), knnCsv.get(0));
        assertTrue(knnCsv.get(1).contains(",12,0.5,true,"), knnCsv.get(1));
        List<String> table = Files.readAllLines(a40.resolve("table-knn.csv"));
        assertTrue(table.get(0).startsWith("Task,Encoder,k,Queries,Chance (%),") && table.get(0).endsWith(",Marks"), table.get(0));
        assertTrue(table.get(1).contains(",12,50.0,") && table.get(1).contains("small sample (n=12)"), table.get(1));
        String md = Files.readString(a40.resolve("summary.md"));
        assertTrue(md.contains("## kNN") && md.contains("| Chance |") && md.contains("| 50.0% |") && md.contains("small sample"), md);
        String html = Files.readString(a40.resolve("report.html"));
        assertTrue(html.contains("<th>Chance<br><small>largest class</small></th>") && html.contains("small sample, n=12"), "kNN table");
        JsonNode knnJson = new ObjectMapper().readTree(a40.resolve("results/builtin_jpeg-forensic/knn_jpeg.json").toFile());
        assertEquals(0.5, knnJson.path("metrics").path("chance").asDouble(), 1e-12);
        assertEquals(12, knnJson.path("metrics").path("queries").asInt());
    }

    @Test
    void aSmallFolderWithOneBrokenImageExits1WithAReport(@TempDir Path tmp) throws Exception {
        Path data = photos(tmp.resolve("s"), 2, 6, false);
        Files.writeString(data.resolve(DeadLeaves.CLASSES.get(0).name()).resolve("zz_broken.jpg"), "not an image");
        CliRun r = audit(data, tmp.resolve("out"));
        assertEquals(1, r.exit(), r.err());
        noStackTrace(r);
        assertTrue(r.out().contains("image embedding(s) failed"), r.out());
        assertTrue(Files.readString(tmp.resolve("out/report.html")).contains("images failed to embed"));
    }

    @Test
    void aFolderTooSmallForAnythingIsRefusedBeforeEmbeddingNamingTheMinimum(@TempDir Path tmp) throws Exception {
        Path data = photos(tmp.resolve("five"), 1, 5, false);
        Path out = tmp.resolve("out");
        CliRun r = CliRun.of("audit", "--images", data.toString(), "--model", "builtin:jpeg-forensic", "--quiet", "-o", out.toString());
        assertEquals(2, r.exit(), r.out());
        noStackTrace(r);
        assertTrue(r.err().contains("too few") && r.err().contains("needs at least 10 images"), r.err());
        assertFalse(Files.exists(out.resolve("embeddings")), "refused before any embedding");
        assertFalse(r.out().contains("audit plan"), "refused before the plan's work: " + r.out());
    }

    @Test
    void anExplicitKTheDatabaseCannotHoldIsRefusedBeforeEmbedding(@TempDir Path tmp) throws Exception {
        Path data = photos(tmp.resolve("s"), 2, 15, false);
        Path out = tmp.resolve("out");
        CliRun r = audit(data, out, "-k", "1000000");
        assertEquals(2, r.exit(), r.out());
        assertTrue(r.err().contains("-k 1000000") && r.err().contains("database size (21 training image(s))"), r.err());
        assertFalse(Files.exists(out.resolve("embeddings")));
    }

    @Test
    void tasksNoneOnClassFoldersRunsTheDatasetAuditOrSaysThereIsNothingToRun(@TempDir Path tmp) throws Exception {
        Path classes = photos(tmp.resolve("c"), 2, 6, false);
        CliRun r = CliRun.of("audit", "--images", classes.toString(), "--model", "builtin:jpeg-forensic", "--tasks", "none", "--quiet", "-o",
                tmp.resolve("out").toString());
        assertEquals(0, r.exit(), r.err());
        noStackTrace(r);
        assertTrue(r.out().contains("class vs jpeg_quality"), r.out());
        assertTrue(Files.exists(tmp.resolve("out/report.html")));
        assertTrue(Files.exists(tmp.resolve("out/results/dataset_audit.json")));

        Path flat = photos(tmp.resolve("f"), 1, 12, true);
        CliRun none = CliRun.of("audit", "--images", flat.toString(), "--model", "builtin:jpeg-forensic", "--tasks", "none", "--quiet", "-o",
                tmp.resolve("out2").toString());
        assertEquals(2, none.exit(), none.out());
        noStackTrace(none);
        assertTrue(none.err().contains("too few or too uniform for any figure"), none.err());
    }

    // ---------------------------------------------------------------- kNN

    /** An embedding set with a sidecar: rows named by ids, two clusters per class plus a per-operation shift. */
    private static Path set(Path f, List<String> ids, long[] labels, float[] rows, int d) throws Exception {
        ObjectNode prov = JsonNodeFactory.instance.objectNode();
        prov.put("model", "m");
        prov.putObject("dataset").put("name", "x").put("manifest_sha256", "cd".repeat(32));
        Map<String, long[]> l = new LinkedHashMap<>();
        l.put("label", labels);
        EmbeddingSetIO.write(f, new EmbeddingSet(ids.size(), d, rows, l, ids, org.encodertraces.embed.SetProvenance.fromJson(prov)));
        return f;
    }

    private static float[] gaussian(int n, int d, long seed, long[] labels) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] e = new float[n * d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                e[i * d + j] = (float) (r.nextGaussian() + (labels != null && j == labels[i] ? 3 : 0));
            }
        }
        return e;
    }

    private static List<String> ids(String prefix, int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(prefix + i + ".jpg");
        }
        return ids;
    }

    private static long[] twoClasses(int n) {
        long[] l = new long[n];
        for (int i = 0; i < n; i++) {
            l[i] = i % 2;
        }
        return l;
    }

    @Test
    void knnRefusesQueriesThatAreInItsDatabaseUnlessAllowed(@TempDir Path tmp) throws Exception {
        int d = 8;
        long[] y = twoClasses(40);
        Path all = set(tmp.resolve("all.safetensors"), ids("img", 40), y, gaussian(40, d, 1, y), d);
        // the same file as database and queries: every query is its own nearest neighbour
        CliRun same = CliRun.of("knn", "--train", "A=" + all, "--test", "A=" + all, "-o", tmp.resolve("k1").toString());
        assertEquals(2, same.exit(), same.out());
        noStackTrace(same);
        assertTrue(same.err().contains("40 of the 40 query images are also in the database: 40 by sample id") && same.err().contains("--allow-overlap"),
                same.err());
        CliRun allowed = CliRun.of("knn", "--train", "A=" + all, "--test", "A=" + all, "--allow-overlap", "-o", tmp.resolve("k2").toString());
        assertEquals(0, allowed.exit(), allowed.err());
        assertTrue(allowed.err().contains("warning: 40 of the 40 query images are also in the database"), allowed.err());
        JsonNode doc = new ObjectMapper().readTree(tmp.resolve("k2/knn.json").toFile());
        assertTrue(doc.path("notes").toString().contains("also in the database"), doc.toString());

        // the same photo under another name (a copy listed twice): caught by its embedding, bit for bit
        float[] q = gaussian(10, d, 2, null);
        System.arraycopy(EmbeddingSetIO.read(all).embeddings(), 3 * d, q, 5 * d, d);
        long[] yq = twoClasses(10);
        yq[5] = y[3];
        Path queries = set(tmp.resolve("q.safetensors"), ids("query", 10), yq, q, d);
        CliRun copy = CliRun.of("knn", "--train", "A=" + all, "--test", "A=" + queries, "-k", "5", "-o", tmp.resolve("k3").toString());
        assertEquals(2, copy.exit(), copy.out());
        assertTrue(copy.err().contains("1 of the 10 query images are also in the database: 1 by content") && copy.err().contains("query5.jpg = img3.jpg"),
                copy.err());

        // probe's study layout is held to the same rule
        Map<String, Path> ops = new LinkedHashMap<>();
        List<String> probeArgs = new ArrayList<>(List.of("probe", "--task", "sharpening", "--C", "1", "--repeats", "1", "-o", tmp.resolve("p").toString()));
        for (String op : org.encodertraces.process.ProcessingOp.SHARPENING_TASK) {
            Path f = set(tmp.resolve("p-" + op + ".safetensors"), ids("img", 40), y, gaussian(40, d, op.hashCode(), y), d);
            ops.put(op, f);
            probeArgs.addAll(List.of("--train", op + "=" + f, "--test", op + "=" + f));
        }
        CliRun probe = CliRun.of(probeArgs.toArray(String[]::new));
        assertEquals(2, probe.exit(), probe.out());
        assertTrue(probe.err().contains("40 of the 40 test images are also in the training set (--train)"), probe.err());
    }

    @Test
    void knnSplitsOneFolderAsProbeDoesAndRefusesAKTheDatabaseCannotHold(@TempDir Path tmp) throws Exception {
        int d = 8;
        long[] y = twoClasses(40);
        Path a = set(tmp.resolve("a.safetensors"), ids("img", 40), y, gaussian(40, d, 1, y), d);
        Path b = set(tmp.resolve("b.safetensors"), ids("img", 40), y, gaussian(40, d, 2, y), d);
        CliRun split = CliRun.of("knn", "--set", "A=" + a, "--set", "B=" + b, "--test-fraction", "0.3", "--seed", "4", "-k", "3", "-o",
                tmp.resolve("s").toString());
        assertEquals(0, split.exit(), split.err());
        var expected = org.encodertraces.probe.ProcessingProbe.ImageSplit.random(40, 0.3, 4);
        JsonNode doc = new ObjectMapper().readTree(tmp.resolve("s/knn.json").toFile());
        assertEquals(expected.train().length, doc.path("parameters").path("database_size").asInt());
        assertEquals(expected.test().length, doc.path("metrics").path("queries").asInt());
        assertTrue(doc.path("notes").toString().contains("28 database and 12 query images"), doc.path("notes").toString());
        int odd = 0;
        for (int i : expected.test()) {
            odd += (int) y[i];
        }
        double chance = (double) Math.max(odd, expected.test().length - odd) / expected.test().length;
        assertEquals(chance, doc.path("metrics").path("chance").asDouble(), 1e-12, "the share of the queries' largest class");
        assertTrue(split.out().contains(String.format(java.util.Locale.ROOT, "chance %.4f", chance)) && split.out().contains("n = 12 queries")
                && split.out().contains("small sample"), split.out());

        CliRun huge = CliRun.of("knn", "--set", "A=" + a, "--set", "B=" + b, "-k", "2000000000", "-o", tmp.resolve("h").toString());
        assertEquals(2, huge.exit(), huge.out());
        noStackTrace(huge);
        assertTrue(huge.err().contains("k = 2000000000 is not below the database size (32 training image(s))"), huge.err());
    }

    @Test
    void knnOnOneClassIsReportedNotApplicable(@TempDir Path tmp) throws Exception {
        int d = 8;
        long[] y = new long[30];
        Path a = set(tmp.resolve("a.safetensors"), ids("img", 30), y, gaussian(30, d, 1, null), d);
        CliRun r = CliRun.of("knn", "--set", "A=" + a, "-k", "3", "-o", tmp.resolve("k").toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("not applicable (one class)"), r.out());
        assertFalse(r.out().contains("all-same"), "no set-up is reported: " + r.out());
        JsonNode doc = new ObjectMapper().readTree(tmp.resolve("k/knn.json").toFile());
        assertTrue(doc.path("not_applicable").asText().startsWith("not applicable (one class)"));
        assertTrue(doc.path("metrics").isMissingNode(), "no metrics that could read as 100%");
    }

    // ---------------------------------------------------------------- manifests and copies

    @Test
    void aManifestListingOneFileUnderTwoSpellingsIsRefusedNamingBothLines(@TempDir Path tmp) throws Exception {
        Path imgs = photos(tmp.resolve("imgs"), 1, 12, true);
        StringBuilder m = new StringBuilder("path,label\n");
        int i = 0;
        for (Path p : Files.list(imgs).sorted().toList()) {
            m.append("imgs/").append(p.getFileName()).append(',').append(i++ % 2).append('\n');
        }
        m.append("./imgs/autumn_000.jpg,1\n");
        Path manifest = tmp.resolve("m.csv");
        Files.writeString(manifest, m.toString());
        CliRun r = CliRun.of("embed", "--images", manifest.toString(), "--model", "builtin:jpeg-forensic", "--quiet", "-o", tmp.resolve("e").toString());
        assertEquals(2, r.exit(), r.out());
        assertTrue(r.err().contains("lines 2 and 14 name the same file (imgs/autumn_000.jpg and ./imgs/autumn_000.jpg)"), r.err());
        assertFalse(Files.exists(tmp.resolve("e").resolve("m__IDENTITY__builtin_jpeg-forensic.safetensors")));
    }

    @Test
    void anAuditKeepsAByteIdenticalCopyOnceWithANote(@TempDir Path tmp) throws Exception {
        Path data = photos(tmp.resolve("c"), 2, 6, false);
        Files.copy(data.resolve("autumn/autumn_001.jpg"), data.resolve("ocean/copy_of_autumn.jpg"));
        Path out = tmp.resolve("a");
        CliRun r = audit(data, out);
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("audit plan: 12 images"), r.out());
        assertTrue(r.out().contains("1 file(s) are byte-identical copies") && r.out().contains("ocean/copy_of_autumn.jpg = autumn/autumn_001.jpg")
                && r.out().contains("labelled differently there"), r.out());
        EmbeddingSet s = EmbeddingSetIO.read(out.resolve("embeddings/c__JPEG75_420__builtin_jpeg-forensic.safetensors"));
        assertEquals(12, s.rows(), "the copy is not a sample of its own");
        assertFalse(s.ids().contains("ocean/copy_of_autumn.jpg"));
        assertTrue(Files.readString(out.resolve("summary.md")).contains("byte-identical copies"));

        // embed keeps what it is given, and probe's split of those sets refuses the copy on both sides
        Path emb = tmp.resolve("e");
        assertEquals(0, CliRun.of("embed", "--images", data.toString(), "--model", "builtin:jpeg-forensic", "--processing",
                "JPEG95_444,SHARPEN_2,SHARPEN_4", "--quiet", "-o", emb.toString()).exit());
        List<String> ids = EmbeddingSetIO.read(emb.resolve("c__SHARPEN_2__builtin_jpeg-forensic.safetensors")).ids();
        assertEquals(13, ids.size());
        int copy = ids.indexOf("ocean/copy_of_autumn.jpg");
        int orig = ids.indexOf("autumn/autumn_001.jpg");
        long seed = 0;
        while (inTest(org.encodertraces.probe.ProcessingProbe.ImageSplit.random(13, 0.5, seed).test(), copy)
                == inTest(org.encodertraces.probe.ProcessingProbe.ImageSplit.random(13, 0.5, seed).test(), orig)) {
            seed++; // a seed whose split puts the copy and its original on different sides
        }
        List<String> probe = new ArrayList<>(List.of("probe", "--task", "sharpening", "--C", "1", "--repeats", "1", "--test-fraction", "0.5",
                "--seed", Long.toString(seed), "-o", tmp.resolve("p").toString()));
        for (String op : List.of("JPEG95_444", "SHARPEN_2", "SHARPEN_4")) {
            probe.addAll(List.of("--set", op + "=" + emb.resolve("c__" + op + "__builtin_jpeg-forensic.safetensors")));
        }
        CliRun p = CliRun.of(probe.toArray(String[]::new));
        assertEquals(2, p.exit(), p.out());
        assertTrue(p.err().contains("1 of the 7 test images are also in the training side of the split: 1 by content, the same embedding bit for bit"),
                p.err());
    }

    private static boolean inTest(int[] test, int i) {
        return java.util.Arrays.stream(test).anyMatch(t -> t == i);
    }

    // ---------------------------------------------------------------- eraser identity

    /** A safetensors file without sidecar, as the study's release ships them: rows are known only by number. */
    private static Path bare(Path f, float[] e, long[] label, int n, int d) throws Exception {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put(EmbeddingSet.EMBEDDINGS, Tensor.f32(new long[] {n, d}, e));
        t.put("label", Tensor.i64(new long[] {n}, label));
        Safetensors.write(f, t, Map.of());
        return f;
    }

    @Test
    void anEraserFittedOnAStudyLayoutTrainFileIsAcceptedOnItsValFileAndRefusedOnItself(@TempDir Path tmp) throws Exception {
        int d = 8;
        long[] yTrain = twoClasses(40);
        long[] yVal = twoClasses(18);
        Path train = bare(tmp.resolve("train.safetensors"), gaussian(40, d, 1, yTrain), yTrain, 40, d);
        Path val = bare(tmp.resolve("val.safetensors"), gaussian(18, d, 2, yVal), yVal, 18, d);
        Path eraser = tmp.resolve("e.safetensors");
        CliRun fit = CliRun.of("erase", "fit", "--set", train.toString(), "--label-tensor", "label", "--all-images", "-o", eraser.toString());
        assertEquals(0, fit.exit(), fit.err());
        // val rows are "0".."17" like the train file's first rows, but they are other photos: accepted
        CliRun onVal = CliRun.of("knn", "--train", "A=" + train, "--test", "A=" + val, "-k", "3", "--eraser", eraser.toString(), "-o",
                tmp.resolve("k1").toString());
        assertEquals(0, onVal.exit(), onVal.err());
        // the train file itself as queries: the eraser saw every one of them
        CliRun onTrain = CliRun.of("knn", "--train", "A=" + val, "--test", "A=" + train, "-k", "3", "--eraser", eraser.toString(), "-o",
                tmp.resolve("k2").toString());
        assertEquals(2, onTrain.exit(), onTrain.out());
        assertTrue(onTrain.err().contains("was fitted on 40 of the 40 query (--test) images"), onTrain.err());
    }
}
