package org.encodertraces.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.encodertraces.TestData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code traces report} over what the experiments write (issue 24, item 2): real {@code probe},
 * {@code knn} and {@code erase evaluate} runs on a small generated folder embedded with
 * {@code builtin:lowlevel-stats}, reported alone, mixed with an audit's report.json, and refused
 * for a file that is neither; and every result document's keys in the one convention.
 */
class ResultReportCliTest {
    @TempDir
    static Path tmp;

    private static Path probeOut;
    private static Path knnOut;
    private static Path eraseOut;
    private static Path emb;

    @BeforeAll
    static void run() throws Exception {
        Path data = ReliabilityCliTest.scenes(tmp.resolve("s"), 8, false);
        emb = tmp.resolve("emb");
        List<String> sets = ProvenanceKeysCliTest.sharpeningSets(data, emb);
        probeOut = tmp.resolve("probe");
        List<String> probe = new ArrayList<>(List.of("probe", "--task", "sharpening", "--trainer", "lbfgs", "--trials", "1",
                "--repeats", "2", "-o", probeOut.toString()));
        probe.addAll(sets);
        CliRun pr = CliRun.of(probe.toArray(String[]::new));
        assertEquals(0, pr.exit(), pr.err());
        knnOut = tmp.resolve("knn");
        List<String> knn = new ArrayList<>(List.of("knn", "-k", "3", "-o", knnOut.toString()));
        knn.addAll(sets);
        CliRun k = CliRun.of(knn.toArray(String[]::new));
        assertEquals(0, k.exit(), k.err());
        eraseOut = tmp.resolve("erase");
        List<String> erase = new ArrayList<>(List.of("erase", "evaluate", "--task", "sharpening", "--seeds", "1", "--trials", "1",
                "--repeats", "1", "-k", "3", "-o", eraseOut.toString()));
        erase.addAll(sets);
        CliRun er = CliRun.of(erase.toArray(String[]::new));
        assertEquals(0, er.exit(), er.err());
    }

    private static JsonNode json(Path f) throws Exception {
        return new ObjectMapper().readTree(f.toFile());
    }

