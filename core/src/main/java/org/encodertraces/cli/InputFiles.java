package org.encodertraces.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Expands the files and folders given on a command line into a sorted list of regular files
 * (folders recursively; hidden files skipped), so batch commands see every input once and in
 * a stable order. A path that does not exist, or a folder that cannot be listed, is kept, so
 * the command reports it as a failure and goes on.
 */
final class InputFiles {
    private InputFiles() {
    }

    static List<Path> expand(List<Path> inputs) {
        List<Path> out = new ArrayList<>();
        for (Path p : inputs) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> walk = Files.walk(p)) {
                    walk.filter(Files::isRegularFile)
                            .filter(f -> !f.getFileName().toString().startsWith("."))
                            .sorted()
                            .forEach(out::add);
                } catch (IOException | UncheckedIOException e) {
                    // an unlistable folder becomes an input of its own, so the batch reports it as failed and goes on
                    out.add(p);
                }
            } else {
                out.add(p);
            }
        }
        return out;
    }
}
