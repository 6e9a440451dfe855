package org.encodertraces.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.encodertraces.audit.Audit;
import org.encodertraces.audit.AuditReport;

/** Writes the HTML report of an audit, with the study's figures from the shared folder when present. */
final class ReportOutput {
    private ReportOutput() {
    }

    /** Writes the report with the study's figures from {@code sharedDir}. */
    static Path write(Audit.Outcome outcome, Path sharedDir, Path out) throws IOException {
        return AuditReport.write(outcome, sharedDir, out);
    }

    /** Writes the report with the trace curves over depth ({@code --layers}) and their notes. */
    static Path write(Audit.Outcome outcome, java.util.List<org.encodertraces.audit.LayerStage.Result> layers,
                      java.util.List<org.encodertraces.report.Note> notes, Path sharedDir, Path out) throws IOException {
        return AuditReport.write(outcome, layers, notes, sharedDir, out);
    }
}
