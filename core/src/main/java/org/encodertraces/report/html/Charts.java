package org.encodertraces.report.html;

import static org.encodertraces.report.html.Html.c;
import static org.encodertraces.report.html.Html.esc;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import org.encodertraces.report.AuditRow;
import org.encodertraces.report.EncoderGroup;
import org.encodertraces.report.EncoderInfo;
import org.encodertraces.report.Interval;
import org.encodertraces.report.Intervals;
import org.encodertraces.report.KnnRow;
import org.encodertraces.report.PaperComparison;
import org.encodertraces.report.PaperResults;
import org.encodertraces.report.ProbeKind;
import org.encodertraces.report.ProbeRow;
import org.encodertraces.report.ReportData;
import org.encodertraces.report.ReportText;
import org.encodertraces.report.RetrievalRow;
import org.encodertraces.report.StudyFigure;
import org.encodertraces.report.StudyFigures;
import org.encodertraces.report.TraceSensitivity;

/**
 * Inline SVG charts drawn in Java: no library, no font download. Every chart is an
 * {@code <svg class="chart">} with a {@code <title>} and {@code <desc>}, every data bar a
 * {@code <rect class="bar">} with a tooltip giving its exact value and 95% interval. Charts are
 * horizontal so that encoder names (wrapped onto two lines when long) always fit, use the
 * Okabe–Ito colour-blind-safe palette, and scale to the page's full width.
 */
final class Charts {
    static final int WIDTH = 1200;
    private static final String FONT = "font-family=\"DejaVu Sans, system-ui, sans-serif\"";
    /** Approximate advance of one character at the charts' 11 px font, for layout and wrapping. */
    private static final double CHAR = 6.6;
    private static final String[] SETUP_NAMES = {"all-same", "pos-same", "neg-same", "all-diff"};
    private static final String[] SETUP_COLORS = {"#56B4E9", "#D55E00", "#0072B2", "#CC79A7"};
    private static final String OTHER_DEVICE = "#56B4E9";
    private static final String QUERY_DEVICE = "#D55E00";
    private static final String BAND = "#999999";

    private final ReportData data;
    private final StudyFigures study;
    private final PaperComparison comparison;
    private final boolean paperLoaded;

    Charts(ReportData data, PaperResults paper, PaperComparison comparison) {
        this.data = data;
        this.study = new StudyFigures(paper, comparison);
        this.comparison = comparison;
        this.paperLoaded = paper != null;
    }

    /** Okabe–Ito colours per family (distinguishable with the common colour-vision deficiencies). */
    static String familyColor(EncoderGroup g) {
        return switch (g) {
            case CVL -> "#0072B2";
            case SUP -> "#E69F00";
            case SSL -> "#009E73";
            case OTHER -> "#CC79A7";
            case REF -> "#555555";
        };
    }

    /** Text colour of a family label (dark text on the light orange). */
    static String familyInk(EncoderGroup g) {
        return g == EncoderGroup.SUP ? "#000000" : "#ffffff";
    }

    private static void open(StringBuilder b, String id, double w, double h, String title, String desc) {
        b.append("<svg class=\"chart\" id=\"").append(esc(id)).append("\" xmlns=\"http://www.w3.org/2000/svg\" ")
                .append("width=\"").append(c(w)).append("\" height=\"").append(c(h)).append("\" viewBox=\"0 0 ")
                .append(c(w)).append(' ').append(c(h)).append("\" role=\"img\" aria-labelledby=\"").append(esc(id))
                .append("-title ").append(esc(id)).append("-desc\" ").append(FONT).append(" font-size=\"11\">\n")
                .append("<title id=\"").append(esc(id)).append("-title\">").append(esc(title)).append("</title>\n")
                .append("<desc id=\"").append(esc(id)).append("-desc\">").append(esc(desc)).append("</desc>\n")
                .append("<rect x=\"0\" y=\"0\" width=\"").append(c(w)).append("\" height=\"").append(c(h))
                .append("\" fill=\"#ffffff\"/>\n")
                .append(text(12, 18, title, "start", "font-size=\"14\" font-weight=\"600\""));
    }

