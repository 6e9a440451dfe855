package org.encodertraces.report;

import static org.encodertraces.report.Html.esc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.encodertraces.validity.Validity;
import org.encodertraces.provenance.ToolInfo;

/**
 * The report as one self-contained HTML page: inline CSS, inline SVG charts drawn in Java, one
 * small inline script that checks the charts were drawn with no text clipped and exports each
 * chart as SVG or PNG; nothing is fetched when the page is opened. Beside it go
 * {@code report.json} (the {@link ReportData}), {@code summary.md} (the headline table), one CSV
 * per row type and each table of the page as CSV and LaTeX ({@link ReportTables}).
 *
 * <p>Every accuracy and recall carries a 95% interval ({@link Intervals}); a cell is heat-coloured
 * only when its interval excludes chance. The study's published figures are always in view: the
 * figure for the same encoder where it is one of the study's, else the range over the study's
 * encoders of the same family ({@link StudyFigures}), labelled with the study dataset they come from.
 */
public final class HtmlReport {
    /** File name of the page. */
    public static final String HTML = "report.html";
    /** File name of the data the page was built from. */
    public static final String JSON = "report.json";
    /** File name of the Markdown summary. */
    public static final String MARKDOWN = "summary.md";

    /** The report's sections, each with its own notes. */
    enum Section {
        GENERAL("notes", "Notes"),
        PROCESSING("probes-processing", "Processing probes"),
        ACQUISITION("probes-acquisition", "Acquisition probes"),
        KNN("knn", "kNN influence"),
        RETRIEVAL("retrieval", "Pair retrieval"),
        ERASURE("erasure", "After erasure"),
        AUDIT("audit", "Dataset audit");

        final String id;
        final String title;

        Section(String id, String title) {
            this.id = id;
            this.title = title;
        }
    }

    private final ReportData data;
    private final PaperResults paper;
    private final PaperComparison comparison;
    private final Charts charts;
    private final StudyFigures study;
    private final Map<Section, List<String>> notes;

    private HtmlReport(ReportData data, PaperResults paper, PaperComparison comparison) {
        this.data = data;
        this.paper = paper;
        this.comparison = comparison;
        this.charts = new Charts(data, paper, comparison);
        this.study = new StudyFigures(paper, comparison);
        this.notes = new EnumMap<>(Section.class);
        for (Section s : Section.values()) {
            notes.put(s, new ArrayList<>());
        }
        for (Note n : data.notes()) {
            notes.get(Section.valueOf(n.section().name())).add(n.text());
        }
    }

    /**
     * Writes the page, JSON, Markdown, CSVs and table exports into {@code outDir} (created if
     * needed), comparing with the study's ImageNet figures.
     *
     * @param paper the study's figures, or null to show none
     */
    public static ReportFiles write(ReportData data, PaperResults paper, Path outDir) throws IOException {
        return write(data, paper, PaperComparison.imageNet(), outDir);
    }

    /** As {@link #write(ReportData, PaperResults, Path)} with an explicit choice of the study's figures. */
    public static ReportFiles write(ReportData data, PaperResults paper, PaperComparison comparison, Path outDir)
            throws IOException {
        PaperComparison cmp = comparison == null ? PaperComparison.imageNet() : comparison;
        Files.createDirectories(outDir);
        Path html = outDir.resolve(HTML);
        Files.writeString(html, render(data, paper, cmp));
        Path json = outDir.resolve(JSON);
        new ReportJson().write(data, json);
        Path md = outDir.resolve(MARKDOWN);
        Files.writeString(md, MarkdownSummary.render(data));
        List<Path> csv = ReportCsv.write(data, outDir);
        List<Path> tables = ReportTables.write(ReportTables.of(data, paper, cmp), outDir);
        return new ReportFiles(html, json, md, csv, tables);
    }

    /** The page's HTML text. */
    public static String render(ReportData data, PaperResults paper, PaperComparison comparison) {
        return new HtmlReport(data, paper, comparison == null ? PaperComparison.imageNet() : comparison).page();
    }

    /** How many {@code <svg class="chart">} the page for {@code data} holds: one per non-empty section. */
    public static int chartCount(ReportData data) {
        int n = 0;
        for (ProbeKind k : ProbeKind.values()) {
            if (data.probes().stream().anyMatch(r -> r.kind() == k)) {
                n++;
            }
        }
        return n + (data.knn().isEmpty() ? 0 : 1) + (data.retrieval().isEmpty() ? 0 : 1)
                + (data.audit().isEmpty() ? 0 : 1);
    }

    /**
     * The headline figures of one encoder beyond its probes.
     *
     * @param knnGap mean kNN gap over tasks, or null
     * @param knnGapCi its interval (the tasks' intervals combined as independent), or null
     * @param retrieval the overall retrieval row (or the first), or null
     * @param retrievalCi interval of its recall@1 change (own-device minus other-device), or null
     */
    record Headline(Double knnGap, Interval knnGapCi, RetrievalRow retrieval, Interval retrievalCi) {
    }

    static Headline headline(ReportData d, EncoderInfo e) {
        List<Double> gaps = new ArrayList<>();
        List<Interval> cis = new ArrayList<>();
        boolean allCi = true;
        for (KnnRow r : d.knn()) {
            if (r.encoderId().equals(e.id())) {
                gaps.add(r.gap());
                Interval ci = Intervals.knnGap(r);
                allCi &= ci != null;
                cis.add(ci);
            }
        }
        Double gap = gaps.isEmpty() ? null : gaps.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        Interval gapCi = gaps.isEmpty() || !allCi ? null : Interval.ofMean(gaps, cis);
        RetrievalRow ret = null;
        for (RetrievalRow r : d.retrieval()) {
            if (r.encoderId().equals(e.id()) && (ret == null || RetrievalRow.OVERALL.equalsIgnoreCase(r.queryClass()))) {
                ret = r;
            }
        }
        return new Headline(gap, gapCi, ret, ret == null ? null : Intervals.recallChange(ret));
    }

    /** {@code 1.9% → 0.0%: −1.9 pp (−100%)}: recall@1 from other-device to own-device distractors. */
    static String changeText(RetrievalRow r) {
        Interval other = Intervals.recall(r, r.recallAt1OtherDevice());
        boolean fromChance = other != null && r.chance(1) != null && other.contains(r.chance(1));
        return Html.pct(r.recallAt1OtherDevice()) + " \u2192 " + Html.pct(r.recallAt1QueryDevice()) + ": "
                + Html.pp(-r.drop()) + " (" + relativeChange(r) + ")" + (collapse(r) ? " collapse" : "")
                + (collapse(r) && fromChance ? ", from chance level" : "");
    }

