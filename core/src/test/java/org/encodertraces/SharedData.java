package org.encodertraces;

import java.nio.file.Path;

/**
 * Locates the shared read-only data ({@code ../shared} beside the checkout, or {@code TRACES_SHARED}).
 * A test that needs it and cannot find it is skipped, or failed under {@code TRACES_REQUIRE_ALL=1},
 * by {@link Requirements}, with a message saying where it looked.
 */
public final class SharedData {
    private SharedData() {
    }

    /** The shared folder root: required. */
    public static Path root() {
        return Requirements.shared();
    }

    /** A path under the shared root: required. */
    public static Path require(String relative) {
        return Requirements.shared(relative);
    }
}