    private static String text(double x, double y, String s, String anchor, String extra) {
        return "<text x=\"" + c(x) + "\" y=\"" + c(y) + "\" text-anchor=\"" + anchor + "\""
                + (extra.isEmpty() ? "" : " " + extra) + ">" + esc(s) + "</text>\n";
    }

    /** A label wrapped onto at most two lines of {@code maxChars}, vertically centred on {@code cy}. */
    private static String label(double x, double cy, String s, String tip, String anchor, String extra, int maxChars) {
        List<String> lines = wrap(s, maxChars);
        StringBuilder b = new StringBuilder("<text x=\"").append(c(x)).append("\" y=\"")
                .append(c(cy + 4 - (lines.size() - 1) * 6.5)).append("\" text-anchor=\"").append(anchor).append('"')
                .append(extra.isEmpty() ? "" : " " + extra).append("><title>").append(esc(tip)).append("</title>");
        for (int i = 0; i < lines.size(); i++) {
            b.append("<tspan x=\"").append(c(x)).append("\" dy=\"").append(i == 0 ? "0" : "13").append("\">")
                    .append(esc(lines.get(i))).append("</tspan>");
        }
        return b.append("</text>\n").toString();
    }

    /** Word-wraps onto at most two lines; a second line that is still too long is shortened with an ellipsis. */
    static List<String> wrap(String s, int maxChars) {
        if (s.length() <= maxChars) {
            return List.of(s);
        }
        int cut = -1;
        for (int i = Math.min(maxChars, s.length() - 1); i > maxChars / 3; i--) {
            char ch = s.charAt(i);
            if (ch == ' ' || ch == ',' || ch == '(' || ch == '/' || ch == '-') {
                cut = ch == ' ' ? i : (ch == '(' ? i : i + 1);
                break;
            }
        }
        if (cut < 0) {
            cut = maxChars;
        }
        String first = s.substring(0, cut).strip();
        String rest = s.substring(cut).strip();
        return List.of(first, Html.shorten(rest, maxChars));
    }

    private static String bar(double x, double y, double w, double h, String fill, String tip, String extra) {
        return "<rect class=\"bar\" x=\"" + c(x) + "\" y=\"" + c(y) + "\" width=\"" + c(Math.max(w, 0.5))
                + "\" height=\"" + c(Math.max(h, 0.5)) + "\" fill=\"" + fill + "\"" + (extra.isEmpty() ? "" : " " + extra)
                + "><title>" + esc(tip) + "</title></rect>\n";
    }

    private static String line(double x1, double y1, double x2, double y2, String stroke, double width, String extra) {
        return "<line x1=\"" + c(x1) + "\" y1=\"" + c(y1) + "\" x2=\"" + c(x2) + "\" y2=\"" + c(y2) + "\" stroke=\""
                + stroke + "\" stroke-width=\"" + c(width) + "\"" + (extra.isEmpty() ? "" : " " + extra) + "/>\n";
    }

    /** A horizontal 95% interval whisker from x1 to x2 at height y. */
    private static String whisker(double x1, double x2, double y, String tip) {
        return "<g class=\"ci\"><title>" + esc(tip) + "</title>" + line(x1, y, x2, y, "#000000", 1.2, "")
                + line(x1, y - 3, x1, y + 3, "#000000", 1.2, "") + line(x2, y - 3, x2, y + 3, "#000000", 1.2, "")
                + "</g>\n";
    }

    /** The study's figure for the same encoder: a hollow diamond. */
    static String diamond(double x, double y, double r, String tip) {
        return "<polygon class=\"study-marker\" points=\"" + c(x) + "," + c(y - r) + " " + c(x + r) + "," + c(y) + " "
                + c(x) + "," + c(y + r) + " " + c(x - r) + "," + c(y) + "\" fill=\"#ffffff\" fill-opacity=\"0.6\" "
                + "stroke=\"#000000\" stroke-width=\"1.5\"><title>" + esc(tip) + "</title></polygon>\n";
    }

