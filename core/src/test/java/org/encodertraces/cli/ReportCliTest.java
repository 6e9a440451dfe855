package org.encodertraces.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.encodertraces.TestData;
import org.encodertraces.report.Chromium;
import org.encodertraces.report.ProbeRow;
import org.encodertraces.report.ReportData;
import org.encodertraces.report.ReportJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report through the command line: a small real EXIF audit of the shared camera photos (its
 * acquisition probes test on 16 to 24 photos) opened in headless Chromium, and {@code traces report}
 * re-rendering a report.json with the table exports. Browser checks are skipped without Chromium.
 */
class ReportCliTest {
    @Test
    void smallExifAuditWarnsAndDoesNotColourIntervalsThatIncludeChance(@TempDir Path tmp) throws Exception {
        Path photos = TestData.shared().resolve("data/exif-photos");
        Chromium.require();
        Path out = tmp.resolve("exif-audit");
        CliRun r = CliRun.of("audit", "--images", "exif:" + photos, "--model", "builtin:lowlevel-stats", "--tasks", "none",
                "--trials", "2", "--seeds", "2", "--quiet", "-o", out.toString());
        // the folder's 3 HEIC files cannot be decoded: the audit finishes, lists them and exits 1
        assertEquals(1, r.exit(), r.err() + r.out());
        assertTrue(r.out().contains("images failed to embed"), r.out());
        ReportData data = new ReportJson().read(out.resolve("report.json"));
        assertTrue(data.probes().stream().anyMatch(p -> p.testSamples() == 16), "a probe tested on 16 photos");
        assertTrue(data.probes().stream().allMatch(p -> p.confusion() != null), "confusion matrices recorded");
        assertEquals(0, data.dataset().classes());
        Chromium.screenshot(tmp, "exif-audit", out.resolve("report.html"), 2600);
        String dom = Chromium.dom(tmp, "exif-dom", out.resolve("report.html"), "#export-selftest");
        Chromium.assertReportPage(data, dom);
        assertTrue(dom.contains("no semantic class labels") && !dom.contains(" 0 classes"), "header says there are no classes");
        assertTrue(dom.contains("No dataset audit in this run: the dataset has no semantic class labels"), "audit says why");
        assertTrue(dom.contains("\u26a0 small sample, n=16"), "small-sample warning for the 16-photo probe");
        Matcher cell = Pattern.compile("<td class=\"num acc\" data-chance=\"([0-9.]+)\" data-ci=\"([0-9.]+),([0-9.]+)\""
                + " data-heat=\"([01])\"([^>]*)>").matcher(dom);
        int includesChance = 0;
        int cells = 0;
        while (cell.find()) {
            cells++;
            double chance = Double.parseDouble(cell.group(1));
            double lo = Double.parseDouble(cell.group(2));
            double hi = Double.parseDouble(cell.group(3));
            if (lo <= chance && chance <= hi) {
                includesChance++;
                assertEquals("0", cell.group(4), "heat on an interval that includes chance: " + cell.group());
                assertTrue(!cell.group(5).contains("background"), cell.group());
            }
        }
        assertEquals(data.probes().size(), cells, "one accuracy cell per probe");
        assertTrue(includesChance > 0, "the small probes' intervals include chance");
        int acq = dom.indexOf("id=\"probes-acquisition\"");
        int skip = dom.indexOf("<li>acquisition probe 'Model' skipped");
        assertTrue(skip > acq && skip < dom.indexOf("id=\"knn\""), "acquisition skip notes sit under acquisition probes");
    }

    @Test
    void reportCommandWritesCsvAndLatexTablesBesideThePage(@TempDir Path tmp) throws Exception {
        Path json = TestData.fixture("report/demo-report.json");
        CliRun r = CliRun.of("report", json.toString(), "--out", tmp.toString());
        assertEquals(0, r.exit(), r.err());
        for (String t : List.of("headline", "probes", "knn", "retrieval")) {
            assertTrue(Files.isRegularFile(tmp.resolve("table-" + t + ".csv")), t);
            assertTrue(Files.readString(tmp.resolve("table-" + t + ".tex")).contains("\\toprule"), t);
        }
        String html = Files.readString(tmp.resolve("report.html"));
        assertTrue(html.contains("<a href=\"table-headline.tex\">LaTeX</a>"), "the page links its tables");
        assertTrue(html.contains("The study's published figures were not loaded"), "no --paper: says so");
        ReportData d = new ReportJson().read(json);
        assertTrue(d.probes().stream().map(ProbeRow::task).anyMatch("JPEG"::equals));
    }
}
