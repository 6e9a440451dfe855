package org.encodertraces.report.html;

import java.util.List;
import org.encodertraces.report.Note;
import org.encodertraces.report.PaperComparison;
import org.encodertraces.report.PaperResults;
import org.encodertraces.report.ReportData;
import org.encodertraces.report.ReportSources;
import org.encodertraces.report.StudyFigures;

/**
 * What every section of one page renders from: the report's data, the study's figures (or none) and
 * how they are compared, and the charts drawn from them.
 *
 * @param data the report
 * @param paper the study's figures, or null when they were not loaded
 * @param comparison which of the study's figures ours are set against
 * @param study the study's figure or family band beside each of our figures
 * @param charts the page's SVG charts
 * @param results result documents shown beside the report's data (empty for an audit's report alone)
 */
record Page(ReportData data, PaperResults paper, PaperComparison comparison, StudyFigures study, Charts charts,
            List<ReportSources.Found> results) {
    /** The page of {@code data} beside {@code paper}, compared as {@code comparison} says. */
    Page(ReportData data, PaperResults paper, PaperComparison comparison) {
        this(data, paper, comparison, List.of());
    }

    /** As {@link #Page(ReportData, PaperResults, PaperComparison)}, with result documents shown in their own section. */
    Page(ReportData data, PaperResults paper, PaperComparison comparison, List<ReportSources.Found> results) {
        this(data, paper, comparison, new StudyFigures(paper, comparison), new Charts(data, paper, comparison), List.copyOf(results));
    }

    /** The notes that belong under {@code section}. */
    List<Note> notes(Note.Section section) {
        return data.notes(section);
    }
}