    /** The study's family range: a grey band from x1 to x2 with a tick at the mean. */
    static String band(double x1, double x2, double mean, double y, double h, String tip) {
        return "<g class=\"study-band\"><title>" + esc(tip) + "</title><rect x=\"" + c(x1) + "\" y=\"" + c(y)
                + "\" width=\"" + c(Math.max(1, x2 - x1)) + "\" height=\"" + c(h) + "\" fill=\"" + BAND
                + "\" fill-opacity=\"0.28\" stroke=\"" + BAND + "\" stroke-width=\"0.8\"/>"
                + line(mean, y - 1, mean, y + h + 1, "#333333", 1.5, "") + "</g>\n";
    }

    /** Draws the study's figure (diamond) or family band for {@code f} on a 0..1 axis from px over pw. */
    private static String studyMark(StudyFigure f, double px, double pw, double cy, double h, boolean difference,
                                    double zero, double scale) {
        if (f.isExact()) {
            double x = difference ? zero + f.value() * scale : px + pw * f.value();
            return diamond(x, cy, 5, f.text(difference) + " (" + f.studyName() + ")");
        }
        if (f.isBand()) {
            PaperResults.Range r = f.range();
            double x1 = difference ? zero + r.min() * scale : px + pw * r.min();
            double x2 = difference ? zero + r.max() * scale : px + pw * r.max();
            double xm = difference ? zero + r.mean() * scale : px + pw * r.mean();
            return band(x1, x2, xm, cy - h / 2, h, f.text(difference));
        }
        return "";
    }

    private static String swatch(double x, double y, String fill, String label) {
        return "<rect x=\"" + c(x) + "\" y=\"" + c(y - 9) + "\" width=\"12\" height=\"10\" fill=\"" + fill + "\"/>\n"
                + text(x + 16, y, label, "start", "");
    }

    private static double legendWidth(String label) {
        return 16 + label.length() * CHAR + 18;
    }

    /** The legend entries shared by charts: 95% interval, study diamond, study band. */
    private double studyLegend(StringBuilder b, double lx, double ly, String source) {
        b.append(whisker(lx, lx + 16, ly - 4, "95% interval"));
        b.append(text(lx + 22, ly, "95% interval", "start", ""));
        lx += 22 + 12 * CHAR + 14;
        if (paperLoaded) {
            String l1 = "study's figure, same encoder (" + source + ")";
            b.append(diamond(lx + 5, ly - 4, 5, l1));
            b.append(text(lx + 14, ly, l1, "start", ""));
            lx += 14 + l1.length() * CHAR + 14;
            String l2 = "study's range over its encoders of the same family, mean tick";
            b.append(band(lx, lx + 18, lx + 9, ly - 9, 10, l2));
            b.append(text(lx + 24, ly, l2, "start", ""));
            lx += 24 + l2.length() * CHAR + 14;
        }
        return lx;
    }

    // ---------------------------------------------------------------- probes

