package org.encodertraces.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.encodertraces.TestData;
import org.encodertraces.embed.EmbeddingSet;
import org.encodertraces.embed.EmbeddingSetIO;
import org.encodertraces.probe.FlickrExifSplit;
import org.encodertraces.probe.ResultWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProbeCommandTest {
    @TempDir
    Path tmp;

    static CliRun run(String... args) {
        return CliRun.of(args);
    }

    /** N images of 10 contents; operation op shifts feature op by 2. */
    private Path writeSet(String op, int opIndex, int n, List<String> ids) throws Exception {
        int d = 8;
        SplittableRandom content = new SplittableRandom(1);
        SplittableRandom noise = new SplittableRandom(100 + opIndex);
        float[] e = new float[n * d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                e[i * d + j] = (float) (content.nextDouble() * 2 + (j == opIndex ? 2 : 0) + 0.05 * noise.nextDouble());
            }
        }
        Path f = tmp.resolve(op + ".safetensors");
        EmbeddingSetIO.write(f, new EmbeddingSet(n, d, e, Map.of(), ids, null));
        return f;
    }

    @Test
    void processingProbeWritesResultAndCsv() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            ids.add("img" + i);
        }
        List<String> args = new ArrayList<>(List.of("probe", "--task", "sharpening", "--trainer", "lbfgs", "--trials", "3",
                "--repeats", "2", "--threads", "2", "-o", tmp.resolve("out").toString()));
        List<String> ops = List.of("JPEG95_444", "SHARPEN_2", "SHARPEN_4");
        Path first = null;
        for (int op = 0; op < 3; op++) {
            Path f = writeSet(ops.get(op), op, 200, ids);
            first = first == null ? f : first;
            args.add("--set");
            args.add(ops.get(op).toLowerCase() + "=" + f);
        }
        CliRun r = run(args.toArray(new String[0]));
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("sharpening: accuracy"), r.out());
        JsonNode doc = new ObjectMapper().readTree(tmp.resolve("out/probe-sharpening.json").toFile());
        assertEquals("probe", doc.get("experiment").asText());
        assertEquals(3, doc.get("inputs").size());
        assertEquals(org.encodertraces.provenance.Hashes.sha256(first), doc.get("inputs").get(0).get("sha256").asText());
        assertEquals("lbfgs", doc.at("/parameters/trainer").asText());
        assertEquals(2, doc.at("/seeds/repeats").size());
        assertEquals(3, doc.at("/hyperparameter_search/trials").size());
        assertEquals(3, doc.get("per_class").size());
        assertEquals("SHARPEN_2", doc.at("/per_class/1/class").asText());
        assertEquals(1.0 / 3, doc.at("/metrics/chance").asDouble(), 1e-12);
        assertTrue(doc.at("/metrics/accuracy_mean").asDouble() > 0.9, doc.at("/metrics").toString());
        assertTrue(doc.at("/provenance/java_version").isTextual());
        List<String> csv = Files.readAllLines(tmp.resolve("out/probe-sharpening.csv"));
        assertEquals(ResultWriter.csvHeader(), csv.get(0));
        assertTrue(csv.get(1).startsWith("probe,sharpening,lbfgs,l2,3,2,"), csv.get(1));
    }

    @Test
    void acquisitionProbeMapsSplitIdsToRows() throws Exception {
        int n = 300;
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(Long.toString(50_000_000_000L + i));
        }
        Path set = writeSet("photos", 1, n, ids);  // feature 1 shifted for all: labels come from the split
        // labels: class = (row / 10) % 2 cannot be learnt from content noise -> just check the plumbing
        Map<String, Object> split = new LinkedHashMap<>();
        List<Long> tr = new ArrayList<>();
        List<Long> va = new ArrayList<>();
        List<Long> te = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            (i % 5 == 0 ? te : i % 5 == 1 ? va : tr).add(50_000_000_000L + i);
        }
        tr.add(1L);  // an id with no embedding
        split.put("train_ids", tr);
        split.put("val_ids", va);
        split.put("test_ids", te);
        split.put("encoded_train_labels", tr.stream().map(v -> (int) (v % 2)).toList());
        split.put("encoded_val_labels", va.stream().map(v -> (int) (v % 2)).toList());
        split.put("encoded_test_labels", te.stream().map(v -> (int) (v % 2)).toList());
        split.put("label_encoder_classes", List.of("Canon", "NIKON"));
        split.put("target_attribute", "Make");
        Path sp = tmp.resolve("split.json");
        new ObjectMapper().writeValue(sp.toFile(), split);
        CliRun r = run("probe", "--set", set.toString(), "--split", sp.toString(), "--trainer", "lbfgs", "--trials", "2",
                "-o", tmp.resolve("acq").toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("1 of 181 train ids have no embedding row"), r.err());
        JsonNode doc = new ObjectMapper().readTree(tmp.resolve("acq/probe-Make.json").toFile());
        assertEquals(180 + 60, doc.at("/metrics/train_size").asInt());
        assertEquals(60, doc.at("/metrics/test_size").asInt());
        assertEquals("NIKON", doc.at("/per_class/1/class").asText());
        // the study's acquisition script searches with seed 42
        assertEquals("study", doc.at("/parameters/protocol").asText());
        assertEquals(42, doc.at("/parameters/search_seed").asInt());
        assertFalse(doc.at("/parameters/hyperparameters_fixed").asBoolean());
        assertEquals(2, doc.at("/hyperparameter_search/trials").size());
    }

    @Test
    void badUsageSaysWhy() {
        CliRun r = run("probe", "--set", "x.safetensors", "-o", tmp.toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("either --task"), r.err());
        CliRun help = run("probe", "--help");
        assertEquals(0, help.exit());
        assertTrue(help.out().contains("--split"));
    }

    @Test
    void readsThePublishedFlickrExifSplit() throws Exception {
        Path f = TestData.shared().resolve("data/flickrexif-splits/split_data_target_attribute=Make.json");
        FlickrExifSplit s = FlickrExifSplit.read(f);
        assertEquals(9, s.classes().size());
        assertEquals("Apple", s.classes().get(0));
        assertEquals(35091, s.train().ids().size());
        assertEquals(1800, s.val().ids().size());
        assertEquals(4500, s.test().ids().size());
        assertTrue(s.train().ids().get(0).matches("\\d{10,12}"), s.train().ids().get(0));
    }
}