    /** The change relative to the other-device recall, such as {@code −100%}; {@code n/a} from zero. */
    static String relativeChange(RetrievalRow r) {
        if (r.recallAt1OtherDevice() <= 0) {
            return "n/a from 0%";
        }
        return Html.signedNumber(-r.drop() / r.recallAt1OtherDevice() * 100, 0) + "%";
    }

    private static boolean collapse(RetrievalRow r) {
        return r.recallAt1OtherDevice() > 0 && r.recallAt1QueryDevice() <= 0.1 * r.recallAt1OtherDevice();
    }

    /** The reproduction rows: for every study encoder of the run, each of our figures against the study's. */
    static List<List<String>> reproduction(ReportData d, StudyFigures study) {
        List<List<String>> rows = new ArrayList<>();
        for (EncoderInfo e : d.encoders()) {
            if (e.studyName() == null) {
                continue;
            }
            for (ProbeRow p : d.probes()) {
                if (!p.encoderId().equals(e.id())) {
                    continue;
                }
                StudyFigure s = study.probe(e, p.kind(), p.task());
                if (s.isExact()) {
                    Interval ci = Intervals.probe(p);
                    rows.add(List.of(e.displayName(), (p.kind() == ProbeKind.PROCESSING ? "probe " : "acquisition probe ")
                            + p.task() + " (" + s.source() + ")", Html.pct(p.accuracy()), ci == null ? "" : Html.ci(ci),
                            Html.pct(s.value()), Html.pp(p.accuracy() - s.value()),
                            ci == null ? "" : ci.contains(s.value()) ? "yes" : "no"));
                }
            }
            for (KnnRow k : d.knn()) {
                if (!k.encoderId().equals(e.id())) {
                    continue;
                }
                StudyFigure s = study.knnGap(e, k.task());
                if (s.isExact()) {
                    Interval ci = Intervals.knnGap(k);
                    rows.add(List.of(e.displayName(), "kNN gap " + k.task() + " (" + s.source() + ")", Html.pp(k.gap()),
                            ci == null ? "" : Html.ciSigned(ci), Html.pp(s.value()), Html.pp(k.gap() - s.value()),
                            ci == null ? "" : ci.contains(s.value()) ? "yes" : "no"));
                }
            }
            for (RetrievalRow r : d.retrieval()) {
                if (!r.encoderId().equals(e.id()) || !RetrievalRow.OVERALL.equalsIgnoreCase(r.queryClass())) {
                    continue;
                }
                StudyFigure s = study.recallChange(e);
                if (s.isExact()) {
                    Interval ci = Intervals.recallChange(r);
                    rows.add(List.of(e.displayName(), "retrieval R@1 change (" + s.source() + ")", Html.pp(-r.drop()),
                            ci == null ? "" : Html.ciSigned(ci), Html.pp(s.value()), Html.pp(-r.drop() - s.value()),
                            ci == null ? "" : ci.contains(s.value()) ? "yes" : "no"));
                }
            }
        }
        return rows;
    }

    private String page() {
        StringBuilder b = new StringBuilder(64 * 1024);
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; ")
                .append("style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n")
                .append("<title>").append(esc(data.title())).append("</title>\n<style>\n").append(CSS)
                .append("</style>\n</head>\n<body>\n");
        header(b);
        sectionNotes(b, Section.GENERAL);
        headline(b);
        reproduction(b);
        probes(b, ProbeKind.PROCESSING);
        probes(b, ProbeKind.ACQUISITION);
        knn(b);
        retrieval(b);
        if (!data.erasure().isEmpty() || !notes.get(Section.ERASURE).isEmpty()) {
            erasure(b);
        }
        audit(b);
        exports(b);
        provenance(b);
        b.append("<footer>Generated by encoder-traces ").append(esc(ToolInfo.version()))
                .append(". Study: Ramos et al., \u201cProcessing and acquisition traces in visual encoders: What does")
                .append(" CLIP know about your camera?\u201d, ICCV 2025.</footer>\n");
        b.append("<script>\n").append(SCRIPT).append("</script>\n</body>\n</html>\n");
        return b.toString();
    }

    private void header(StringBuilder b) {
        DatasetInfo ds = data.dataset();
        b.append("<header>\n<h1>").append(esc(data.title())).append("</h1>\n<p class=\"meta\">Dataset <b>")
                .append(esc(ds.name())).append("</b>: ").append(ds.images()).append(" images, ")
                .append(ds.classes() > 0 ? ds.classes() + " classes" : "no semantic class labels")
                .append(" \u00b7 ").append(data.encoders().size()).append(" encoders \u00b7 created ")
                .append(esc(data.created())).append("</p>\n");
        b.append("<p class=\"study-note\">");
        if (paper == null) {
            b.append("The study's published figures were not loaded, so none are shown beside ours.");
        } else {
            b.append("<span class=\"diamond\">\u25c7</span> Hollow diamonds and cells marked <i>study</i> are the")
                    .append(" <b>study's published figures</b>, not ours: processing probes and kNN from its <b>")
                    .append(esc(comparison.processingDataset())).append("</b> experiments (\u201c")
                    .append(esc(comparison.processingLabel())).append("\u201d), acquisition probes from <b>FlickrExif")
                    .append("</b>, retrieval from <b>PairCams</b>. For one of the study's own encoders the figure is")
                    .append(" its own; for any other encoder of a known family (CVL, SUP, SSL) a <span class=\"band-key")
                    .append("\"></span> grey band gives the range over the study's encoders of that family, with its")
                    .append(" mean. Yardstick encoders have no study family. This run is on <b>").append(esc(ds.name()))
                    .append("</b>, not the study's data, so a reproduction shows the same ordering and size of")
                    .append(" effects rather than identical numbers.");
        }
        b.append("</p>\n<p class=\"method\"><b>Uncertainty.</b> ").append(esc(Intervals.METHOD)).append("</p>\n");
        b.append("<nav>");
        String[][] toc = {{"headline", "Trace sensitivity"}, {"reproduction", "Reproduction"},
            {"probes-processing", "Processing probes"}, {"probes-acquisition", "Acquisition probes"},
            {"knn", "kNN influence"}, {"retrieval", "Pair retrieval"}, {"erasure", "After erasure"},
            {"audit", "Dataset audit"}, {"exports", "Tables for papers"}, {"provenance", "Provenance"}};
        for (String[] t : toc) {
            if (t[0].equals("erasure") && data.erasure().isEmpty() && notes.get(Section.ERASURE).isEmpty()) {
                continue;
            }
            b.append("<a href=\"#").append(t[0]).append("\">").append(esc(t[1])).append("</a> ");
        }
        b.append("</nav>\n</header>\n");
    }

