package org.encodertraces.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.encodertraces.report.PaperComparison;
import org.encodertraces.report.PaperResults;
import org.encodertraces.report.ReportFiles;
import org.encodertraces.report.ReportSources;
import org.encodertraces.report.html.ReportWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code traces report}: renders an audit's report.json again, and any mix of result documents
 * (probe, knn, retrieval, erase evaluate, ablation) and folders holding them, as the HTML page,
 * Markdown summary and CSVs.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Render a report.json (written by an audit), result documents of any experiment (probe, knn, retrieval,"
                + " erase evaluate, ablation), or folders holding them, as one self-contained HTML report, summary.md and CSVs.",
                "Files are recognised by their content (a result document's \"experiment\" kind), not their names."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:written", "2:a missing file, a file that is neither a result document nor a report.json, or an invalid --paper folder"})
final class ReportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "DIR_OR_FILE",
            description = "report.json, result documents (JSON) and folders searched for them; at most one audit report.json")
    List<Path> inputs;

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
        ReportSources sources;
        PaperResults p;
        try {
            sources = ReportSources.collect(inputs);
            p = paper == null ? null : PaperResults.load(paper);
        } catch (java.io.IOException e) {
            throw new UsageException(e);
        }
        PaperComparison cmp = new PaperComparison(studyDataset, PaperComparison.DEFAULT_ALIASES);
        ReportFiles files = sources.documents().isEmpty() && sources.notes().isEmpty()
                ? ReportWriter.write(sources.audit(), p, cmp, out)
                : ReportWriter.write(sources, p, cmp, out);
        spec.commandLine().getOut().println(files.html().toAbsolutePath());
        return 0;
    }
}
