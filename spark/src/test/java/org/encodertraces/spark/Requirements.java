package org.encodertraces.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Assumptions;
import org.opentest4j.AssertionFailedError;

/**
 * The spark module's copy of core's {@code org.encodertraces.Requirements} (core's test classes are
 * not on this module's test classpath), cut to what the Spark tests need: the shared data. Without
 * it a test is skipped, saying what is missing; with {@value #SWITCH}{@code =1} ({@code .ci/run}
 * sets it) the test fails instead.
 */
public final class Requirements {
    /** The environment variable that turns a missing requirement from a skip into a failure. */
    public static final String SWITCH = "TRACES_REQUIRE_ALL";

    private Requirements() {
    }

    /** Returns when {@code present}; otherwise skips the test, or fails it under the switch, saying {@code missing}. */
    public static void need(boolean present, String missing) {
        if (present) {
            return;
        }
        String v = System.getenv(SWITCH);
        if (v != null && (v.strip().equals("1") || v.strip().toLowerCase(Locale.ROOT).equals("true"))) {
            throw new AssertionFailedError(SWITCH + "=1 (set by .ci/run), so this test may not be skipped: " + missing);
        }
        Assumptions.abort("skipped: " + missing + " (with " + SWITCH + "=1 this is a failure)");
    }

    /** A file or folder under the shared folder ({@code TRACES_SHARED}, default {@code ../shared}): required. */
    public static Path shared(String relative) {
        String env = System.getenv("TRACES_SHARED");
        Path root = (env != null && !env.isBlank() ? Path.of(env) : Path.of("..", "shared")).toAbsolutePath().normalize();
        Path p = root.resolve(relative);
        need(Files.exists(p), "the shared folder " + root + " has no " + relative + ": put the shared models, photos and"
                + " datasets at ../shared beside the checkout or set TRACES_SHARED to a complete copy");
        return p;
    }
}
