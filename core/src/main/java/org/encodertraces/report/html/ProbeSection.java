package org.encodertraces.report.html;

import static org.encodertraces.report.html.Html.esc;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import org.encodertraces.report.EncoderInfo;
import org.encodertraces.report.Interval;
import org.encodertraces.report.Intervals;
import org.encodertraces.report.Note;
import org.encodertraces.report.ProbeKind;
import org.encodertraces.report.ProbeRow;
import org.encodertraces.report.ReportText;
import org.encodertraces.report.StudyFigure;

/**
 * The linear probes of one kind, processing or acquisition: what they ask, the section's notes, the
 * chart, one row per task and encoder with interval, chance, test count and the study's figure, and
 * the confusion matrices.
 */
final class ProbeSection implements PageSection {
    private final ProbeKind kind;

    ProbeSection(ProbeKind kind) {
        this.kind = kind;
    }

    private boolean processing() {
        return kind == ProbeKind.PROCESSING;
    }

    private Note.Section notes() {
        return processing() ? Note.Section.PROCESSING : Note.Section.ACQUISITION;
    }

    @Override
    public String id() {
        return processing() ? "probes-processing" : "probes-acquisition";
    }

    @Override
    public String navTitle() {
        return processing() ? "Processing probes" : "Acquisition probes";
    }

    @Override
    public void render(Page p, StringBuilder b) {
        boolean proc = processing();
        String id = id();
        b.append("<section id=\"").append(id).append("\">\n<h2>").append(navTitle()).append("</h2>\n<p class=\"explain\">");
        if (proc) {
            b.append("A linear classifier (logistic regression) is trained on frozen embeddings of images processed")
                    .append(" in different ways and asked which processing each test image received. Accuracy far")
                    .append(" above chance means the embedding encodes the processing, although nothing in training")
                    .append(" asked it to; whiskers are 95% intervals.");
        } else {
            b.append("The same linear probe asked how a photo was taken, with labels read from its EXIF (camera")
                    .append(" make, model, phone or camera, exposure settings). Accuracy above chance means the")
                    .append(" embedding carries acquisition traces; read it with the dataset audit, since a camera")
                    .append(" that photographed only some classes can be recognised through content.");
        }
        b.append("</p>\n");
        List<Note> notes = p.notes(notes());
        Cells.notes(b, id, notes);
        List<ProbeRow> rows = p.data().probes().stream().filter(r -> r.kind() == kind).toList();
        if (rows.isEmpty()) {
            Cells.absent(b, notes, proc ? "processing probes" : "acquisition probes", proc
                    ? "no processing task was asked for"
                    : "the photos carry no EXIF acquisition labels (give camera photos, e.g. exif:DIR)");
            b.append("</section>\n");
            return;
        }
        Cells.figure(b, p.charts().probeChart(kind, "chart-" + id), "chart-" + id);
        String label = p.comparison().label(kind);
        b.append("<div class=\"wide\"><table class=\"probes\">\n<thead><tr><th>Task</th><th>Encoder</th><th>Family</th><th>Accuracy<br>")
                .append("<small>95% interval</small></th><th>Seeds<br><small>std</small></th><th>Chance</th>")
                .append("<th>Above chance</th><th>Mean per-class</th><th>n test</th><th class=\"study\">Study<br><small>")
                .append(esc(label)).append("</small></th><th>Ours \u2212 study</th></tr></thead>\n<tbody>\n");
        List<String> confusions = new ArrayList<>();
        for (String task : new LinkedHashSet<>(rows.stream().map(ProbeRow::task).toList())) {
            for (EncoderInfo e : p.data().encodersByFamily()) {
                for (ProbeRow r : rows) {
                    if (!r.task().equals(task) || !r.encoderId().equals(e.id())) {
                        continue;
                    }
                    row(p, b, e, r);
                    if (r.confusion() != null) {
                        confusions.add(confusion(r, e));
                    }
                }
            }
        }
        b.append("</tbody>\n</table></div>\n");
        if (!confusions.isEmpty()) {
            b.append("<details class=\"confusions\"><summary>Confusion matrices (").append(confusions.size())
                    .append(", test counts summed over seeds; rows true, columns predicted)</summary>\n");
            confusions.forEach(b::append);
            b.append("</details>\n");
        } else {
            b.append("<p class=\"absent\">No confusion matrices: this report.json does not record them (written by")
                    .append(" an older version).</p>\n");
        }
        b.append("</section>\n");
    }

