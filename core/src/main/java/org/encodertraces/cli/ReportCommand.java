package org.encodertraces.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.encodertraces.report.PaperComparison;
import org.encodertraces.report.PaperResults;
import org.encodertraces.report.ReportData;
import org.encodertraces.report.ReportFiles;
import org.encodertraces.report.ReportJson;
import org.encodertraces.report.html.ReportWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code traces report}: renders a report.json again as the HTML page, Markdown summary and CSVs. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Render a report.json (written by a run) as a self-contained HTML report, summary.md and CSVs.",
        exitCodeListHeading = "%nExit status:%n", exitCodeList = {"0:written", "2:a missing or invalid report.json or --paper folder"})
final class ReportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "REPORT_JSON", description = "report.json to render")
    Path json;

    @Option(names = "--out", required = true, description = "output folder")
    Path out;

    @Option(names = "--paper", description = "folder of the study's CSVs (e.g. ../shared/reference/paper-results);"
            + " without it no study figures are shown")
    Path paper;

    @Option(names = "--study-dataset", defaultValue = "ImageNet",
            description = "the study's dataset whose processing/kNN figures are shown beside ours: ImageNet or"
                    + " iNaturalist (default: ${DEFAULT-VALUE})")
    String studyDataset;

    @Override
    public Integer call() throws Exception {
        if (!studyDataset.equalsIgnoreCase("ImageNet") && !studyDataset.equalsIgnoreCase("iNaturalist")) {
            throw new ParameterException(spec.commandLine(), "--study-dataset must be ImageNet or iNaturalist, got "
                    + studyDataset);
        }
        ReportData data;
        PaperResults p;
        try {
            data = new ReportJson().read(json);
            p = paper == null ? null : PaperResults.load(paper);
        } catch (java.io.IOException e) {
            throw new UsageException(e);
        }
        PaperComparison cmp = new PaperComparison(studyDataset, PaperComparison.DEFAULT_ALIASES);
        ReportFiles files = ReportWriter.write(data, p, cmp, out);
        spec.commandLine().getOut().println(files.html().toAbsolutePath());
        return 0;
    }
}
