package org.encodertraces.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.encodertraces.Requirements;
import org.encodertraces.data.DeadLeaves;
import org.encodertraces.image.PngIo;
import org.encodertraces.io.Csv;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code traces dedup-check} through the command line, on generated photos with the shared MobileNetV2. */
class DedupCheckCliTest {
    /** {@code n} distinct generated photos (96x96 PNG), plus a byte-identical copy of the first under another name. */
    private static Path photos(Path dir, int n) throws IOException {
        Files.createDirectories(dir);
        for (int i = 0; i < n; i++) {
            DeadLeaves.SceneClass c = DeadLeaves.CLASSES.get(i % DeadLeaves.CLASSES.size());
            PngIo.write(DeadLeaves.render(c, i, 96, 96, 7), dir.resolve(String.format("p%02d.png", i)));
        }
        Files.copy(dir.resolve("p00.png"), dir.resolve("p00-copy.png"));
        return dir;
    }

    private static List<Map<String, String>> rows(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        List<String> head = Csv.parse(lines.get(0));
        return lines.stream().skip(1).map(l -> {
            List<String> f = Csv.parse(l);
            Map<String, String> m = new HashMap<>();
            for (int i = 0; i < head.size(); i++) {
                m.put(head.get(i), f.get(i));
            }
            return m;
        }).toList();
    }

    @Test
    void checksEachOperationAgainstTheOriginalsWithCountsIntervalsAndTheDatabaseStated(@TempDir Path tmp) throws IOException {
        Path model = Requirements.shared("models/mobilenetv2-12-int8.onnx");
        Path dir = photos(tmp.resolve("photos"), 12);
        Path out = tmp.resolve("out");
        CliRun r = CliRun.of("dedup-check", "--images", dir.toString(), "--model", "mobilenetv2-int8", "--processing",
                "JPEG75_420,RESIZE_HALF", "-o", out.toString(), "--quiet", "--threads", "2");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(model.toFile().isFile());
        // the byte-identical copy is merged, so no photo is its own non-duplicate: 12 queries per operation
        List<Map<String, String>> ops = rows(out.resolve("dedup.csv"));
        assertEquals(List.of("JPEG75_420", "RESIZE_HALF"), ops.stream().map(m -> m.get("operation")).toList());
        List<Map<String, String>> queries = rows(out.resolve("dedup-queries.csv"));
        assertEquals(24, queries.size());
        for (Map<String, String> op : ops) {
            assertEquals("12", op.get("n"));
            List<Map<String, String>> qs = queries.stream().filter(q -> q.get("operation").equals(op.get("operation"))).toList();
            long top1 = qs.stream().filter(q -> q.get("rank").equals("1")).count();
            long top5 = qs.stream().filter(q -> Integer.parseInt(q.get("rank")) <= 5).count();
            long outranked = qs.stream().filter(q -> q.get("outranked_by_processed").equals("true")).count();
            assertEquals(top1 / 12.0, Double.parseDouble(op.get("recall_at_1")), 1e-5);
            assertEquals(top5 / 12.0, Double.parseDouble(op.get("recall_at_5")), 1e-5);
            assertEquals(outranked / 12.0, Double.parseDouble(op.get("outranked_by_processed")), 1e-5);
            assertEquals(1 / 12.0, Double.parseDouble(op.get("chance_at_1")), 1e-5);
            double lo = Double.parseDouble(op.get("recall_at_1_lo"));
            double hi = Double.parseDouble(op.get("recall_at_1_hi"));
            assertTrue(lo <= top1 / 12.0 && top1 / 12.0 <= hi && hi - lo > 0.05, op.toString());
            // threshold fitted on one half, judged on the other: together every photo once
            assertEquals(12, Integer.parseInt(op.get("threshold_fit_n")) + Integer.parseInt(op.get("held_out_n")));
            for (Map<String, String> q : qs) {
                assertNotEquals(q.get("id"), q.get("nearest_other_id"), "a query's nearest non-duplicate is another photo");
                assertNotEquals(q.get("id"), q.get("nearest_processed_id"), "the query itself is never in the database");
                assertEquals(Double.parseDouble(q.get("true_similarity")) - Double.parseDouble(q.get("nearest_other_similarity")),
                        Double.parseDouble(q.get("margin")), 1e-5);
            }
        }
        // a JPEG copy of a distinct generated photo is found among the originals well above chance
        assertTrue(Double.parseDouble(ops.get(0).get("recall_at_1")) > 0.5, ops.get(0).toString());
        JsonNode doc = new ObjectMapper().readTree(out.resolve("dedup.json").toFile());
        assertEquals("dedup-check", doc.get("experiment").asText());
        assertTrue(doc.get("parameters").get("database").asText().contains("never in the database"));
        assertEquals(12, doc.get("metrics").get("operations").get(0).get("recall_at_1").get("n").asInt());
        assertEquals(2, doc.get("metrics").get("operations").get(0).get("recall_at_1").get("interval").size());
        assertTrue(doc.get("notes").toString().contains("p00-copy.png") || doc.get("notes").toString().contains("p00.png"),
                "the merged copy is named: " + doc.get("notes"));
        assertEquals(3, doc.get("provenance").get("operations").size(), "IDENTITY and the two operations");
        String html = Files.readString(out.resolve("dedup.html"));
        assertTrue(html.contains("<section id=\"dedup\">") && html.contains("JPEG75_420") && html.contains("/12</small>"), html);
        assertTrue(r.out().contains("chance recall@1 = 1/n"), r.out());
        // dedup.json is a result document: traces report gives its figures with n and chance
        Path rep = tmp.resolve("report");
        CliRun rr = CliRun.of("report", out.toString(), "--out", rep.toString());
        assertEquals(0, rr.exit(), rr.err());
        List<String> rows = Files.readAllLines(rep.resolve("results.csv"));
        assertTrue(rows.stream().anyMatch(x -> x.contains(",dedup-check,,recall@1 JPEG75_420,") && x.contains(",12,")), rows.toString());
        assertTrue(rows.stream().anyMatch(x -> x.contains("outranked by another photo's processed copy")), rows.toString());
    }

    @Test
    void refusesTooFewPhotosAndIdentityAsAnOperation(@TempDir Path tmp) throws IOException {
        Path few = photos(tmp.resolve("few"), 6);
        CliRun r = CliRun.of("dedup-check", "--images", few.toString(), "--model", "builtin:lowlevel-stats", "-o",
                tmp.resolve("o1").toString(), "--quiet");
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("6 distinct photo(s)") && r.err().contains("at least 10"), r.err());
        Path enough = photos(tmp.resolve("enough"), 10);
        CliRun id = CliRun.of("dedup-check", "--images", enough.toString(), "--model", "builtin:lowlevel-stats", "--processing",
                "IDENTITY,JPEG75_420", "-o", tmp.resolve("o2").toString(), "--quiet");
        assertEquals(2, id.exit(), id.out() + id.err());
        assertTrue(id.err().contains("IDENTITY is the database"), id.err());
    }
}
