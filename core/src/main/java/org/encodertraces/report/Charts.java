package org.encodertraces.report;

import static org.encodertraces.report.Html.c;
import static org.encodertraces.report.Html.esc;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Inline SVG charts drawn in Java: no script, no library, no font download. Every chart is an
 * {@code <svg class="chart">} with a {@code <title>} and {@code <desc>}, and every data bar is a
 * {@code <rect class="bar">} with a tooltip giving its exact value.
 */
final class Charts {
    static final int WIDTH = 1040;
    private static final String FONT = "font-family=\"system-ui, sans-serif\"";
    private static final String[] SETUP_NAMES = {"all-same", "pos-same", "neg-same", "all-diff"};
    private static final String[] SETUP_COLORS = {"#1b9e77", "#d95f02", "#7570b3", "#e7298a"};
    private static final String OTHER_DEVICE = "#9ecae1";
    private static final String QUERY_DEVICE = "#08519c";

    private final ReportData data;
    private final PaperResults paper;
    private final PaperComparison comparison;

    Charts(ReportData data, PaperResults paper, PaperComparison comparison) {
        this.data = data;
        this.paper = paper;
        this.comparison = comparison;
    }

    static String familyColor(EncoderGroup g) {
        return switch (g) {
            case CVL -> "#4e79a7";
            case SUP -> "#f28e2b";
            case SSL -> "#59a14f";
            case OTHER -> "#b07aa1";
            case REF -> "#6b6b6b";
        };
    }

