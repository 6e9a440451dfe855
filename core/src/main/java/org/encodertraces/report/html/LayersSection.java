package org.encodertraces.report.html;

import static org.encodertraces.report.html.Html.c;
import static org.encodertraces.report.html.Html.esc;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.encodertraces.report.EncoderInfo;
import org.encodertraces.report.Interval;
import org.encodertraces.report.LayerRow;
import org.encodertraces.report.Note;
import org.encodertraces.report.ReportText;

/**
 * Traces over depth ({@code audit --layers}): per encoder, one chart with one curve per processing
 * task (probe accuracy at each depth, its 95% interval as a bar, the task's chance as a dashed line)
 * and, where the dataset has classes, one of the kNN gap over depth; then the figures as a table with
 * n. Only on the page when the run read layers.
 */
final class LayersSection implements PageSection {
    /** Okabe–Ito colours, one per task in order. */
    private static final String[] COLORS = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"};
    private static final double W = 1200;
    private static final double H = 330;
    private static final double LEFT = 64;
    private static final double RIGHT = 190;
    private static final double TOP = 34;
    private static final double BOTTOM = 64;

    @Override
    public String id() {
        return "layers";
    }

    @Override
    public String navTitle() {
        return "Over depth";
    }

    @Override
    public boolean shown(Page p) {
        return !p.data().layers().isEmpty() || !p.notes(Note.Section.LAYERS).isEmpty();
    }

    @Override
    public void render(Page p, StringBuilder b) {
        b.append("<section id=\"layers\">\n<h2>Traces over depth</h2>\n<p class=\"explain\">Where in the network the traces")
                .append(" live: the processing probes (and the kNN gap) measured on the output of every residual block (or the")
                .append(" tensors named with <code>--layers</code>), each pooled as the encoder pools (global average over a")
                .append(" feature map, the class or mean token of a sequence), all depths read in one pass per image. The last")
                .append(" depth is the encoder's own embedding. Same images, split, probe settings and seeds at every depth;")
                .append(" bars are 95% intervals, the dashed line is the task's chance.</p>\n");
        List<Note> notes = p.notes(Note.Section.LAYERS);
        Cells.notes(b, id(), notes);
        if (p.data().layers().isEmpty()) {
            Cells.absent(b, notes, "layer curves", "no depth could be measured");
            b.append("</section>\n");
            return;
        }
        for (EncoderInfo e : p.data().encodersByFamily()) {
            List<LayerRow> rows = p.data().layers().stream().filter(r -> r.encoderId().equals(e.id())).toList();
            if (rows.isEmpty()) {
                continue;
            }
            String base = "chart-layers-" + e.id().replaceAll("[^A-Za-z0-9_-]", "_");
            b.append("<h3>").append(esc(e.displayName())).append("</h3>\n");
            Cells.figure(b, chart(base + "-probe", e, rows, false), base + "-probe");
            if (rows.stream().anyMatch(r -> r.knnGap() != null)) {
                Cells.figure(b, chart(base + "-knn", e, rows, true), base + "-knn");
            }
            table(b, rows);
        }
        b.append("</section>\n");
    }

    /** How many charts the section draws for {@code data}: per encoder with layer rows, the probe's and, with kNN, the gap's. */
    static int charts(org.encodertraces.report.ReportData data) {
        int n = 0;
        for (EncoderInfo e : data.encoders()) {
            List<LayerRow> rows = data.layers().stream().filter(r -> r.encoderId().equals(e.id())).toList();
            n += rows.isEmpty() ? 0 : rows.stream().anyMatch(r -> r.knnGap() != null) ? 2 : 1;
        }
        return n;
    }

    private static List<String> tasks(List<LayerRow> rows) {
        Set<String> t = new LinkedHashSet<>();
        rows.forEach(r -> t.add(r.task()));
        return new ArrayList<>(t);
    }

