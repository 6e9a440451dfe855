package org.encodertraces.report.html;

import static org.encodertraces.report.html.Html.esc;

import java.util.List;
import java.util.Map;
import org.encodertraces.report.EncoderInfo;
import org.encodertraces.report.Interval;
import org.encodertraces.report.Intervals;
import org.encodertraces.report.ReportText;
import org.encodertraces.report.ZeroShotRow;

/**
 * Zero-shot trace readout: for encoders with a text tower, each processing task read from the image
 * embeddings by text prompts, beside the linear probe on the same test rows, with n, chance and
 * intervals, and the prompts as scored. Only on the page when the run has zero-shot rows.
 */
final class ZeroShotSection implements PageSection {
    @Override
    public String id() {
        return "zero-shot";
    }

    @Override
    public String navTitle() {
        return "Zero-shot readout";
    }

    @Override
    public boolean shown(Page p) {
        return !p.data().zeroShot().isEmpty();
    }

    @Override
    public void render(Page p, StringBuilder b) {
        b.append("<section id=\"zero-shot\">\n<h2>Zero-shot trace readout</h2>\n<p class=\"explain\">The encoder's own text")
                .append(" tower names the processing: each class is described by text prompts (their normalised embeddings")
                .append(" averaged), and each test image gets the class whose text is most similar. Nothing is fitted; it")
                .append(" is scored on <b>the linear probe's test rows</b> (images the probe never trained on, under every")
                .append(" operation of the task), so the two accuracies compare like with like. A linear probe far above")
                .append(" the zero-shot readout means the trace is in the embedding but not where language points;")
                .append(" a zero-shot readout above chance means the encoder links the trace to words. Brackets: 95% Wilson")
                .append(" intervals on the n test rows.</p>\n");
        b.append("<div class=\"wide\"><table class=\"zero-shot\">\n<thead><tr><th>Encoder</th><th>Task</th><th>n<br><small>test")
                .append(" rows</small></th><th>Chance</th><th>Zero-shot</th><th>Linear probe<br><small>same rows</small></th>")
                .append("<th>Probe \u2212 zero-shot</th></tr></thead>\n<tbody>\n");
        for (EncoderInfo e : p.data().encodersByFamily()) {
            for (ZeroShotRow r : p.data().zeroShot()) {
                if (!r.encoderId().equals(e.id())) {
                    continue;
                }
                Interval zi = r.interval();
                Interval pi = r.probeInterval();
                boolean above = !zi.contains(r.chance()) && r.accuracy() > r.chance();
                b.append("<tr data-encoder=\"").append(esc(e.id())).append("\" data-task=\"").append(esc(r.task())).append("\"><td>")
                        .append(Cells.encoder(e)).append("</td><td>").append(esc(r.task())).append("</td><td class=\"num\">")
                        .append(r.testRows());
                if (r.testRows() < Intervals.SMALL_SAMPLE) {
                    b.append(Cells.smallSample(r.testRows()));
                }
                b.append("</td><td class=\"num\">").append(ReportText.pct(r.chance())).append("</td>");
                b.append("<td class=\"num acc\" data-ci=\"").append(ReportText.num(zi.lo(), 4)).append(',').append(ReportText.num(zi.hi(), 4))
                        .append("\"").append(above ? " style=\"background:" + Cells.heatColour(Math.min(1, (r.accuracy() - r.chance())
                                / Math.max(1e-9, 1 - r.chance()))) + "\"" : "").append('>').append(ReportText.pct(r.accuracy()))
                        .append("<br><small class=\"ci\">").append(ReportText.ci(zi)).append(' ').append(r.correct()).append('/')
                        .append(r.testRows()).append(above ? "" : ", chance within").append("</small></td>");
                b.append("<td class=\"num acc\" data-ci=\"").append(ReportText.num(pi.lo(), 4)).append(',').append(ReportText.num(pi.hi(), 4))
                        .append("\">").append(ReportText.pct(r.probeAccuracy())).append("<br><small class=\"ci\">").append(ReportText.ci(pi))
                        .append("</small></td><td class=\"num\">").append(ReportText.pp(r.probeAccuracy() - r.accuracy())).append("</td></tr>\n");
            }
        }
        b.append("</tbody>\n</table></div>\n");
        b.append("<details><summary>Prompts as scored</summary>\n<ul class=\"prompts\">\n");
        java.util.Set<String> shown = new java.util.HashSet<>();
        for (ZeroShotRow r : p.data().zeroShot()) {
            for (Map.Entry<String, List<String>> c : r.prompts().entrySet()) {
                String line = r.task() + " / " + c.getKey() + ": " + String.join(" \u00b7 ", c.getValue());
                if (shown.add(line)) {
                    b.append("<li><b>").append(esc(r.task() + " / " + c.getKey())).append("</b>: ")
                            .append(esc(String.join(" \u00b7 ", c.getValue()))).append("</li>\n");
                }
            }
        }
        b.append("</ul>\n</details>\n</section>\n");
    }
}
