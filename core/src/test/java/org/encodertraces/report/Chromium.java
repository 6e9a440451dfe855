package org.encodertraces.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.encodertraces.Requirements;
import org.encodertraces.report.html.HtmlReport;

/**
 * Debian's headless Chromium as a test instrument: screenshots, the DOM after the page's inline
 * check script ran, and the checks every rendered report must pass (charts drawn, no text outside
 * its chart, an interval in every accuracy cell, the study's figure or family band in every encoder
 * row). Public so that CLI-level tests in other packages can use it.
 */
public final class Chromium {
    /** The browser; {@code -Dchromium.path} overrides. */
    public static final Path PATH = Path.of(System.getProperty("chromium.path", "/usr/bin/chromium"));
    static final Pattern CONSOLE = Pattern.compile("(?m)^.*(:CONSOLE|Uncaught).*$");
    /** The study's processing tasks: every encoder row of these has a study figure or band. */
    static final Set<String> STUDY_TASKS = Set.of("JPEG", "Sharpening", "Resizing", "Interpolation");

    private Chromium() {
    }

    /**
     * Called first in each test, so that a missing browser shows as a skipped test with a message
     * saying how to install it (a failure under TRACES_REQUIRE_ALL=1: {@link Requirements#chromium}).
     */
    public static void require() {
        Requirements.chromium(PATH);
    }

    /** What one Chromium run printed. */
    public record Run(int exit, String stdout, String stderr) {
    }

