package org.encodertraces.report;

import java.util.List;
import java.util.Map;

/**
 * The headline "trace sensitivity" table as Markdown ({@code summary.md}), for terminals and
 * READMEs: per encoder, probe accuracy above chance per task, the kNN gap and the retrieval drop,
 * the forensic reference encoders marked as the yardstick.
 */
public final class MarkdownSummary {
    /** File name of the summary beside the page. */
    public static final String FILE = "summary.md";

    private MarkdownSummary() {
    }

    /** The Markdown text. */
    public static String render(ReportData d) {
        StringBuilder b = new StringBuilder();
        b.append("# ").append(md(d.title())).append("\n\n");
        b.append("Dataset: ").append(md(d.dataset().name())).append(" (").append(d.dataset().images())
                .append(" images, ").append(d.dataset().classes()).append(" classes). Created ").append(md(d.created()))
                .append(".\n\n");
        b.append("## Trace sensitivity\n\n");
        b.append("Probe columns: accuracy minus chance, percentage points (pp). kNN gap: pos-same minus neg-same,"
                + " mean over tasks. Retrieval change: recall@1 with distractors from the query's own device minus"
                + " from the other device (negative: a drop, device traces pull wrong photos up). Brackets: 95%"
                + " intervals (" + "Wilson on the test count, widened by the seed spread; Newcombe for differences)."
                + " \u26a0: fewer than " + Intervals.SMALL_SAMPLE + " test images.\n\n");
        List<String> tasks = TraceSensitivity.probeTasks(d);
        b.append("| Encoder | Family |");
        for (String t : tasks) {
            b.append(' ').append(md(t)).append(" |");
        }
        b.append(" kNN gap | Retrieval change |\n|---|---|");
        b.append("---:|".repeat(tasks.size() + 2)).append('\n');
        for (TraceSensitivity s : TraceSensitivity.of(d)) {
            EncoderInfo e = d.encoder(s.encoderId());
            b.append("| ").append(md(e.displayName()));
            if (e.isReference()) {
                b.append(" *(yardstick)*");
            }
            b.append(" | ").append(e.family()).append(" |");
            Map<String, Double> p = s.probeAboveChance();
            for (String t : tasks) {
                ProbeRow r = d.probes().stream().filter(x -> x.task().equals(t) && x.encoderId().equals(e.id()))
                        .findFirst().orElse(null);
                b.append(' ');
                if (r == null) {
                    b.append("\u2014");
                } else {
                    Interval ci = Intervals.probe(r);
                    b.append(ReportText.pp(p.get(t)));
                    if (ci != null) {
                        b.append(' ').append(ReportText.ciSigned(ci.shift(-r.chance())));
                    }
                    if (r.testSamples() < Intervals.SMALL_SAMPLE) {
                        b.append(" \u26a0");
                    }
                }
                b.append(" |");
            }
            Headline h = Headline.of(d, e);
            b.append(' ').append(h.knnGap() == null ? "\u2014" : ReportText.pp(h.knnGap())
                    + (h.knnGapCi() == null ? "" : " " + ReportText.ciSigned(h.knnGapCi())) + (h.knnAtCeiling() ? " (ceiling)" : ""))
                    .append(" | ").append(h.retrieval() == null ? "\u2014" : ReportText.retrievalChange(h.retrieval())).append(" |\n");
        }
        if (!d.knn().isEmpty()) {
            b.append("\n## kNN\n\nAccuracy (%) under the five processing set-ups; chance is the share of the queries' largest class;"
                    + " gap: pos-same minus neg-same (pp) with its 95% interval. \u26a0: fewer than " + Intervals.SMALL_SAMPLE
                    + " queries. Ceiling: every set-up at " + Math.round(100 * org.encodertraces.validity.Validity.CEILING) + "%"
                    + " or more, where the gap says nothing about the encoder.\n\n")
                    .append("| Task | Encoder | k | Queries | Chance | all-same | pos-same | neg-same | all-diff | uniform | Gap | Marks |\n")
                    .append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
            for (KnnRow r : d.knn()) {
                Interval gci = Intervals.knnGap(r);
                List<String> marks = new java.util.ArrayList<>();
                if (r.smallSample()) {
                    marks.add("\u26a0 small sample");
                }
                if (r.atCeiling()) {
                    marks.add("ceiling");
                }
                b.append("| ").append(md(r.task())).append(" | ").append(md(d.encoder(r.encoderId()).displayName())).append(" | ")
                        .append(r.k()).append(" | ").append(r.queries() == null ? "\u2014" : r.queries()).append(" | ")
                        .append(r.chance() == null ? "\u2014" : ReportText.pct(r.chance())).append(" | ").append(ReportText.pct(r.allSame()))
                        .append(" | ").append(ReportText.pct(r.posSame())).append(" | ").append(ReportText.pct(r.negSame())).append(" | ")
                        .append(ReportText.pct(r.allDiff())).append(" | ").append(ReportText.pct(r.uniform())).append(" | ").append(ReportText.pp(r.gap()))
                        .append(gci == null ? "" : " " + ReportText.ciSigned(gci)).append(" | ").append(String.join(", ", marks)).append(" |\n");
            }
        }
        if (!d.erasure().isEmpty()) {
            b.append("\n## After erasure\n\nOn images the eraser was never fitted on, raw \u2192 erased, mean \u00b1 std over")
                    .append(" seeds; the erased trace in bold (chance in brackets); kNN gap and retrieval change in pp.\n\n")
                    .append("| Encoder | Eraser | Measure | Images (evaluated, test) | Raw | Erased | Change |\n")
                    .append("|---|---|---|---:|---:|---:|---:|\n");
            for (ErasureRow r : d.erasure()) {
                String m = md(r.measure()) + (r.chance() == null ? "" : " (" + ReportText.pct(r.chance()) + ")");
                b.append("| ").append(md(d.encoder(r.encoderId()).displayName())).append(" | ").append(md(r.eraser()))
                        .append(" | ").append(r.erased() ? "**" + m + "**" : m).append(" | ").append(r.evaluatedImages())
                        .append(", ").append(r.testSamples()).append(" | ").append(value(r, r.before(), r.beforeStd()))
                        .append(" | ").append(value(r, r.after(), r.afterStd())).append(" | ").append(ReportText.pp(r.change()))
                        .append(" |\n");
            }
        }
        if (!d.notes().isEmpty()) {
            b.append("\n## Notes\n\n");
            for (Note n : d.notes()) {
                b.append("- ").append(md(n.text())).append('\n');
            }
        }
        return b.toString();
    }

    private static String value(ErasureRow r, double v, Double std) {
        return (r.signed() ? ReportText.pp(v) : ReportText.pct(v)) + (std == null ? "" : " \u00b1 " + ReportText.pctNum(std));
    }

    /** Escapes the characters that would break a Markdown table or inline HTML. */
    static String md(String s) {
        return s.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\n", " ");
    }
}
