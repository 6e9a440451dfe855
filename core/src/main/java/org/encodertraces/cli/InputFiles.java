package org.encodertraces.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.encodertraces.io.FileTree;

/**
 * Expands the files and folders given on a command line into a sorted list of files (folders
 * recursively, symbolic links followed, hidden files skipped; see {@link FileTree}), so batch
 * commands see every input once and in a stable order. A path that does not exist, a broken
 * link, a link loop or a folder that cannot be listed is kept, so the command reports it as a
 * failure with the reason and goes on.
 */
final class InputFiles {
    private InputFiles() {
    }

    static List<Path> expand(List<Path> inputs) {
        List<Path> out = new ArrayList<>();
        for (Path p : inputs) {
            if (Files.isDirectory(p)) {
                try {
                    FileTree.list(p, f -> true).forEach(e -> out.add(e.path()));
                } catch (IOException e) {
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
