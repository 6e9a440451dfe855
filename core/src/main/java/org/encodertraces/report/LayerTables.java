package org.encodertraces.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.encodertraces.io.Csv;

/**
 * The trace curves over depth as files beside the page: {@code layers.csv} (every point, fractions,
 * with its interval and n) and {@code table-layers.csv} / {@code .tex} (the same as a table for a
 * paper, percentages with intervals). Written only when the report has layer rows.
 */
public final class LayerTables {
    private LayerTables() {
    }

    /** The table of every point, by encoder, depth and task. */
    public static ReportTables.Table table(ReportData d) {
        List<List<String>> rows = new ArrayList<>();
        for (LayerRow r : d.layers()) {
            Interval ci = r.accuracyInterval();
            Interval g = r.knnGapInterval();
            rows.add(List.of(d.encoder(r.encoderId()).displayName(), r.depth() + "/" + r.depths(), r.layer(), String.valueOf(r.dim()), r.task(),
                    ReportText.pctNum(r.accuracy()) + " " + ReportText.ci(ci), ReportText.pctNum(r.chance()), String.valueOf(r.testSamples()),
                    g == null ? "" : ReportText.signed(r.knnGap()) + " " + ReportText.ciSigned(g),
                    r.knnQueries() == null ? "" : String.valueOf(r.knnQueries())));
        }
        return new ReportTables.Table("layers", "Processing-probe accuracy (%) and kNN gap (pos-same minus neg-same) at each depth of"
                + " the encoder (residual block outputs, pooled as the encoder pools; the last depth is its embedding), with 95% intervals"
                + " and n (probe test rows, kNN queries). " + Intervals.METHOD,
                List.of("Encoder", "Depth", "Tensor", "Dim", "Task", "Probe accuracy", "Chance", "n (probe)", "kNN gap", "n (kNN)"), rows);
    }

    /** Writes {@code layers.csv} and the table's CSV and LaTeX into {@code dir}; nothing when there are no rows. */
    public static List<Path> write(ReportData d, Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        if (d.layers().isEmpty()) {
            return out;
        }
        StringBuilder b = new StringBuilder(Csv.line("encoder_id", "depth", "depths", "tensor", "dim", "task", "accuracy", "accuracy_std",
                "accuracy_lo", "accuracy_hi", "seeds", "chance", "test_samples", "knn_pos_same", "knn_neg_same", "knn_gap", "knn_gap_lo",
                "knn_gap_hi", "knn_queries"));
        for (LayerRow r : d.layers()) {
            Interval ci = r.accuracyInterval();
            Interval g = r.knnGapInterval();
            b.append(Csv.line(r.encoderId(), r.depth(), r.depths(), r.layer(), r.dim(), r.task(), r.accuracy(), r.accuracyStd(), ci.lo(), ci.hi(),
                    r.seeds(), r.chance(), r.testSamples(), r.knnPosSame(), r.knnNegSame(), r.knnGap(), g == null ? null : g.lo(),
                    g == null ? null : g.hi(), r.knnQueries()));
        }
        Path csv = dir.resolve("layers.csv");
        Files.writeString(csv, b);
        out.add(csv);
        out.addAll(ReportTables.write(List.of(table(d)), dir));
        return out;
    }
}
