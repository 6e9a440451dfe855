package org.encodertraces.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks the report as a person would: Debian's headless Chromium opens it from disk, takes a
 * screenshot and dumps the DOM after the inline check script ran. Skipped, with a message, when
 * Chromium is not installed ({@code .ci/run} installs it).
 */
class HtmlReportChromiumTest {
    static final Path CHROMIUM = Path.of(System.getProperty("chromium.path", "/usr/bin/chromium"));
    static final Pattern CONSOLE = Pattern.compile("(?m)^.*(:CONSOLE|Uncaught).*$");

    /** Called first in each test, so that a missing browser shows as a skipped test with this message. */
    static void needsChromium() {
        assumeTrue(Files.isExecutable(CHROMIUM), "Chromium not found at " + CHROMIUM
                + " (apt-get install chromium, or -Dchromium.path=...): browser test skipped");
    }

    @Test
    void reportRendersInChromiumWithChartsAndNoErrors(@TempDir Path tmp) throws Exception {
        needsChromium();
        ReportData data = SampleReports.full();
        Path paperDir = paperResults();
        PaperResults paper = paperDir == null ? null : PaperResults.load(paperDir);
        ReportFiles files = HtmlReport.write(data, paper, tmp.resolve("report"));

        Run shot = chromium(tmp, "shot", "--screenshot=" + tmp.resolve("shot.png"), "--window-size=1280,2400",
                files.html().toUri().toString());
        Path png = tmp.resolve("shot.png");
        assertTrue(Files.isRegularFile(png), "no screenshot; chromium said:\n" + shot.stderr);
        keep(png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(1280, img.getWidth());
        assertEquals(2400, img.getHeight());
        Set<Integer> colours = new HashSet<>();
        long nonWhite = 0;
        for (int y = 0; y < img.getHeight(); y += 2) {
            for (int x = 0; x < img.getWidth(); x += 2) {
                int rgb = img.getRGB(x, y) & 0xffffff;
                colours.add(rgb);
                if (rgb != 0xffffff) {
                    nonWhite++;
                }
            }
        }
        assertTrue(colours.size() > 200, "screenshot looks blank: " + colours.size() + " colours");
        assertTrue(nonWhite > img.getWidth() * img.getHeight() / 4 / 20, "screenshot mostly white");
        assertNoConsoleMessages(shot);

        Run dom = chromium(tmp, "dom", "--dump-dom", files.html().toUri().toString());
        assertNoConsoleMessages(dom);
        String html = dom.stdout;
        List<String> charts = charts(html);
        assertEquals(HtmlReport.chartCount(data), charts.size(), "charts in the rendered DOM");
        assertEquals(5, charts.size());
        for (String svg : charts) {
            assertTrue(svg.contains("<rect class=\"bar\""), "chart without bars: " + svg.substring(0, 120));
            assertTrue(svg.contains("<title id="), "chart without an accessible title");
            assertTrue(svg.contains("<desc id="), "chart without an accessible description");
        }
        Matcher body = Pattern.compile("<body([^>]*)>").matcher(html);
        assertTrue(body.find(), "no body in dumped DOM");
        assertTrue(body.group(1).contains("data-rendered=\"ok\""), "inline check says: " + body.group(1));
        assertTrue(body.group(1).contains("data-charts=\"5\""), body.group(1));
        assertTrue(!body.group(1).contains("data-js-error"), body.group(1));
        assertTrue(html.contains("<details>"), "provenance appendix is collapsible");
        assertTrue(html.contains("My &lt;b&gt;model&lt;/b&gt; &amp; co"), "names rendered as text, not markup");
        assumeTrue(paper != null, "study figures not found under ../shared: the study-marker check was skipped");
        assertTrue(html.contains("class=\"study-marker\""), "study's figures drawn as markers");
        assertTrue(html.contains("study, ImageNet"), "study's figures labelled with their dataset");
    }

    /** The checks above must be able to fail: a page with a script error and a chart without bars is caught. */
    @Test
    void brokenPageIsDetected(@TempDir Path tmp) throws Exception {
        needsChromium();
        ReportData data = SampleReports.full();
        Path out = tmp.resolve("report");
        String html = Files.readString(HtmlReport.write(data, null, out).html());
        int audit = html.indexOf("id=\"chart-audit\"");
        String broken = html.substring(0, audit) + html.substring(audit).replaceFirst("(?s)(.*?)</svg>",
                "$0").replace("<rect class=\"bar\"", "<rect class=\"gone\"");
        broken = broken.replace("<script>", "<script>notAFunction();</script>\n<script>");
        Path page = out.resolve("broken.html");
        Files.writeString(page, broken);
        Run dom = chromium(tmp, "broken", "--dump-dom", page.toUri().toString());
        assertTrue(CONSOLE.matcher(dom.stderr).find(), "script error not seen in the log:\n" + dom.stderr);
        assertTrue(dom.stdout.contains("data-rendered=\"missing:chart-audit\""),
                "inline check did not flag the bar-less chart");
    }

    private static void assertNoConsoleMessages(Run run) {
        Matcher m = CONSOLE.matcher(run.stderr);
        List<String> lines = new ArrayList<>();
        while (m.find()) {
            lines.add(m.group());
        }
        assertTrue(lines.isEmpty(), "page logged to the console:\n" + String.join("\n", lines));
    }

    private static List<String> charts(String html) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("(?s)<svg class=\"chart\".*?</svg>").matcher(html);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    private static Path paperResults() {
        String env = System.getenv("TRACES_SHARED");
        Path shared = env != null && !env.isBlank() ? Path.of(env) : Path.of("..", "shared");
        Path p = shared.resolve("reference/paper-results");
        return Files.isRegularFile(p.resolve("probe_processing.csv")) ? p : null;
    }

    /** Keeps the screenshot beside the build output for a person to look at. */
    private static void keep(Path png) throws IOException {
        Path dir = Path.of(System.getProperty("parity.report.dir", "target/parity")).resolveSibling("report-chromium");
        Files.createDirectories(dir);
        Files.copy(png, dir.resolve("report-screenshot.png"), StandardCopyOption.REPLACE_EXISTING);
    }

    record Run(int exit, String stdout, String stderr) {
    }

    private static Run chromium(Path tmp, String name, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-extensions", "--hide-scrollbars", "--enable-logging=stderr", "--v=0",
                "--user-data-dir=" + tmp.resolve("profile-" + name)));
        cmd.addAll(List.of(args));
        Path o = tmp.resolve(name + ".out");
        Path e = tmp.resolve(name + ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(o.toFile()).redirectError(e.toFile()).start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in 180 s: " + cmd);
        }
        return new Run(p.exitValue(), Files.readString(o), Files.readString(e));
    }
}
