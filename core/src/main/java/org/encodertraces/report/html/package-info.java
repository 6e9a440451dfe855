/**
 * The report as one self-contained HTML page, and the report folder it heads. Owns the page's markup:
 * {@link org.encodertraces.report.html.HtmlReport} is the skeleton (head, header and navigation, the
 * sections in order, footer, inline script) and each section of the study's report is one renderer:
 * trace sensitivity (the headline), reproduction of the study's figures, processing probes,
 * acquisition probes, kNN influence, pair retrieval, after erasure, dataset audit, tables for papers,
 * provenance; and the result documents given to {@code traces report} beside (or instead of) an
 * audit's report, one block each with every figure's n and chance. The charts are inline SVG drawn in Java; the style sheet and the script are resources of
 * this package ({@code report.css}, {@code report.js}) copied into the page, so nothing is fetched
 * when it is opened. {@link org.encodertraces.report.html.ReportWriter} writes the page with the
 * report's other formats beside it, each by its own writer in {@code report}.
 *
 * <p>Must not know: how the figures were computed or what ran (it renders a
 * {@link org.encodertraces.report.ReportData} and nothing else), which section a note belongs to
 * (each {@link org.encodertraces.report.Note} carries it from where it was made), how a headline,
 * interval or reproduction row is formed ({@code report} computes them; here they are only laid
 * out), or the command line. Nothing in {@code report} depends on this package.
 *
 * <p>Entry points: {@link org.encodertraces.report.html.ReportWriter#write} (the folder) and
 * {@link org.encodertraces.report.html.HtmlReport#render} (the page's text). A section is added by
 * writing a {@code PageSection} and placing it in {@code HtmlReport.SECTIONS}; it decides whether it is
 * shown and, when its experiment has no data, says why.
 */
package org.encodertraces.report.html;
