package org.encodertraces.report.html;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.encodertraces.io.AtomicFiles;
import org.encodertraces.provenance.ArtifactProvenance;
import org.encodertraces.report.DatasetInfo;
import org.encodertraces.report.Note;
import org.encodertraces.report.ReportSources;
import org.encodertraces.report.ResultFigures;
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
        List<Path> csv = ReportCsv.write(data, outDir);
        List<Path> tables = ReportTables.write(ReportTables.of(data, paper, cmp), outDir);
        return new ReportFiles(html, json, md, csv, tables);
    }

    /**
     * Writes the report of what {@code traces report} was given: the audit's report (if any) with its
     * sections, data and tables as {@link #write(ReportData, PaperResults, PaperComparison, Path)}
     * writes them, and the result documents in their own section, in {@code summary.md} and in
     * {@code results.csv}. Without an audit no {@code report.json} is written (there is no audit
     * data to rebuild a page from; the documents themselves are the data).
     *
     * @param paper the study's figures, or null to show none
     */
    public static ReportFiles write(ReportSources sources, PaperResults paper, PaperComparison comparison, Path outDir)
            throws IOException {
        PaperComparison cmp = comparison == null ? PaperComparison.imageNet() : comparison;
        ReportData data = sources.audit() != null ? sources.audit() : blank(sources);
        List<Note> notes = new ArrayList<>(data.notes());
        sources.notes().forEach(n -> notes.add(new Note(Note.Section.GENERAL, n)));
        data = new ReportData(data.title(), data.created(), data.dataset(), data.encoders(), data.probes(), data.knn(), data.retrieval(),
                data.audit(), notes, data.provenance(), data.erasure());
        Files.createDirectories(outDir);
        Path html = outDir.resolve(HtmlReport.HTML);
        AtomicFiles.writeString(html, HtmlReport.render(data, paper, cmp, sources.documents()));
        Path json = null;
        List<Path> csv = new ArrayList<>();
        List<Path> tables = List.of();
        String md = "";
        if (sources.audit() != null) {
            json = outDir.resolve(ReportJson.FILE);
            new ReportJson().write(data, json);
            md = MarkdownSummary.render(data) + "\n";
            csv.addAll(ReportCsv.write(data, outDir));
            tables = ReportTables.write(ReportTables.of(data, paper, cmp), outDir);
        } else {
            md = "# " + data.title() + "\n\n";
            for (Note n : notes) {
                md += "- " + n.text() + "\n";
            }
            md += notes.isEmpty() ? "" : "\n";
        }
        List<ResultFigures.Row> rows = ResultFigures.of(sources.documents());
        if (!sources.documents().isEmpty()) {
            md += ResultFigures.markdown(sources.documents(), rows);
            csv.add(ResultFigures.writeCsv(rows, outDir));
        }
        Path mdFile = outDir.resolve(MarkdownSummary.FILE);
        AtomicFiles.writeString(mdFile, md);
        return new ReportFiles(html, json, mdFile, csv, tables);
    }

    /** The report data of result documents alone: no dataset or encoder of an audit, stamped with the latest document's end. */
    private static ReportData blank(ReportSources sources) {
        Instant created = null;
        for (ReportSources.Found f : sources.documents()) {
            ArtifactProvenance p = f.document().provenance();
            Instant t = p == null ? null : p.finished() != null ? p.finished() : p.started();
            if (t != null && (created == null || t.isAfter(created))) {
                created = t;
            }
        }
        return new ReportData("encoder-traces results", (created == null ? Instant.now() : created).toString(),
                new DatasetInfo("(see each document's inputs)", 0, 0), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
                Map.of(), List.of());
    }
}
