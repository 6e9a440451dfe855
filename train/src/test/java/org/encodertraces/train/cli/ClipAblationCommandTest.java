package org.encodertraces.train.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.encodertraces.provenance.Hashes;
import org.encodertraces.train.CaptionTokenizer;
import org.encodertraces.train.TinyData;
import org.encodertraces.train.TrainedEncoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code traces ablation --objective clip} on a tiny generated caption set: scratch and fine-tuned
 * runs under two recipes, each audited beside its zero-shot recall, fine-tunings started from the
 * scratch run without augmentation, a rerun reusing every run, and the refusals.
 */
class ClipAblationCommandTest {
    @TempDir
    Path tmp;

    /** The tiny set's classes by caption keywords: every caption of an image names its ramp's direction. */
    static final String CLASSES = "horizontal:horizontal|left|across,vertical:vertical|top|down";

    static List<String> args(Path zip, Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("ablation", "--objective", "clip", "--images", "captions:" + zip + "?split=train",
                "--test", "captions:" + zip + "?split=test", "--modes", "scratch,finetune", "--recipes", "none,ssl", "--seeds", "0",
                "--arch", "vit", "--size", "32", "--patch", "8", "--width", "16", "--depth", "1", "--heads", "2",
                "--context", "16", "--text-width", "16", "--text-depth", "1", "--text-heads", "2", "--embed-dim", "16", "--min-count", "1",
                "--epochs", "1", "--finetune-epochs", "1", "--batch-size", "16", "--lr", "0.003", "--classes", CLASSES,
                "--trials", "1", "--probe-seeds", "1", "--threads", "1", "--quiet", "-o", out.toString()));
        a.addAll(List.of(more));
        return a;
    }

    @Test
    void trainsScratchAndFinetunedRunsAuditsEachBesideItsRecallAndReusesThemOnARerun() throws Exception {
        // 200 images: 150 train, 50 test (25 of each class)
        Path zip = TinyData.captions(tmp.resolve("tiny-captions.zip"), 100, 3);
        Path out = tmp.resolve("abl");
        List<String> a = args(zip, out);
        TrainCommandTest.Run r = TrainCommandTest.cli(a.toArray(String[]::new));
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("trace probes and kNN on 50 test photos (horizontal 25, vertical 25)"), r.out());

        Path runs = out.resolve("runs");
        for (String run : List.of("clip_scratch_none__seed0", "clip_scratch_ssl__seed0", "clip_finetune_none__seed0", "clip_finetune_ssl__seed0")) {
            assertTrue(Files.isRegularFile(runs.resolve(run).resolve(TrainedEncoder.ONNX)), run);
        }
        // each fine-tuning started from the scratch run without augmentation: its checkpoint's hash and its tokenizer
        Path base = runs.resolve("clip_scratch_none__seed0");
        String baseSha = Hashes.sha256(Files.readAllBytes(base.resolve(TrainedEncoder.CHECKPOINT)));
        ObjectMapper om = new ObjectMapper();
        for (String run : List.of("clip_finetune_none__seed0", "clip_finetune_ssl__seed0")) {
            JsonNode t = om.readTree(runs.resolve(run).resolve(TrainedEncoder.PROVENANCE).toFile()).path("training");
            assertEquals("finetune", t.path("mode").asText(), run);
            assertEquals(base.toString(), t.path("init").path("dir").asText(), run);
            assertEquals(baseSha, t.path("init").path("checkpointSha256").asText(), run);
            assertEquals(Files.readString(base.resolve(CaptionTokenizer.FILE)), Files.readString(runs.resolve(run).resolve(CaptionTokenizer.FILE)), run);
            assertEquals(0.0003, t.path("optimizer").path("lr").asDouble(), 1e-12, "fine-tuning at a tenth of the peak lr");
        }

        JsonNode doc = om.readTree(out.resolve("ablation.json").toFile());
        assertEquals("ablation", doc.path("experiment").asText());
        assertEquals("clip", doc.path("parameters").path("objective").asText());
        JsonNode rows = doc.path("metrics").path("runs");
        assertEquals(4, rows.size());
        List<String> order = new ArrayList<>();
        for (JsonNode row : rows) {
            order.add(row.path("mode").asText() + "/" + row.path("recipe").asText());
            assertEquals(5, row.path("probe_accuracy").size(), row.toString());
            row.path("probe_accuracy").fields().forEachRemaining(e -> {
                double chance = row.path("chance").path(e.getKey()).asDouble();
                assertTrue(chance > 0 && chance < 1, e.getKey() + " chance " + chance);
                assertTrue(row.path("probe_test_rows").path(e.getKey()).asInt() > 0, e.getKey());
                assertTrue(e.getValue().asDouble() >= 0 && e.getValue().asDouble() <= 1, e.getKey());
            });
            assertTrue(row.path("knn_gap").size() > 0, "kNN ran on the keyword classes: " + row);
            // the run's text tower read the processing out by prompts, with chance and n
            JsonNode zs = row.path("zero_shot_trace_readout");
            assertTrue(zs.size() > 0, row.toString());
            zs.fields().forEachRemaining(e -> assertTrue(e.getValue().path("n").asInt() > 0 && e.getValue().path("chance").asDouble() > 0, e.toString()));
            JsonNode r5 = row.path("zero_shot_recall").path("image->text R@5");
            assertEquals(50, r5.path("n").asInt(), row.toString());
            assertTrue(r5.path("chance").asDouble() > 0 && r5.path("chance").asDouble() < 1, r5.toString());
            assertEquals(150, row.path("zero_shot_recall").path("text->image R@5").path("n").asInt());
            assertEquals(0.1, row.path("zero_shot_recall").path("text->image R@5").path("chance").asDouble(), 1e-12, "5 of 50 images");
        }
        assertEquals(List.of("scratch/none", "scratch/ssl", "finetune/none", "finetune/ssl"), order);
        assertEquals(4, doc.path("metrics").path("summary").size());
        String md = Files.readString(out.resolve("ablation.md"));
        assertTrue(md.contains("| scratch | none | 1 |") && md.contains("| finetune | ssl | 1 |"), md);
        assertTrue(md.contains("- scratch: ssl ") && md.contains("- finetune: ssl "), "a sentence per mode: " + md);
        assertTrue(md.contains("(one seed: no spread to judge by)"), md);
        assertEquals(5, Files.readAllLines(out.resolve("ablation.csv")).size());

        // traces report lists it: each probe with its n and chance, each run's zero-shot recall with its n and chance
        Path rep = tmp.resolve("report");
        TrainCommandTest.Run rr = TrainCommandTest.cli("report", out.resolve("ablation.json").toString(), "--out", rep.toString());
        assertEquals(0, rr.exit(), rr.out() + rr.err());
        String summary = Files.readString(rep.resolve("summary.md"));
        assertTrue(summary.contains("zero-shot text->image R@5, finetune ssl seed 0"), summary);
        assertTrue(summary.contains("probe JPEG, scratch none seed 0"), summary);

        // a rerun reuses every run: no training, the same weights
        byte[] ft = Files.readAllBytes(runs.resolve("clip_finetune_ssl__seed0").resolve(TrainedEncoder.ONNX));
        String prov = Files.readString(runs.resolve("clip_finetune_ssl__seed0").resolve(TrainedEncoder.PROVENANCE));
        TrainCommandTest.Run again = TrainCommandTest.cli(a.toArray(String[]::new));
        assertEquals(0, again.exit(), again.out() + again.err());
        assertEquals(4, again.out().split("\\(reused\\)", -1).length - 1, again.out());
        assertArrayEquals(ft, Files.readAllBytes(runs.resolve("clip_finetune_ssl__seed0").resolve(TrainedEncoder.ONNX)));
        assertEquals(prov, Files.readString(runs.resolve("clip_finetune_ssl__seed0").resolve(TrainedEncoder.PROVENANCE)));
    }

    @Test
    void aRunWhoseLossWentNaNIsListedAsFailedAndLeftOutNotReportedAsPerfectRecall() throws Exception {
        Path zip = TinyData.captions(tmp.resolve("tiny-captions.zip"), 100, 3);
        Path out = tmp.resolve("nan");
        List<String> a = args(zip, out);
        a.set(a.indexOf("--modes") + 1, "scratch");
        a.set(a.indexOf("--recipes") + 1, "none");
        a.set(a.indexOf("--lr") + 1, "1e30"); // AdamW steps of about 1e30 per weight: the loss overflows to NaN
        TrainCommandTest.Run r = TrainCommandTest.cli(a.toArray(String[]::new));
        assertEquals(1, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("1 run(s) failed and are left out of the report"), r.err());
        assertTrue(r.out().contains("[scratch none seed 0] FAILED, left out of the report") && r.out().contains("training diverged (mean loss NaN"), r.out());
        JsonNode m = new ObjectMapper().readTree(out.resolve("ablation.json").toFile()).path("metrics");
        assertEquals(0, m.path("runs").size(), m.toString());
        assertEquals(1, m.path("failed_runs").size(), m.toString());
        assertTrue(Files.readString(out.resolve("ablation.md")).contains("Failed runs, left out of every table above:\n\n- clip_scratch_none__seed0: training diverged"));
        assertFalse(Files.exists(out.resolve("runs/clip_scratch_none__seed0/audit")), "no audit of unusable weights");
    }

    @Test
    void finetuneAloneTrainsTheScratchRunItStartsFromWithoutReportingIt() throws Exception {
        Path zip = TinyData.captions(tmp.resolve("tiny-captions.zip"), 100, 3);
        Path out = tmp.resolve("ft");
        List<String> a = args(zip, out);
        a.set(a.indexOf("--modes") + 1, "finetune");
        a.set(a.indexOf("--recipes") + 1, "ssl");
        TrainCommandTest.Run r = TrainCommandTest.cli(a.toArray(String[]::new));
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(Files.isRegularFile(out.resolve("runs/clip_scratch_none__seed0").resolve(TrainedEncoder.ONNX)), r.out());
        JsonNode rows = new ObjectMapper().readTree(out.resolve("ablation.json").toFile()).path("metrics").path("runs");
        assertEquals(1, rows.size());
        assertEquals("finetune", rows.get(0).path("mode").asText());
    }

    @Test
    void refusalsAreUsageErrorsNamingTheProblem() throws Exception {
        Path zip = TinyData.captions(tmp.resolve("tiny-captions.zip"), 8, 1);
        List<String> a = args(zip, tmp.resolve("a"));
        a.set(a.indexOf("--modes") + 1, "scratch,pretrained");
        TrainCommandTest.Run r = TrainCommandTest.cli(a.toArray(String[]::new));
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("--modes takes scratch and finetune, got 'pretrained'"), r.err());
        // two CLIP trainings at once in one process diverged on Flickr8k: one at a time
        a = args(zip, tmp.resolve("j"));
        a.addAll(List.of("--jobs", "2"));
        r = TrainCommandTest.cli(a.toArray(String[]::new));
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("--jobs 2: CLIP runs are trained one at a time"), r.err());
        // testing on the training split
        a = args(zip, tmp.resolve("b"));
        a.set(a.indexOf("--test") + 1, "captions:" + zip + "?split=train");
        r = TrainCommandTest.cli(a.toArray(String[]::new));
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("--test is the training split itself"), r.err());
        // options of the supervised ablation
        r = TrainCommandTest.cli(args(zip, tmp.resolve("c"), "--probe-per-class", "10").toArray(String[]::new));
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("--probe-per-class has no effect with --objective clip"), r.err());
        // keywords no test photo's captions use
        a = args(zip, tmp.resolve("d"));
        a.set(a.indexOf("--classes") + 1, "cat:cat,car:car");
        r = TrainCommandTest.cli(a.toArray(String[]::new));
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("no image's captions name exactly one of the classes [cat, car]"), r.err());
        // clip options with another objective
        r = TrainCommandTest.cli("ablation", "--images", "zip:" + zip, "--test", "zip:" + zip, "--modes", "finetune", "-o", tmp.resolve("e").toString());
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("--modes applies to --objective clip only"), r.err());
        assertFalse(Files.exists(tmp.resolve("a").resolve("runs")), "refused before training");
    }
}
