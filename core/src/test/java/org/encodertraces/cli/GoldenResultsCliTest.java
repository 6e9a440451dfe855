package org.encodertraces.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.encodertraces.TestData;
import org.encodertraces.result.Figure;
import org.encodertraces.result.ResultDocument;
import org.encodertraces.result.ResultFiles;
import org.encodertraces.result.ResultKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Result documents as commit e393868 wrote them (before the one result document;
 * {@code fixtures/golden/results-e393868/make.sh} regenerates them from that commit) still read,
 * write back byte for byte through the one writer, and render in {@code traces report}.
 */
class GoldenResultsCliTest {
    private static final String DIR = "golden/results-e393868/";

    /** Each golden document and the kind it must read as. */
    private static final Map<String, ResultKind> DOCS = Map.of(
            "probe/probe-sharpening.json", ResultKind.PROBE,
            "knn/knn.json", ResultKind.KNN,
            "erasure/erasure-sharpening-leace.json", ResultKind.ERASURE_EVALUATION,
            "audit/retrieval.json", ResultKind.RETRIEVAL,
            "ablation/ablation.json", ResultKind.ABLATION);

    @Test
    void todaysDocumentsReadWithTheirFiguresAndWriteBackUnchanged() throws Exception {
        for (Map.Entry<String, ResultKind> e : DOCS.entrySet()) {
            Path f = TestData.fixture(DIR + e.getKey());
            ResultDocument d = ResultDocument.read(f);
            assertEquals(e.getValue(), d.kind(), f.toString());
            List<Figure> figures = d.figures();
            assertFalse(figures.isEmpty(), f + ": headline figures");
            if (e.getValue() != ResultKind.ABLATION) {
                assertNotNull(d.provenance(), f + ": provenance");
                assertEquals(Files.readString(f), ResultFiles.json(d), f + ": the one writer writes the same bytes");
                assertFalse(d.inputs().isEmpty(), f + ": inputs");
                for (ResultDocument.Input i : d.inputs()) {
                    assertTrue(i.sha256().matches("[0-9a-f]{64}"), f + ": " + i);
                }
                for (Figure x : figures) {
                    assertNotNull(x.n(), f + ": n of " + x);
                }
            }
        }
        ResultDocument probe = ResultDocument.read(TestData.fixture(DIR + "probe/probe-sharpening.json"));
        Figure acc = probe.figures().get(0);
        assertEquals(probe.metrics().get("accuracy_mean").asDouble(), acc.value());
        assertEquals(probe.metrics().get("test_size").asInt(), acc.n());
        assertEquals(probe.metrics().get("chance").asDouble(), acc.chance());
        assertEquals(3, probe.perClass().size(), "three sharpening classes");
        ResultDocument knn = ResultDocument.read(TestData.fixture(DIR + "knn/knn.json"));
        assertEquals(6, knn.figures().size(), "the five set-ups and the gap");
        assertEquals(knn.metrics().get("gap_pos_minus_neg").asDouble(), knn.figures().get(5).value());
        assertFalse(knn.figures().get(5).proportion(), "a gap is a difference, not a share");
        assertEquals(5, knn.perClass().size());
    }

    @Test
    void aDocumentFromALaterVersionKeepsWhatItDoesNotKnow() throws Exception {
        String text = Files.readString(TestData.fixture(DIR + "probe/probe-sharpening.json"));
        String later = text.replaceFirst("\"task\" :", "\"added_later\" : {\n    \"x\" : 1\n  },\n  \"task\" :");
        ResultDocument d = ResultDocument.fromJson(new com.fasterxml.jackson.databind.ObjectMapper().readTree(later), "later.json");
        assertEquals(1, d.field("added_later").get("x").asInt());
        assertEquals(later, ResultFiles.json(d), "written back as read, in order");
        String earlier = text.replaceFirst("\"inputs\" : \\[[^\\]]*\\],", "");
        ResultDocument e = ResultDocument.fromJson(new com.fasterxml.jackson.databind.ObjectMapper().readTree(earlier), "earlier.json");
        assertTrue(e.inputs().isEmpty(), "a field not written reads as its default");
        assertEquals(ResultKind.PROBE, e.kind());
    }

    @Test
    void theGoldenFolderRendersAsOneReport(@TempDir Path tmp) throws Exception {
        Path golden = TestData.fixture(DIR.substring(0, DIR.length() - 1));
        CliRun r = CliRun.of("report", golden.toString(), "--out", tmp.toString());
        assertEquals(0, r.exit(), r.err());
        String html = Files.readString(tmp.resolve("report.html"));
        assertTrue(html.contains("<section id=\"results\">"), "the documents' section");
        for (String kind : List.of("<h3>probe \u00b7 sharpening</h3>", "<h3>knn</h3>", "<h3>erasure-evaluation \u00b7 sharpening</h3>",
                "<h3>retrieval</h3>", "<h3>ablation</h3>")) {
            assertTrue(html.contains(kind), kind);
        }
        // the audit's report.json in the same folder: its sections and files as an audit's
        assertTrue(Files.isRegularFile(tmp.resolve("report.json")) && Files.isRegularFile(tmp.resolve("probes.csv")));
        assertEquals(1 + ResultDocumentsCount.figures(golden), Files.readAllLines(tmp.resolve("results.csv")).size());
    }

    /** The figures of every golden document, counted through the reader. */
    private static final class ResultDocumentsCount {
        static int figures(Path golden) throws Exception {
            int n = 0;
            for (String f : DOCS.keySet()) {
                n += ResultDocument.read(golden.resolve(f)).figures().size();
            }
            return n;
        }
    }
}
