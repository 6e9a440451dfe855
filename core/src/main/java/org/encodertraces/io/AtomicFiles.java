package org.encodertraces.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * The one way every artifact is written: to a hidden temporary beside the target
 * ({@code .<name>.<random>.tmp}), then moved over it atomically, so a reader (or a rerun after a
 * kill) sees the old file or the new one, never half of one. Files end up readable by group and
 * others (0644), as an ordinary file written by the user would be.
 *
 * <p>Temporaries follow one naming pattern so that {@link #cleanStale(Path)} can remove those a
 * killed run left behind (call it only while holding the folder's {@link OutputLock}).
 */
public final class AtomicFiles {
    /** What writes a file's bytes. */
    @FunctionalInterface
    public interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    private static final Set<PosixFilePermission> RW_R_R = PosixFilePermissions.fromString("rw-r--r--");

    private AtomicFiles() {
    }

    /** Writes {@code body} to {@code target} through a temporary and an atomic move. */
    public static void write(Path target, Body body) throws IOException {
        Path tmp = newTemporary(target);
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                body.writeTo(out);
            }
            moveIntoPlace(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Writes UTF-8 text atomically. */
    public static void writeString(Path target, CharSequence text) throws IOException {
        write(target, out -> out.write(text.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /** Writes bytes atomically. */
    public static void writeBytes(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    /**
     * Creates an empty temporary beside {@code target} (parent folders included) named so that
     * {@link #cleanStale} recognises it, with mode 0644.
     */
    public static Path newTemporary(Path target) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        for (int attempt = 0; ; attempt++) {
            Path tmp = dir.resolve(temporaryName(abs.getFileName().toString()));
            try {
                Files.createFile(tmp);
                setReadable(tmp);
                return tmp;
            } catch (java.nio.file.FileAlreadyExistsException e) {
                if (attempt > 20) {
                    throw e;
                }
            }
        }
    }

    /** Moves a finished temporary over {@code target}: atomically where the file system allows, mode 0644. */
    public static void moveIntoPlace(Path tmp, Path target) throws IOException {
        setReadable(tmp);
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Whether a file name is one of our temporaries. */
    public static boolean isTemporary(String fileName) {
        return fileName.startsWith(".") && fileName.endsWith(".tmp");
    }

    /**
     * Deletes the temporaries under {@code dir} (recursively) that a killed run left behind, and
     * returns how many. Only to be called by the holder of the folder's lock.
     */
    public static int cleanStale(Path dir) throws IOException {
        return cleanStale(dir, Integer.MAX_VALUE);
    }

    /**
     * As {@link #cleanStale(Path)}, looking at most {@code depth} levels down (1: the folder's own
     * files), so that a run writing into a large folder does not walk (or clean) all of it.
     */
    public static int cleanStale(Path dir, int depth) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        List<Path> stale;
        try (Stream<Path> walk = Files.walk(dir, depth)) {
            stale = walk.filter(p -> isTemporary(p.getFileName().toString()) && Files.isRegularFile(p)).toList();
        }
        for (Path p : stale) {
            Files.deleteIfExists(p);
        }
        return stale.size();
    }

    /** Deletes a folder and everything in it (nothing when it does not exist). */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static String temporaryName(String name) {
        return "." + name + "." + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE) + ".tmp";
    }

    private static void setReadable(Path p) throws IOException {
        try {
            Files.setPosixFilePermissions(p, RW_R_R);
        } catch (UnsupportedOperationException | FileSystemException e) {
            // not a POSIX file system (or not ours to chmod): keep its default mode
        }
    }
}
