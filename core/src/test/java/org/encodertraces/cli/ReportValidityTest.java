package org.encodertraces.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.encodertraces.Requirements;
import org.encodertraces.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report's validity marks, through {@code traces report} on the committed demo report (MobileNetV2
 * reads 100% in every kNN set-up there): a saturated kNN figure is labelled as a ceiling; the headline
 * sets the study's figures beside ours as points above chance, like for like; the kNN chart's legend
 * names only what the chart draws; the wide tables scroll.
 */
class ReportValidityTest {

    private static Path report(Path out) {
        Path paper = Requirements.shared("reference/paper-results");
        CliRun r = CliRun.of("report", TestData.fixture("report/demo-report.json").toString(), "--paper", paper.toString(), "--out", out.toString());
        assertEquals(0, r.exit(), r.err());
        return out;
    }

    @Test
    void aSaturatedKnnFigureIsLabelledAsACeiling(@TempDir Path tmp) throws Exception {
        Path out = report(tmp);
        String html = Files.readString(out.resolve("report.html"));
        String knn = html.substring(html.indexOf("<section id=\"knn\">"), html.indexOf("</section>", html.indexOf("<section id=\"knn\">")));
        // MobileNetV2's JPEG and Interpolation rows are 100% in every set-up, its Sharpening and Resizing rows 98.9% and more
        int ceilings = knn.split("data-ceiling=\"1\"", -1).length - 1;
        assertEquals(4, ceilings, "the four MobileNetV2 rows, no other");
        assertTrue(knn.contains("ceiling: every set-up \u2265 98%, the gap says nothing"), "said in words in the cell");
        String headline = html.substring(html.indexOf("<section id=\"headline\">"), html.indexOf("</section>", html.indexOf("<section id=\"headline\">")));
        assertEquals(1, headline.split("data-ceiling=\"1\"", -1).length - 1, "MobileNetV2's mean kNN gap in the headline");
        String md = Files.readString(out.resolve("summary.md"));
        assertTrue(md.contains("(ceiling)"), "summary.md marks the headline's kNN gap");
        assertTrue(md.contains("## kNN") && md.lines().filter(l -> l.startsWith("| ") && l.endsWith("ceiling |")).count() == 4, md);
        List<String> table = Files.readAllLines(out.resolve("table-knn.csv"));
        assertEquals(4, table.stream().filter(l -> l.endsWith("ceiling")).count(), String.join("\n", table));
        assertTrue(Files.readString(out.resolve("knn.csv")).lines().skip(1).filter(l -> l.endsWith(",true")).count() == 4);
    }

    @Test
    void theHeadlineSetsTheStudysFiguresBesideOursAsPointsAboveChance(@TempDir Path tmp) throws Exception {
        Path out = report(tmp);
        String html = Files.readString(out.resolve("report.html"));
        String headline = html.substring(html.indexOf("<section id=\"headline\">"), html.indexOf("</section>", html.indexOf("<section id=\"headline\">")));
        // MobileNetV2 is a supervised (SUP) encoder: the study's SUP range on ImageNet's JPEG task is 21.2-75.3%,
        // against a chance of 16.7% (six operations): +4.5 to +58.6 points above it
        assertTrue(headline.contains("study SUP +4.5 to +58.6 (mean +25.3)"), headline);
        assertFalse(headline.contains("study SUP 21.2\u201375.3"), "no absolute accuracy under a points-above-chance cell");
        assertTrue(headline.contains("also in points above chance"), "the comparison says it is like for like");
        List<String> csv = Files.readAllLines(out.resolve("table-headline.csv"));
        assertTrue(csv.get(0).contains("JPEG study (pp above the study's chance)"), csv.get(0));
    }

    @Test
    void theKnnLegendListsOnlyWhatTheChartDrawsAndWideTablesScroll(@TempDir Path tmp) throws Exception {
        Path out = report(tmp);
        String html = Files.readString(out.resolve("report.html"));
        int start = html.indexOf("<svg", html.indexOf("<section id=\"knn\">"));
        String chart = html.substring(start, html.indexOf("</svg>", start));
        assertFalse(chart.contains(">95% interval</text>"), "no whisker is drawn, so none is in the legend");
        assertFalse(chart.contains("study's figure, same encoder"), "no diamond is drawn, so none is in the legend");
        assertFalse(chart.contains("study's range over its encoders"), "no band is drawn, so none is in the legend");
        assertFalse(chart.contains("<g class=\"ci\">") || chart.contains("<polygon") || chart.contains("study-band"), "indeed none is drawn");
        assertTrue(chart.contains("uniform (zero line)"));
        int tables = 0;
        for (String section : List.of("headline", "probes-processing", "knn", "retrieval", "reproduction", "audit", "provenance")) {
            int s = html.indexOf("<section id=\"" + section + "\">");
            if (s < 0) {
                continue;
            }
            String body = html.substring(s, html.indexOf("</section>", s));
            for (int t = body.indexOf("<table"); t >= 0; t = body.indexOf("<table", t + 1)) {
                assertTrue(body.substring(0, t).endsWith("<div class=\"wide\">"), section + ": its tables sit in a scrolling box");
                tables++;
            }
        }
        assertTrue(tables >= 6, "the demo report's tables were found: " + tables);
    }
}
