package org.encodertraces.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.encodertraces.io.Csv;

/**
 * The report's tables as a researcher pastes them into a paper: for each table a CSV and a LaTeX
 * ({@code booktabs}) file beside the page ({@code table-headline.csv}, {@code table-headline.tex},
 * ...), with the same text the page shows: percentages with one decimal, 95% intervals in brackets,
 * the study's figure or family range. The interval method goes in the LaTeX caption.
 */
public final class ReportTables {
    /**
     * One table.
     *
     * @param name file stem, such as {@code headline}
     * @param caption what the table shows
     * @param header column titles
     * @param rows cells, one list per row, as many as the header
     */
    public record Table(String name, String caption, List<String> header, List<List<String>> rows) {
        /** Validates that every row has one cell per column. */
        public Table {
            Objects.requireNonNull(name, "name");
            header = List.copyOf(header);
            List<List<String>> copy = new ArrayList<>();
            for (List<String> r : rows) {
                if (r.size() != header.size()) {
                    throw new IllegalArgumentException("table " + name + ": row of " + r.size() + " cells, header has "
                            + header.size());
                }
                copy.add(List.copyOf(r));
            }
            rows = List.copyOf(copy);
        }
    }

    private ReportTables() {
    }

    private static String erasureCell(ErasureRow r, double v, Double std) {
        if (r.signed()) {
            return ReportText.signed(v);
        }
        String t = ReportText.pctNum(v) + (std == null ? "" : " \u00b1 " + ReportText.pctNum(std));
        return r.testSamples() > 0 ? t + " " + ReportText.ci(Intervals.withSeeds(v, r.testSamples(), std)) : t;
    }