    private void sectionNotes(StringBuilder b, Section s) {
        List<String> ns = notes.get(s);
        if (ns.isEmpty()) {
            return;
        }
        if (s == Section.GENERAL) {
            b.append("<section id=\"notes\" class=\"notes\">\n<h2>Notes</h2>\n");
        }
        b.append("<ul class=\"notes-list\" data-section=\"").append(s.id).append("\">\n");
        for (String n : ns) {
            b.append("<li>").append(esc(n)).append("</li>\n");
        }
        b.append("</ul>\n");
        if (s == Section.GENERAL) {
            b.append("</section>\n");
        }
    }

    /** One line saying why a section is empty: the run's own notes for it, else what the data shows. */
    private void absent(StringBuilder b, Section s, String what, String fallback) {
        b.append("<p class=\"absent\">No ").append(esc(what)).append(" in this run: ");
        if (notes.get(s).isEmpty()) {
            b.append(esc(fallback)).append(".</p>\n");
        } else {
            b.append("see the note above.</p>\n");
        }
    }

    private void headline(StringBuilder b) {
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
        for (EncoderInfo e : charts.byFamily()) {
            b.append("<tr class=\"encoder-row").append(e.isReference() ? " yardstick" : "").append("\" data-encoder=\"")
                    .append(esc(e.id())).append("\"><td>").append(encoderCell(e)).append("</td><td>").append(family(e))
                    .append("</td>");
            for (String t : tasks) {
                ProbeRow p = data.probes().stream().filter(x -> x.task().equals(t) && x.encoderId().equals(e.id()))
                        .findFirst().orElse(null);
                if (p == null) {
                    b.append("<td class=\"num na\">\u2014</td>");
                    continue;
                }
                Interval ci = Intervals.probe(p);
                Interval above = ci == null ? null : ci.shift(-p.chance());
                // like for like: the study's figure as points above the study's own chance level
                StudyFigure sf = study.probe(e, p.kind(), t);
                Double studyChance = comparison.studyChance(p.kind(), t, p.chance());
                heat(b, p.aboveChance(), above, 0.5, true, sf.aboveChance(studyChance), studyChance != null, p.testSamples());
            }
            Headline h = headline(data, e);
            List<KnnRow> ownKnn = data.knn().stream().filter(r -> r.encoderId().equals(e.id())).toList();
            if (h.knnGap() == null) {
                b.append("<td class=\"num na\">\u2014</td>");
            } else if (ownKnn.stream().allMatch(KnnRow::atCeiling)) {
                b.append("<td class=\"num ceiling\" data-ceiling=\"1\" title=\"").append(esc(Validity.CEILING_NOTE)).append("\">")
                        .append(esc(Html.pp(h.knnGap()))).append("<br><span class=\"ceiling-mark\">ceiling: says nothing</span></td>");
            } else {
                heat(b, h.knnGap(), h.knnGapCi(), 0.05, false, null, false, -1);
            }
            if (h.retrieval() == null) {
                b.append("<td class=\"num na\">\u2014</td>");
            } else {
                RetrievalRow r = h.retrieval();
                boolean sig = h.retrievalCi() != null && !h.retrievalCi().contains(0);
                b.append("<td class=\"num\"").append(sig && r.drop() > 0 ? " style=\"background:" + heatColour(
                        Math.min(1, r.drop() / 0.2)) + "\"" : "").append(" data-heat=\"").append(sig ? 1 : 0)
                        .append("\">").append(esc(changeText(r)));
                if (h.retrievalCi() != null) {
                    b.append("<br><small class=\"ci\">").append(esc(Html.ciSigned(h.retrievalCi()))).append("</small>");
                }
                b.append("</td>");
            }
            b.append("</tr>\n");
        }
        b.append("</tbody>\n</table></div>\n</section>\n");
    }

    private static String heatColour(double strength) {
        return "rgba(213,94,0," + Html.num(Math.max(0, strength) * 0.5, 2) + ")";
    }

    /**
     * A signed-points cell with its interval; coloured only when the interval excludes zero.
     *
     * @param n the test size, for the small-sample mark (negative: none)
     */
    private static void heat(StringBuilder b, double v, Interval ci, double full, boolean acc, StudyFigure s,
                             boolean difference, int n) {
        boolean sig = ci != null && !ci.contains(0);
        b.append("<td class=\"num").append(acc ? " acc" : "").append('"');
        if (sig && v > 0) {
            b.append(" style=\"background:").append(heatColour(Math.min(1, v / full))).append('"');
        }
        b.append(" data-heat=\"").append(sig && v > 0 ? 1 : 0).append('"');
        if (ci != null) {
            b.append(" data-ci=\"").append(Html.num(ci.lo(), 4)).append(',').append(Html.num(ci.hi(), 4)).append('"');
        }
        b.append('>').append(esc(Html.pp(v)));
        if (ci != null) {
            b.append("<br><small class=\"ci\">").append(esc(Html.ciSigned(ci))).append("</small>");
        }
        if (n >= 0 && n < Intervals.SMALL_SAMPLE) {
            b.append(smallSample(n));
        }
        if (s != null) {
            b.append(studyLine(s, difference));
        }
        b.append("</td>");
    }

    private static String smallSample(int n) {
        return "<br><span class=\"small-sample\" title=\"fewer than " + Intervals.SMALL_SAMPLE
                + " test images: the interval is wide\">\u26a0 small sample, n=" + n + "</span>";
    }

    private static String studyLine(StudyFigure s, boolean difference) {
        String kind = s.isExact() ? "exact" : s.isBand() ? "band" : "none";
        String txt = s.isExact() ? "study " + s.cell(difference) : s.isBand() ? "study " + s.cell(difference)
                : s.absent();
        return "<br><small class=\"study-line " + kind + "\" data-study=\"" + kind + "\" title=\""
                + esc(s.isExact() || s.isBand() ? s.text(difference) : s.absent()) + "\">" + esc(txt) + "</small>";
    }

    private static String encoderCell(EncoderInfo e) {
        String s = "<span title=\"" + esc(e.id()) + "\">" + esc(e.displayName()) + "</span>";
        if (e.isReference()) {
            s += " <span class=\"yardstick-badge\">yardstick</span>";
        }
        return s;
    }

    private static String family(EncoderInfo e) {
        return "<span class=\"fam\" style=\"background:" + Charts.familyColor(e.family()) + ";color:"
                + Charts.familyInk(e.family()) + "\">" + e.family() + "</span>";
    }

