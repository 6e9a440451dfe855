package org.encodertraces.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.encodertraces.io.AtomicFiles;
import org.encodertraces.io.Csv;
import org.encodertraces.result.Figure;
import org.encodertraces.result.ResultDocument;
import org.encodertraces.result.ResultKind;

/**
 * The headline figures of result documents as the report shows them: each with the file it comes
 * from, its n, chance and, for a share of the n images, a 95% interval ({@link Intervals#withSeeds});
 * written as {@code results.csv} and as a Markdown table.
 */
public final class ResultFigures {
    /** File name of the figures' CSV beside the page. */
    public static final String CSV = "results.csv";

    private ResultFigures() {
    }

    /**
     * One figure of one document.
     *
     * @param file the document's file
     * @param experiment its experiment kind as written
     * @param task its task, or empty
     * @param figure the figure
     * @param interval its 95% interval, or null when it is not a share of n images or n is not recorded
     */
    public record Row(Path file, String experiment, String task, Figure figure, Interval interval) {
    }

    /** Every figure of every document, in order. */
    public static List<Row> of(List<ReportSources.Found> docs) {
        List<Row> out = new ArrayList<>();
        for (ReportSources.Found f : docs) {
            ResultDocument d = f.document();
            List<Figure> figures = d.figures();
            for (Figure x : figures) {
                Interval ci = x.proportion() && x.value() != null && x.n() != null && x.value() >= 0 && x.value() <= 1
                        ? Intervals.withSeeds(x.value(), x.n(), x.std()) : null;
                if (x.name().startsWith(ResultKind.KNN_GAP)) {
                    ci = gapInterval(figures);
                }
                out.add(new Row(f.file(), d.experiment(), d.task() == null ? "" : d.task(), x, ci));
            }
        }
        return out;
    }

    /**
     * The kNN gap's interval: Newcombe's hybrid score interval from the pos-same and neg-same
     * accuracies' Wilson intervals, as the audit's kNN table gives it; null when either is missing.
     */
    private static Interval gapInterval(List<Figure> figures) {
        Figure pos = null;
        Figure neg = null;
        for (Figure y : figures) {
            if (y.name().equals("accuracy pos-same")) {
                pos = y;
            } else if (y.name().equals("accuracy neg-same")) {
                neg = y;
            }
        }
        if (pos == null || neg == null || pos.value() == null || neg.value() == null || pos.n() == null || neg.n() == null) {
            return null;
        }
        return Intervals.difference(pos.value(), Intervals.withSeeds(pos.value(), pos.n(), pos.std()),
                neg.value(), Intervals.withSeeds(neg.value(), neg.n(), neg.std()));
    }

    /** Writes {@code results.csv} into {@code dir}. */
    public static Path writeCsv(List<Row> rows, Path dir) throws IOException {
        StringBuilder b = new StringBuilder(Csv.line("file", "experiment", "task", "figure", "value", "std", "n", "chance", "ci_low", "ci_high"));
        for (Row r : rows) {
            Figure x = r.figure();
            b.append(Csv.line(r.file().toString(), r.experiment(), r.task(), x.name(), x.value(), x.std(), x.n(), x.chance(),
                    r.interval() == null ? null : r.interval().lo(), r.interval() == null ? null : r.interval().hi()));
        }
        Path f = dir.resolve(CSV);
        AtomicFiles.writeString(f, b);
        return f;
    }

    /** The figures as a Markdown table (percentages), each with n and chance; "not recorded" where the document has none. */
    public static String markdown(List<ReportSources.Found> docs, List<Row> rows) {
        StringBuilder b = new StringBuilder("## Result documents\n\n");
        b.append(docs.size()).append(" result document(s); figures in percent, 95% interval where the figure is a share of n images.\n\n");
        b.append("| file | experiment | task | figure | value | 95% interval | n | chance |\n|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            Figure x = r.figure();
            b.append("| ").append(md(r.file().getFileName().toString())).append(" | ").append(md(r.experiment())).append(" | ")
                    .append(md(r.task())).append(" | ").append(md(x.name())).append(" | ").append(pct(x.value()))
                    .append(x.std() == null ? "" : " \u00b1 " + String.format(Locale.ROOT, "%.1f", 100 * x.std())).append(" | ")
                    .append(r.interval() == null ? "\u2013" : pct(r.interval().lo()) + "\u2013" + pct(r.interval().hi())).append(" | ")
                    .append(x.n() == null ? "not recorded" : x.n()).append(" | ")
                    .append(x.chance() == null ? "not recorded" : pct(x.chance())).append(" |\n");
        }
        for (ReportSources.Found d : docs) {
            if (d.document().figures().isEmpty()) {
                b.append("\n").append(md(d.file().toString())).append(" (").append(md(d.document().experiment()))
                        .append("): no headline figures").append(d.document().field("not_applicable") != null
                                ? " (not applicable: " + md(d.document().field("not_applicable").asText()) + ")" : "").append(".\n");
            }
        }
        return b.toString();
    }

    /** A fraction as a percentage with one decimal, or "not measured". */
    public static String pct(Double v) {
        return v == null ? "not measured" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }

    private static String md(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }
}
