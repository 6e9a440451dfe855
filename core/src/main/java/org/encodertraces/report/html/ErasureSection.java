package org.encodertraces.report.html;

import static org.encodertraces.report.html.Html.esc;

import java.util.List;
import org.encodertraces.report.EncoderInfo;
import org.encodertraces.report.ErasureRow;
import org.encodertraces.report.Interval;
import org.encodertraces.report.Intervals;
import org.encodertraces.report.Note;
import org.encodertraces.report.ReportText;

/**
 * After erasure: each eraser measured on images it was never fitted on, raw beside erased. Only on
 * the page when the run has erasure rows or notes about erasers.
 */
final class ErasureSection implements PageSection {
    @Override
    public String id() {
        return "erasure";
    }

    @Override
    public String navTitle() {
        return "After erasure";
    }

    @Override
    public boolean shown(Page p) {
        return !p.data().erasure().isEmpty() || !p.notes(Note.Section.ERASURE).isEmpty();
    }

    @Override
    public void render(Page p, StringBuilder b) {
        b.append("<section id=\"erasure\">\n<h2>After erasure</h2>\n<p class=\"explain\">Each eraser (a linear map")
                .append(" fitted on this encoder's embeddings with trace labels) measured on images it was <b>never")
                .append(" fitted on</b>: the same experiments on those images, raw and erased, with checking probes of")
                .append(" their own seeds (never the fit's). The erased trace should fall to chance; the other traces")
                .append(" are measured (does erasing one remove others?); the kNN gap should shrink toward zero; the")
                .append(" semantic kNN all-same and semantic probe accuracies are what erasure costs. Brackets: 95%")
                .append(" intervals as elsewhere; the erased trace's row says how far it is from chance and")
                .append(" whether its interval contains chance.</p>\n");
        List<Note> notes = p.notes(Note.Section.ERASURE);
        Cells.notes(b, id(), notes);
        if (p.data().erasure().isEmpty()) {
            Cells.absent(b, notes, "erasure results", "no eraser could be evaluated");
            b.append("</section>\n");
            return;
        }
        b.append("<div class=\"wide\"><table class=\"erasure\">\n<thead><tr><th>Encoder</th><th>Eraser</th><th>Measure</th>")
                .append("<th>Images<br><small>evaluated, test</small></th><th>Chance</th><th>Raw</th><th>Erased</th>")
                .append("<th>Change</th></tr></thead>\n<tbody>\n");
        for (EncoderInfo e : p.data().encodersByFamily()) {
            for (ErasureRow r : p.data().erasure()) {
                if (!r.encoderId().equals(e.id())) {
                    continue;
                }
                b.append("<tr class=\"erasure-row").append(r.erased() ? " erased" : "").append("\" data-encoder=\"")
                        .append(esc(e.id())).append("\" data-measure=\"").append(esc(r.measure())).append("\"><td>")
                        .append(Cells.encoder(e)).append("</td><td>").append(esc(r.eraser())).append("<br><small>")
                        .append(esc(r.method() + " on " + r.concepts())).append("</small></td><td>")
                        .append(r.erased() ? "<b>" + esc(r.measure()) + "</b> (erased)" : esc(r.measure()))
                        .append("</td><td class=\"num\">").append(r.evaluatedImages()).append(", ").append(r.testSamples())
                        .append("</td><td class=\"num\">").append(r.chance() == null ? "\u2014" : ReportText.pct(r.chance()))
                        .append("</td>");
                value(b, r, r.before(), r.beforeStd(), false);
                value(b, r, r.after(), r.afterStd(), r.erased());
                b.append("<td class=\"num change\">").append(esc(ReportText.pp(r.change()))).append("</td></tr>\n");
            }
        }
        b.append("</tbody>\n</table></div>\n</section>\n");
    }

    /** A raw or erased value with its spread and interval; for the erased trace, how far it is from chance. */
    private static void value(StringBuilder b, ErasureRow r, double v, Double std, boolean markChance) {
        b.append("<td class=\"num erasure-value\">").append(esc(r.signed() ? ReportText.pp(v) : ReportText.pct(v)));
        if (std != null) {
            b.append(" <small>\u00b1 ").append(ReportText.pctNum(std)).append("</small>");
        }
        if (!r.signed() && r.testSamples() > 0) {
            Interval ci = Intervals.withSeeds(v, r.testSamples(), std);
            b.append("<br><small class=\"ci\">").append(ReportText.ci(ci)).append("</small>");
            if (markChance && r.chance() != null) {
                b.append("<br><span class=\"").append(ci.contains(r.chance()) ? "at-chance" : "above-chance").append("\">")
                        .append(esc(ReportText.pp(v - r.chance()))).append(" from chance").append(ci.contains(r.chance())
                                ? ", interval contains it" : ", interval excludes it").append("</span>");
            }
        }
        b.append("</td>");
    }
}
