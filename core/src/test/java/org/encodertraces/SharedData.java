package org.encodertraces;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the shared read-only data ({@code ../shared} beside the checkout, or {@code TRACES_SHARED}).
 * A test that needs it and cannot find it is skipped with a message saying where it looked.
 */
public final class SharedData {
    private SharedData() {
    }

    /** The shared folder root, or aborts (skips) the calling test with a clear reason. */
    public static Path root() {
        String env = System.getenv("TRACES_SHARED");
        Path p = env != null && !env.isBlank() ? Path.of(env) : Path.of("..", "shared");
        assumeTrue(Files.isDirectory(p), () -> "shared data not found at " + p.toAbsolutePath()
                + " (set TRACES_SHARED): test skipped");
        return p;
    }

    /** A path under the shared root that must exist, or aborts (skips) the calling test. */
    public static Path require(String relative) {
        Path p = root().resolve(relative);
        assumeTrue(Files.exists(p), () -> "shared data file missing: " + p.toAbsolutePath() + ": test skipped");
        return p;
    }
}
