package org.encodertraces.report;

import java.util.List;
import java.util.Map;

/**
 * The headline "trace sensitivity" table as Markdown ({@code summary.md}), for terminals and
 * READMEs: per encoder, probe accuracy above chance per task, the kNN gap and the retrieval drop,
 * the forensic reference encoders marked as the yardstick.
 */
public final class MarkdownSummary {
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
                + " mean over tasks. Retrieval drop: recall@1 with distractors from the other device minus from the"
                + " query's own device. Higher means the encoder carries more of the trace.\n\n");
        List<String> tasks = TraceSensitivity.probeTasks(d);
        b.append("| Encoder | Family |");
        for (String t : tasks) {
            b.append(' ').append(md(t)).append(" |");
        }
        b.append(" kNN gap | Retrieval drop |\n|---|---|");
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
                b.append(' ').append(p.containsKey(t) ? Html.pp(p.get(t)) : "\u2014").append(" |");
            }
            b.append(' ').append(s.knnGap() == null ? "\u2014" : Html.pp(s.knnGap())).append(" | ")
                    .append(s.retrievalDrop() == null ? "\u2014" : Html.pp(s.retrievalDrop())).append(" |\n");
        }
        if (!d.notes().isEmpty()) {
            b.append("\n## Notes\n\n");
            for (String n : d.notes()) {
                b.append("- ").append(md(n)).append('\n');
            }
        }
        return b.toString();
    }

    /** Escapes the characters that would break a Markdown table or inline HTML. */
    static String md(String s) {
        return s.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\n", " ");
    }
}