    /** Runs Chromium headless with its own profile under {@code tmp}. */
    public static Run run(Path tmp, String name, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(PATH.toString(), "--headless", "--no-sandbox", "--disable-gpu",
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

    /** The DOM of {@code page} after its scripts ran (virtual time lets the export self-test finish). */
    public static String dom(Path tmp, String name, Path page, String hash) throws Exception {
        Run r = run(tmp, name, "--virtual-time-budget=15000", "--dump-dom", page.toUri() + hash);
        assertNoConsoleMessages(r);
        return r.stdout;
    }

    /** A full-page-width screenshot of {@code page}, kept under {@code target/report-chromium/NAME.png}. */
    public static Path screenshot(Path tmp, String name, Path page, int height) throws Exception {
        Path png = tmp.resolve(name + ".png");
        Run r = run(tmp, name, "--screenshot=" + png, "--window-size=1280," + height, page.toUri().toString());
        assertTrue(Files.isRegularFile(png), "no screenshot; chromium said:\n" + r.stderr);
        assertNoConsoleMessages(r);
        Path dir = Path.of("core", "target", "report-chromium");
        Files.createDirectories(dir);
        Files.copy(png, dir.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        return png;
    }

    static void assertNoConsoleMessages(Run run) {
        Matcher m = CONSOLE.matcher(run.stderr);
        List<String> lines = new ArrayList<>();
        while (m.find()) {
            lines.add(m.group());
        }
        assertTrue(lines.isEmpty(), "page logged to the console:\n" + String.join("\n", lines));
    }

    /** The body element's attributes in a dumped DOM. */
    public static String bodyAttributes(String dom) {
        Matcher body = Pattern.compile("<body([^>]*)>").matcher(dom);
        assertTrue(body.find(), "no body in dumped DOM");
        return body.group(1);
    }

    /** Every {@code <svg class="chart">} of a dumped DOM. */
    public static List<String> charts(String dom) {
        return all(dom, "(?s)<svg class=\"chart\".*?</svg>");
    }

    static List<String> all(String s, String regex) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile(regex).matcher(s);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    /**
     * The checks every report page must pass in the browser: each chart drawn with bars, a title and
     * a description; no text element outside its chart's box; every SVG and PNG export produced; every
     * accuracy cell with an interval; every encoder row of the headline table, and of the study's
     * tasks in the probe tables, with the study's figure or its family band (yardsticks and models of
     * unknown family excepted, which say why).
     */
    public static void assertReportPage(ReportData data, String dom) {
        String body = bodyAttributes(dom);
        assertTrue(!body.contains("data-js-error"), body);
        assertTrue(body.contains("data-rendered=\"ok\""), "inline check says: " + body);
        assertTrue(body.contains("data-clipped=\"none\""), "text outside its chart: " + body);
        List<String> charts = charts(dom);
        assertEquals(HtmlReport.chartCount(data), charts.size(), "charts in the rendered DOM");
        assertTrue(body.contains("data-charts=\"" + charts.size() + "\""), body);
        for (String svg : charts) {
            assertTrue(svg.contains("<rect class=\"bar\""), "chart without bars: " + svg.substring(0, 120));
            assertTrue(svg.contains("<title id="), "chart without an accessible title");
            assertTrue(svg.contains("<desc id="), "chart without an accessible description");
            assertTrue(!svg.contains(">-0.0") && !svg.contains("\u22120.0<") && !svg.contains("-0.0 pp"),
                    "negative zero drawn");
        }
        Matcher exported = Pattern.compile("data-exported=\"([^\"]*)\"").matcher(body);
        assertTrue(exported.find(), "the export self-test did not finish: " + body);
        List<String> parts = List.of(exported.group(1).split(" "));
        assertEquals(charts.size(), parts.size(), exported.group(1));
        for (String p : parts) {
            String[] sizes = p.substring(p.indexOf('=') + 1).split(",");
            assertTrue(Integer.parseInt(sizes[0]) > 5000, "PNG export too small or missing: " + p);
            assertTrue(Integer.parseInt(sizes[1]) > 1000, "SVG export too small: " + p);
        }
        List<String> acc = all(dom, "<td class=\"num acc\"[^>]*>.*?</td>");
        assertTrue(!acc.isEmpty(), "no accuracy cells");
        for (String cell : acc) {
            assertTrue(cell.contains("data-ci=\"") && cell.contains("<small class=\"ci\">["),
                    "accuracy cell without an interval: " + cell);
        }
        assertTrue(!dom.contains("recorded no reason"), "a section without its reason");
        String headline = dom.substring(dom.indexOf("<table class=\"headline\">"), dom.indexOf("</table>",
                dom.indexOf("<table class=\"headline\">")));
        List<String> rows = all(headline, "(?s)<tr class=\"encoder-row[^\"]*\" data-encoder=\"[^\"]*\">.*?</tr>");
        assertEquals(data.encoders().size(), rows.size(), "one headline row per encoder");
        for (String row : rows) {
            EncoderInfo e = data.encoder(unescape(row.replaceFirst("(?s)^.*?data-encoder=\"([^\"]*)\".*$", "$1")));
            if (e.isReference()) {
                assertTrue(row.contains("yardstick"), "yardstick row not marked: " + row);
            } else if (e.family() != EncoderGroup.OTHER && data.probes().stream().anyMatch(p -> p.encoderId()
                    .equals(e.id()) && STUDY_TASKS.contains(p.task()))) {
                assertTrue(row.contains("data-study=\"exact\"") || row.contains("data-study=\"band\""),
                        "no study figure or family band for " + e.id() + ": " + row);
            }
        }
        for (String table : all(dom, "(?s)<table class=\"probes\">.*?</table>")) {
            for (String row : all(table, "(?s)<tr class=\"encoder-row[^\"]*\" data-encoder=\"[^\"]*\"><td>[^<]*</td>"
                    + ".*?</tr>")) {
                String task = row.replaceFirst("(?s)^.*?\"><td>([^<]*)</td>.*$", "$1");
                EncoderInfo e = data.encoder(unescape(row.replaceFirst("(?s)^.*?data-encoder=\"([^\"]*)\".*$", "$1")));
                if (STUDY_TASKS.contains(task) && !e.isReference() && e.family() != EncoderGroup.OTHER) {
                    assertTrue(row.contains("data-study=\"exact\"") || row.contains("data-study=\"band\""),
                            "no study figure or family band for " + e.id() + " on " + task + ": " + row);
                }
            }
        }
    }

    private static String unescape(String s) {
        return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
                .replace("&amp;", "&");
    }
}