    /** The tables of a report, in page order; tables without rows are left out. */
    public static List<Table> of(ReportData d, PaperResults paper, PaperComparison comparison) {
        StudyFigures study = new StudyFigures(paper, comparison);
        List<Table> out = new ArrayList<>();
        List<String> tasks = TraceSensitivity.probeTasks(d);
        List<String> h = new ArrayList<>(List.of("Encoder", "Family"));
        for (String t : tasks) {
            h.add(t + " (pp above chance) [95% CI]");
            h.add(t + " study (pp above the study's chance)");
        }
        h.add("kNN gap (pp) [95% CI]");
        h.add("Retrieval R@1 change, own-device distractors (pp) [95% CI]");
        List<List<String>> rows = new ArrayList<>();
        for (EncoderInfo e : d.encodersByFamily()) {
            List<String> r = new ArrayList<>(List.of(e.displayName() + (e.isReference() ? " (yardstick)" : ""),
                    e.family().name()));
            for (String t : tasks) {
                ProbeRow p = d.probes().stream().filter(x -> x.task().equals(t) && x.encoderId().equals(e.id()))
                        .findFirst().orElse(null);
                if (p == null) {
                    r.add("");
                    r.add("");
                } else {
                    Interval ci = Intervals.probe(p);
                    r.add(ReportText.signed(p.aboveChance()) + (ci == null ? "" : " " + ReportText.ciSigned(ci.shift(-p.chance()))));
                    Double studyChance = comparison.studyChance(p.kind(), t, p.chance());
                    StudyFigure s = study.probe(e, p.kind(), t).aboveChance(studyChance);
                    r.add(s.isExact() || s.isBand() ? s.cell(studyChance != null) + (studyChance == null ? " (accuracy; study chance unknown)" : "")
                            : s.absent());
                }
            }
            Headline hl = Headline.of(d, e);
            r.add(hl.knnGap() == null ? "" : ReportText.signed(hl.knnGap())
                    + (hl.knnGapCi() == null ? "" : " " + ReportText.ciSigned(hl.knnGapCi())));
            r.add(hl.retrieval() == null ? "" : ReportText.signed(-hl.retrieval().drop())
                    + (hl.retrievalCi() == null ? "" : " " + ReportText.ciSigned(hl.retrievalCi())));
            rows.add(r);
        }
        out.add(new Table("headline", "Trace sensitivity per encoder: probe accuracy above chance, kNN gap and"
                + " retrieval change, with 95% intervals; the study's figures also as points above the study's own chance level"
                + " (the same operations for processing tasks, the study's label set for acquisition attributes). " + Intervals.METHOD, h, rows));

        rows = new ArrayList<>();
        for (ProbeRow p : d.probes()) {
            EncoderInfo e = d.encoder(p.encoderId());
            Interval ci = Intervals.probe(p);
            StudyFigure s = study.probe(e, p.kind(), p.task());
            rows.add(List.of(p.task(), p.kind() == ProbeKind.PROCESSING ? "processing" : "acquisition",
                    e.displayName(), e.family().name(), ReportText.pctNum(p.accuracy()), ci == null ? "" : ReportText.ci(ci),
                    ReportText.pctNum(p.chance()), Integer.toString(p.testSamples()), Integer.toString(p.seeds()),
                    s.isExact() || s.isBand() ? s.cell(false) : s.absent(), s.source(),
                    s.isExact() ? ReportText.signed(p.accuracy() - s.value()) : ""));
        }
        if (!rows.isEmpty()) {
            out.add(new Table("probes", "Linear-probe top-1 accuracy (%) with 95% intervals, chance, test size and the"
                    + " study's figure or family range.", List.of("Task", "Kind", "Encoder", "Family", "Accuracy (%)",
                    "95% CI", "Chance (%)", "n test", "Seeds", "Study (%)", "Study source", "Ours - study (pp)"),
                    rows));
        }

        rows = new ArrayList<>();
        for (KnnRow k : d.knn()) {
            EncoderInfo e = d.encoder(k.encoderId());
            Interval gci = Intervals.knnGap(k);
            StudyFigure s = study.knnGap(e, k.task());
            List<String> marks = new ArrayList<>();
            if (k.smallSample()) {
                marks.add("small sample (n=" + k.queries() + ")");
            }
            if (k.atCeiling()) {
                marks.add("ceiling");
            }
            rows.add(List.of(k.task(), e.displayName(), Integer.toString(k.k()),
                    k.queries() == null ? "" : Integer.toString(k.queries()), k.chance() == null ? "" : ReportText.pctNum(k.chance()),
                    ReportText.pctNum(k.allSame()),
                    ReportText.pctNum(k.posSame()), ReportText.pctNum(k.negSame()), ReportText.pctNum(k.allDiff()),
                    ReportText.pctNum(k.uniform()), ReportText.signed(k.gap()), gci == null ? "" : ReportText.ciSigned(gci),
                    s.isExact() || s.isBand() ? s.cell(true) : s.absent(), String.join("; ", marks)));
        }
        if (!rows.isEmpty()) {
            out.add(new Table("knn", "kNN accuracy (%) under the five processing set-ups, chance (the share of the queries'"
                    + " largest class) and the gap pos-same minus neg-same (pp) with its 95% interval. Marks: small sample, fewer than "
                    + Intervals.SMALL_SAMPLE + " queries; ceiling, every set-up at " + Math.round(100 * org.encodertraces.validity.Validity.CEILING) + "%"
                    + " or more, where the gap says nothing about the encoder.", List.of("Task", "Encoder", "k", "Queries", "Chance (%)",
                    "all-same", "pos-same", "neg-same", "all-diff", "uniform", "Gap (pp)", "Gap 95% CI",
                    "Study gap (pp)", "Marks"), rows));
        }

        rows = new ArrayList<>();
        for (RetrievalRow r : d.retrieval()) {
            EncoderInfo e = d.encoder(r.encoderId());
            Interval io = Intervals.recall(r, r.recallAt1OtherDevice());
            Interval iq = Intervals.recall(r, r.recallAt1QueryDevice());
            Interval ch = Intervals.recallChange(r);
            Double chance = r.chance(1);
            boolean overall = RetrievalRow.OVERALL.equalsIgnoreCase(r.queryClass());
            StudyFigure s = overall ? study.recallChange(e) : StudyFigure.none("", "");
            rows.add(List.of(e.displayName(), r.queryClass(), Integer.toString(r.queries()),
                    r.candidates() == null ? "" : Integer.toString(r.candidates()),
                    chance == null ? "" : ReportText.pctNum(chance), ReportText.pctNum(r.recallAt1OtherDevice()),
                    io == null ? "" : ReportText.ci(io), ReportText.pctNum(r.recallAt1QueryDevice()), iq == null ? "" : ReportText.ci(iq),
                    ReportText.signed(-r.drop()), ch == null ? "" : ReportText.ciSigned(ch), ReportText.relativeChange(r),
                    s.isExact() || s.isBand() ? s.cell(true) : s.absent() == null ? "" : s.absent()));
        }
        if (!rows.isEmpty()) {
            out.add(new Table("retrieval", "Pair retrieval recall@1 (%) with other-device and own-device distractors,"
                    + " 95% intervals, chance (1 / candidates) and the change between them.", List.of("Encoder",
                    "Query", "Queries", "Candidates", "Chance R@1 (%)", "R@1 other device (%)", "95% CI",
                    "R@1 own device (%)", "95% CI", "Change (pp)", "Change 95% CI", "Change (relative)",
                    "Study change (pp)"), rows));
        }

        rows = new ArrayList<>();
        for (ErasureRow r : d.erasure()) {
            rows.add(List.of(d.encoder(r.encoderId()).displayName(), r.eraser(), r.measure() + (r.erased() ? " (erased)" : ""),
                    Integer.toString(r.evaluatedImages()), Integer.toString(r.testSamples()), r.chance() == null ? "" : ReportText.pctNum(r.chance()),
                    erasureCell(r, r.before(), r.beforeStd()), erasureCell(r, r.after(), r.afterStd()), ReportText.signed(r.change())));
        }
        if (!rows.isEmpty()) {
            out.add(new Table("erasure", "After erasure: each experiment on images the eraser was never fitted on, raw and erased"
                    + " (% or, for the kNN gap and the retrieval change, pp), mean and spread over seeds with 95% intervals.",
                    List.of("Encoder", "Eraser", "Measure", "Images", "Test", "Chance (%)", "Raw", "Erased", "Change (pp)"), rows));
        }

        List<List<String>> rep = Reproduction.rows(d, study);
        if (!rep.isEmpty()) {
            out.add(new Table("reproduction", "Our figures against the study's for the study's encoders in this run.",
                    Reproduction.HEADER, rep));
        }
        return out;
    }

