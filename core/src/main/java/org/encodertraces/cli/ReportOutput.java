package org.encodertraces.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.encodertraces.audit.Audit;
import org.encodertraces.audit.AuditReport;

/** Writes the HTML report of an audit, with the study's figures from the shared folder when present. */
final class ReportOutput {
    private ReportOutput() {
    }

    static Path write(Audit.Outcome outcome, Path out) throws IOException {
        String shared = System.getenv().getOrDefault("TRACES_SHARED", "../shared");
        return AuditReport.write(outcome, Path.of(shared), out);
    }
}
