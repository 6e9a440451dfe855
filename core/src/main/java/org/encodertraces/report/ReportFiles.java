package org.encodertraces.report;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link HtmlReport#write} wrote.
 *
 * @param html the self-contained page
 * @param json the {@link ReportData} it was built from
 * @param markdown the headline summary
 * @param csv one CSV per row type
 */
public record ReportFiles(Path html, Path json, Path markdown, List<Path> csv) {
    /** Copies the list. */
    public ReportFiles {
        csv = List.copyOf(csv);
    }
}
