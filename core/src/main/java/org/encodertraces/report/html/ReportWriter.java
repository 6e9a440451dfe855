package org.encodertraces.report.html;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.encodertraces.report.MarkdownSummary;
import org.encodertraces.report.PaperComparison;
import org.encodertraces.report.PaperResults;
import org.encodertraces.report.ReportCsv;
import org.encodertraces.report.ReportData;
import org.encodertraces.report.ReportFiles;
import org.encodertraces.report.ReportJson;
import org.encodertraces.report.ReportTables;

/**
 * Writes a report folder: the page ({@link HtmlReport}) and, beside it, each other format by its own
 * writer: {@code report.json} (the {@link ReportData}, from which the page can be rebuilt),
 * {@code summary.md} (the headline table), one CSV per row type and each table of the page as CSV
 * and LaTeX.
 */
public final class ReportWriter {
    private ReportWriter() {
    }

    /**
     * Writes every file into {@code outDir} (created if needed), comparing with the study's ImageNet figures.
     *
     * @param paper the study's figures, or null to show none
     */
    public static ReportFiles write(ReportData data, PaperResults paper, Path outDir) throws IOException {
        return write(data, paper, PaperComparison.imageNet(), outDir);
    }

    /** As {@link #write(ReportData, PaperResults, Path)} with an explicit choice of the study's figures (null: ImageNet). */
    public static ReportFiles write(ReportData data, PaperResults paper, PaperComparison comparison, Path outDir)
            throws IOException {
        PaperComparison cmp = comparison == null ? PaperComparison.imageNet() : comparison;
        Files.createDirectories(outDir);
        Path html = outDir.resolve(HtmlReport.HTML);
        Files.writeString(html, HtmlReport.render(data, paper, cmp));
        Path json = outDir.resolve(ReportJson.FILE);
        new ReportJson().write(data, json);
        Path md = outDir.resolve(MarkdownSummary.FILE);
        Files.writeString(md, MarkdownSummary.render(data));
        List<Path> csv = new java.util.ArrayList<>(ReportCsv.write(data, outDir));
        csv.addAll(org.encodertraces.report.LayerTables.write(data, outDir));
        List<Path> tables = ReportTables.write(ReportTables.of(data, paper, cmp), outDir);
        return new ReportFiles(html, json, md, csv, tables);
    }
}
