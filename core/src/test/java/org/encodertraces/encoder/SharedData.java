package org.encodertraces.encoder;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the shared test material ({@code ../shared} or env TRACES_SHARED); skips the test when absent. */
final class SharedData {
    private SharedData() {
    }

    static Path root() {
        String env = System.getenv("TRACES_SHARED");
        return Path.of(env != null && !env.isBlank() ? env : "../shared").toAbsolutePath().normalize();
    }

    /** The shared file, or the test is skipped with a message saying what is missing. */
    static Path require(String relative) {
        Path p = root().resolve(relative);
        assumeTrue(Files.isRegularFile(p), () -> "SKIPPED: shared file " + p
                + " not found; set TRACES_SHARED to the shared folder to run this test");
        return p;
    }
}