    /** One task on one encoder: accuracy heat-coloured when its interval excludes chance, the seeds, chance, n, the study. */
    private void row(Page p, StringBuilder b, EncoderInfo e, ProbeRow r) {
        StudyFigure s = p.study().probe(e, kind, r.task());
        Interval ci = Intervals.probe(r);
        boolean sig = ci != null && !ci.contains(r.chance());
        Cells.encoderRow(b, e);
        b.append("<td>").append(esc(r.task()))
                .append("</td><td>").append(Cells.encoder(e)).append("</td><td>").append(Cells.family(e))
                .append("</td><td class=\"num acc\" data-chance=\"").append(ReportText.num(r.chance(), 4))
                .append('"').append(ci == null ? "" : " data-ci=\""
                        + ReportText.num(ci.lo(), 4) + "," + ReportText.num(ci.hi(), 4) + "\"").append(" data-heat=\"")
                .append(sig && r.accuracy() > r.chance() ? 1 : 0).append('"')
                .append(sig && r.accuracy() > r.chance() ? " style=\"background:" + Cells.heatColour(Math.min(1,
                        r.aboveChance() / 0.5)) + "\"" : "").append('>').append(ReportText.pct(r.accuracy()));
        if (ci != null) {
            b.append("<br><small class=\"ci\">").append(ReportText.ci(ci)).append("</small>");
        }
        if (r.testSamples() < Intervals.SMALL_SAMPLE) {
            b.append(Cells.smallSample(r.testSamples()));
        }
        b.append("</td><td class=\"num\">").append(r.seeds()).append(r.accuracyStd() == null ? ""
                        : "<br><small>\u00b1 " + ReportText.pctNum(r.accuracyStd()) + "</small>")
                .append("</td><td class=\"num\">").append(ReportText.pct(r.chance()))
                .append("</td><td class=\"num\">").append(esc(ReportText.pp(r.aboveChance())))
                .append("</td><td class=\"num\">").append(r.meanPerClassAccuracy() == null ? "\u2014"
                        : ReportText.pct(r.meanPerClassAccuracy())).append("</td><td class=\"num\">")
                .append(r.testSamples()).append("</td>");
        b.append("<td class=\"num study\" data-study=\"").append(Cells.kind(s)).append("\" title=\"")
                .append(esc(s.isExact() || s.isBand() ? s.text(false) : s.absent())).append("\">")
                .append(esc(s.isExact() || s.isBand() ? s.cell(false) : s.absent())).append("</td>");
        b.append("<td class=\"num\">").append(s.isExact() ? esc(ReportText.pp(r.accuracy() - s.value())) : "\u2014").append("</td>");
        b.append("</tr>\n");
    }

    /** The confusion matrix of one task on one encoder, collapsed, with each class's recall. */
    private static String confusion(ProbeRow r, EncoderInfo e) {
        List<List<Long>> m = r.confusion();
        StringBuilder b = new StringBuilder("<details class=\"confusion\"><summary>").append(esc(r.task()))
                .append(" \u00b7 ").append(esc(e.displayName())).append("</summary>\n<div class=\"wide\"><table class=\"cm\"><thead><tr>")
                .append("<th>true \\ predicted</th>");
        List<String> names = r.classNames();
        for (int j = 0; j < m.size(); j++) {
            b.append("<th>").append(esc(names == null ? Integer.toString(j) : names.get(j))).append("</th>");
        }
        b.append("<th>recall</th></tr></thead>\n<tbody>\n");
        for (int i = 0; i < m.size(); i++) {
            long sum = m.get(i).stream().mapToLong(Long::longValue).sum();
            b.append("<tr><th>").append(esc(names == null ? Integer.toString(i) : names.get(i))).append("</th>");
            for (int j = 0; j < m.size(); j++) {
                long v = m.get(i).get(j);
                double f = sum == 0 ? 0 : v / (double) sum;
                b.append("<td class=\"num\" style=\"background:rgba(0,114,178,").append(ReportText.num(f * 0.7, 2))
                        .append(")").append(f > 0.45 ? ";color:#fff" : "").append("\">").append(v).append("</td>");
            }
            b.append("<td class=\"num\">").append(sum == 0 ? "\u2014" : ReportText.pct(m.get(i).get(i) / (double) sum))
                    .append("</td></tr>\n");
        }
        return b.append("</tbody></table></div>\n</details>\n").toString();
    }
}
