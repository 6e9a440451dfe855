package org.encodertraces.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.encodertraces.embed.EmbeddingSet;
import org.encodertraces.embed.EmbeddingSetIO;
import org.encodertraces.erase.EraserFile;
import org.encodertraces.process.ProcessingOp;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code traces erase fit/apply/evaluate} and {@code --eraser} on probe and knn, at the command line, on
 * generated embedding sets: 300 images of 4 semantic classes under the six JPEG operations, each operation
 * shifting the embeddings along its own direction (the planted trace), written with a provenance that names
 * the encoder (model sha256) and the dataset (manifest sha256) as extraction does.
 */
class EraseCommandTest {
    static final int N = 300;
    static final int D = 16;
    static final String SHA = "ab".repeat(32);

    @TempDir
    Path dir;

    List<String> setArgs = new ArrayList<>();
    Map<String, Path> files = new LinkedHashMap<>();

    @BeforeEach
    void sets() throws Exception {
        writeSets(dir, "enc", SHA, D, files, setArgs);
    }

    static void writeSets(Path dir, String model, String sha, int d, Map<String, Path> files, List<String> args) throws Exception {
        SplittableRandom r = new SplittableRandom(5);
        float[][] base = new float[N][d];
        long[] label = new long[N];
        long[] camera = new long[N];
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            label[i] = i % 4;
            camera[i] = (i / 4) % 2;
            ids.add("class" + label[i] + "/img" + i + ".jpg");
            for (int j = 0; j < d; j++) {
                base[i][j] = (float) ((j == 8 + label[i] ? 3 : 0) + (j == 14 ? 2 * camera[i] : 0) + r.nextGaussian());
            }
        }
        List<String> ops = ProcessingOp.JPEG_TASK;
        for (int op = 0; op < ops.size(); op++) {
            float[] e = new float[N * d];
            for (int i = 0; i < N; i++) {
                for (int j = 0; j < d; j++) {
                    double trace = j == op ? 4 : 0;
                    e[i * d + j] = (float) (base[i][j] + trace + 0.3 * r.nextGaussian());
                }
            }
            ObjectNode prov = JsonNodeFactory.instance.objectNode();
            prov.put("model", model);
            prov.putObject("encoder").put("model_sha256", sha).put("embedding_dim", d);
            prov.putObject("dataset").put("name", "synthetic").put("manifest_sha256", "cd".repeat(32));
            Map<String, long[]> labels = new LinkedHashMap<>();
            labels.put("label", label);
            labels.put("camera", camera);
            Path f = dir.resolve("synthetic__" + ops.get(op) + "__" + model + ".safetensors");
            EmbeddingSetIO.write(f, new EmbeddingSet(N, d, e, labels, ids, org.encodertraces.embed.SetProvenance.fromJson(prov)));
            files.put(ops.get(op), f);
            args.add("--set");
            args.add(ops.get(op) + "=" + f);
        }
    }

    CliRun run(List<String> head, List<String> tail) {
        List<String> a = new ArrayList<>(head);
        a.addAll(tail);
        return CliRun.of(a.toArray(new String[0]));
    }

    static JsonNode json(Path p) throws Exception {
        return new ObjectMapper().readTree(p.toFile());
    }

    Path fit(String... extra) {
        Path e = dir.resolve("jpeg.safetensors");
        List<String> head = new ArrayList<>(List.of("erase", "fit", "--task", "jpeg", "-o", e.toString()));
        head.addAll(List.of(extra));
        CliRun r = run(head, setArgs);
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("rank 5 of D=16"), r.out());
        return e;
    }

    double probe(Path eraser, String seed) throws Exception {
        Path out = dir.resolve("probe-" + (eraser == null ? "raw" : "erased") + seed);
        List<String> head = new ArrayList<>(List.of("probe", "--task", "jpeg", "--trainer", "lbfgs", "--trials", "4", "--repeats", "2",
                "--seed", seed, "-o", out.toString()));
        if (eraser != null) {
            head.addAll(List.of("--eraser", eraser.toString()));
        }
        CliRun r = run(head, setArgs);
        assertEquals(0, r.exit(), r.err());
        JsonNode j = json(out.resolve("probe-jpeg.json"));
        if (eraser != null) {
            assertTrue(j.toString().contains("\"eraser\""), "the eraser is among the result's inputs");
        }
        return j.path("metrics").path("accuracy_mean").asDouble(Double.NaN);
    }

    @Test
    void fitWritesTheEraserWithItsProvenance() throws Exception {
        Path e = fit();
        JsonNode side = json(EmbeddingSetIO.sidecarOf(e));
        assertEquals("leace", side.path("method").asText());
        assertEquals(SHA, side.path("encoder").path("model_sha256").asText());
        assertEquals(16, side.path("encoder").path("dim").asInt());
        assertEquals("jpeg", side.path("concepts").get(0).path("name").asText());
        assertEquals(ProcessingOp.JPEG_TASK.toString(), side.path("concepts").get(0).path("classes").toString().replace("\"", "").replace(",", ", "));
        assertEquals(6, side.path("inputs").size());
        assertEquals(64, side.path("inputs").get(0).path("sha256").asText().length());
        assertEquals(240, side.path("fit").path("images").asInt(), "80% of 300 images: the probe's training images");
        assertEquals(240, side.path("fit").path("image_ids").size());
        assertEquals(1440, side.path("fit").path("rows").asInt());
        assertTrue(side.path("fit").path("held_out").asText().startsWith("test fraction 0.2, seed 0"), side.path("fit").toString());
        EraserFile ef = EraserFile.read(e);
        assertEquals(5, ef.eraser().rank());
    }

    @Test
    void probeWithTheEraserFallsToChanceOnImagesItNeverSaw() throws Exception {
        double before = probe(null, "0");
        Path e = fit();
        double after = probe(e, "0");
        assertTrue(before > 0.9, "the planted JPEG trace is readable: " + before);
        assertTrue(after < 1.0 / 6 + 0.05, "after erasure the probe is at chance (16.7%): " + after);
    }

    @Test
    void evaluatingOnImagesTheEraserWasFittedOnIsRefused() {
        Path e = fit();
        CliRun r = run(List.of("probe", "--task", "jpeg", "--trainer", "lbfgs", "--trials", "2", "--repeats", "1", "--seed", "3",
                "--eraser", e.toString(), "-o", dir.resolve("p").toString()), setArgs);
        assertEquals(2, r.exit(), r.out());
        assertTrue(r.err().contains("was fitted on") && r.err().contains("of the 60 test images"), r.err());
        // kNN queries that the eraser saw are refused as well
        Path q = files.get("JPEG95_444");
        CliRun k = CliRun.of("knn", "--train", "JPEG95_444=" + q, "--test", "JPEG95_444=" + q, "--eraser", e.toString(), "-o",
                dir.resolve("k").toString());
        assertEquals(2, k.exit());
        assertTrue(k.err().contains("query (--test) images"), k.err());
    }

    static Path subset(Path file, int[] rows, Path out) throws Exception {
        EmbeddingSet s = EmbeddingSetIO.read(file);
        float[] e = new float[rows.length * s.dim()];
        Map<String, long[]> labels = new LinkedHashMap<>();
        s.labels().keySet().forEach(k -> labels.put(k, new long[rows.length]));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(s.embeddings(), rows[i] * s.dim(), e, i * s.dim(), s.dim());
            for (String k : labels.keySet()) {
                labels.get(k)[i] = s.label(k)[rows[i]];
            }
            ids.add(s.ids().get(rows[i]));
        }
        EmbeddingSetIO.write(out, new EmbeddingSet(rows.length, s.dim(), e, labels, ids, s.provenance()));
        return out;
    }

    @Test
    void knnWithTheEraserOnHeldOutQueriesShrinksTheGap() throws Exception {
        Path e = fit();
        var split = org.encodertraces.probe.ProcessingProbe.ImageSplit.random(N, 0.2, 0);
        List<String> raw = new ArrayList<>(List.of("knn", "--task", "jpeg"));
        for (String op : ProcessingOp.JPEG_TASK) {
            Path f = files.get(op);
            raw.addAll(List.of("--train", op + "=" + subset(f, split.train(), dir.resolve("knn/train-" + op + ".safetensors")),
                    "--test", op + "=" + subset(f, split.test(), dir.resolve("knn/test-" + op + ".safetensors"))));
        }
        List<String> before = new ArrayList<>(raw);
        before.addAll(List.of("-o", dir.resolve("knn-raw").toString()));
        assertEquals(0, CliRun.of(before.toArray(new String[0])).exit());
        List<String> after = new ArrayList<>(raw);
        after.addAll(List.of("--eraser", e.toString(), "-o", dir.resolve("knn-erased").toString()));
        CliRun r = CliRun.of(after.toArray(new String[0]));
        assertEquals(0, r.exit(), r.err());
        double gapBefore = json(dir.resolve("knn-raw/knn.json")).findValue("gap_pos_minus_neg").asDouble(Double.NaN);
        JsonNode erased = json(dir.resolve("knn-erased/knn.json"));
        double gapAfter = erased.findValue("gap_pos_minus_neg").asDouble(Double.NaN);
        assertTrue(gapBefore > 0.2 && gapAfter < gapBefore / 2, "gap " + gapBefore + " -> " + gapAfter);
        assertTrue(erased.toString().contains("\"eraser\""), "the eraser is among the inputs");
    }

    @Test
    void applyWritesAnErasedSetWithChainedProvenance() throws Exception {
        Path e = fit();
        Path in = files.get("JPEG75_420");
        Path out = dir.resolve("erased/set.safetensors");
        CliRun r = CliRun.of("erase", "apply", "--eraser", e.toString(), in.toString(), "-o", out.toString());
        assertEquals(0, r.exit(), r.err());
        EmbeddingSet raw = EmbeddingSetIO.read(in);
        EmbeddingSet erased = EmbeddingSetIO.read(out);
        assertEquals(raw.ids(), erased.ids());
        assertTrue(Arrays.equals(raw.label("label"), erased.label("label")));
        assertTrue(Arrays.equals(EraserFile.read(e).eraser().apply(raw.embeddings(), N), erased.embeddings()));
        JsonNode chain = erased.provenance().toJsonNode().path("erasures");
        assertEquals(1, chain.size());
        assertEquals("leace", chain.get(0).path("method").asText());
        assertEquals(64, chain.get(0).path("eraser_sha256").asText().length());
        assertEquals(in.getFileName().toString(), chain.get(0).path("source_set").asText());
        assertEquals(SHA, erased.provenance().toJsonNode().path("encoder").path("model_sha256").asText(), "the encoder's identity is kept");
        // applying it again (to the erased set) chains a second entry
        Path twice = dir.resolve("erased/twice.safetensors");
        assertEquals(0, CliRun.of("erase", "apply", "--eraser", e.toString(), out.toString(), "-o", twice.toString()).exit());
        assertEquals(2, EmbeddingSetIO.read(twice).provenance().toJsonNode().path("erasures").size());
    }

    @Test
    void anotherEncodersEmbeddingsAreRefused() throws Exception {
        Path e = fit();
        Map<String, Path> other = new LinkedHashMap<>();
        writeSets(Files.createDirectories(dir.resolve("other")), "other-model", "ef".repeat(32), D, other, new ArrayList<>());
        CliRun r = CliRun.of("erase", "apply", "--eraser", e.toString(), other.get("JPEG75_420").toString(), "-o",
                dir.resolve("x.safetensors").toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("was made by another encoder") && r.err().contains("other-model") && r.err().contains("ef".repeat(32)), r.err());
        Map<String, Path> wide = new LinkedHashMap<>();
        writeSets(Files.createDirectories(dir.resolve("wide")), "enc", SHA, 24, wide, new ArrayList<>());
        CliRun w = CliRun.of("retrieval", "--set", wide.get("JPEG75_420").toString(), "--subject-tensor", "label", "--device-tensor",
                "camera", "--eraser", e.toString(), "-o", dir.resolve("r").toString());
        assertEquals(2, w.exit());
        assertTrue(w.err().contains("holds 24-dimensional embeddings") && w.err().contains("fitted on 16-dimensional"), w.err());
        Path bare = dir.resolve("bare.safetensors");
        EmbeddingSet s = EmbeddingSetIO.read(files.get("JPEG75_420"));
        EmbeddingSetIO.write(bare, new EmbeddingSet(s.rows(), s.dim(), s.embeddings(), s.labels(), s.ids(), null));
        CliRun u = CliRun.of("erase", "apply", "--eraser", e.toString(), bare.toString(), "-o", dir.resolve("y.safetensors").toString());
        assertEquals(2, u.exit());
        assertTrue(u.err().contains("does not say which encoder made it"), u.err());
    }

    @Test
    void acquisitionConceptFromALabelTensorAndBadUsage() throws Exception {
        Path e = dir.resolve("camera.safetensors");
        CliRun r = CliRun.of("erase", "fit", "--set", files.get("JPEG95_444").toString(), "--label-tensor", "camera", "-o", e.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals(1, EraserFile.read(e).eraser().rank(), "two classes: one direction");
        assertEquals("camera", json(EmbeddingSetIO.sidecarOf(e)).path("concepts").get(0).path("name").asText());
        CliRun adv = run(List.of("erase", "fit", "--method", "adversarial", "--task", "jpeg", "-o", dir.resolve("a.safetensors").toString()), setArgs);
        assertEquals(2, adv.exit());
        assertTrue(adv.err().contains("'adversarial' is not implemented"), adv.err());
        CliRun missing = CliRun.of("erase", "fit", "--task", "jpeg", "--set", "JPEG75_420=" + files.get("JPEG75_420"), "-o",
                dir.resolve("m.safetensors").toString());
        assertEquals(2, missing.exit());
        assertTrue(missing.err().contains("needs sets for exactly"), missing.err());
        CliRun noEraser = CliRun.of("erase", "apply", "--eraser", dir.resolve("none.safetensors").toString(), files.get("JPEG75_420").toString(),
                "-o", dir.resolve("n.safetensors").toString());
        assertEquals(2, noEraser.exit());
        assertTrue(noEraser.err().contains("no such eraser file"), noEraser.err());
    }

    @Test
    void acquisitionEraserFittedOnASplitsTrainIdsIsProbedOnItsTestIds() throws Exception {
        Path set = files.get("JPEG95_444");
        EmbeddingSet s = EmbeddingSetIO.read(set);
        ObjectNode split = JsonNodeFactory.instance.objectNode();
        split.put("target_attribute", "camera");
        split.putArray("label_encoder_classes").add("a").add("b");
        String[] parts = {"train", "val", "test"};
        for (int p = 0; p < 3; p++) {
            var ids = split.putArray(parts[p] + "_ids");
            var labels = split.putArray("encoded_" + parts[p] + "_labels");
            for (int i = 0; i < N; i++) {
                if (p == (i % 10 < 6 ? 0 : i % 10 < 8 ? 1 : 2)) {
                    ids.add(s.ids().get(i));
                    labels.add(s.label("camera")[i]);
                }
            }
        }
        Path sp = dir.resolve("camera-split.json");
        new ObjectMapper().writeValue(sp.toFile(), split);
        Path e = dir.resolve("camera.safetensors");
        CliRun f = CliRun.of("erase", "fit", "--set", set.toString(), "--label-tensor", "camera", "--split", sp.toString(), "-o", e.toString());
        assertEquals(0, f.exit(), f.err());
        assertTrue(f.out().contains("fitted on 240 images"), f.out());
        Path out = dir.resolve("acq");
        CliRun before = CliRun.of("probe", "--set", set.toString(), "--split", sp.toString(), "--trainer", "lbfgs", "--trials", "3", "-o",
                dir.resolve("acq-raw").toString());
        assertEquals(0, before.exit(), before.err());
        CliRun after = CliRun.of("probe", "--set", set.toString(), "--split", sp.toString(), "--trainer", "lbfgs", "--trials", "3", "--eraser",
                e.toString(), "-o", out.toString());
        assertEquals(0, after.exit(), after.err());
        double rawAcc = json(dir.resolve("acq-raw/probe-camera.json")).path("metrics").path("accuracy_mean").asDouble();
        double erasedAcc = json(out.resolve("probe-camera.json")).path("metrics").path("accuracy_mean").asDouble();
        assertTrue(rawAcc > 0.8 && erasedAcc < 0.65, "camera readable before (" + rawAcc + "), not after (" + erasedAcc + ")");
        // an eraser fitted on every image cannot be probed on this split
        Path all = dir.resolve("all.safetensors");
        assertEquals(0, CliRun.of("erase", "fit", "--set", set.toString(), "--label-tensor", "camera", "--all-images", "-o", all.toString()).exit());
        CliRun refused = CliRun.of("probe", "--set", set.toString(), "--split", sp.toString(), "--eraser", all.toString(), "-o",
                dir.resolve("acq2").toString());
        assertEquals(2, refused.exit());
        assertTrue(refused.err().contains("of the 60 test photos"), refused.err());
    }

    @Test
    void inlpFitsAndEvaluateReportsBeforeAndAfter() throws Exception {
        Path e = dir.resolve("inlp.safetensors");
        CliRun f = run(List.of("erase", "fit", "--method", "inlp", "--task", "jpeg", "--threads", "1", "-o", e.toString()), setArgs);
        assertEquals(0, f.exit(), f.err());
        JsonNode side = json(EmbeddingSetIO.sidecarOf(e));
        assertEquals("inlp", side.path("method").asText());
        assertTrue(side.path("rounds").size() >= 2, "rounds are recorded: " + side.path("rounds"));
        Path out = dir.resolve("eval");
        CliRun r = run(List.of("erase", "evaluate", "--task", "jpeg", "--seeds", "2", "--trainer", "lbfgs", "--trials", "3", "--repeats", "1",
                "--threads", "1", "-o", out.toString()), setArgs);
        assertEquals(0, r.exit(), r.err());
        JsonNode j = json(out.resolve("erasure-jpeg-leace.json"));
        Map<String, JsonNode> m = new LinkedHashMap<>();
        j.path("metrics").forEach(x -> m.put(x.path("name").asText(), x));
        assertTrue(m.get("probe:jpeg").path("before_mean").asDouble() > 0.5, "well above chance before: " + m.get("probe:jpeg"));
        assertTrue(m.get("probe:jpeg").path("after_mean").asDouble() < 1.0 / 6 + 0.05, m.get("probe:jpeg").toString());
        assertEquals(2, m.get("knn:gap").path("after").size());
        assertTrue(m.get("semantic-probe").path("after_mean").asDouble() > 0.8, "the semantic classes survive: " + m.get("semantic-probe"));
        assertTrue(Files.readString(out.resolve("erasure-jpeg-leace.csv")).startsWith("metric,chance,before_mean"));
    }
}
