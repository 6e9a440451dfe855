package org.encodertraces.report.html;

import static org.encodertraces.report.html.Html.esc;

import java.util.List;
import java.util.Locale;
import org.encodertraces.report.ReportSources;
import org.encodertraces.report.ResultFigures;
import org.encodertraces.result.Figure;
import org.encodertraces.result.ResultDocument;

/**
 * "Result documents": every result document given to {@code traces report} (probe, kNN, retrieval,
 * erasure evaluation, ablation, or a kind this version does not know), one block each: its file and
 * kind, its inputs with their sha256, and its headline figures, each with its n, chance and 95%
 * interval ({@link ResultFigures}). Not on the page of an audit's report alone.
 */
final class ResultsSection implements PageSection {
    @Override
    public boolean auditSection() {
        return false;
    }

    @Override
    public String id() {
        return "results";
    }

    @Override
    public String navTitle() {
        return "Result documents";
    }

    @Override
    public boolean shown(Page p) {
        return !p.results().isEmpty();
    }

    @Override
    public void render(Page p, StringBuilder b) {
        b.append("<section id=\"results\">\n<h2>Result documents</h2>\n<p class=\"explain\">").append(p.results().size())
                .append(" result document(s), each as its experiment wrote it. Figures in percent; the 95% interval is")
                .append(" shown where the figure is a share of its n test images (Wilson, widened by the spread over seeds);")
                .append(" chance is what guessing scores on the same images.</p>\n");
        for (ReportSources.Found f : p.results()) {
            ResultDocument d = f.document();
            b.append("<h3>").append(esc(d.experiment())).append(d.task() == null || d.task().isBlank() ? "" : " \u00b7 " + esc(d.task()))
                    .append("</h3>\n<p class=\"meta\"><code>").append(esc(f.file())).append("</code>");
            if (d.kind() == org.encodertraces.result.ResultKind.OTHER) {
                b.append(" \u00b7 a kind this version does not know: listed without figures");
            }
            b.append("</p>\n");
            List<ResultDocument.Input> inputs = d.inputs();
            if (!inputs.isEmpty()) {
                b.append("<details><summary>").append(inputs.size()).append(" input(s)</summary>\n<ul>\n");
                for (ResultDocument.Input i : inputs) {
                    b.append("<li>").append(esc(i.role())).append(": <code>").append(esc(i.path())).append("</code> sha256 <code>")
                            .append(esc(i.sha256().length() > 12 ? i.sha256().substring(0, 12) : i.sha256())).append("</code></li>\n");
                }
                b.append("</ul></details>\n");
            }
            if (d.field("not_applicable") != null) {
                b.append("<p>Not applicable: ").append(esc(d.field("not_applicable").asText())).append("</p>\n");
            }
            List<ResultFigures.Row> rows = ResultFigures.of(List.of(f));
            if (rows.isEmpty()) {
                if (d.field("not_applicable") == null) {
                    b.append("<p class=\"explain\">No headline figures in this document.</p>\n");
                }
                continue;
            }
            b.append("<table>\n<thead><tr><th>figure</th><th>value</th><th>95% interval</th><th>n</th><th>chance</th></tr></thead>\n<tbody>\n");
            for (ResultFigures.Row r : rows) {
                Figure x = r.figure();
                b.append("<tr><td>").append(esc(x.name())).append("</td><td>").append(esc(ResultFigures.pct(x.value())))
                        .append(x.std() == null ? "" : " \u00b1 " + String.format(Locale.ROOT, "%.1f", 100 * x.std())).append("</td><td>")
                        .append(r.interval() == null ? "\u2013" : esc(ResultFigures.pct(r.interval().lo()) + " \u2013 "
                                + ResultFigures.pct(r.interval().hi()))).append("</td><td>")
                        .append(x.n() == null ? "not recorded" : x.n() + (x.n() < org.encodertraces.validity.Validity.SMALL_SAMPLE
                                ? " (small sample)" : "")).append("</td><td>")
                        .append(x.chance() == null ? "not recorded" : esc(ResultFigures.pct(x.chance()))).append("</td></tr>\n");
            }
            b.append("</tbody>\n</table>\n");
        }
        b.append("</section>\n");
    }
}