    /** Horizontal bars of probe accuracy per encoder with 95% intervals, one panel per task, two panels a row. */
    String probeChart(ProbeKind kind, String id) {
        List<String> tasks = new ArrayList<>();
        for (String t : TraceSensitivity.probeTasks(data)) {
            for (ProbeRow r : data.probes()) {
                if (r.task().equals(t) && r.kind() == kind) {
                    tasks.add(t);
                    break;
                }
            }
        }
        List<EncoderInfo> encoders = data.encodersByFamily();
        int cols = tasks.size() == 1 ? 1 : 2;
        double panelW = (WIDTH - 20.0) / cols;
        double rowH = 28;
        double legendH = 64;
        List<Double> heights = new ArrayList<>();
        for (String t : tasks) {
            int rows = 0;
            for (EncoderInfo e : encoders) {
                if (row(t, kind, e.id()) != null) {
                    rows++;
                }
            }
            heights.add(40 + rows * rowH + 36.0);
        }
        double totalH = legendH;
        List<Double> tops = new ArrayList<>();
        for (int i = 0; i < tasks.size(); i += cols) {
            double h = heights.get(i);
            if (i + 1 < tasks.size() && cols == 2) {
                h = Math.max(h, heights.get(i + 1));
            }
            tops.add(totalH);
            totalH += h;
        }
        String title = (kind == ProbeKind.PROCESSING ? "Processing" : "Acquisition")
                + " probes: accuracy per encoder against chance";
        String desc = "Horizontal bars give linear-probe top-1 accuracy (mean over seeds) for each encoder, one panel"
                + " per task (" + String.join(", ", tasks) + "). Whiskers are 95% intervals; a dashed black tick"
                + " marks chance; hollow diamonds mark the study's published figure for the same encoder and grey"
                + " bands the range over the study's encoders of the same family (" + comparison.label(kind) + ").";
        StringBuilder b = new StringBuilder();
        open(b, id, WIDTH, totalH + 8, title, desc);
        double lx = 12;
        double ly = 38;
        for (EncoderGroup g : EncoderGroup.values()) {
            if (encoders.stream().anyMatch(e -> e.family() == g)) {
                String l = g == EncoderGroup.REF ? "REF (yardstick, no study family)" : g.name();
                b.append(swatch(lx, ly, familyColor(g), l));
                lx += legendWidth(l);
            }
        }
        b.append(line(lx, ly - 10, lx, ly + 2, "#000000", 2, "stroke-dasharray=\"3,2\""));
        b.append(text(lx + 6, ly, "chance", "start", ""));
        studyLegend(b, 12, ly + 18, comparison.label(kind));
        for (int i = 0; i < tasks.size(); i++) {
            double x0 = 10 + (i % cols) * panelW;
            double y0 = tops.get(i / cols);
            b.append(probePanel(tasks.get(i), kind, encoders, x0, y0, panelW, heights.get(i), rowH));
        }
        return b.append("</svg>\n").toString();
    }

    private ProbeRow row(String task, ProbeKind kind, String encoderId) {
        for (ProbeRow r : data.probes()) {
            if (r.task().equals(task) && r.kind() == kind && r.encoderId().equals(encoderId)) {
                return r;
            }
        }
        return null;
    }

    private String probePanel(String task, ProbeKind kind, List<EncoderInfo> encoders, double x0, double y0,
                              double w, double h, double rowH) {
        StringBuilder b = new StringBuilder();
        double label = Math.min(210, w * 0.36);
        int chars = (int) ((label - 12) / CHAR);
        double px = x0 + label;
        double pw = w - label - 28;
        double top = y0 + 30;
        double bottom = y0 + h - 36;
        b.append("<g class=\"panel\">\n");
        b.append(text(x0 + 4, y0 + 18, task, "start", "font-size=\"13\" font-weight=\"600\""));
        for (int t = 0; t <= 4; t++) {
            double gx = px + pw * t / 4.0;
            b.append(line(gx, top, gx, bottom, "#e3e3e3", 1, ""));
            b.append(text(gx, bottom + 13, (t * 25) + "%", "middle", "fill=\"#444\""));
        }
        b.append(line(px, bottom, px + pw, bottom, "#888", 1, ""));
        b.append(text(px + pw / 2, bottom + 28, "top-1 accuracy, 95% interval", "middle", "fill=\"#222\""));
        double y = top + 4;
        for (EncoderInfo e : encoders) {
            ProbeRow r = row(task, kind, e.id());
            if (r == null) {
                continue;
            }
            double cy = y + rowH / 2;
            b.append(label(px - 6, cy, e.displayName(), e.displayName() + " (" + e.id() + ", " + e.family() + ")",
                    "end", "fill=\"" + (e.family() == EncoderGroup.SUP ? "#8a5a00" : familyColor(e.family())) + "\"",
                    chars));
            StudyFigure s = study.probe(e, kind, task);
            b.append(studyMark(s, px, pw, cy, 16, false, 0, 0));
            Interval ci = Intervals.probe(r);
            String tip = e.displayName() + ", " + task + ": " + ReportText.pct(r.accuracy())
                    + (ci == null ? "" : " " + ReportText.ci(ci)) + ", n=" + r.testSamples() + " test, " + r.seeds()
                    + (r.seeds() == 1 ? " seed" : " seeds") + ", chance " + ReportText.pct(r.chance())
                    + (s.isExact() || s.isBand() ? "; " + s.text(false) : "");
            b.append(bar(px, cy - 5, pw * r.accuracy(), 10, familyColor(e.family()), tip,
                    e.isReference() ? "stroke=\"#000\" stroke-dasharray=\"2,1\"" : ""));
            if (ci != null) {
                b.append(whisker(px + pw * ci.lo(), px + pw * ci.hi(), cy, "95% interval " + ReportText.ci(ci)));
            }
            double chx = px + pw * r.chance();
            b.append(line(chx, cy - 10, chx, cy + 10, "#000000", 2, "class=\"chance\" stroke-dasharray=\"3,2\""));
            if (r.testSamples() > 0 && r.testSamples() < Intervals.SMALL_SAMPLE) {
                b.append(text(px + pw + 4, cy + 4, "\u26a0", "start", "fill=\"#b35900\"").replace("</text>",
                        "<title>small sample: n=" + r.testSamples() + " test images</title></text>"));
            }
            y += rowH;
        }
        return b.append("</g>\n").toString();
    }

