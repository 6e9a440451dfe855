package org.encodertraces.cli;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** A few shared flower photos in two class folders: enough for one probe, small enough for CLI tests that run in seconds. */
final class SmallFlowers {
    private SmallFlowers() {
    }

    /** The shared folder ({@code TRACES_SHARED}, default {@code ../shared}). */
    static Path shared() {
        return Path.of(System.getenv().getOrDefault("TRACES_SHARED", "../shared")).toAbsolutePath().normalize();
    }

    /** Copies the first {@code perClass} daisies and tulips into {@code dir}; skips the test without the shared data. */
    static Path copy(Path dir, int perClass) throws IOException {
        Path flowers = shared().resolve("data/flowers17");
        assumeTrue(Files.isDirectory(flowers), "SKIPPED: " + flowers + " not found; set TRACES_SHARED to the shared folder");
        for (String c : List.of("daisy", "tulip")) {
            Files.createDirectories(dir.resolve(c));
            try (Stream<Path> s = Files.list(flowers.resolve(c))) {
                for (Path p : s.sorted().limit(perClass).toList()) {
                    Files.copy(p, dir.resolve(c).resolve(p.getFileName()));
                }
            }
        }
        return dir;
    }
}
