package org.encodertraces.encoder;

import java.nio.file.Path;
import org.encodertraces.Requirements;

/** Finds the shared test material ({@code ../shared} or env TRACES_SHARED) through {@link Requirements}. */
final class SharedData {
    private SharedData() {
    }

    static Path root() {
        return Requirements.shared();
    }

    /** The shared file: required (skipped without it, a failure under TRACES_REQUIRE_ALL=1). */
    static Path require(String relative) {
        return Requirements.shared(relative);
    }
}
