package org.encodertraces.report;

import java.util.ArrayList;
import java.util.List;

/**
 * Our figures against the study's for every one of the study's own encoders in a run: each probe,
 * kNN gap and overall retrieval change the study published for the same encoder, with our 95%
 * interval, the difference and whether the study's figure lies within our interval. The page's
 * "Reproduction" section and {@code table-reproduction} show these rows.
 */
public final class Reproduction {
    /** The column titles of a row. */
    public static final List<String> HEADER = List.of("Encoder", "Experiment", "Ours", "95% CI", "Study", "Ours - study",
            "Study within CI");

    private Reproduction() {
    }

    /** One row per figure the study published for an encoder of the run, as text; empty when there is none. */
    public static List<List<String>> rows(ReportData d, StudyFigures study) {
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
                            + p.task() + " (" + s.source() + ")", ReportText.pct(p.accuracy()), ci == null ? "" : ReportText.ci(ci),
                            ReportText.pct(s.value()), ReportText.pp(p.accuracy() - s.value()),
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
                    rows.add(List.of(e.displayName(), "kNN gap " + k.task() + " (" + s.source() + ")", ReportText.pp(k.gap()),
                            ci == null ? "" : ReportText.ciSigned(ci), ReportText.pp(s.value()), ReportText.pp(k.gap() - s.value()),
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
                    rows.add(List.of(e.displayName(), "retrieval R@1 change (" + s.source() + ")", ReportText.pp(-r.drop()),
                            ci == null ? "" : ReportText.ciSigned(ci), ReportText.pp(s.value()), ReportText.pp(-r.drop() - s.value()),
                            ci == null ? "" : ci.contains(s.value()) ? "yes" : "no"));
                }
            }
        }
        return rows;
    }
}