    private void reproduction(StringBuilder b) {
        b.append("<section id=\"reproduction\">\n<h2>Reproduction</h2>\n<p class=\"explain\">Our figures against the")
                .append(" study's for every one of the study's encoders in this run, with the difference and whether")
                .append(" the study's figure lies within our 95% interval.</p>\n");
        List<List<String>> rows = reproduction(data, study);
        if (rows.isEmpty()) {
            b.append("<p class=\"absent\">No reproduction in this run: ").append(paper == null
                    ? "the study's figures were not loaded" : "none of its encoders is one of the study's 47 (the"
                    + " family bands stand in for them)").append(".</p>\n</section>\n");
            return;
        }
        b.append("<div class=\"wide\"><table>\n<thead><tr><th>Encoder</th><th>Experiment</th><th>Ours</th><th>95% CI</th>")
                .append("<th class=\"study\">Study</th><th>Ours \u2212 study</th><th>Study within our CI</th></tr></thead>\n")
                .append("<tbody>\n");
        for (List<String> r : rows) {
            b.append("<tr>");
            for (int i = 0; i < r.size(); i++) {
                b.append(i >= 2 ? "<td class=\"num" + (i == 4 ? " study" : "") + "\">" : "<td>").append(esc(r.get(i)))
                        .append("</td>");
            }
            b.append("</tr>\n");
        }
        b.append("</tbody>\n</table></div>\n</section>\n");
    }

