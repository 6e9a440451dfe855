package org.encodertraces.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.encodertraces.report.Note;
import org.encodertraces.report.ReportData;
import org.encodertraces.report.ReportJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each note of a report sits under the part it is about because the code that made it says so, not
 * because of the words it happens to contain; the section travels in {@code report.json}, so
 * {@code traces report} rebuilds the same page.
 */
class ReportNotesCliTest {
    /**
     * The failed-images note names the dataset's folder; a folder called "my-exif-photos" used to put
     * it under the acquisition probes (the page searched notes for "exif"), although it is about every
     * result of the run.
     */
    @Test
    void aNoteAboutTheWholeRunStaysAtTheHeadOfThePageWhateverTheFolderIsCalled(@TempDir Path tmp) throws Exception {
        Path data = ReliabilityCliTest.scenes(tmp.resolve("my-exif-photos"), 6, true);
        Path out = tmp.resolve("audit");
        CliRun r = CliRun.of("audit", "--images", data.toString(), "--model", "builtin:lowlevel-stats", "--tasks", "sharpening",
                "--mask", "0", "--trainer", "LBFGS", "--trials", "2", "--seeds", "1", "--quiet", "-o", out.toString());
        assertEquals(1, r.exit(), r.err());
        String html = Files.readString(out.resolve("report.html"));
        int failed = html.indexOf("<li>builtin:lowlevel-stats: images failed to embed: 1 under JPEG95_444");
        assertTrue(failed > 0 && failed < html.indexOf("<h2>Trace sensitivity</h2>")
                && html.lastIndexOf("<section id=\"notes\" class=\"notes\">", failed) >= 0,
                "the failed-images note heads the page, in the run's notes, not under a section whose name its path contains");
        int audit = html.indexOf("<section id=\"audit\">");
        int undecoded = html.indexOf("<li>dataset audit: 1 image(s) that could not be decoded are left out of it</li>");
        assertTrue(audit > 0 && undecoded > audit, "the dataset audit's own note sits under the dataset audit");

        ReportData d = new ReportJson().read(out.resolve("report.json"));
        assertEquals(Note.Section.GENERAL, d.notes().stream().filter(n -> n.text().contains("images failed to embed"))
                .findFirst().orElseThrow().section());
        assertEquals(Note.Section.AUDIT, d.notes().stream().filter(n -> n.text().contains("could not be decoded"))
                .findFirst().orElseThrow().section());
        assertTrue(Files.readString(out.resolve("report.json")).contains("\"section\" : \"GENERAL\""), "the section is written");

        // the audit set the study's figures beside ours when the shared folder has them: so does the rebuild
        String env = System.getenv("TRACES_SHARED");
        Path paper = (env != null && !env.isBlank() ? Path.of(env) : Path.of("..", "shared")).resolve("reference").resolve("paper-results");
        List<String> args = new ArrayList<>(List.of("report", out.resolve("report.json").toString(), "--out", tmp.resolve("again").toString()));
        if (Files.isDirectory(paper)) {
            args.addAll(List.of("--paper", paper.toString()));
        }
        Path again = tmp.resolve("again");
        CliRun report = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, report.exit(), report.err());
        String rebuilt = Files.readString(again.resolve("report.html"));
        // up to the provenance appendix, where the audit shows the encoder's preprocessing as a Java record
        // and the rebuild its JSON fields
        String before = "<section id=\"provenance\">";
        assertEquals(html.substring(0, html.indexOf(before)), rebuilt.substring(0, rebuilt.indexOf(before)),
                "the page rebuilt from report.json is the audit's page, every note in its place");
    }
}