    /** One curve per task over depth: probe accuracy (0..1) or the kNN gap (-1..1, zoomed to the data). */
    static String chart(String id, EncoderInfo e, List<LayerRow> rows, boolean knn) {
        List<String> tasks = tasks(rows);
        int depths = rows.get(0).depths();
        double lo = 0;
        double hi = 1;
        if (knn) {
            lo = 0;
            hi = 0;
            for (LayerRow r : rows) {
                Interval ci = r.knnGapInterval();
                if (ci != null) {
                    lo = Math.min(lo, ci.lo());
                    hi = Math.max(hi, ci.hi());
                }
            }
            lo = Math.floor(lo * 10) / 10;
            hi = Math.ceil(hi * 10) / 10;
            if (hi - lo < 0.1) {
                hi = lo + 0.1;
            }
        }
        double plotW = W - LEFT - RIGHT;
        double plotH = H - TOP - BOTTOM;
        double lo0 = lo;
        double span = hi - lo;
        java.util.function.DoubleUnaryOperator y = v -> TOP + plotH * (1 - (v - lo0) / span);
        java.util.function.IntToDoubleFunction x = d -> LEFT + (depths == 1 ? plotW / 2 : plotW * (d - 1) / (depths - 1));
        String title = e.displayName() + (knn ? ": kNN gap (pos-same \u2212 neg-same) over depth" : ": processing probe accuracy over depth");
        StringBuilder b = new StringBuilder();
        b.append("<svg class=\"chart\" data-kind=\"layers\" id=\"").append(esc(id)).append("\" xmlns=\"http://www.w3.org/2000/svg\" width=\"")
                .append(c(W)).append("\" height=\"").append(c(H)).append("\" viewBox=\"0 0 ").append(c(W)).append(' ').append(c(H))
                .append("\" role=\"img\" aria-labelledby=\"").append(esc(id)).append("-title ").append(esc(id)).append("-desc\" ")
                .append("font-family=\"DejaVu Sans, system-ui, sans-serif\" font-size=\"11\">\n<title id=\"").append(esc(id))
                .append("-title\">").append(esc(title)).append("</title>\n<desc id=\"").append(esc(id)).append("-desc\">")
                .append(esc("x: depth 1.." + depths + " (last: the encoder's embedding); y: " + (knn ? "kNN gap" : "accuracy")
                        + "; one curve per task, bars are 95% intervals")).append("</desc>\n")
                .append("<rect x=\"0\" y=\"0\" width=\"").append(c(W)).append("\" height=\"").append(c(H)).append("\" fill=\"#ffffff\"/>\n")
                .append(text(12, 18, title, "start", "font-size=\"14\" font-weight=\"600\""));
        for (int i = 0; i <= 5; i++) {
            double v = lo + span * i / 5;
            double yy = y.applyAsDouble(v);
            b.append("<line x1=\"").append(c(LEFT)).append("\" x2=\"").append(c(LEFT + plotW)).append("\" y1=\"").append(c(yy))
                    .append("\" y2=\"").append(c(yy)).append("\" stroke=\"#e0e0e0\"/>\n")
                    .append(text(LEFT - 6, yy + 4, knn ? ReportText.signed(v) : String.format(Locale.ROOT, "%.0f%%", v * 100), "end", ""));
        }
        if (knn && lo < 0) {
            double yy = y.applyAsDouble(0);
            b.append("<line x1=\"").append(c(LEFT)).append("\" x2=\"").append(c(LEFT + plotW)).append("\" y1=\"").append(c(yy))
                    .append("\" y2=\"").append(c(yy)).append("\" stroke=\"#555555\"/>\n");
        }
        for (int d = 1; d <= depths; d++) {
            b.append(text(x.applyAsDouble(d), TOP + plotH + 16, d == depths ? d + " (emb.)" : String.valueOf(d), "middle", ""));
        }
        b.append(text(LEFT + plotW / 2, H - 14, "depth (residual block; last = the encoder's embedding)", "middle", ""));
        for (int t = 0; t < tasks.size(); t++) {
            String colour = COLORS[t % COLORS.length];
            String task = tasks.get(t);
            List<LayerRow> tr = rows.stream().filter(r -> r.task().equals(task)).sorted(java.util.Comparator.comparingInt(LayerRow::depth)).toList();
            StringBuilder path = new StringBuilder();
            double offset = (t - (tasks.size() - 1) / 2.0) * 3; // tasks side by side at each depth
            for (LayerRow r : tr) {
                Double v = knn ? r.knnGap() : Double.valueOf(r.accuracy());
                Interval ci = knn ? r.knnGapInterval() : r.accuracyInterval();
                if (v == null || ci == null) {
                    continue;
                }
                double xx = x.applyAsDouble(r.depth()) + offset;
                path.append(path.length() == 0 ? "M" : " L").append(c(xx)).append(' ').append(c(y.applyAsDouble(v)));
                double top = y.applyAsDouble(ci.hi());
                double h = Math.max(1, y.applyAsDouble(ci.lo()) - top);
                String tip = task + " at depth " + r.depth() + " (" + r.layer() + ", " + r.dim() + "-d): "
                        + (knn ? ReportText.pp(v) + " " + ReportText.ciSigned(ci) + ", n=" + r.knnQueries() + " queries"
                        : ReportText.pct(v) + " " + ReportText.ci(ci) + ", chance " + ReportText.pct(r.chance()) + ", n="
                        + r.testSamples() + " test rows");
                b.append("<rect class=\"bar\" x=\"").append(c(xx - 1.5)).append("\" y=\"").append(c(top)).append("\" width=\"3\" height=\"")
                        .append(c(h)).append("\" fill=\"").append(colour).append("\" opacity=\"0.55\"><title>").append(esc(tip))
                        .append("</title></rect>\n");
                b.append("<circle cx=\"").append(c(xx)).append("\" cy=\"").append(c(y.applyAsDouble(v))).append("\" r=\"3.5\" fill=\"")
                        .append(colour).append("\"><title>").append(esc(tip)).append("</title></circle>\n");
            }
            if (path.length() > 0) {
                b.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"").append(colour).append("\" stroke-width=\"2\"/>\n");
            }
            if (!knn && !tr.isEmpty()) {
                double yy = y.applyAsDouble(tr.get(0).chance());
                b.append("<line x1=\"").append(c(LEFT)).append("\" x2=\"").append(c(LEFT + plotW)).append("\" y1=\"").append(c(yy))
                        .append("\" y2=\"").append(c(yy)).append("\" stroke=\"").append(colour).append("\" stroke-dasharray=\"5 4\"")
                        .append(" opacity=\"0.8\"/>\n");
            }
            double ly = TOP + 10 + t * 18;
            b.append("<rect x=\"").append(c(W - RIGHT + 16)).append("\" y=\"").append(c(ly - 8)).append("\" width=\"14\" height=\"4\" fill=\"")
                    .append(colour).append("\"/>\n").append(text(W - RIGHT + 36, ly - 2, task + (knn ? "" : " (chance "
                            + ReportText.pct(tr.isEmpty() ? 0 : tr.get(0).chance()) + ")"), "start", ""));
        }
        return b.append("</svg>\n").toString();
    }

    private static String text(double x, double y, String s, String anchor, String extra) {
        return "<text x=\"" + c(x) + "\" y=\"" + c(y) + "\" text-anchor=\"" + anchor + "\"" + (extra.isEmpty() ? "" : " " + extra) + ">"
                + esc(s) + "</text>\n";
    }

    private static void table(StringBuilder b, List<LayerRow> rows) {
        boolean knn = rows.stream().anyMatch(r -> r.knnGap() != null);
        b.append("<div class=\"wide\"><table class=\"layers\">\n<thead><tr><th>Depth</th><th>Tensor</th><th>Dim</th><th>Task</th>")
                .append("<th>Probe accuracy<br><small>95% interval</small></th><th>Chance</th><th>n<br><small>test rows</small></th>");
        if (knn) {
            b.append("<th>kNN gap<br><small>95% interval</small></th><th>n<br><small>queries</small></th>");
        }
        b.append("</tr></thead>\n<tbody>\n");
        for (LayerRow r : rows) {
            b.append("<tr class=\"layer-row\" data-depth=\"").append(r.depth()).append("\" data-task=\"").append(esc(r.task()))
                    .append("\"><td class=\"num\">").append(r.depth()).append("</td><td>").append(esc(r.layer())).append("</td><td class=\"num\">")
                    .append(r.dim()).append("</td><td>").append(esc(r.task())).append("</td><td class=\"num\">")
                    .append(esc(ReportText.pct(r.accuracy()))).append(r.accuracyStd() == null ? "" : " <small>\u00b1 "
                            + esc(ReportText.pctNum(r.accuracyStd())) + "</small>")
                    .append("<br><small class=\"ci\">").append(esc(ReportText.ci(r.accuracyInterval()))).append("</small>");
            if (r.testSamples() < org.encodertraces.report.Intervals.SMALL_SAMPLE) {
                b.append(Cells.smallSample(r.testSamples()));
            }
            b.append("</td><td class=\"num\">").append(esc(ReportText.pct(r.chance()))).append("</td><td class=\"num\">")
                    .append(r.testSamples()).append("</td>");
            if (knn) {
                Interval g = r.knnGapInterval();
                b.append("<td class=\"num\">").append(g == null ? "\u2014" : esc(ReportText.pp(r.knnGap())) + "<br><small class=\"ci\">"
                        + esc(ReportText.ciSigned(g)) + "</small>").append("</td><td class=\"num\">")
                        .append(r.knnQueries() == null ? "\u2014" : r.knnQueries()).append("</td>");
            }
            b.append("</tr>\n");
        }
        b.append("</tbody>\n</table></div>\n");
    }
}
