package org.encodertraces.report.html;

import static org.encodertraces.report.html.Html.esc;

import java.util.List;
import org.encodertraces.report.EncoderInfo;
import org.encodertraces.report.Headline;
import org.encodertraces.report.Interval;
import org.encodertraces.report.Intervals;
import org.encodertraces.report.ProbeRow;
import org.encodertraces.report.ReportData;
import org.encodertraces.report.ReportText;
import org.encodertraces.report.RetrievalRow;
import org.encodertraces.report.StudyFigure;
import org.encodertraces.report.TraceSensitivity;
import org.encodertraces.validity.Validity;

/**
 * The headline: one row per encoder, each probe task's accuracy above chance beside the study's
 * figure in the same units, the kNN gap over tasks and the retrieval change ({@link Headline}).
 */
final class TraceSensitivitySection implements PageSection {
    @Override
    public String id() {
        return "headline";
    }

    @Override
    public String navTitle() {
        return "Trace sensitivity";
    }

    @Override
    public void render(Page p, StringBuilder b) {
        ReportData data = p.data();
        b.append("<section id=\"headline\">\n<h2>Trace sensitivity</h2>\n<p class=\"explain\">How much of each trace")
                .append(" an encoder carries, one row per encoder. Probe columns give accuracy <i>above chance</i> in")
                .append(" percentage points with its 95% interval; below it, the study's figure for the same")
                .append(" encoder or its family's range, also in points above chance: the study's accuracy minus the")
                .append(" study's own chance level (the same operations for a processing task; for an acquisition")
                .append(" attribute the study's label set, whose chance can differ from yours). A cell is coloured only when its interval excludes chance")
                .append(" (0 pp). The kNN gap (pos-same minus neg-same) is how much sharing processing with a class")
                .append(" pulls a query's neighbours towards it; the retrieval change is how recall@1 moves when the")
                .append(" distractors come from the query's own device instead of the other one (negative: device")
                .append(" traces pull wrong photos up). The forensic reference encoder (<span class=\"yardstick-badge")
                .append("\">yardstick</span>) shows what a model built to see the trace reaches.</p>\n");
        List<String> tasks = TraceSensitivity.probeTasks(data);
        b.append("<div class=\"wide\"><table class=\"headline\">\n<thead><tr><th>Encoder</th><th>Family</th>");
        for (String t : tasks) {
            b.append("<th>").append(esc(t)).append("<br><small>pp above chance</small></th>");
        }
        b.append("<th>kNN gap<br><small>mean over tasks</small></th><th>Retrieval change<br><small>recall@1, own-")
                .append("device distractors</small></th></tr></thead>\n<tbody>\n");
        for (EncoderInfo e : data.encodersByFamily()) {
            Cells.encoderRow(b, e);
            b.append("<td>").append(Cells.encoder(e)).append("</td><td>").append(Cells.family(e)).append("</td>");
            for (String t : tasks) {
                probeCell(p, b, e, t);
            }
            Headline h = Headline.of(data, e);
            if (h.knnGap() == null) {
                b.append("<td class=\"num na\">\u2014</td>");
            } else if (h.knnAtCeiling()) {
                b.append("<td class=\"num ceiling\" data-ceiling=\"1\" title=\"").append(esc(Validity.CEILING_NOTE)).append("\">")
                        .append(esc(ReportText.pp(h.knnGap()))).append("<br><span class=\"ceiling-mark\">ceiling: says nothing</span></td>");
            } else {
                Cells.heat(b, h.knnGap(), h.knnGapCi(), 0.05, false, null, false, -1);
            }
            if (h.retrieval() == null) {
                b.append("<td class=\"num na\">\u2014</td>");
            } else {
                RetrievalRow r = h.retrieval();
                boolean sig = h.retrievalCi() != null && !h.retrievalCi().contains(0);
                b.append("<td class=\"num\"").append(sig && r.drop() > 0 ? " style=\"background:" + Cells.heatColour(
                        Math.min(1, r.drop() / 0.2)) + "\"" : "").append(" data-heat=\"").append(sig ? 1 : 0)
                        .append("\">").append(esc(ReportText.retrievalChange(r)));
                if (h.retrievalCi() != null) {
                    b.append("<br><small class=\"ci\">").append(esc(ReportText.ciSigned(h.retrievalCi()))).append("</small>");
                }
                b.append("</td>");
            }
            b.append("</tr>\n");
        }
        b.append("</tbody>\n</table></div>\n</section>\n");
    }

    /** One task's accuracy above chance with its interval, beside the study's figure as points above the study's own chance. */
    private static void probeCell(Page p, StringBuilder b, EncoderInfo e, String task) {
        ProbeRow r = p.data().probes().stream().filter(x -> x.task().equals(task) && x.encoderId().equals(e.id()))
                .findFirst().orElse(null);
        if (r == null) {
            b.append("<td class=\"num na\">\u2014</td>");
            return;
        }
        Interval ci = Intervals.probe(r);
        Interval above = ci == null ? null : ci.shift(-r.chance());
        // like for like: the study's figure as points above the study's own chance level
        StudyFigure sf = p.study().probe(e, r.kind(), task);
        Double studyChance = p.comparison().studyChance(r.kind(), task, r.chance());
        Cells.heat(b, r.aboveChance(), above, 0.5, true, sf.aboveChance(studyChance), studyChance != null, r.testSamples());
    }
}
