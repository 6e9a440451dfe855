package org.encodertraces.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.encodertraces.Requirements;

/** A few shared flower photos in two class folders: enough for one probe, small enough for CLI tests that run in seconds. */
final class SmallFlowers {
    private SmallFlowers() {
    }

    /** The shared folder ({@code TRACES_SHARED}, default {@code ../shared}): required (see {@link Requirements}). */
    static Path shared() {
        return Requirements.shared();
    }

    /** Copies the first {@code perClass} daisies and tulips into {@code dir}; the shared flowers are required. */
    static Path copy(Path dir, int perClass) throws IOException {
        Path flowers = Requirements.shared("data/flowers17");
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
