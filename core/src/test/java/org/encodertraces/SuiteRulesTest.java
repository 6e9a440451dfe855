package org.encodertraces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/**
 * The suite's own honesty: a test is skipped only through {@link Requirements}, which names what is
 * missing and how to install it and fails instead under {@code TRACES_REQUIRE_ALL=1}; CI sets that
 * switch, so a CI run without the shared data, TurboJPEG, libwebp or Chromium fails rather than
 * passing on fewer checks.
 */
class SuiteRulesTest {
    /** JUnit's ways to skip or disable a test. */
    private static final Pattern SKIPS = Pattern.compile(
            "\\bAssumptions\\b|\\bassume(True|False)\\s*\\(|\\bassumingThat\\s*\\(|\\bTestAbortedException\\b"
                    + "|@(Disabled|EnabledIf|DisabledIf|EnabledOn|DisabledOn|EnabledFor|DisabledFor)\\w*");

    @Test
    void testsSkipOnlyThroughRequirements() {
        List<String> found = new ArrayList<>();
        for (JavaSources.Source s : JavaSources.test()) {
            if (s.className().equals("Requirements") || s.className().equals("SuiteRulesTest")) {
                continue; // core's helper, spark's copy of it, and this test of it
            }
            Matcher m = SKIPS.matcher(s.code());
            while (m.find()) {
                int line = 1 + (int) s.code().substring(0, m.start()).chars().filter(c -> c == '\n').count();
                found.add(s.where() + ":" + line + ": " + m.group());
            }
        }
        assertEquals(List.of(), found, "skips outside Requirements (use Requirements.need, shared, turboJpeg, chromium or skipUnless)");
    }

    @Test
    void aMissingRequirementSkipsNormallyAndFailsUnderTheSwitch() {
        String missing = "Chromium is not at /nowhere/chromium: install it with apt-get install chromium";
        TestAbortedException skipped = assertThrows(TestAbortedException.class, () -> Requirements.check(false, false, missing));
        assertTrue(skipped.getMessage().contains(missing) && skipped.getMessage().contains("TRACES_REQUIRE_ALL=1"), skipped.getMessage());
        AssertionFailedError failed = assertThrows(AssertionFailedError.class, () -> Requirements.check(true, false, missing));
        assertTrue(failed.getMessage().startsWith("TRACES_REQUIRE_ALL=1 (set by .ci/run), so this test may not be skipped: " + missing),
                failed.getMessage());
        Requirements.check(true, true, missing); // present: nothing happens in either mode
        Requirements.check(false, true, missing);
        // a requirement with a fallback: the fallback is checked normally, the switch fails the test
        assertEquals(false, Requirements.presentOrFallback(false, false, missing));
        assertThrows(AssertionFailedError.class, () -> Requirements.presentOrFallback(true, false, missing));
        assertEquals(true, Requirements.presentOrFallback(true, true, missing));
    }

    @Test
    void ciRunsTheSuiteWithTheSwitchSet() throws IOException {
        String run = Files.readString(Path.of(".ci", "run"));
        int exported = run.indexOf("export " + Requirements.SWITCH + "=1");
        int verify = run.indexOf("mvn -q -B verify");
        assertTrue(exported >= 0 && verify > exported, ".ci/run exports " + Requirements.SWITCH + "=1 before it runs the tests:\n" + run);
    }
}
