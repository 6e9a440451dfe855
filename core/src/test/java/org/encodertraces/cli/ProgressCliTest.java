package org.encodertraces.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 22, item 7: with standard error not a terminal (a log, CI, a pipe; in these tests too) a long
 * command prints a plain progress line every interval, with stage, count, rate and ETA, and no
 * terminal control characters; before, it printed nothing until the very end. The interval is 30 s;
 * {@code TRACES_PROGRESS_SECONDS=0} (a line per update) lets the tests see the lines without waiting.
 */
@Timeout(120)
class ProgressCliTest {
    private static Map<String, String> everyUpdate() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("TRACES_PROGRESS_SECONDS", "0");
        return env;
    }

    /** The lines of {@code err} that match {@code regex}. */
    private static List<String> lines(String err, String regex) {
        Pattern p = Pattern.compile(regex);
        return err.lines().filter(l -> p.matcher(l).matches()).toList();
    }

    private static void plain(String err) {
        assertFalse(err.contains("\r") || err.contains("\u001b"), "no carriage returns or escape codes off a terminal: " + err);
    }

    @Test
    void embedPrintsPlainProgressLines(@TempDir Path tmp) throws Exception {
        Path images = AuditEstimateCliTest.folder(tmp.resolve("img"), 20, 96, 72);
        String[] args = {"embed", "--images", images.toString(), "--model", "builtin:jpeg-forensic", "--processing",
                "JPEG75_420,JPEG95_444,SHARPEN_2", "--batch-size", "4", "--threads", "1", "-o", tmp.resolve("out").toString()};
        CliRun r = CliRun.withEnv(everyUpdate(), args);
        assertEquals(0, r.exit(), r.err());
        List<String> progress = lines(r.err(), "embed builtin:jpeg-forensic: \\d+/60 \\(\\d+%\\), [0-9.]+/s, ETA [0-9:]+, elapsed [0-9:]+");
        assertTrue(progress.size() >= 3, "a line per update: " + r.err());
        assertTrue(progress.get(progress.size() - 1).startsWith("embed builtin:jpeg-forensic: 60/60 (100%)"), r.err());
        plain(r.err());

        // at the default interval a run this short prints only its last line
        CliRun quiet = CliRun.of(args[0], args[1], args[2], args[3], args[4], args[5], args[6], args[7], args[8], args[9], args[10],
                "-o", tmp.resolve("out2").toString());
        assertEquals(0, quiet.exit(), quiet.err());
        assertEquals(1, lines(quiet.err(), "embed builtin:jpeg-forensic: .*").size(), quiet.err());
    }

    @Test
    void processPrintsPlainProgressLines(@TempDir Path tmp) throws Exception {
        Path images = AuditEstimateCliTest.folder(tmp.resolve("img"), 6, 96, 72);
        CliRun r = CliRun.withEnv(everyUpdate(), "process", "--op", "JPEG75_420,SHARPEN_2", "--threads", "1", "-o",
                tmp.resolve("out").toString(), images.toString());
        assertEquals(0, r.exit(), r.err());
        List<String> progress = lines(r.err(), "process: \\d/6 \\(\\d+%\\), [0-9.]+/s, ETA [0-9:]+, elapsed [0-9:]+");
        assertTrue(progress.size() >= 6, r.err());
        plain(r.err());
    }

    @Test
    void auditPrintsItsStageWithTheProgressLines(@TempDir Path tmp) throws Exception {
        Path images = AuditEstimateCliTest.folder(tmp.resolve("img"), 20, 96, 72);
        CliRun r = CliRun.withEnv(everyUpdate(), "audit", "--images", images.toString(), "--model", "builtin:jpeg-forensic", "--tasks",
                "jpeg", "--mask", "0", "--protocol", "robust", "--trials", "2", "--seeds", "2", "--threads", "1",
                "-o", tmp.resolve("out").toString());
        assertEquals(0, r.exit(), r.err());
        List<String> progress = lines(r.err(), "audit: embedding 20 images x 6 operations with builtin:jpeg-forensic: \\d+/120 \\(\\d+%\\), "
                + "[0-9.]+/s, ETA [0-9:]+, elapsed [0-9:]+");
        assertTrue(progress.size() >= 2, r.err());
        plain(r.err());
    }
}
