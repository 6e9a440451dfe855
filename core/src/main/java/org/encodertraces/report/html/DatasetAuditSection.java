package org.encodertraces.report.html;

import static org.encodertraces.report.html.Html.esc;

import java.util.List;
import org.encodertraces.report.AuditRow;
import org.encodertraces.report.Note;
import org.encodertraces.report.ReportText;

/** The dataset audit: Cramér's V between each trace label and the semantic class, read as negligible to strong. */
final class DatasetAuditSection implements PageSection {
    @Override
    public String id() {
        return "audit";
    }

    @Override
    public String navTitle() {
        return "Dataset audit";
    }

    @Override
    public void render(Page p, StringBuilder b) {
        b.append("<section id=\"audit\">\n<h2>Dataset audit</h2>\n<p class=\"explain\">Cram\u00e9r's V between")
                .append(" each trace label and the semantic class, from 0 (independent) to 1 (the class determines")
                .append(" the label). A strong association means a probe could read the trace through content, so")
                .append(" its accuracy overstates what the encoder knows about the trace itself.</p>\n");
        List<Note> notes = p.notes(Note.Section.AUDIT);
        Cells.notes(b, id(), notes);
        if (p.data().audit().isEmpty()) {
            Cells.absent(b, notes, "dataset audit", p.data().dataset().classes() == 0
                    ? "the dataset has no semantic class labels to test the traces against"
                    : "the run did not include it (traces audit runs it on datasets with class labels)");
            b.append("</section>\n");
            return;
        }
        Cells.figure(b, p.charts().auditChart("chart-audit"), "chart-audit");
        b.append("<div class=\"wide\"><table>\n<thead><tr><th>Trace</th><th>Cram\u00e9r's V</th><th>n</th><th>Reading</th></tr></thead>\n")
                .append("<tbody>\n");
        for (AuditRow r : p.data().audit()) {
            String reading = r.cramersV() >= 0.5 ? "strong" : r.cramersV() >= 0.3 ? "moderate"
                    : r.cramersV() >= 0.1 ? "weak" : "negligible";
            b.append("<tr><td>").append(esc(r.trace())).append("</td><td class=\"num\">")
                    .append(ReportText.num(r.cramersV(), 3)).append("</td><td class=\"num\">").append(r.n())
                    .append("</td><td>").append(reading).append("</td></tr>\n");
        }
        b.append("</tbody>\n</table></div>\n</section>\n");
    }
}