    private static String pct(double v) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }

    @Test
    void reportOverProbeAndKnnOutputsShowsTheirFiguresWithNAndChance() throws Exception {
        Path out = tmp.resolve("report-pk");
        CliRun r = CliRun.of("report", probeOut.toString(), knnOut.resolve("knn.json").toString(), "--out", out.toString());
        assertEquals(0, r.exit(), r.err());
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("<section id=\"results\">"), "a section for the result documents");
        JsonNode p = json(probeOut.resolve("probe-sharpening.json"));
        JsonNode k = json(knnOut.resolve("knn.json"));
        String section = html.substring(html.indexOf("<section id=\"results\">"), html.indexOf("</section>", html.indexOf("<section id=\"results\">")));
        // the probe's accuracy with its n (test rows) and chance, as the probe wrote them
        String probeRow = "<tr><td>accuracy</td><td>" + pct(p.at("/metrics/accuracy_mean").asDouble());
        assertTrue(section.contains(probeRow), probeRow + " in " + section);
        String afterProbe = section.substring(section.indexOf(probeRow));
        int testSize = p.at("/metrics/test_size").asInt();
        assertTrue(afterProbe.substring(0, afterProbe.indexOf("</tr>")).contains("<td>" + testSize)
                && afterProbe.substring(0, afterProbe.indexOf("</tr>")).contains(pct(p.at("/metrics/chance").asDouble())), afterProbe);
        // each kNN set-up with the queries and chance kNN recorded
        for (String setup : List.of("all-same", "pos-same", "neg-same", "all-diff", "uniform")) {
            String row = "<tr><td>accuracy " + setup + "</td><td>" + pct(k.at("/metrics/accuracy/" + setup).asDouble());
            assertTrue(section.contains(row), row);
            String rest = section.substring(section.indexOf(row));
            String tr = rest.substring(0, rest.indexOf("</tr>"));
            assertTrue(tr.contains("<td>" + k.at("/metrics/queries").asInt()) && tr.contains(pct(k.at("/metrics/chance").asDouble())), tr);
        }
        assertTrue(html.contains("href=\"#results\""), "the navigation links the section");
        // the same figures in results.csv and summary.md; no report.json without an audit
        List<String> csv = Files.readAllLines(out.resolve("results.csv"));
        assertEquals("file,experiment,task,figure,value,std,n,chance,ci_low,ci_high", csv.get(0));
        assertEquals(1 + 2 + 5 + 1, csv.size(), "probe: accuracy and mean per-class; knn: five set-ups and the gap: " + csv);
        // the kNN gap: pos-same minus neg-same, its chance 0, Newcombe's interval around it (not a share of n)
        String gap = csv.get(csv.size() - 1);
        assertTrue(gap.contains(",knn,,kNN gap (pos-same minus neg-same),"), gap);
        String[] g = gap.split(",");
        double gapValue = k.at("/metrics/accuracy/pos-same").asDouble() - k.at("/metrics/accuracy/neg-same").asDouble();
        assertEquals(gapValue, Double.parseDouble(g[4]), 1e-6, gap);
        assertEquals(0.0, Double.parseDouble(g[7]), 0.0, "a gap's chance is 0: " + gap);
        assertTrue(Double.parseDouble(g[8]) < gapValue && gapValue < Double.parseDouble(g[9]), "interval around the gap: " + gap);
        // a page of result documents alone shows no empty audit sections
        assertFalse(html.contains("<h2>Trace sensitivity</h2>") || html.contains("<h2>Reproduction</h2>")
                || html.contains("<h2>Processing probes</h2>"), "no audit sections without an audit");
        assertTrue(csv.get(1).contains(",probe,sharpening,accuracy,") && csv.get(1).contains("," + testSize + ","), csv.get(1));
        String md = Files.readString(out.resolve("summary.md"));
        assertTrue(md.contains("| probe-sharpening.json | probe | sharpening | accuracy | " + pct(p.at("/metrics/accuracy_mean").asDouble())), md);
        assertFalse(Files.exists(out.resolve("report.json")), "no audit data to write");
    }

    @Test
    void aMixWithAnAuditReportKeepsTheAuditSectionsAndAddsTheDocuments() throws Exception {
        Path out = tmp.resolve("report-mix");
        Path audit = TestData.fixture("report/demo-report.json");
        CliRun r = CliRun.of("report", audit.toString(), tmp.resolve("erase").toString(), knnOut.toString(), "--out", out.toString());
        assertEquals(0, r.exit(), r.err());
        String html = Files.readString(out.resolve("report.html"));
        JsonNode auditJson = json(audit);
        assertTrue(html.contains(auditJson.path("title").asText()), "the audit's title");
        assertTrue(html.contains("<section id=\"results\">"), "the documents' section");
        assertTrue(html.contains("<h3>erasure-evaluation \u00b7 sharpening</h3>") && html.contains("<h3>knn</h3>"), "one block per document");
        assertTrue(html.contains("probe:sharpening before erasure"), "the erasure evaluation's figures");
        // the audit's own files as before, beside the documents' CSV
        assertTrue(Files.isRegularFile(out.resolve("report.json")) && Files.isRegularFile(out.resolve("probes.csv"))
                && Files.isRegularFile(out.resolve("results.csv")), "audit files and results.csv");
        assertEquals(auditJson.path("probes").size(), json(out.resolve("report.json")).path("probes").size());
        String md = Files.readString(out.resolve("summary.md"));
        assertTrue(md.contains("## Result documents") && md.contains("erasure-evaluation"), md);
    }

    @Test
    void aFileThatIsNotAResultDocumentIsOneLineNamingItWithExit2() throws Exception {
        Path sidecar = emb.resolve("s__SHARPEN_2__builtin_lowlevel-stats.json");
        CliRun r = CliRun.of("report", probeOut.toString(), sidecar.toString(), "--out", tmp.resolve("bad").toString());
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains(sidecar.toString()) && r.err().contains("nor a result document"), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        Path text = Files.writeString(tmp.resolve("notes.txt"), "hello");
        CliRun t = CliRun.of("report", text.toString(), "--out", tmp.resolve("bad2").toString());
        assertEquals(2, t.exit(), t.err());
        assertTrue(t.err().contains("notes.txt") && t.err().contains("not valid JSON"), t.err());
        assertFalse(Files.exists(tmp.resolve("bad").resolve("report.html")), "nothing written");
    }

    @Test
    void aFolderIsSearchedByContentNotByName() throws Exception {
        // the embedding folder holds sidecars and run records, none a result document; renamed documents are still found
        Path mixed = tmp.resolve("mixed");
        Files.createDirectories(mixed);
        Files.copy(probeOut.resolve("probe-sharpening.json"), mixed.resolve("a.json"));
        Files.copy(emb.resolve("s__SHARPEN_2__builtin_lowlevel-stats.json"), mixed.resolve("b.json"));
        Path out = tmp.resolve("report-folder");
        CliRun r = CliRun.of("report", mixed.toString(), "--out", out.toString());
        assertEquals(0, r.exit(), r.err());
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("1 result document(s)"), "a.json is the probe's document");
        assertTrue(html.contains("1 other JSON file(s) under " + mixed), "the sidecar is said, not dropped silently");
    }

    /** Keys that are names of things (set-ups, classes, hyper-parameters, tasks), not field names. */
    private static final Set<String> NAMES_INSIDE = Set.of("accuracy", "vote_ties", "per_class_accuracy", "best", "params", "search_space");

    @Test
    void everyResultDocumentUsesOneKeyConvention() throws Exception {
        Set<String> bad = new TreeSet<>();
        List<Path> docs = List.of(probeOut.resolve("probe-sharpening.json"), knnOut.resolve("knn.json"),
                eraseOut.resolve("erasure-sharpening-leace.json"));
        for (Path f : docs) {
            JsonNode d = json(f);
            assertEquals(f.getFileName().toString().startsWith("erasure") ? "erasure-evaluation"
                    : f.getParent().getFileName().toString(), d.path("experiment").asText(), f.toString());
            List<String> top = new ArrayList<>();
            d.fieldNames().forEachRemaining(top::add);
            assertEquals("experiment", top.get(0), f + ": the kind comes first");
            assertTrue(top.containsAll(List.of("inputs", "parameters", "metrics", "provenance")), f + ": " + top);
            for (JsonNode i : d.path("inputs")) {
                assertTrue(i.path("sha256").asText().matches("[0-9a-f]{64}"), f + ": " + i);
            }
            ProvenanceKeysCliTest.keys(d, f.getFileName().toString(), bad, NAMES_INSIDE);
        }
        assertTrue(bad.isEmpty(), "keys not in snake_case: " + bad);
    }
}