    // ---------------------------------------------------------------- kNN

    /** Horizontal bars per encoder: four set-ups as change from the uniform set-up; the gap with its interval on the right. */
    String knnChart(String id) {
        LinkedHashSet<String> tasks = new LinkedHashSet<>();
        for (KnnRow r : data.knn()) {
            tasks.add(r.task());
        }
        List<EncoderInfo> encoders = data.encodersByFamily();
        double rowH = 58;
        double legendH = 64;
        List<Double> heights = new ArrayList<>();
        double totalH = legendH;
        for (String task : tasks) {
            long n = data.knn().stream().filter(r -> r.task().equals(task)).count();
            double h = 44 + n * rowH + 36;
            heights.add(h);
            totalH += h;
        }
        String title = "kNN accuracy under the processing set-ups, relative to the uniform set-up";
        String desc = "For each task and encoder, four horizontal bars give kNN accuracy in the all-same, pos-same,"
                + " neg-same and all-diff set-ups minus accuracy in the uniform set-up, in percentage points; the"
                + " zero line is the uniform set-up. On the right: the gap, pos-same minus neg-same, with its 95%"
                + " interval and the study's figure (" + comparison.processingLabel() + ") or family range.";
        StringBuilder b = new StringBuilder();
        open(b, id, WIDTH, totalH + 8, title, desc);
        double lx = 12;
        double ly = 38;
        for (int s = 0; s < SETUP_NAMES.length; s++) {
            b.append(swatch(lx, ly, SETUP_COLORS[s], SETUP_NAMES[s]));
            lx += legendWidth(SETUP_NAMES[s]);
        }
        b.append(line(lx, ly - 10, lx, ly + 2, "#000", 1.5, ""));
        b.append(text(lx + 6, ly, "uniform (zero line)", "start", ""));
        // the panels draw bars and text only (the gap's interval and the study's figure are written out,
        // not drawn), so the legend names the bars and the zero line and nothing else
        b.append(text(12, ly + 18, "right: the gap with its 95% interval in brackets, and the study's gap ("
                + comparison.processingLabel() + ") or its family's range, as text", "start", "fill=\"#444\""));
        double y0 = legendH;
        int p = 0;
        for (String task : tasks) {
            b.append(knnPanel(task, encoders, 10, y0, WIDTH - 20, heights.get(p), rowH));
            y0 += heights.get(p);
            p++;
        }
        return b.append("</svg>\n").toString();
    }

