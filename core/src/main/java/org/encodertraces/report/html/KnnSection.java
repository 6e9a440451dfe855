package org.encodertraces.report.html;

import static org.encodertraces.report.html.Html.esc;

import java.util.LinkedHashSet;
import java.util.List;
import org.encodertraces.report.EncoderInfo;
import org.encodertraces.report.Interval;
import org.encodertraces.report.Intervals;
import org.encodertraces.report.KnnRow;
import org.encodertraces.report.Note;
import org.encodertraces.report.ReportText;
import org.encodertraces.report.StudyFigure;
import org.encodertraces.validity.Validity;

/** kNN influence: accuracy under the five processing set-ups, the pos-same minus neg-same gap, the study's gap. */
final class KnnSection implements PageSection {
    @Override
    public String id() {
        return "knn";
    }

    @Override
    public String navTitle() {
        return "kNN influence";
    }

    @Override
    public void render(Page p, StringBuilder b) {
        b.append("<section id=\"knn\">\n<h2>kNN influence</h2>\n<p class=\"explain\">kNN classification of the")
                .append(" semantic class, with query and database images processed in five set-ups. In")
                .append(" <i>pos-same</i> the query shares its processing with the images of its own class, in")
                .append(" <i>neg-same</i> with the other classes; the <b>gap</b> (pos-same minus neg-same) measures")
                .append(" how much shared processing, not content, pulls neighbours. The chart shows each set-up")
                .append(" against the <i>uniform</i> set-up (random processing everywhere), in percentage points.</p>\n");
        List<Note> notes = p.notes(Note.Section.KNN);
        Cells.notes(b, id(), notes);
        List<KnnRow> rows = p.data().knn();
        if (rows.isEmpty()) {
            Cells.absent(b, notes, "kNN results", p.data().dataset().classes() == 0
                    ? "the dataset has no semantic class labels for kNN to classify" : "no processing task was asked for");
            b.append("</section>\n");
            return;
        }
        Cells.figure(b, p.charts().knnChart("chart-knn"), "chart-knn");
        b.append("<div class=\"wide\"><table class=\"knn\">\n<thead><tr><th>Task</th><th>Encoder</th><th>k</th><th>Queries</th>")
                .append("<th>Chance<br><small>largest class</small></th><th>all-same</th>")
                .append("<th>pos-same</th><th>neg-same</th><th>all-diff</th><th>uniform</th><th>Gap<br><small>95%")
                .append(" interval</small></th><th class=\"study\">Study gap<br><small>")
                .append(esc(p.comparison().processingLabel())).append("</small></th><th class=\"study\">Study uniform</th>")
                .append("</tr></thead>\n<tbody>\n");
        for (String task : new LinkedHashSet<>(rows.stream().map(KnnRow::task).toList())) {
            for (EncoderInfo e : p.data().encodersByFamily()) {
                for (KnnRow r : rows) {
                    if (r.task().equals(task) && r.encoderId().equals(e.id())) {
                        row(p, b, e, r);
                    }
                }
            }
        }
        b.append("</tbody>\n</table></div>\n</section>\n");
    }

    /** One task on one encoder: the five set-ups with intervals, the gap (or the ceiling mark), the study's gap and uniform. */
    private static void row(Page p, StringBuilder b, EncoderInfo e, KnnRow r) {
        Cells.encoderRow(b, e);
        b.append("<td>").append(esc(r.task()))
                .append("</td><td>").append(Cells.encoder(e)).append("</td><td class=\"num\">").append(r.k())
                .append("</td><td class=\"num\">").append(r.queries() == null ? "\u2014" : r.queries());
        if (r.smallSample()) {
            b.append(Cells.smallSample(r.queries()));
        }
        b.append("</td><td class=\"num chance\">").append(r.chance() == null ? "\u2014" : ReportText.pct(r.chance()))
                .append("</td>");
        setup(b, r, r.allSame(), r.allSameStd());
        setup(b, r, r.posSame(), r.posSameStd());
        setup(b, r, r.negSame(), r.negSameStd());
        setup(b, r, r.allDiff(), r.allDiffStd());
        setup(b, r, r.uniform(), r.uniformStd());
        Interval gci = Intervals.knnGap(r);
        if (r.atCeiling()) {
            b.append("<td class=\"num ceiling\" data-ceiling=\"1\" title=\"").append(esc(Validity.CEILING_NOTE)).append("\">")
                    .append(esc(ReportText.pp(r.gap()))).append("<br><span class=\"ceiling-mark\">ceiling: every set-up \u2265 ")
                    .append(Math.round(100 * Validity.CEILING)).append("%, the gap says nothing</span></td>");
        } else {
            Cells.heat(b, r.gap(), gci, 0.05, false, null, true, -1);
        }
        StudyFigure sg = p.study().knnGap(e, r.task());
        StudyFigure su = p.study().knnUniform(e, r.task());
        b.append("<td class=\"num study\" data-study=\"").append(Cells.kind(sg)).append("\" title=\"").append(esc(sg.isExact() || sg.isBand()
                ? sg.text(true) : sg.absent())).append("\">").append(esc(sg.isExact() || sg.isBand()
                ? sg.cell(true) : sg.absent())).append("</td><td class=\"num study\">")
                .append(esc(su.isExact() || su.isBand() ? su.cell(false) : "\u2014")).append("</td>");
        b.append("</tr>\n");
    }

    /** One set-up's accuracy with its interval. */
    private static void setup(StringBuilder b, KnnRow r, double v, Double std) {
        Interval ci = Intervals.knn(r, v, std);
        b.append("<td class=\"num acc\"").append(ci == null ? "" : " data-ci=\"" + ReportText.num(ci.lo(), 4) + ","
                + ReportText.num(ci.hi(), 4) + "\"").append('>').append(ReportText.pct(v));
        if (ci != null) {
            b.append("<br><small class=\"ci\">").append(ReportText.ci(ci)).append("</small>");
        }
        b.append("</td>");
    }
}