    private void probes(StringBuilder b, ProbeKind kind) {
        boolean proc = kind == ProbeKind.PROCESSING;
        Section sec = proc ? Section.PROCESSING : Section.ACQUISITION;
        String id = sec.id;
        b.append("<section id=\"").append(id).append("\">\n<h2>").append(sec.title).append("</h2>\n<p class=\"explain\">");
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
        sectionNotes(b, sec);
        List<ProbeRow> rows = data.probes().stream().filter(r -> r.kind() == kind).toList();
        if (rows.isEmpty()) {
            absent(b, sec, proc ? "processing probes" : "acquisition probes", proc
                    ? "no processing task was asked for"
                    : "the photos carry no EXIF acquisition labels (give camera photos, e.g. exif:DIR)");
            b.append("</section>\n");
            return;
        }
        figure(b, charts.probeChart(kind, "chart-" + id), "chart-" + id);
        String label = comparison.label(kind);
        b.append("<div class=\"wide\"><table class=\"probes\">\n<thead><tr><th>Task</th><th>Encoder</th><th>Family</th><th>Accuracy<br>")
                .append("<small>95% interval</small></th><th>Seeds<br><small>std</small></th><th>Chance</th>")
                .append("<th>Above chance</th><th>Mean per-class</th><th>n test</th><th class=\"study\">Study<br><small>")
                .append(esc(label)).append("</small></th><th>Ours \u2212 study</th></tr></thead>\n<tbody>\n");
        List<String> confusions = new ArrayList<>();
        for (String task : new LinkedHashSet<>(rows.stream().map(ProbeRow::task).toList())) {
            for (EncoderInfo e : charts.byFamily()) {
                for (ProbeRow r : rows) {
                    if (!r.task().equals(task) || !r.encoderId().equals(e.id())) {
                        continue;
                    }
                    StudyFigure s = study.probe(e, kind, task);
                    Interval ci = Intervals.probe(r);
                    boolean sig = ci != null && !ci.contains(r.chance());
                    b.append("<tr class=\"encoder-row").append(e.isReference() ? " yardstick" : "")
                            .append("\" data-encoder=\"").append(esc(e.id())).append("\"><td>").append(esc(task))
                            .append("</td><td>").append(encoderCell(e)).append("</td><td>").append(family(e))
                            .append("</td><td class=\"num acc\" data-chance=\"").append(Html.num(r.chance(), 4))
                            .append('"').append(ci == null ? "" : " data-ci=\""
                                    + Html.num(ci.lo(), 4) + "," + Html.num(ci.hi(), 4) + "\"").append(" data-heat=\"")
                            .append(sig && r.accuracy() > r.chance() ? 1 : 0).append('"')
                            .append(sig && r.accuracy() > r.chance() ? " style=\"background:" + heatColour(Math.min(1,
                                    r.aboveChance() / 0.5)) + "\"" : "").append('>').append(Html.pct(r.accuracy()));
                    if (ci != null) {
                        b.append("<br><small class=\"ci\">").append(Html.ci(ci)).append("</small>");
                    }
                    if (r.testSamples() < Intervals.SMALL_SAMPLE) {
                        b.append(smallSample(r.testSamples()));
                    }
                    b.append("</td><td class=\"num\">").append(r.seeds()).append(r.accuracyStd() == null ? ""
                            : "<br><small>\u00b1 " + Html.pctNum(r.accuracyStd()) + "</small>")
                            .append("</td><td class=\"num\">").append(Html.pct(r.chance()))
                            .append("</td><td class=\"num\">").append(esc(Html.pp(r.aboveChance())))
                            .append("</td><td class=\"num\">").append(r.meanPerClassAccuracy() == null ? "\u2014"
                                    : Html.pct(r.meanPerClassAccuracy())).append("</td><td class=\"num\">")
                            .append(r.testSamples()).append("</td>");
                    studyCells(b, s, r.accuracy());
                    b.append("</tr>\n");
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
                b.append("<td class=\"num\" style=\"background:rgba(0,114,178,").append(Html.num(f * 0.7, 2))
                        .append(")").append(f > 0.45 ? ";color:#fff" : "").append("\">").append(v).append("</td>");
            }
            b.append("<td class=\"num\">").append(sum == 0 ? "\u2014" : Html.pct(m.get(i).get(i) / (double) sum))
                    .append("</td></tr>\n");
        }
        return b.append("</tbody></table></div>\n</details>\n").toString();
    }

    private static void studyCells(StringBuilder b, StudyFigure s, double ours) {
        String kind = s.isExact() ? "exact" : s.isBand() ? "band" : "none";
        b.append("<td class=\"num study\" data-study=\"").append(kind).append("\" title=\"")
                .append(esc(s.isExact() || s.isBand() ? s.text(false) : s.absent())).append("\">")
                .append(esc(s.isExact() || s.isBand() ? s.cell(false) : s.absent())).append("</td>");
        b.append("<td class=\"num\">").append(s.isExact() ? esc(Html.pp(ours - s.value())) : "\u2014").append("</td>");
    }

    private static void figure(StringBuilder b, String svg, String id) {
        b.append("<figure>").append(svg).append("<figcaption class=\"export\">Export: <button type=\"button\" ")
                .append("data-chart=\"").append(esc(id)).append("\" data-format=\"svg\">SVG</button> <button ")
                .append("type=\"button\" data-chart=\"").append(esc(id)).append("\" data-format=\"png\">PNG</button>")
                .append("</figcaption></figure>\n");
    }

    private void knn(StringBuilder b) {
        b.append("<section id=\"knn\">\n<h2>kNN influence</h2>\n<p class=\"explain\">kNN classification of the")
                .append(" semantic class, with query and database images processed in five set-ups. In")
                .append(" <i>pos-same</i> the query shares its processing with the images of its own class, in")
                .append(" <i>neg-same</i> with the other classes; the <b>gap</b> (pos-same minus neg-same) measures")
                .append(" how much shared processing, not content, pulls neighbours. The chart shows each set-up")
                .append(" against the <i>uniform</i> set-up (random processing everywhere), in percentage points.</p>\n");
        sectionNotes(b, Section.KNN);
        if (data.knn().isEmpty()) {
            absent(b, Section.KNN, "kNN results", data.dataset().classes() == 0
                    ? "the dataset has no semantic class labels for kNN to classify" : "no processing task was asked for");
            b.append("</section>\n");
            return;
        }
        figure(b, charts.knnChart("chart-knn"), "chart-knn");
        b.append("<div class=\"wide\"><table class=\"knn\">\n<thead><tr><th>Task</th><th>Encoder</th><th>k</th><th>Queries</th>")
                .append("<th>Chance<br><small>largest class</small></th><th>all-same</th>")
                .append("<th>pos-same</th><th>neg-same</th><th>all-diff</th><th>uniform</th><th>Gap<br><small>95%")
                .append(" interval</small></th><th class=\"study\">Study gap<br><small>")
                .append(esc(comparison.processingLabel())).append("</small></th><th class=\"study\">Study uniform</th>")
                .append("</tr></thead>\n<tbody>\n");
        for (String task : new LinkedHashSet<>(data.knn().stream().map(KnnRow::task).toList())) {
            for (EncoderInfo e : charts.byFamily()) {
                for (KnnRow r : data.knn()) {
                    if (!r.task().equals(task) || !r.encoderId().equals(e.id())) {
                        continue;
                    }
                    b.append("<tr class=\"encoder-row").append(e.isReference() ? " yardstick" : "")
                            .append("\" data-encoder=\"").append(esc(e.id())).append("\"><td>").append(esc(task))
                            .append("</td><td>").append(encoderCell(e)).append("</td><td class=\"num\">").append(r.k())
                            .append("</td><td class=\"num\">").append(r.queries() == null ? "\u2014" : r.queries());
                    if (r.smallSample()) {
                        b.append(smallSample(r.queries()));
                    }
                    b.append("</td><td class=\"num chance\">").append(r.chance() == null ? "\u2014" : Html.pct(r.chance()))
                            .append("</td>");
                    cell(b, r, r.allSame(), r.allSameStd());
                    cell(b, r, r.posSame(), r.posSameStd());
                    cell(b, r, r.negSame(), r.negSameStd());
                    cell(b, r, r.allDiff(), r.allDiffStd());
                    cell(b, r, r.uniform(), r.uniformStd());
                    Interval gci = Intervals.knnGap(r);
                    if (r.atCeiling()) {
                        b.append("<td class=\"num ceiling\" data-ceiling=\"1\" title=\"").append(esc(Validity.CEILING_NOTE)).append("\">")
                                .append(esc(Html.pp(r.gap()))).append("<br><span class=\"ceiling-mark\">ceiling: every set-up \u2265 ")
                                .append(Math.round(100 * Validity.CEILING)).append("%, the gap says nothing</span></td>");
                    } else {
                        heat(b, r.gap(), gci, 0.05, false, null, true, -1);
                    }
                    StudyFigure sg = study.knnGap(e, task);
                    StudyFigure su = study.knnUniform(e, task);
                    b.append("<td class=\"num study\" data-study=\"").append(sg.isExact() ? "exact" : sg.isBand()
                            ? "band" : "none").append("\" title=\"").append(esc(sg.isExact() || sg.isBand()
                            ? sg.text(true) : sg.absent())).append("\">").append(esc(sg.isExact() || sg.isBand()
                            ? sg.cell(true) : sg.absent())).append("</td><td class=\"num study\">")
                            .append(esc(su.isExact() || su.isBand() ? su.cell(false) : "\u2014")).append("</td>");
                    b.append("</tr>\n");
                }
            }
        }
        b.append("</tbody>\n</table></div>\n</section>\n");
    }

    private static void cell(StringBuilder b, KnnRow r, double v, Double std) {
        Interval ci = Intervals.knn(r, v, std);
        b.append("<td class=\"num acc\"").append(ci == null ? "" : " data-ci=\"" + Html.num(ci.lo(), 4) + ","
                + Html.num(ci.hi(), 4) + "\"").append('>').append(Html.pct(v));
        if (ci != null) {
            b.append("<br><small class=\"ci\">").append(Html.ci(ci)).append("</small>");
        }
        b.append("</td>");
    }

    private static void recallCell(StringBuilder b, RetrievalRow r, Double v) {
        if (v == null) {
            b.append("<td class=\"num na\">\u2014</td>");
            return;
        }
        Interval ci = Intervals.recall(r, v);
        b.append("<td class=\"num acc\"").append(ci == null ? "" : " data-ci=\"" + Html.num(ci.lo(), 4) + ","
                + Html.num(ci.hi(), 4) + "\"").append('>').append(Html.pct(v));
        if (ci != null) {
            b.append("<br><small class=\"ci\">").append(Html.ci(ci)).append("</small>");
        }
        b.append("</td>");
    }

    private void retrieval(StringBuilder b) {
        b.append("<section id=\"retrieval\">\n<h2>Phone/camera pair retrieval</h2>\n<p class=\"explain\">Each")
                .append(" query photo must retrieve its pair, the same scene taken with the other device (phone or")
                .append(" camera), ranked among the candidates (its pair plus the distractors; chance recall@k is k /")
                .append(" candidates). With distractors from the <i>other</i> device, device traces help; with")
                .append(" distractors from the <i>query's own</i> device, they pull the wrong photos up. The change")
                .append(" in recall@1 from the first to the second is the part of retrieval that acquisition traces")
                .append(" decide: a negative change is a drop.</p>\n");
        sectionNotes(b, Section.RETRIEVAL);
        if (data.retrieval().isEmpty()) {
            absent(b, Section.RETRIEVAL, "retrieval results",
                    "the dataset has no subject and device labels (PairCams-style pairs)");
            b.append("</section>\n");
            return;
        }
        figure(b, charts.retrievalChart("chart-retrieval"), "chart-retrieval");
        b.append("<div class=\"wide\"><table>\n<thead><tr><th>Encoder</th><th>Query</th><th>Queries</th><th>Candidates</th>")
                .append("<th>Chance R@1</th><th>R@1 other device</th><th>R@1 own device</th><th>Change<br><small>")
                .append("own \u2212 other, 95% interval</small></th><th>R@5 other device</th><th>R@5 own device</th>")
                .append("<th class=\"study\">Study R@1 other<br><small>").append(esc(comparison.retrievalLabel()))
                .append("</small></th><th class=\"study\">Study R@1 own</th><th class=\"study\">Study change</th>")
                .append("</tr></thead>\n<tbody>\n");
        for (EncoderInfo e : charts.byFamily()) {
            for (RetrievalRow r : data.retrieval()) {
                if (!r.encoderId().equals(e.id())) {
                    continue;
                }
                boolean overall = RetrievalRow.OVERALL.equalsIgnoreCase(r.queryClass());
                b.append("<tr class=\"encoder-row").append(e.isReference() ? " yardstick" : "")
                        .append("\" data-encoder=\"").append(esc(e.id())).append("\"><td>").append(encoderCell(e))
                        .append("</td><td>").append(esc(r.queryClass())).append("</td><td class=\"num\">")
                        .append(r.queries()).append("</td><td class=\"num\">")
                        .append(r.candidates() == null ? "\u2014" : r.candidates()).append("</td><td class=\"num\">")
                        .append(r.chance(1) == null ? "\u2014" : Html.pct(r.chance(1))).append("</td>");
                recallCell(b, r, r.recallAt1OtherDevice());
                recallCell(b, r, r.recallAt1QueryDevice());
                Interval ch = Intervals.recallChange(r);
                boolean sig = ch != null && !ch.contains(0);
                b.append("<td class=\"num change\" data-heat=\"").append(sig ? 1 : 0).append('"')
                        .append(sig && r.drop() > 0 ? " style=\"background:" + heatColour(Math.min(1, r.drop() / 0.2))
                                + "\"" : "").append("><b>").append(esc(changeText(r))).append("</b>");
                if (ch != null) {
                    b.append("<br><small class=\"ci\">").append(esc(Html.ciSigned(ch))).append("</small>");
                }
                if (r.queries() < Intervals.SMALL_SAMPLE) {
                    b.append(smallSample(r.queries()));
                }
                b.append("</td>");
                recallCell(b, r, r.recallAt5OtherDevice());
                recallCell(b, r, r.recallAt5QueryDevice());
                if (overall) {
                    for (StudyFigure s : List.of(study.recallOther(e), study.recallQuery(e))) {
                        b.append("<td class=\"num study\" data-study=\"").append(s.isExact() ? "exact" : s.isBand()
                                ? "band" : "none").append("\">").append(esc(s.isExact() || s.isBand() ? s.cell(false)
                                : s.absent())).append("</td>");
                    }
                    StudyFigure s = study.recallChange(e);
                    b.append("<td class=\"num study\">").append(esc(s.isExact() || s.isBand() ? s.cell(true)
                            : "\u2014")).append("</td>");
                } else {
                    b.append("<td class=\"num study na\" colspan=\"3\">study: overall only</td>");
                }
                b.append("</tr>\n");
            }
        }
        b.append("</tbody>\n</table></div>\n</section>\n");
    }

    private void erasure(StringBuilder b) {
        b.append("<section id=\"erasure\">\n<h2>After erasure</h2>\n<p class=\"explain\">Each eraser (a linear map")
                .append(" fitted on this encoder's embeddings with trace labels) measured on images it was <b>never")
                .append(" fitted on</b>: the same experiments on those images, raw and erased, with checking probes of")
                .append(" their own seeds (never the fit's). The erased trace should fall to chance; the other traces")
                .append(" are measured (does erasing one remove others?); the kNN gap should shrink toward zero; the")
                .append(" semantic kNN all-same and semantic probe accuracies are what erasure costs. Brackets: 95%")
                .append(" intervals as elsewhere; the erased trace's row says how far it is from chance and")
                .append(" whether its interval contains chance.</p>\n");
        sectionNotes(b, Section.ERASURE);
        if (data.erasure().isEmpty()) {
            absent(b, Section.ERASURE, "erasure results", "no eraser could be evaluated");
            b.append("</section>\n");
            return;
        }
        b.append("<div class=\"wide\"><table class=\"erasure\">\n<thead><tr><th>Encoder</th><th>Eraser</th><th>Measure</th>")
                .append("<th>Images<br><small>evaluated, test</small></th><th>Chance</th><th>Raw</th><th>Erased</th>")
                .append("<th>Change</th></tr></thead>\n<tbody>\n");
        for (EncoderInfo e : charts.byFamily()) {
            for (ErasureRow r : data.erasure()) {
                if (!r.encoderId().equals(e.id())) {
                    continue;
                }
                b.append("<tr class=\"erasure-row").append(r.erased() ? " erased" : "").append("\" data-encoder=\"")
                        .append(esc(e.id())).append("\" data-measure=\"").append(esc(r.measure())).append("\"><td>")
                        .append(encoderCell(e)).append("</td><td>").append(esc(r.eraser())).append("<br><small>")
                        .append(esc(r.method() + " on " + r.concepts())).append("</small></td><td>")
                        .append(r.erased() ? "<b>" + esc(r.measure()) + "</b> (erased)" : esc(r.measure()))
                        .append("</td><td class=\"num\">").append(r.evaluatedImages()).append(", ").append(r.testSamples())
                        .append("</td><td class=\"num\">").append(r.chance() == null ? "\u2014" : Html.pct(r.chance()))
                        .append("</td>");
                erasureCell(b, r, r.before(), r.beforeStd(), false);
                erasureCell(b, r, r.after(), r.afterStd(), r.erased());
                b.append("<td class=\"num change\">").append(esc(Html.pp(r.change()))).append("</td></tr>\n");
            }
        }
        b.append("</tbody>\n</table></div>\n</section>\n");
    }

    private static void erasureCell(StringBuilder b, ErasureRow r, double v, Double std, boolean markChance) {
        b.append("<td class=\"num erasure-value\">").append(esc(r.signed() ? Html.pp(v) : Html.pct(v)));
        if (std != null) {
            b.append(" <small>\u00b1 ").append(Html.pctNum(std)).append("</small>");
        }
        if (!r.signed() && r.testSamples() > 0) {
            Interval ci = Intervals.withSeeds(v, r.testSamples(), std);
            b.append("<br><small class=\"ci\">").append(Html.ci(ci)).append("</small>");
            if (markChance && r.chance() != null) {
                b.append("<br><span class=\"").append(ci.contains(r.chance()) ? "at-chance" : "above-chance").append("\">")
                        .append(esc(Html.pp(v - r.chance()))).append(" from chance").append(ci.contains(r.chance())
                                ? ", interval contains it" : ", interval excludes it").append("</span>");
            }
        }
        b.append("</td>");
    }

    private void audit(StringBuilder b) {
        b.append("<section id=\"audit\">\n<h2>Dataset audit</h2>\n<p class=\"explain\">Cram\u00e9r's V between")
                .append(" each trace label and the semantic class, from 0 (independent) to 1 (the class determines")
                .append(" the label). A strong association means a probe could read the trace through content, so")
                .append(" its accuracy overstates what the encoder knows about the trace itself.</p>\n");
        sectionNotes(b, Section.AUDIT);
        if (data.audit().isEmpty()) {
            absent(b, Section.AUDIT, "dataset audit", data.dataset().classes() == 0
                    ? "the dataset has no semantic class labels to test the traces against"
                    : "the run did not include it (traces audit runs it on datasets with class labels)");
            b.append("</section>\n");
            return;
        }
        figure(b, charts.auditChart("chart-audit"), "chart-audit");
        b.append("<div class=\"wide\"><table>\n<thead><tr><th>Trace</th><th>Cram\u00e9r's V</th><th>n</th><th>Reading</th></tr></thead>\n")
                .append("<tbody>\n");
        for (AuditRow r : data.audit()) {
            String reading = r.cramersV() >= 0.5 ? "strong" : r.cramersV() >= 0.3 ? "moderate"
                    : r.cramersV() >= 0.1 ? "weak" : "negligible";
            b.append("<tr><td>").append(esc(r.trace())).append("</td><td class=\"num\">")
                    .append(Html.num(r.cramersV(), 3)).append("</td><td class=\"num\">").append(r.n())
                    .append("</td><td>").append(reading).append("</td></tr>\n");
        }
        b.append("</tbody>\n</table></div>\n</section>\n");
    }

    private void exports(StringBuilder b) {
        b.append("<section id=\"exports\">\n<h2>Tables for papers</h2>\n<p class=\"explain\">Each table of this page")
                .append(" is written beside it as CSV and as a LaTeX <code>booktabs</code> table (with")
                .append(" <code>\\usepackage{booktabs}</code>); each chart exports as SVG or PNG from the buttons")
                .append(" below it.</p>\n<ul>\n");
        for (ReportTables.Table t : ReportTables.of(data, paper, comparison)) {
            b.append("<li>").append(esc(t.name())).append(": <a href=\"table-").append(esc(t.name()))
                    .append(".csv\">CSV</a> \u00b7 <a href=\"table-").append(esc(t.name())).append(".tex\">LaTeX</a> (")
                    .append(t.rows().size()).append(" rows)</li>\n");
        }
        b.append("</ul>\n</section>\n");
    }

    private void provenance(StringBuilder b) {
        b.append("<section id=\"provenance\">\n<h2>Provenance</h2>\n<details>\n<summary>Every input, model hash,")
                .append(" parameter, seed, version and codec</summary>\n");
        b.append("<h3>Encoders</h3>\n<div class=\"wide\"><table>\n<thead><tr><th>Id</th><th>Name</th><th>Family</th><th>Study name</th>")
                .append("<th>Dim</th><th>Model sha256</th></tr></thead>\n<tbody>\n");
        for (EncoderInfo e : data.encoders()) {
            b.append("<tr><td><code>").append(esc(e.id())).append("</code></td><td>").append(esc(e.displayName()))
                    .append("</td><td>").append(e.family()).append("</td><td>")
                    .append(e.studyName() == null ? "\u2014 (not in the study)" : esc(e.studyName()))
                    .append("</td><td class=\"num\">").append(e.embeddingDim()).append("</td><td><code>")
                    .append(e.modelSha256() == null ? "\u2014" : esc(e.modelSha256())).append("</code></td></tr>\n");
        }
        b.append("</tbody>\n</table></div>\n<h3>Study figures</h3>\n");
        if (paper == null) {
            b.append("<p>Not loaded.</p>\n");
        } else {
            b.append("<p>Read from <code>").append(esc(paper.source())).append("</code>. Processing probes and kNN")
                    .append(" compared with dataset <b>").append(esc(comparison.processingDataset()))
                    .append("</b>. Task aliases (ours \u2192 study's):</p>\n<ul>\n");
            for (Map.Entry<String, String> a : comparison.taskAliases().entrySet()) {
                b.append("<li><code>").append(esc(a.getKey())).append("</code> \u2192 <code>").append(esc(a.getValue()))
                        .append("</code></li>\n");
            }
            b.append("</ul>\n<div class=\"wide\"><table>\n<thead><tr><th>File</th><th>sha256</th></tr></thead>\n<tbody>\n");
            for (Map.Entry<String, String> f : paper.fileSha256().entrySet()) {
                b.append("<tr><td><code>").append(esc(f.getKey())).append("</code></td><td><code>")
                        .append(esc(f.getValue())).append("</code></td></tr>\n");
            }
            b.append("</tbody>\n</table></div>\n");
        }
        b.append("<h3>Run</h3>\n");
        if (data.provenance().isEmpty()) {
            b.append("<p class=\"absent\">The run recorded no provenance.</p>\n");
        } else {
            value(b, data.provenance(), 0);
        }
        b.append("<h3>Report rendered by</h3>\n");
        value(b, ToolInfo.platform(), 0);
        b.append("</details>\n</section>\n");
    }

    private static void value(StringBuilder b, Object v, int depth) {
        if (depth > 32) {
            b.append("<code>\u2026</code>");
            return;
        }
        if (v instanceof Map<?, ?> m) {
            b.append("<dl class=\"prov\">\n");
            for (Map.Entry<?, ?> e : m.entrySet()) {
                b.append("<dt>").append(esc(e.getKey())).append("</dt><dd>");
                value(b, e.getValue(), depth + 1);
                b.append("</dd>\n");
            }
            b.append("</dl>\n");
        } else if (v instanceof Iterable<?> list) {
            b.append("<ol class=\"prov\">\n");
            for (Object o : list) {
                b.append("<li>");
                value(b, o, depth + 1);
                b.append("</li>\n");
            }
            b.append("</ol>\n");
        } else {
            b.append("<code>").append(v == null ? "null" : esc(v)).append("</code>");
        }
    }

    private static final String CSS = """
            :root { --ink:#1d1d1f; --muted:#5f6368; --line:#dadce0; --study:#f4f1e8; }
            * { box-sizing: border-box; }
            body { margin: 0 auto; max-width: 1320px; padding: 16px 24px 40px; color: var(--ink);
              font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
            h1 { font-size: 24px; margin: 8px 0 4px; }
            h2 { font-size: 19px; margin: 28px 0 6px; border-bottom: 2px solid var(--line); padding-bottom: 3px; }
            h3 { font-size: 15px; margin: 16px 0 6px; }
            .meta { color: var(--muted); margin: 0 0 8px; }
            .study-note { background: var(--study); border-left: 4px solid #8a6d3b; padding: 8px 12px; margin: 8px 0; }
            .method { background: #eef4fa; border-left: 4px solid #0072B2; padding: 6px 12px; margin: 8px 0; font-size: 13px; }
            .band-key { display: inline-block; width: 22px; height: 10px; background: rgba(153,153,153,0.35);
              border: 1px solid #999; vertical-align: middle; }
            .diamond { font-size: 16px; }
            nav a { margin-right: 12px; }
            .explain { max-width: 1000px; color: #333; }
            .notes { background: #fff8e1; border: 1px solid #f0d68a; padding: 4px 16px; }
            .notes h2 { border: 0; margin-top: 8px; }
            ul.notes-list { background: #fff8e1; border-left: 4px solid #f0d68a; margin: 6px 0; padding: 6px 12px 6px 28px; }
            .absent { color: #8a4b08; font-style: italic; }
            figure { margin: 8px 0; }
            svg.chart { display: block; width: 100%; height: auto; }
            figcaption.export { font-size: 12px; color: var(--muted); margin-top: 2px; }
            figcaption.export button { font-size: 12px; padding: 1px 8px; cursor: pointer; }
            table { border-collapse: collapse; margin: 8px 0 12px; font-size: 12.5px; }
            th, td { border: 1px solid var(--line); padding: 3px 7px; vertical-align: top; }
            th { background: #f1f3f4; text-align: left; }
            td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
            td.na { color: #9aa0a6; text-align: center; }
            small.ci { color: #444; }
            small.study-line { color: #6b5a2e; white-space: normal; display: inline-block; max-width: 150px; }
            div.wide { overflow-x: auto; max-width: 100%; }
            small.study-line.none { color: #9aa0a6; }
            .small-sample { color: #b35900; font-size: 11px; font-weight: 600; }
            .ceiling-mark { color: #5f6368; font-size: 11px; font-weight: 600; white-space: normal; }
            th.study, td.study { background: var(--study); }
            tr.yardstick td { border-top: 2px dashed #6b6b6b; border-bottom: 2px dashed #6b6b6b; background-color: #f7f7f7; }
            .yardstick-badge { display: inline-block; font-size: 11px; padding: 0 6px; border-radius: 8px;
              background: #555; color: #fff; }
            .fam { display: inline-block; font-size: 11px; padding: 0 6px; border-radius: 3px; }
            table.headline td.num { min-width: 92px; }
            table.cm td, table.cm th { padding: 2px 6px; }
            details summary { cursor: pointer; font-weight: 600; }
            details.confusion { margin: 4px 0 4px 16px; }
            details.confusion summary { font-weight: 400; }
            dl.prov { margin: 2px 0 2px 8px; display: grid; grid-template-columns: max-content 1fr; gap: 1px 12px; }
            dl.prov dt { font-weight: 600; color: #444; }
            dl.prov dd { margin: 0; word-break: break-all; }
            ol.prov { margin: 0; padding-left: 20px; }
            code { font-size: 12px; }
            footer { margin-top: 32px; color: var(--muted); font-size: 12px; }
            """;

    /**
     * Checks every chart was laid out with visible bars and no text outside its chart, records the
     * outcome on the body for headless checks, and wires the SVG/PNG export buttons (the PNG is the
     * SVG drawn onto a canvas at twice its size). With {@code #export-selftest} in the address it
     * exports every chart to PNG in memory and records the sizes on the body.
     */
    private static final String SCRIPT = """
            (function () {
              var body = document.body;
              window.addEventListener('error', function (e) { body.dataset.jsError = String(e.message); });
              var charts = document.querySelectorAll('svg.chart');
              var bad = [];
              var clipped = [];
              for (var i = 0; i < charts.length; i++) {
                var s = charts[i];
                var bars = s.querySelectorAll('rect.bar');
                var box = s.getBoundingClientRect();
                var drawn = 0;
                for (var j = 0; j < bars.length; j++) {
                  var bb = bars[j].getBBox();
                  if (bb.width > 0 && bb.height > 0) { drawn++; }
                }
                if (box.width <= 0 || box.height <= 0 || drawn === 0) { bad.push(s.id || ('#' + i)); }
                var texts = s.querySelectorAll('text');
                for (var t = 0; t < texts.length; t++) {
                  var r = texts[t].getBoundingClientRect();
                  if (r.width === 0 && r.height === 0) { continue; }
                  if (r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5
                      || r.bottom > box.bottom + 0.5) {
                    clipped.push((s.id || ('#' + i)) + ':' + texts[t].textContent.slice(0, 40));
                  }
                }
              }
              body.dataset.charts = String(charts.length);
              body.dataset.rendered = bad.length === 0 ? 'ok' : 'missing:' + bad.join(',');
              body.dataset.clipped = clipped.length === 0 ? 'none' : clipped.join('|');
              function source(svg) {
                return '<?xml version="1.0" encoding="UTF-8"?>\\n' + new XMLSerializer().serializeToString(svg);
              }
              function dataUrl(svg) {
                return 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(source(svg));
              }
              function png(svg, done) {
                var vb = svg.viewBox.baseVal;
                var img = new Image();
                img.onload = function () {
                  var c = document.createElement('canvas');
                  c.width = Math.round(vb.width * 2);
                  c.height = Math.round(vb.height * 2);
                  var g = c.getContext('2d');
                  g.fillStyle = '#ffffff';
                  g.fillRect(0, 0, c.width, c.height);
                  g.drawImage(img, 0, 0, c.width, c.height);
                  done(c.toDataURL('image/png'));
                };
                img.onerror = function () { done(null); };
                img.src = dataUrl(svg);
              }
              function save(href, name) {
                var a = document.createElement('a');
                a.href = href;
                a.download = name;
                document.body.appendChild(a);
                a.click();
                a.remove();
              }
              document.addEventListener('click', function (e) {
                var b = e.target.closest('button[data-chart]');
                if (!b) { return; }
                var svg = document.getElementById(b.dataset.chart);
                if (b.dataset.format === 'svg') {
                  save(dataUrl(svg), svg.id + '.svg');
                } else {
                  png(svg, function (u) { if (u) { save(u, svg.id + '.png'); } });
                }
              });
              if (location.hash === '#export-selftest') {
                var sizes = [];
                var left = charts.length;
                for (var k = 0; k < charts.length; k++) {
                  (function (svg) {
                    png(svg, function (u) {
                      sizes.push(svg.id + '=' + (u ? u.length : 0) + ',' + source(svg).length);
                      if (--left === 0) { body.dataset.exported = sizes.sort().join(' '); }
                    });
                  })(charts[k]);
                }
              }
            })();
            """;
}