    private String knnPanel(String task, List<EncoderInfo> encoders, double x0, double y0, double w, double h,
                            double rowH) {
        List<KnnRow> rows = new ArrayList<>();
        List<EncoderInfo> es = new ArrayList<>();
        for (EncoderInfo e : encoders) {
            for (KnnRow r : data.knn()) {
                if (r.task().equals(task) && r.encoderId().equals(e.id())) {
                    rows.add(r);
                    es.add(e);
                    break;
                }
            }
        }
        double max = 0.01;
        for (KnnRow r : rows) {
            for (double v : deltas(r)) {
                max = Math.max(max, Math.abs(v));
            }
        }
        double step = niceStep(max);
        max = Math.ceil(max / step - 1e-9) * step;
        double label = 220;
        int chars = (int) ((label - 12) / CHAR);
        double right = 330;
        double px = x0 + label;
        double pw = w - label - right;
        double zero = px + pw / 2;
        double scale = pw / 2 / max;
        double top = y0 + 30;
        double bottom = y0 + h - 36;
        StringBuilder b = new StringBuilder("<g class=\"panel\">\n");
        b.append(text(x0 + 4, y0 + 18, task, "start", "font-size=\"13\" font-weight=\"600\""));
        b.append(text(px + pw + 16, y0 + 18, "gap (pos-same \u2212 neg-same), 95% interval", "start",
                "font-weight=\"600\""));
        for (double t = -max; t <= max + 1e-9; t += step) {
            double gx = zero + t * scale;
            b.append(line(gx, top, gx, bottom, "#e6e6e6", 1, ""));
            b.append(text(gx, bottom + 13, ReportText.signedNumber(t * 100, step * 100 < 1 ? 1 : 0), "middle",
                    "fill=\"#444\""));
        }
        b.append(line(zero, top, zero, bottom, "#000", 1.5, ""));
        b.append(text(zero, bottom + 28, "accuracy \u2212 uniform (percentage points)", "middle", ""));
        double y = top + 4;
        for (int i = 0; i < rows.size(); i++) {
            KnnRow r = rows.get(i);
            EncoderInfo e = es.get(i);
            double cy = y + rowH / 2;
            b.append(label(px - 6, cy, e.displayName(), e.displayName() + " (" + e.id() + "), uniform "
                    + ReportText.pct(r.uniform()), "end", "", chars));
            double[] d = deltas(r);
            double[] abs = {r.allSame(), r.posSame(), r.negSame(), r.allDiff()};
            Double[] std = {r.allSameStd(), r.posSameStd(), r.negSameStd(), r.allDiffStd()};
            double bh = (rowH - 14) / 4;
            for (int k = 0; k < 4; k++) {
                double by = y + 7 + k * bh;
                double x = d[k] >= 0 ? zero : zero + d[k] * scale;
                Interval ci = Intervals.knn(r, abs[k], std[k]);
                String tip = e.displayName() + ", " + task + ", " + SETUP_NAMES[k] + ": " + ReportText.pct(abs[k])
                        + (ci == null ? "" : " " + ReportText.ci(ci)) + " (" + ReportText.pp(d[k]) + " vs uniform "
                        + ReportText.pct(r.uniform()) + ")";
                b.append(bar(x, by + 0.5, Math.abs(d[k]) * scale, bh - 1, SETUP_COLORS[k], tip, ""));
            }
            Interval gci = Intervals.knnGap(r);
            StudyFigure s = study.knnGap(e, task);
            String gap = "gap " + ReportText.pp(r.gap()) + (gci == null ? "" : " " + ReportText.ciSigned(gci))
                    + (r.atCeiling() ? " \u00b7 ceiling" : "") + (r.smallSample() ? " \u00b7 n=" + r.queries() : "");
            b.append(text(px + pw + 16, cy - 2, gap, "start", "class=\"gap\" font-weight=\"600\""));
            String st = s.isExact() || s.isBand() ? s.cell(true) : s.absent();
            b.append(text(px + pw + 16, cy + 12, "study: " + Html.shorten(st, 40), "start", "fill=\"#555\"")
                    .replace("</text>", "<title>" + esc(s.text(true)) + "</title></text>"));
            y += rowH;
        }
        return b.append("</g>\n").toString();
    }

    private static double[] deltas(KnnRow r) {
        double u = r.uniform();
        return new double[] {r.allSame() - u, r.posSame() - u, r.negSame() - u, r.allDiff() - u};
    }

    private static double niceStep(double max) {
        double raw = max / 3;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double n = raw / mag;
        return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * mag;
    }

    // ---------------------------------------------------------------- retrieval

