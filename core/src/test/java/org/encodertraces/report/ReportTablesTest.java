package org.encodertraces.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.encodertraces.io.Csv;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exported tables: LaTeX that parses (one well-formed row per encoder) and CSV that reads back cell for cell. */
class ReportTablesTest {
    @Test
    void latexHeadlineHasOneBalancedRowPerEncoder(@TempDir Path tmp) throws Exception {
        for (ReportData d : List.of(new ReportJson().read(HtmlReportChromiumTest.DEMO), SampleReports.full())) {
            List<ReportTables.Table> tables = ReportTables.of(d, null, PaperComparison.imageNet());
            ReportTables.write(tables, tmp);
            for (ReportTables.Table t : tables) {
                String tex = Files.readString(tmp.resolve("table-" + t.name() + ".tex"));
                assertTrue(tex.contains("\\begin{tabular}{") && tex.contains("\\toprule") && tex.contains("\\midrule")
                        && tex.contains("\\bottomrule") && tex.contains("\\end{tabular}"), tex);
                String spec = tex.substring(tex.indexOf("\\begin{tabular}{") + 16);
                int cols = spec.substring(0, spec.indexOf('}')).length();
                assertEquals(t.header().size(), cols, "column spec");
                String bodyPart = tex.substring(tex.indexOf("\\midrule") + 8, tex.indexOf("\\bottomrule"));
                List<String> rows = new ArrayList<>();
                for (String line : bodyPart.split("\n")) {
                    if (!line.isBlank()) {
                        rows.add(line);
                    }
                }
                assertEquals(t.rows().size(), rows.size(), t.name());
                for (String row : rows) {
                    assertTrue(row.endsWith(" \\\\"), "row must end with \\\\: " + row);
                    assertEquals(cols - 1, unescapedAmpersands(row), "cells in " + row);
                    assertEquals(0, braceBalance(row), "braces in " + row);
                }
                String head = tex.substring(tex.indexOf("\\toprule") + 8, tex.indexOf("\\midrule")).strip();
                assertEquals(cols - 1, unescapedAmpersands(head), head);
                assertEquals(0, braceBalance(tex.substring(tex.indexOf("\\caption{"))), "caption braces");
            }
            ReportTables.Table headline = tables.get(0);
            assertEquals("headline", headline.name());
            assertEquals(d.encoders().size(), headline.rows().size(), "one row per encoder");
        }
    }

    @Test
    void csvRoundTrips(@TempDir Path tmp) throws Exception {
        ReportData d = SampleReports.full();
        List<ReportTables.Table> tables = ReportTables.of(d, null, PaperComparison.imageNet());
        ReportTables.write(tables, tmp);
        for (ReportTables.Table t : tables) {
            List<String> lines = Files.readAllLines(tmp.resolve("table-" + t.name() + ".csv"));
            assertEquals(t.header(), Csv.parse(lines.get(0)));
            assertEquals(t.rows().size(), lines.size() - 1);
            for (int i = 0; i < t.rows().size(); i++) {
                assertEquals(t.rows().get(i), Csv.parse(lines.get(i + 1)), t.name() + " row " + i);
            }
        }
        assertTrue(tables.get(0).rows().stream().anyMatch(r -> r.get(0).contains("My <b>model</b> & co")),
                "names with commas, quotes and markup survive");
    }

    @Test
    void latexEscapesSpecialCharacters() {
        assertEquals("50\\% \\& \\_x\\_ \\{y\\} $-$1.0 \\textbackslash{}", ReportTables.tex("50% & _x_ {y} \u22121.0 \\"));
    }

    private static int unescapedAmpersands(String row) {
        int n = 0;
        for (int i = 0; i < row.length(); i++) {
            if (row.charAt(i) == '&' && (i == 0 || row.charAt(i - 1) != '\\')) {
                n++;
            }
        }
        return n;
    }

    private static int braceBalance(String s) {
        int depth = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean escaped = i > 0 && s.charAt(i - 1) == '\\' && (i < 2 || s.charAt(i - 2) != '\\');
            if (c == '{' && !escaped) {
                depth++;
            } else if (c == '}' && !escaped) {
                depth--;
            }
        }
        return depth;
    }
}
