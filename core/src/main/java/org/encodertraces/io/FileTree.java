package org.encodertraces.io;

import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.function.Predicate;

/**
 * Lists the files under a folder the way every batch command sees them: recursively, sorted,
 * hidden names left out, and <b>symbolic links followed</b>: a link to a file is that file, a
 * link to a folder (a class folder kept elsewhere, say) is walked like a folder. What cannot
 * be followed is not dropped silently: a broken link, a loop of links, a link back to a folder
 * above it (which would be walked forever) and a folder that cannot be listed come back as
 * entries with the {@link Entry#problem() problem} in words, so the command records them as
 * failed inputs and goes on.
 */
public final class FileTree {
    /**
     * One listed path.
     *
     * @param path    the path as reached from the root (through the links, not their targets)
     * @param problem why it cannot be read, or null for a regular file
     */
    public record Entry(Path path, String problem) {
        /** Whether this is a regular file to read. */
        public boolean ok() {
            return problem == null;
        }
    }

    private FileTree() {
    }

    /**
     * Lists {@code root} recursively.
     *
     * @param accept which file names to keep (applied to files and to broken links; loops and
     *               unlistable folders are always kept, as they may hide any file)
     */
    public static List<Entry> list(Path root, Predicate<Path> accept) throws IOException {
        List<Entry> out = new ArrayList<>();
        Files.walkFileTree(root, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (hidden(file)) {
                    return FileVisitResult.CONTINUE;
                }
                if (attrs.isRegularFile()) {
                    if (accept.test(file)) {
                        out.add(new Entry(file, null));
                    }
                } else if (attrs.isSymbolicLink()) {
                    // the walk could not follow it (its attributes are the link's own): broken or a loop
                    String why = FileProblems.linkProblem(file);
                    if (why != null && (accept.test(file) || why.startsWith("symbolic link loop"))) {
                        out.add(new Entry(file, why));
                    }
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (file.equals(root)) {
                    throw e;
                }
                if (hidden(file)) {
                    return FileVisitResult.CONTINUE;
                }
                if (e instanceof FileSystemLoopException) {
                    String why = FileProblems.linkProblem(file);
                    out.add(new Entry(file, why != null ? why : "symbolic link loop: it leads back to a folder it is in"));
                } else {
                    out.add(new Entry(file, (Files.isDirectory(file) ? "folder cannot be listed: " : "")
                            + FileProblems.describe(file, e)));
                }
                return FileVisitResult.CONTINUE;
            }
        });
        out.sort(Comparator.comparing(Entry::path));
        return out;
    }

    private static boolean hidden(Path p) {
        Path name = p.getFileName();
        return name != null && name.toString().startsWith(".");
    }
}