    /** Writes each table as {@code table-NAME.csv} and {@code table-NAME.tex} into {@code dir}. */
    public static List<Path> write(List<Table> tables, Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Table t : tables) {
            Path csv = dir.resolve("table-" + t.name() + ".csv");
            Files.writeString(csv, csv(t));
            out.add(csv);
            Path tex = dir.resolve("table-" + t.name() + ".tex");
            Files.writeString(tex, latex(t));
            out.add(tex);
        }
        return out;
    }

    /** The table as RFC 4180 CSV, header first. */
    public static String csv(Table t) {
        StringBuilder b = new StringBuilder(Csv.line(t.header().toArray()));
        for (List<String> r : t.rows()) {
            b.append(Csv.line(r.toArray()));
        }
        return b.toString();
    }

    /** The table as a LaTeX {@code table} with a {@code booktabs} tabular (needs the booktabs package). */
    public static String latex(Table t) {
        StringBuilder b = new StringBuilder();
        b.append("% generated by encoder-traces; needs \\usepackage{booktabs}\n");
        b.append("\\begin{table}[t]\n\\centering\n\\small\n\\begin{tabular}{");
        for (int i = 0; i < t.header().size(); i++) {
            b.append(i < 2 ? 'l' : 'r');
        }
        b.append("}\n\\toprule\n");
        b.append(row(t.header())).append("\\midrule\n");
        for (List<String> r : t.rows()) {
            b.append(row(r));
        }
        b.append("\\bottomrule\n\\end{tabular}\n\\caption{").append(tex(t.caption())).append("}\n\\label{tab:traces-")
                .append(t.name()).append("}\n\\end{table}\n");
        return b.toString();
    }

    private static String row(List<String> cells) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                b.append(" & ");
            }
            b.append(tex(cells.get(i)));
        }
        return b.append(" \\\\\n").toString();
    }

    /** Escapes LaTeX's special characters and writes the few non-ASCII signs the report uses as commands. */
    static String tex(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '\\' -> b.append("\\textbackslash{}");
                case '&', '%', '$', '#', '_', '{', '}' -> b.append('\\').append(ch);
                case '~' -> b.append("\\textasciitilde{}");
                case '^' -> b.append("\\textasciicircum{}");
                case '\u2212' -> b.append("$-$");
                case '\u2013' -> b.append("--");
                case '\u00b1' -> b.append("$\\pm$");
                case '\u00b2' -> b.append("$^2$");
                case '\u2192' -> b.append("$\\rightarrow$");
                case '\u00e9' -> b.append("\\'e");
                case '\n', '\r' -> b.append(' ');
                default -> b.append(ch);
            }
        }
        return b.toString();
    }
}