    /** Encoders in display order: by family (CVL, SUP, SSL, REF), then as listed. */
    List<EncoderInfo> byFamily() {
        List<EncoderInfo> out = new ArrayList<>();
        for (EncoderGroup g : EncoderGroup.values()) {
            for (EncoderInfo e : data.encoders()) {
                if (e.family() == g) {
                    out.add(e);
                }
            }
        }
        return out;
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

    private static String bar(double x, double y, double w, double h, String fill, String tip, String extra) {
        return "<rect class=\"bar\" x=\"" + c(x) + "\" y=\"" + c(y) + "\" width=\"" + c(Math.max(w, 0.5))
                + "\" height=\"" + c(Math.max(h, 0.5)) + "\" fill=\"" + fill + "\"" + (extra.isEmpty() ? "" : " " + extra)
                + "><title>" + esc(tip) + "</title></rect>\n";
    }

    private static String line(double x1, double y1, double x2, double y2, String stroke, double width, String extra) {
        return "<line x1=\"" + c(x1) + "\" y1=\"" + c(y1) + "\" x2=\"" + c(x2) + "\" y2=\"" + c(y2) + "\" stroke=\""
                + stroke + "\" stroke-width=\"" + c(width) + "\"" + (extra.isEmpty() ? "" : " " + extra) + "/>\n";
    }

    /** The study's figure: a hollow diamond. */
    static String diamond(double x, double y, double r, String tip) {
        return "<polygon class=\"study-marker\" points=\"" + c(x) + "," + c(y - r) + " " + c(x + r) + "," + c(y) + " "
                + c(x) + "," + c(y + r) + " " + c(x - r) + "," + c(y) + "\" fill=\"#ffffff\" fill-opacity=\"0.6\" "
                + "stroke=\"#000000\" stroke-width=\"1.5\"><title>" + esc(tip) + "</title></polygon>\n";
    }

    private static String swatch(double x, double y, String fill, String label) {
        return "<rect x=\"" + c(x) + "\" y=\"" + c(y - 9) + "\" width=\"12\" height=\"10\" fill=\"" + fill + "\"/>\n"
                + text(x + 16, y, label, "start", "");
    }

    private static double legendWidth(String label) {
        return 16 + label.length() * 6.3 + 18;
    }

    // ---------------------------------------------------------------- probes

    /** Horizontal bars of probe accuracy per encoder, one panel per task, two panels a row. */
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
        List<EncoderInfo> encoders = byFamily();
        int cols = tasks.size() == 1 ? 1 : 2;
        double panelW = (WIDTH - 20.0) / cols;
        double label = 200;
        double rowH = 17;
        double legendH = 44;
        // rows per panel: family headers plus encoders that have a row for the task
        List<Double> heights = new ArrayList<>();
        for (String t : tasks) {
            int rows = 0;
            for (EncoderGroup g : EncoderGroup.values()) {
                int n = 0;
                for (EncoderInfo e : encoders) {
                    if (e.family() == g && row(t, kind, e.id()) != null) {
                        n++;
                    }
                }
                rows += n == 0 ? 0 : n + 1;
            }
            heights.add(36 + rows * rowH + 34.0);
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
        String desc = "Horizontal bars give linear-probe top-1 accuracy (mean over seeds) for each encoder, grouped by"
                + " family, one panel per task (" + String.join(", ", tasks) + "). Whiskers span one standard"
                + " deviation over seeds; a dashed red tick marks chance; hollow diamonds mark the study's"
                + " published figure (" + comparison.label(kind) + ") where the same encoder appears.";
        StringBuilder b = new StringBuilder();
        open(b, id, WIDTH, totalH + 8, title, desc);
        // legend
        double lx = 12;
        double ly = 38;
        for (EncoderGroup g : EncoderGroup.values()) {
            boolean present = encoders.stream().anyMatch(e -> e.family() == g);
            if (present) {
                String l = g == EncoderGroup.REF ? "REF (forensic yardstick)" : g.name();
                b.append(swatch(lx, ly, familyColor(g), l));
                lx += legendWidth(l);
            }
        }
        b.append(line(lx, ly - 10, lx, ly + 2, "#c0392b", 2, "stroke-dasharray=\"3,2\""));
        b.append(text(lx + 6, ly, "chance", "start", ""));
        lx += 60;
        b.append(line(lx, ly - 4, lx + 16, ly - 4, "#222", 1.2, ""));
        b.append(line(lx, ly - 8, lx, ly, "#222", 1.2, "")).append(line(lx + 16, ly - 8, lx + 16, ly, "#222", 1.2, ""));
        b.append(text(lx + 22, ly, "\u00b1 1 std over seeds", "start", ""));
        lx += 140;
        if (paper != null) {
            b.append(diamond(lx + 5, ly - 4, 5, comparison.label(kind)));
            b.append(text(lx + 14, ly, "study's figure (" + comparison.label(kind) + ")", "start", ""));
        }
        for (int i = 0; i < tasks.size(); i++) {
            double x0 = 10 + (i % cols) * panelW;
            double y0 = tops.get(i / cols);
            b.append(probePanel(tasks.get(i), kind, encoders, x0, y0, panelW, heights.get(i), label, rowH));
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
                              double w, double h, double label, double rowH) {
        StringBuilder b = new StringBuilder();
        double px = x0 + label;
        double pw = w - label - 24;
        double top = y0 + 30;
        double bottom = y0 + h - 34;
        b.append("<g class=\"panel\">\n");
        b.append(text(x0 + 4, y0 + 18, task, "start", "font-size=\"13\" font-weight=\"600\""));
        // grid and axis
        for (int t = 0; t <= 4; t++) {
            double gx = px + pw * t / 4.0;
            b.append(line(gx, top, gx, bottom, "#e3e3e3", 1, ""));
            b.append(text(gx, bottom + 13, (t * 25) + "%", "middle", "fill=\"#444\""));
        }
        b.append(line(px, bottom, px + pw, bottom, "#888", 1, ""));
        b.append(text(px + pw / 2, bottom + 28, "top-1 accuracy (mean over seeds)", "middle", "fill=\"#222\""));
        double y = top;
        for (EncoderGroup g : EncoderGroup.values()) {
            List<ProbeRow> rows = new ArrayList<>();
            List<EncoderInfo> es = new ArrayList<>();
            for (EncoderInfo e : encoders) {
                ProbeRow r = e.family() == g ? row(task, kind, e.id()) : null;
                if (r != null) {
                    rows.add(r);
                    es.add(e);
                }
            }
            if (rows.isEmpty()) {
                continue;
            }
            b.append(text(x0 + 4, y + 12, g == EncoderGroup.REF ? "REF \u2014 yardstick" : g.name(), "start",
                    "font-weight=\"700\" fill=\"" + familyColor(g) + "\""));
            y += rowH;
            for (int i = 0; i < rows.size(); i++) {
                ProbeRow r = rows.get(i);
                EncoderInfo e = es.get(i);
                double cy = y + rowH / 2;
                b.append("<text x=\"").append(c(px - 6)).append("\" y=\"").append(c(cy + 4))
                        .append("\" text-anchor=\"end\"><title>").append(esc(e.displayName() + " (" + e.id() + ")"))
                        .append("</title>").append(esc(Html.shorten(e.displayName(), 32))).append("</text>\n");
                OptionalDouble study = comparison.probe(paper, kind, task, e.studyName());
                String tip = e.displayName() + ", " + task + ": " + Html.meanStd(r.accuracy(), r.accuracyStd()) + " ("
                        + r.seeds() + (r.seeds() == 1 ? " seed" : " seeds") + "), chance " + Html.pct(r.chance())
                        + (study.isPresent() ? ", " + comparison.label(kind) + " " + Html.pct(study.getAsDouble()) : "");
                b.append(bar(px, cy - 5, pw * r.accuracy(), 10, familyColor(e.family()), tip,
                        e.isReference() ? "stroke=\"#222\" stroke-dasharray=\"2,1\"" : ""));
                if (r.accuracyStd() != null && r.accuracyStd() > 0) {
                    double lo = px + pw * Math.max(0, r.accuracy() - r.accuracyStd());
                    double hi = px + pw * Math.min(1, r.accuracy() + r.accuracyStd());
                    b.append(line(lo, cy, hi, cy, "#222", 1.2, "class=\"errorbar\""));
                    b.append(line(lo, cy - 3, lo, cy + 3, "#222", 1.2, "")).append(line(hi, cy - 3, hi, cy + 3,
                            "#222", 1.2, ""));
                }
                double chx = px + pw * r.chance();
                b.append(line(chx, y + 1, chx, y + rowH - 1, "#c0392b", 2,
                        "class=\"chance\" stroke-dasharray=\"3,2\""));
                if (study.isPresent()) {
                    b.append(diamond(px + pw * study.getAsDouble(), cy, 5, comparison.label(kind) + ": "
                            + e.studyName() + " " + Html.pct(study.getAsDouble())));
                }
                y += rowH;
            }
        }
        return b.append("</g>\n").toString();
    }

    // ---------------------------------------------------------------- kNN

    /** Grouped bars per encoder: four set-ups as change from the uniform set-up, gap annotated; one panel per task. */
    String knnChart(String id) {
        LinkedHashSet<String> tasks = new LinkedHashSet<>();
        for (KnnRow r : data.knn()) {
            tasks.add(r.task());
        }
        List<EncoderInfo> encoders = byFamily();
        double panelH = 330;
        double legendH = 46;
        double totalH = legendH + tasks.size() * panelH;
        String title = "kNN accuracy under the five processing set-ups, relative to uniform";
        String desc = "For each task and encoder, four bars give kNN accuracy in the all-same, pos-same, neg-same and"
                + " all-diff set-ups minus accuracy in the uniform set-up, in percentage points; the zero line is"
                + " the uniform set-up. The number above each group is the gap, pos-same minus neg-same. Hollow"
                + " diamonds mark the study's figures (" + comparison.processingLabel() + ").";
        StringBuilder b = new StringBuilder();
        open(b, id, WIDTH, totalH, title, desc);
        double lx = 12;
        double ly = 38;
        for (int s = 0; s < SETUP_NAMES.length; s++) {
            b.append(swatch(lx, ly, SETUP_COLORS[s], SETUP_NAMES[s]));
            lx += legendWidth(SETUP_NAMES[s]);
        }
        b.append(line(lx, ly - 4, lx + 18, ly - 4, "#000", 1.5, ""));
        b.append(text(lx + 24, ly, "uniform (zero line)", "start", ""));
        lx += 150;
        if (paper != null) {
            b.append(diamond(lx + 5, ly - 4, 5, comparison.processingLabel()));
            b.append(text(lx + 14, ly, "study's figure (" + comparison.processingLabel() + ")", "start", ""));
        }
        int p = 0;
        for (String task : tasks) {
            b.append(knnPanel(task, encoders, 10, legendH + p * panelH, WIDTH - 20, panelH));
            p++;
        }
        return b.append("</svg>\n").toString();
    }

    private String knnPanel(String task, List<EncoderInfo> encoders, double x0, double y0, double w, double h) {
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
        for (int i = 0; i < rows.size(); i++) {
            KnnRow r = rows.get(i);
            for (double v : deltas(r.allSame(), r.posSame(), r.negSame(), r.allDiff(), r.uniform())) {
                max = Math.max(max, Math.abs(v));
            }
            Optional<PaperResults.Knn> s = comparison.knn(paper, task, es.get(i).studyName());
            if (s.isPresent()) {
                for (double v : deltas(s.get().allSame(), s.get().posSame(), s.get().negSame(), s.get().allDiff(),
                        s.get().uniform())) {
                    max = Math.max(max, Math.abs(v));
                }
            }
        }
        double step = niceStep(max);
        max = Math.ceil(max / step) * step;
        double px = x0 + 60;
        double pw = w - 70;
        double top = y0 + 40;
        double bottom = y0 + h - 110;
        double zero = (top + bottom) / 2;
        double scale = (bottom - top) / 2 / max;
        StringBuilder b = new StringBuilder("<g class=\"panel\">\n");
        b.append(text(x0 + 4, y0 + 18, task, "start", "font-size=\"13\" font-weight=\"600\""));
        for (double t = -max; t <= max + 1e-9; t += step) {
            double gy = zero - t * scale;
            b.append(line(px, gy, px + pw, gy, "#e6e6e6", 1, ""));
            b.append(text(px - 6, gy + 4, String.format(java.util.Locale.ROOT, "%+.1f", t * 100), "end",
                    "fill=\"#444\""));
        }
        b.append(line(px, zero, px + pw, zero, "#000", 1.5, ""));
        b.append("<text transform=\"translate(").append(c(x0 + 14)).append(',').append(c(zero))
                .append(") rotate(-90)\" text-anchor=\"middle\">").append(esc("accuracy \u2212 uniform (pp)"))
                .append("</text>\n");
        double gw = Math.min(120, pw / Math.max(1, rows.size()));
        double bw = gw * 0.8 / 4;
        for (int i = 0; i < rows.size(); i++) {
            KnnRow r = rows.get(i);
            EncoderInfo e = es.get(i);
            double gx = px + i * gw + gw * 0.1;
            double[] d = deltas(r.allSame(), r.posSame(), r.negSame(), r.allDiff(), r.uniform());
            double[] abs = {r.allSame(), r.posSame(), r.negSame(), r.allDiff()};
            Double[] std = {r.allSameStd(), r.posSameStd(), r.negSameStd(), r.allDiffStd()};
            Optional<PaperResults.Knn> s = comparison.knn(paper, task, e.studyName());
            double[] sd = s.map(k -> deltas(k.allSame(), k.posSame(), k.negSame(), k.allDiff(), k.uniform()))
                    .orElse(null);
            for (int k = 0; k < 4; k++) {
                double y = d[k] >= 0 ? zero - d[k] * scale : zero;
                String tip = e.displayName() + ", " + task + ", " + SETUP_NAMES[k] + ": " + Html.meanStd(abs[k], std[k])
                        + " (" + Html.pp(d[k]) + " vs uniform " + Html.pct(r.uniform()) + ")";
                b.append(bar(gx + k * bw, y, bw - 1, Math.abs(d[k]) * scale, SETUP_COLORS[k], tip, ""));
                if (sd != null) {
                    b.append(diamond(gx + k * bw + bw / 2 - 0.5, zero - sd[k] * scale, Math.min(5, bw / 2),
                            comparison.processingLabel() + ", " + SETUP_NAMES[k] + ": " + Html.pp(sd[k])
                                    + " vs uniform"));
                }
            }
            double hi = Math.max(Math.max(d[1], d[2]), 0);
            double ay = zero - hi * scale - 6;
            String gapText = "gap " + Html.pp(r.gap()).replace(" pp", "");
            b.append("<text class=\"gap\" x=\"").append(c(gx + 2 * bw)).append("\" y=\"").append(c(Math.max(top - 4,
                    ay))).append("\" text-anchor=\"middle\" font-weight=\"600\" font-size=\"10\">").append(esc(gapText))
                    .append("<title>").append(esc("pos-same minus neg-same: " + Html.pp(r.gap())
                            + s.map(k -> "; " + comparison.processingLabel() + ": " + Html.pp(k.gap())).orElse("")))
                    .append("</title></text>\n");
            double lxx = gx + 2 * bw;
            b.append("<text transform=\"translate(").append(c(lxx)).append(',').append(c(bottom + 12))
                    .append(") rotate(-30)\" text-anchor=\"end\" fill=\"").append(familyColor(e.family()))
                    .append("\"><title>").append(esc(e.displayName() + " (" + e.id() + "), uniform "
                            + Html.pct(r.uniform()))).append("</title>").append(esc(Html.shorten(e.displayName(), 24)))
                    .append("</text>\n");
        }
        return b.append("</g>\n").toString();
    }

    private static double[] deltas(double allSame, double posSame, double negSame, double allDiff, double uniform) {
        return new double[] {allSame - uniform, posSame - uniform, negSame - uniform, allDiff - uniform};
    }

    private static double niceStep(double max) {
        double raw = max / 3;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double n = raw / mag;
        return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * mag;
    }

    // ---------------------------------------------------------------- retrieval

    /** Recall@1 in the two distractor set-ups, one row per encoder and query class. */
    String retrievalChart(String id) {
        List<EncoderInfo> encoders = byFamily();
        List<RetrievalRow> rows = new ArrayList<>();
        for (EncoderInfo e : encoders) {
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
        double rowH = 30;
        double top = 60;
        double label = 260;
        double pw = WIDTH - label - 120;
        double h = top + rows.size() * rowH + 44;
        String title = "Phone/camera pair retrieval: recall@1 in the two distractor set-ups";
        String desc = "For each encoder and query class, the light bar is recall@1 when the distractors come from the"
                + " other device (the pair's), the dark bar when they come from the query's own device; the number"
                + " on the right is the drop between them. Hollow diamonds mark the study's PairCams figures.";
        StringBuilder b = new StringBuilder();
        open(b, id, WIDTH, h, title, desc);
        double lx = 12;
        double ly = 38;
        b.append(swatch(lx, ly, OTHER_DEVICE, "distractors from the other device"));
        lx += legendWidth("distractors from the other device");
        b.append(swatch(lx, ly, QUERY_DEVICE, "distractors from the query's device"));
        lx += legendWidth("distractors from the query's device");
        if (paper != null) {
            b.append(diamond(lx + 5, ly - 4, 5, comparison.retrievalLabel()));
            b.append(text(lx + 14, ly, "study's figure (" + comparison.retrievalLabel() + ")", "start", ""));
        }
        double px = 10 + label;
        double bottom = top + rows.size() * rowH;
        for (int t = 0; t <= 4; t++) {
            double gx = px + pw * t / 4.0;
            b.append(line(gx, top, gx, bottom, "#e3e3e3", 1, ""));
            b.append(text(gx, bottom + 13, (t * 25) + "%", "middle", "fill=\"#444\""));
        }
        b.append(line(px, bottom, px + pw, bottom, "#888", 1, ""));
        b.append(text(px + pw / 2, bottom + 30, "recall@1", "middle", ""));
        b.append(text(px + pw + 60, top - 6, "drop", "middle", "font-weight=\"600\""));
        double y = top;
        for (RetrievalRow r : rows) {
            EncoderInfo e = data.encoder(r.encoderId());
            String name = Html.shorten(e.displayName(), 34) + " \u00b7 " + r.queryClass();
            b.append("<text x=\"").append(c(px - 6)).append("\" y=\"").append(c(y + rowH / 2 + 4))
                    .append("\" text-anchor=\"end\" fill=\"").append(familyColor(e.family())).append("\"><title>")
                    .append(esc(e.displayName() + " (" + e.id() + "), " + r.queryClass() + " queries, n=" + r.queries()))
                    .append("</title>").append(esc(name)).append("</text>\n");
            b.append(bar(px, y + 4, pw * r.recallAt1OtherDevice(), 10, OTHER_DEVICE, e.displayName() + ", "
                    + r.queryClass() + ": recall@1 other-device distractors " + Html.pct(r.recallAt1OtherDevice()), ""));
            b.append(bar(px, y + 15, pw * r.recallAt1QueryDevice(), 10, QUERY_DEVICE, e.displayName() + ", "
                    + r.queryClass() + ": recall@1 query-device distractors " + Html.pct(r.recallAt1QueryDevice()), ""));
            Optional<PaperResults.Retrieval> s = RetrievalRow.OVERALL.equalsIgnoreCase(r.queryClass())
                    ? comparison.retrieval(paper, e.studyName()) : Optional.empty();
            if (s.isPresent()) {
                b.append(diamond(px + pw * s.get().recallAt1OtherDevice(), y + 9, 5, comparison.retrievalLabel()
                        + ", other device: " + Html.pct(s.get().recallAt1OtherDevice())));
                b.append(diamond(px + pw * s.get().recallAt1QueryDevice(), y + 20, 5, comparison.retrievalLabel()
                        + ", query device: " + Html.pct(s.get().recallAt1QueryDevice())));
            }
            b.append(text(px + pw + 60, y + rowH / 2 + 4, Html.pp(r.drop()), "middle", "font-weight=\"600\""));
            y += rowH;
        }
        return b.append("</svg>\n").toString();
    }

    // ---------------------------------------------------------------- audit

    /** Cramér's V of each trace label against the class. */
    String auditChart(String id) {
        List<AuditRow> rows = data.audit();
        double rowH = 22;
        double top = 56;
        double label = 220;
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
            b.append(text(gx, bottom + 13, Html.num(t / 10.0, 1), "middle", "fill=\"#444\""));
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
            b.append(text(px - 6, y + rowH / 2 + 4, Html.shorten(r.trace(), 34), "end", ""));
            String fill = r.cramersV() >= 0.5 ? "#c0392b" : r.cramersV() >= 0.3 ? "#e67e22" : "#7f8c8d";
            b.append(bar(px, y + 5, pw * r.cramersV(), 12, fill, r.trace() + ": V = " + Html.num(r.cramersV(), 3)
                    + " (n=" + r.n() + ")", ""));
            b.append(text(px + pw * r.cramersV() + 6, y + rowH / 2 + 4, Html.num(r.cramersV(), 2), "start", ""));
            y += rowH;
        }
        return b.append("</svg>\n").toString();
    }
}