    /** Recall@1 in the two distractor set-ups with 95% intervals and chance, one row per encoder and query class. */
    String retrievalChart(String id) {
        List<RetrievalRow> rows = new ArrayList<>();
        for (EncoderInfo e : data.encodersByFamily()) {
            for (RetrievalRow r : data.retrieval()) {
                if (r.encoderId().equals(e.id()) && RetrievalRow.OVERALL.equalsIgnoreCase(r.queryClass())) {
                    rows.add(r);
                }
            }
            for (RetrievalRow r : data.retrieval()) {
                if (r.encoderId().equals(e.id()) && !RetrievalRow.OVERALL.equalsIgnoreCase(r.queryClass())) {
                    rows.add(r);
                }
            }
        }
        double rowH = 36;
        double top = 84;
        double label = 250;
        int chars = (int) ((label - 12) / CHAR);
        double right = 340;
        double pw = WIDTH - label - right - 20;
        double h = top + rows.size() * rowH + 44;
        String title = "Phone/camera pair retrieval: recall@1 in the two distractor set-ups";
        String desc = "For each encoder and query class, the light blue bar is recall@1 when the distractors come"
                + " from the other device (the pair's), the vermillion bar when they come from the query's own"
                + " device; whiskers are 95% intervals, the dashed tick is chance (1 / candidates). On the right, the"
                + " change between them, absolute and relative. Diamonds and bands are the study's PairCams figures.";
        StringBuilder b = new StringBuilder();
        open(b, id, WIDTH, h, title, desc);
        double lx = 12;
        double ly = 38;
        b.append(swatch(lx, ly, OTHER_DEVICE, "distractors from the other device"));
        lx += legendWidth("distractors from the other device");
        b.append(swatch(lx, ly, QUERY_DEVICE, "distractors from the query's own device"));
        lx += legendWidth("distractors from the query's own device");
        b.append(line(lx, ly - 10, lx, ly + 2, "#000000", 2, "stroke-dasharray=\"3,2\""));
        b.append(text(lx + 6, ly, "chance, 1 / candidates", "start", ""));
        studyLegend(b, 12, ly + 18, comparison.retrievalLabel());
        double px = 10 + label;
        double bottom = top + rows.size() * rowH;
        for (int t = 0; t <= 4; t++) {
            double gx = px + pw * t / 4.0;
            b.append(line(gx, top, gx, bottom, "#e3e3e3", 1, ""));
            b.append(text(gx, bottom + 13, (t * 25) + "%", "middle", "fill=\"#444\""));
        }
        b.append(line(px, bottom, px + pw, bottom, "#888", 1, ""));
        b.append(text(px + pw / 2, bottom + 30, "recall@1, 95% interval", "middle", ""));
        b.append(text(px + pw + 16, top - 8, "own-device distractors vs other-device", "start",
                "font-weight=\"600\""));
        double y = top;
        for (RetrievalRow r : rows) {
            EncoderInfo e = data.encoder(r.encoderId());
            boolean overall = RetrievalRow.OVERALL.equalsIgnoreCase(r.queryClass());
            String name = e.displayName() + (overall ? "" : " \u00b7 " + r.queryClass() + " queries");
            b.append(label(px - 6, y + rowH / 2, name, e.displayName() + " (" + e.id() + "), " + r.queryClass()
                    + " queries, n=" + r.queries(), "end", overall ? "font-weight=\"600\"" : "", chars));
            Interval io = Intervals.recall(r, r.recallAt1OtherDevice());
            Interval iq = Intervals.recall(r, r.recallAt1QueryDevice());
            if (overall) {
                b.append(studyMark(study.recallOther(e), px, pw, y + 11, 10, false, 0, 0));
                b.append(studyMark(study.recallQuery(e), px, pw, y + 24, 10, false, 0, 0));
            }
            b.append(bar(px, y + 6, pw * r.recallAt1OtherDevice(), 10, OTHER_DEVICE, e.displayName() + ", "
                    + r.queryClass() + ": recall@1, other-device distractors " + ReportText.pct(r.recallAt1OtherDevice())
                    + (io == null ? "" : " " + ReportText.ci(io)), ""));
            b.append(bar(px, y + 19, pw * r.recallAt1QueryDevice(), 10, QUERY_DEVICE, e.displayName() + ", "
                    + r.queryClass() + ": recall@1, own-device distractors " + ReportText.pct(r.recallAt1QueryDevice())
                    + (iq == null ? "" : " " + ReportText.ci(iq)), ""));
            if (io != null) {
                b.append(whisker(px + pw * io.lo(), px + pw * io.hi(), y + 11, "95% interval " + ReportText.ci(io)));
                b.append(whisker(px + pw * iq.lo(), px + pw * iq.hi(), y + 24, "95% interval " + ReportText.ci(iq)));
            }
            Double chance = r.chance(1);
            if (chance != null) {
                double chx = px + pw * chance;
                b.append(line(chx, y + 3, chx, y + 32, "#000000", 2, "class=\"chance\" stroke-dasharray=\"3,2\""));
            }
            String change = ReportText.retrievalChange(r);
            int colon = change.indexOf(": ");
            String fill = "font-weight=\"600\" fill=\"" + (r.drop() > 0 ? "#b34700" : "#000000") + "\"";
            b.append(text(px + pw + 16, y + rowH / 2 - 2, change.substring(0, colon), "start", fill));
            b.append(text(px + pw + 16, y + rowH / 2 + 11, change.substring(colon + 2), "start", fill));
            y += rowH;
        }
        return b.append("</svg>\n").toString();
    }

