package org.encodertraces.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.encodertraces.report.html.HtmlReport;
import org.encodertraces.report.html.ReportWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportDataTest {
    @Test
    void jsonRoundTripIsLosslessAndSnakeCase() throws Exception {
        ReportData d = SampleReports.full();
        ReportJson json = new ReportJson();
        String text = json.toJson(d);
        ReportData back = json.fromJson(text);
        assertEquals(d, back);
        JsonNode n = new ObjectMapper().readTree(text);
        assertEquals("2025-06-01T12:00:00Z", n.get("created").asText());
        assertEquals(17, n.get("dataset").get("classes").asInt());
        JsonNode knn = n.get("knn").get(0);
        for (String k : List.of("task", "encoder_id", "k", "all_same", "pos_same", "neg_same", "all_diff", "uniform",
                "pos_same_std")) {
            assertTrue(knn.has(k), k + " in " + knn);
        }
        assertTrue(n.get("probes").get(0).has("accuracy_std"));
        assertTrue(n.get("retrieval").get(0).has("recall_at1_query_device"));
        assertEquals("REF", n.get("encoders").get(4).get("family").asText());
        assertFalse(n.get("encoders").get(4).has("reference"), "derived values are not serialised");
        assertEquals(5, n.get("provenance").get("seeds").size());
    }

    @Test
    void erasureRowsRoundTripRenderAndAreChecked(@TempDir Path tmp) throws Exception {
        ErasureRow probe = new ErasureRow("builtin:jpeg-forensic", "leace:jpeg", "leace", "jpeg", 153, "probe JPEG", true, 1 / 6.0,
                0.863, 0.031, 0.181, 0.016, 276);
        ErasureRow gap = new ErasureRow("builtin:jpeg-forensic", "leace:jpeg", "leace", "jpeg", 153, "kNN gap JPEG", false, null,
                0.779, null, -0.02, null, 46);
        ReportData d = SampleReports.full().withErasure(List.of(probe, gap));
        ReportJson json = new ReportJson();
        String text = json.toJson(d);
        assertEquals(d, json.fromJson(text));
        JsonNode row = new ObjectMapper().readTree(text).get("erasure").get(0);
        assertTrue(row.has("evaluated_images") && row.has("after_std") && !row.has("signed"), row.toString());
        // a report written before the section existed reads as one without it
        ObjectMapper om = new ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode old = (com.fasterxml.jackson.databind.node.ObjectNode) om.readTree(text);
        old.remove("erasure");
        assertTrue(json.fromJson(om.writeValueAsString(old)).erasure().isEmpty());
        String html = Files.readString(ReportWriter.write(d, null, tmp).html());
        assertTrue(html.contains("<h2>After erasure</h2>") && html.contains("href=\"#erasure\""), "section and its link");
        assertTrue(html.contains("\u221264.8 pp") || html.contains("\u221268.2 pp"), "the change in points");
        assertTrue(html.contains("<span class=\"at-chance\">+1.4 pp from chance, interval contains it</span>"),
                "18.1% on 276 test rows: its interval contains 16.7%");
        assertTrue(html.contains("+77.9 pp") && html.contains("\u22122.0 pp"), "gaps are signed points");
        assertTrue(Files.readString(tmp.resolve("summary.md")).contains("| **probe JPEG (16.7%)** | 153, 276 | 86.3% \u00b1 3.1 | 18.1% \u00b1 1.6"));
        assertFalse(Files.readString(ReportWriter.write(SampleReports.full(), null, tmp.resolve("none")).html()).contains("id=\"erasure\""),
                "no section without erasers");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SampleReports.full().withErasure(List.of(
                new ErasureRow("nobody", "x", "leace", "jpeg", 1, "probe JPEG", true, 0.5, 0.5, null, 0.5, null, 1))));
        assertTrue(e.getMessage().contains("erasure row probe JPEG names encoder nobody"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ErasureRow("m", "x", "leace", "jpeg", 1, "probe JPEG", true, 0.5, -0.1,
                null, 0.5, null, 1));
        new ErasureRow("m", "x", "leace", "jpeg", 1, "retrieval R@1 change", false, null, -0.4, null, 0.1, null, 1);
    }

    @Test
    void unknownKeysAndBadRowsAreRejected(@TempDir Path tmp) throws Exception {
        ReportJson json = new ReportJson();
        String text = json.toJson(SampleReports.full()).replace("\"all_same\"", "\"all_sam\"");
        Path f = tmp.resolve("report.json");
        Files.writeString(f, text);
        var e = assertThrows(java.io.IOException.class, () -> json.read(f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ProbeRow("JPEG", ProbeKind.PROCESSING, "x", 64.8, null,
                1, 0.1, null, 10), "percent given where a fraction is expected");
        ReportData d = SampleReports.full();
        var bad = assertThrows(IllegalArgumentException.class, () -> new ReportData(d.title(), d.created(),
                d.dataset(), d.encoders().subList(0, 1), d.probes(), List.of(), List.of(), List.of(), List.of(),
                Map.of()));
        assertTrue(bad.getMessage().contains("not in encoders"), bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ReportData("t", "yesterday", d.dataset(), List.of(),
                null, null, null, null, null, null));
    }

    @Test
    void headlineSummarisesEachEncoder() {
        ReportData d = SampleReports.full();
        List<TraceSensitivity> s = TraceSensitivity.of(d);
        assertEquals(List.of("JPEG", "Sharpening", "Resizing", "Interpolation", "Make", "Phone vs camera"),
                TraceSensitivity.probeTasks(d));
        TraceSensitivity clip = s.get(0);
        assertEquals(0.61 - 0.125, clip.probeAboveChance().get("JPEG"), 1e-12);
        assertEquals(0.085, clip.knnGap(), 1e-9);
        assertEquals(0.99 - 0.87, clip.retrievalDrop(), 1e-12);
        TraceSensitivity ref = s.get(4);
        assertEquals(List.of("JPEG", "Resizing"), List.copyOf(ref.probeAboveChance().keySet()));
        assertEquals(null, ref.knnGap());
        assertEquals(null, ref.retrievalDrop());
    }

    @Test
    void writesJsonCsvAndMarkdownBesideTheHtml(@TempDir Path tmp) throws Exception {
        ReportData d = SampleReports.full();
        ReportFiles files = ReportWriter.write(d, null, tmp.resolve("out"));
        assertEquals(d, new ReportJson().read(files.json()));
        List<String> probes = Files.readAllLines(files.csv().get(1));
        assertEquals(1 + d.probes().size(), probes.size());
        assertTrue(probes.get(0).startsWith("task,kind,encoder_id,accuracy,accuracy_std"));
        List<String> enc = Files.readAllLines(files.csv().get(0));
        assertTrue(enc.stream().anyMatch(l -> l.startsWith("local:my<model>&co.onnx,")), enc.toString());
        String md = Files.readString(files.markdown());
        assertTrue(md.contains("| JPEG forensic (built-in) *(yardstick)* | REF |"), md);
        assertTrue(md.contains("+48.5 pp"), md);
        assertFalse(md.contains("<b>"), "markup in names is escaped in Markdown");
        String html = Files.readString(files.html());
        assertFalse(html.contains("<script>alert"), "provenance values are escaped");
        assertFalse(html.contains("<b>model</b>"), "encoder names are escaped");
        assertTrue(html.contains("My &lt;b&gt;model&lt;/b&gt; &amp; co"));
        assertFalse(html.contains("http://") && html.replace("http://www.w3.org/2000/svg", "").contains("http://"),
                "nothing is fetched from the network");
        assertFalse(html.contains("https://"));
    }

    @Test
    void missingSectionsSayWhy(@TempDir Path tmp) throws Exception {
        ReportData d = SampleReports.probesOnly();
        String html = Files.readString(ReportWriter.write(d, null, tmp).html());
        assertEquals(1, HtmlReport.chartCount(d));
        assertEquals(1, count(html, "<svg class=\"chart\""));
        assertTrue(html.contains("No kNN results in this run: see the note above."), html);
        assertTrue(html.contains("<li>kNN skipped: --knn not given</li>"));
        assertTrue(html.contains("<li>Retrieval skipped: no PairCams-style pairs in the dataset</li>"));
        assertTrue(html.contains("No dataset audit in this run: the run did not include it"));
        assertFalse(html.contains("recorded no reason"));
        int acq = html.indexOf("id=\"probes-acquisition\"");
        int note = html.indexOf("<li>Acquisition probes skipped: only 12 photos with Make</li>");
        assertTrue(note > acq && note < html.indexOf("id=\"knn\""), "the acquisition note sits under its own section");
        assertTrue(html.contains("The study's published figures were not loaded"));
    }

    @Test
    void documentationSampleStillParsesAndRenders(@TempDir Path tmp) throws Exception {
        ReportData d = new ReportJson().read(Path.of("docs", "report-sample.json"));
        assertEquals(5, HtmlReport.chartCount(d));
        String html = Files.readString(ReportWriter.write(d, null, tmp).html());
        assertEquals(5, count(html, "<svg class=\"chart\""));
    }

    static int count(String s, String needle) {
        int n = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
