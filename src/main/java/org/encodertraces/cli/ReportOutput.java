package org.encodertraces.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.encodertraces.audit.Audit;

/** Writes the report of an audit (placeholder until the HTML report lands: the results summary). */
final class ReportOutput {
    private ReportOutput() {
    }

    static Path write(Audit.Outcome outcome, Path out) throws IOException {
        Path p = out.resolve("summary.txt");
        java.nio.file.Files.writeString(p, org.encodertraces.audit.AuditFiles.summary(outcome));
        return p;
    }
}