    // ---------------------------------------------------------------- audit

    /** Cramér's V of each trace label against the class. */
    String auditChart(String id) {
        List<AuditRow> rows = data.audit();
        double rowH = 24;
        double top = 56;
        double label = 240;
        int chars = (int) ((label - 12) / CHAR);
        double pw = WIDTH - label - 80;
        double h = top + rows.size() * rowH + 44;
        String title = "Dataset audit: association of each trace with the class (Cram\u00e9r's V)";
        String desc = "Bars give Cram\u00e9r's V between each trace label and the semantic class, from 0 (independent)"
                + " to 1 (one determines the other). Dotted lines at 0.1, 0.3 and 0.5 mark weak, moderate and"
                + " strong association.";
        StringBuilder b = new StringBuilder();
        open(b, id, WIDTH, h, title, desc);
        double px = 10 + label;
        double bottom = top + rows.size() * rowH;
        for (int t = 0; t <= 10; t += 2) {
            double gx = px + pw * t / 10.0;
            b.append(line(gx, top, gx, bottom, "#e3e3e3", 1, ""));
            b.append(text(gx, bottom + 13, ReportText.num(t / 10.0, 1), "middle", "fill=\"#444\""));
        }
        for (double ref : new double[] {0.1, 0.3, 0.5}) {
            b.append(line(px + pw * ref, top - 4, px + pw * ref, bottom, "#999", 1, "stroke-dasharray=\"1,2\""));
        }
        b.append(text(px + pw * 0.1, top - 8, "weak", "middle", "fill=\"#666\""));
        b.append(text(px + pw * 0.3, top - 8, "moderate", "middle", "fill=\"#666\""));
        b.append(text(px + pw * 0.5, top - 8, "strong", "middle", "fill=\"#666\""));
        b.append(line(px, bottom, px + pw, bottom, "#888", 1, ""));
        b.append(text(px + pw / 2, bottom + 30, "Cram\u00e9r's V (trace label vs class)", "middle", ""));
        double y = top;
        for (AuditRow r : rows) {
            b.append(label(px - 6, y + rowH / 2, r.trace(), r.trace() + " (n=" + r.n() + ")", "end", "", chars));
            String fill = r.cramersV() >= 0.5 ? "#D55E00" : r.cramersV() >= 0.3 ? "#E69F00" : "#56B4E9";
            b.append(bar(px, y + 6, pw * r.cramersV(), 12, fill, r.trace() + ": V = " + ReportText.num(r.cramersV(), 3)
                    + " (n=" + r.n() + ")", ""));
            b.append(text(px + pw * r.cramersV() + 6, y + rowH / 2 + 4, ReportText.num(r.cramersV(), 2), "start", ""));
            y += rowH;
        }
        return b.append("</svg>\n").toString();
    }
}
