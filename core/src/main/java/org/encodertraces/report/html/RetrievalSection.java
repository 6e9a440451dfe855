package org.encodertraces.report.html;

import static org.encodertraces.report.html.Html.esc;

import java.util.List;
import org.encodertraces.report.EncoderInfo;
import org.encodertraces.report.Interval;
import org.encodertraces.report.Intervals;
import org.encodertraces.report.Note;
import org.encodertraces.report.ReportText;
import org.encodertraces.report.RetrievalRow;
import org.encodertraces.report.StudyFigure;

/** Phone/camera pair retrieval: recall with other-device and own-device distractors, the change, chance, the study's. */
final class RetrievalSection implements PageSection {
    @Override
    public String id() {
        return "retrieval";
    }

    @Override
    public String navTitle() {
        return "Pair retrieval";
    }

    @Override
    public void render(Page p, StringBuilder b) {
        b.append("<section id=\"retrieval\">\n<h2>Phone/camera pair retrieval</h2>\n<p class=\"explain\">Each")
                .append(" query photo must retrieve its pair, the same scene taken with the other device (phone or")
                .append(" camera), ranked among the candidates (its pair plus the distractors; chance recall@k is k /")
                .append(" candidates). With distractors from the <i>other</i> device, device traces help; with")
                .append(" distractors from the <i>query's own</i> device, they pull the wrong photos up. The change")
                .append(" in recall@1 from the first to the second is the part of retrieval that acquisition traces")
                .append(" decide: a negative change is a drop.</p>\n");
        List<Note> notes = p.notes(Note.Section.RETRIEVAL);
        Cells.notes(b, id(), notes);
        if (p.data().retrieval().isEmpty()) {
            Cells.absent(b, notes, "retrieval results",
                    "the dataset has no subject and device labels (PairCams-style pairs)");
            b.append("</section>\n");
            return;
        }
        Cells.figure(b, p.charts().retrievalChart("chart-retrieval"), "chart-retrieval");
        b.append("<div class=\"wide\"><table>\n<thead><tr><th>Encoder</th><th>Query</th><th>Queries</th><th>Candidates</th>")
                .append("<th>Chance R@1</th><th>R@1 other device</th><th>R@1 own device</th><th>Change<br><small>")
                .append("own \u2212 other, 95% interval</small></th><th>R@5 other device</th><th>R@5 own device</th>")
                .append("<th class=\"study\">Study R@1 other<br><small>").append(esc(p.comparison().retrievalLabel()))
                .append("</small></th><th class=\"study\">Study R@1 own</th><th class=\"study\">Study change</th>")
                .append("</tr></thead>\n<tbody>\n");
        for (EncoderInfo e : p.data().encodersByFamily()) {
            for (RetrievalRow r : p.data().retrieval()) {
                if (r.encoderId().equals(e.id())) {
                    row(p, b, e, r);
                }
            }
        }
        b.append("</tbody>\n</table></div>\n</section>\n");
    }

    /** One query class on one encoder; the study's figures are for all queries, so only the overall row has them. */
    private static void row(Page p, StringBuilder b, EncoderInfo e, RetrievalRow r) {
        boolean overall = RetrievalRow.OVERALL.equalsIgnoreCase(r.queryClass());
        Cells.encoderRow(b, e);
        b.append("<td>").append(Cells.encoder(e))
                .append("</td><td>").append(esc(r.queryClass())).append("</td><td class=\"num\">")
                .append(r.queries()).append("</td><td class=\"num\">")
                .append(r.candidates() == null ? "\u2014" : r.candidates()).append("</td><td class=\"num\">")
                .append(r.chance(1) == null ? "\u2014" : ReportText.pct(r.chance(1))).append("</td>");
        recall(b, r, r.recallAt1OtherDevice());
        recall(b, r, r.recallAt1QueryDevice());
        Interval ch = Intervals.recallChange(r);
        boolean sig = ch != null && !ch.contains(0);
        b.append("<td class=\"num change\" data-heat=\"").append(sig ? 1 : 0).append('"')
                .append(sig && r.drop() > 0 ? " style=\"background:" + Cells.heatColour(Math.min(1, r.drop() / 0.2))
                        + "\"" : "").append("><b>").append(esc(ReportText.retrievalChange(r))).append("</b>");
        if (ch != null) {
            b.append("<br><small class=\"ci\">").append(esc(ReportText.ciSigned(ch))).append("</small>");
        }
        if (r.queries() < Intervals.SMALL_SAMPLE) {
            b.append(Cells.smallSample(r.queries()));
        }
        b.append("</td>");
        recall(b, r, r.recallAt5OtherDevice());
        recall(b, r, r.recallAt5QueryDevice());
        if (overall) {
            for (StudyFigure s : List.of(p.study().recallOther(e), p.study().recallQuery(e))) {
                b.append("<td class=\"num study\" data-study=\"").append(Cells.kind(s)).append("\">")
                        .append(esc(s.isExact() || s.isBand() ? s.cell(false) : s.absent())).append("</td>");
            }
            StudyFigure s = p.study().recallChange(e);
            b.append("<td class=\"num study\">").append(esc(s.isExact() || s.isBand() ? s.cell(true)
                    : "\u2014")).append("</td>");
        } else {
            b.append("<td class=\"num study na\" colspan=\"3\">study: overall only</td>");
        }
        b.append("</tr>\n");
    }

    /** A recall with its interval; a dash when the run did not measure it. */
    private static void recall(StringBuilder b, RetrievalRow r, Double v) {
        if (v == null) {
            b.append("<td class=\"num na\">\u2014</td>");
            return;
        }
        Interval ci = Intervals.recall(r, v);
        b.append("<td class=\"num acc\"").append(ci == null ? "" : " data-ci=\"" + ReportText.num(ci.lo(), 4) + ","
                + ReportText.num(ci.hi(), 4) + "\"").append('>').append(ReportText.pct(v));
        if (ci != null) {
            b.append("<br><small class=\"ci\">").append(ReportText.ci(ci)).append("</small>");
        }
        b.append("</td>");
    }
}
