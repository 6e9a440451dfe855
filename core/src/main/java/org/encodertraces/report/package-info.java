/**
 * Results as a reader sees them: the report's data model ({@link org.encodertraces.report.ReportData}:
 * encoders, probe, kNN, retrieval, dataset-audit and erasure rows, notes, provenance; fractions
 * throughout), its headline and reproduction figures ({@link org.encodertraces.report.Headline},
 * {@link org.encodertraces.report.Reproduction}), notes typed with their section, and everything written
 * from it but the page itself (the self-contained HTML page, with one renderer per section, is
 * {@code report.html}'s, whose {@code ReportWriter} writes the whole folder):
 * {@code report.json} ({@link org.encodertraces.report.ReportJson}, which {@code traces report} reads
 * back), the headline in Markdown ({@link org.encodertraces.report.MarkdownSummary}), one CSV per row
 * type ({@link org.encodertraces.report.ReportCsv}) and each table as CSV and LaTeX
 * ({@link org.encodertraces.report.ReportTables}), the trace curves over depth as CSV and LaTeX
 * ({@link org.encodertraces.report.LayerRow}, {@link org.encodertraces.report.LayerTables}). Every figure carries its n, chance and a 95% interval
 * from counts ({@link org.encodertraces.report.Intervals}); the study's published figures are read from
 * its tables ({@link org.encodertraces.report.PaperResults}) and set beside ours only where like is
 * compared with like ({@link org.encodertraces.report.PaperComparison},
 * {@link org.encodertraces.report.StudyFigure}).
 *
 * <p>Independent of the experiment classes that computed the rows (the audit converts its outcome into
 * {@code ReportData}): it knows encoders' families and the validity marks, not probes, kNN or the
 * audit, and nothing of the CLI.
 */
package org.encodertraces.report;
