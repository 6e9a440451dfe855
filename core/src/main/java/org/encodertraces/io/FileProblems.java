package org.encodertraces.io;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Says in words why a file could not be read: a broken symbolic link, a symbolic link loop,
 * permission denied, a folder where a file was expected, no such file. The JDK's own messages
 * ("Too many levels of symbolic links", a bare path for {@code NoSuchFileException}) name the
 * symptom, not the cause, and a loop or a broken link both look like "no such file" to it.
 */
public final class FileProblems {
    private FileProblems() {
    }

    /**
     * Why {@code file} could not be read, without the file name ("permission denied",
     * "broken symbolic link (its target ... does not exist)", ...).
     *
     * @param e what the read threw, or null to describe the file as it is now
     */
    public static String describe(Path file, IOException e) {
        if (e instanceof FileBytes.TooLargeException) {
            return e.getMessage();
        }
        if (Files.isSymbolicLink(file)) {
            String link = linkProblem(file);
            if (link != null) {
                return link;
            }
        }
        if (e instanceof FileSystemLoopException) {
            return "symbolic link loop: it leads back to a folder it is in";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return "no such file";
        }
        if (Files.isDirectory(file)) {
            return "is a folder, not a file";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            String r = fs.getReason().toLowerCase(Locale.ROOT);
            return r.contains("permission denied") ? "permission denied" : r;
        }
        if (e == null) {
            return Files.isReadable(file) ? "unreadable" : "permission denied";
        }
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.toLowerCase(Locale.ROOT).contains("permission denied") ? "permission denied" : m;
    }

    /**
     * What is wrong with a symbolic link that cannot be followed to a file: broken (its target
     * does not exist), a loop of links, or a link to a folder above it (a loop for a walk); null
     * when it leads to something readable.
     */
    public static String linkProblem(Path link) {
        Path target;
        try {
            target = Files.readSymbolicLink(link);
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
        try {
            Path real = link.toRealPath();
            if (Files.isDirectory(real)) {
                Path here = link.toAbsolutePath().getParent();
                Path hereReal = here == null ? null : here.toRealPath();
                if (hereReal != null && hereReal.startsWith(real)) {
                    return "symbolic link loop: it points to " + target + ", a folder it is in";
                }
            }
            return null;
        } catch (NoSuchFileException e) {
            return "broken symbolic link (its target " + target + " does not exist)";
        } catch (FileSystemException e) {
            String r = e.getReason() == null ? "" : e.getReason().toLowerCase(Locale.ROOT);
            if (r.contains("too many levels of symbolic links")) {
                return "symbolic link loop (it points to " + target + ", which leads back to itself)";
            }
            return "symbolic link to " + target + " that cannot be followed: " + (r.isEmpty() ? e.getMessage() : r);
        } catch (IOException e) {
            return "symbolic link to " + target + " that cannot be followed: " + e.getMessage();
        }
    }

    /**
     * Whether a write failed because the file system is full or the user's quota is spent
     * (ENOSPC, EDQUOT), anywhere in the cause chain (ImageIO wraps it in its own exception).
     */
    public static boolean isOutOfSpace(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t instanceof FileSystemException fs && fs.getReason() != null ? fs.getReason() : t.getMessage();
            if (m != null && (m.contains("No space left on device") || m.contains("Disk quota exceeded"))) {
                return true;
            }
        }
        return false;
    }
}
