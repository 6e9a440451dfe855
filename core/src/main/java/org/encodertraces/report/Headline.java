package org.encodertraces.report;

import java.util.ArrayList;
import java.util.List;

/**
 * The headline figures of one encoder beyond its probes, as the page, {@code summary.md} and the
 * headline table show them: the kNN gap averaged over tasks with its interval, and the retrieval
 * change with its interval. (Each probe task's figure is its own row's; {@link TraceSensitivity}
 * holds the same headline as plain differences.)
 *
 * @param knnGap mean kNN gap over tasks, or null
 * @param knnGapCi its interval (the tasks' intervals combined as independent), or null
 * @param knnAtCeiling whether every kNN task of the encoder is at the ceiling, where the gap says nothing
 * @param retrieval the overall retrieval row (or the first), or null
 * @param retrievalCi interval of its recall@1 change (own-device minus other-device), or null
 */
public record Headline(Double knnGap, Interval knnGapCi, boolean knnAtCeiling, RetrievalRow retrieval, Interval retrievalCi) {
    /** The headline of encoder {@code e} in report {@code d}. */
    public static Headline of(ReportData d, EncoderInfo e) {
        List<Double> gaps = new ArrayList<>();
        List<Interval> cis = new ArrayList<>();
        boolean allCi = true;
        boolean ceiling = true;
        for (KnnRow r : d.knn()) {
            if (r.encoderId().equals(e.id())) {
                gaps.add(r.gap());
                Interval ci = Intervals.knnGap(r);
                allCi &= ci != null;
                cis.add(ci);
                ceiling &= r.atCeiling();
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
        return new Headline(gap, gapCi, ceiling, ret, ret == null ? null : Intervals.recallChange(ret));
    }
}
