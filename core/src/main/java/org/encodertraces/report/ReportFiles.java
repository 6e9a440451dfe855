package org.encodertraces.report;

import java.nio.file.Path;
import java.util.List;

/**
 * What was written into a report folder ({@code report.html} and the files beside it).
 *
 * @param html the self-contained page
 * @param json the {@link ReportData} it was built from
 * @param markdown the headline summary
 * @param csv one CSV per row type
 * @param tables each table of the page as CSV and LaTeX ({@link ReportTables})
 */
public record ReportFiles(Path html, Path json, Path markdown, List<Path> csv, List<Path> tables) {
    /** Copies the lists. */
    public ReportFiles {
        csv = List.copyOf(csv);
        tables = List.copyOf(tables);
    }
}
