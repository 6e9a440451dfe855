package org.encodertraces.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * An exclusive lock on an output folder ({@code DIR/.traces.lock}), held for a whole run so that
 * two runs never write the same outputs. It is an operating-system lock on the file, so a run
 * that dies (killed, crashed) releases it with its process: a stale lock file never blocks. The
 * file records the holder's pid, command and start time, for the refusal message.
 */
public final class OutputLock implements AutoCloseable {
    /** The lock file's name inside the folder. */
    public static final String FILE = ".traces.lock";

    /** Thrown when another process (or another run in this one) holds the folder. */
    public static final class HeldException extends IOException {
        private final Path dir;

        HeldException(Path dir, String holder) {
            super("output folder " + dir + " is in use by another traces run (" + holder
                    + "): wait for it to finish, or choose another output folder");
            this.dir = dir;
        }

        /** The folder that is locked. */
        public Path dir() {
            return dir;
        }
    }

    private final FileChannel channel;
    private final FileLock lock;

    private OutputLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the folder's lock (creating the folder), or fails at once naming the holder.
     *
     * @param what the command holding it, recorded for whoever is refused
     */
    public static OutputLock acquire(Path dir, String what) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(FILE);
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock l;
        try {
            l = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        if (l == null) {
            String holder = holder(ch);
            ch.close();
            throw new HeldException(dir, holder);
        }
        try {
            byte[] me = ("pid " + ProcessHandle.current().pid() + ", " + what + ", since " + Instant.now() + "\n")
                    .getBytes(StandardCharsets.UTF_8);
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(me), 0);
            ch.force(false);
        } catch (IOException e) {
            l.release();
            ch.close();
            throw e;
        }
        return new OutputLock(ch, l);
    }

    /**
     * Who holds the folder's lock now, without taking it and without creating anything: empty when
     * the folder, its lock file or a holder is missing. Lets a command refuse a busy folder before
     * it prints a plan or does any work; the lock itself is still taken with {@link #acquire}.
     */
    public static java.util.Optional<String> holder(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return java.util.Optional.empty();
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null;
            }
            if (l == null) {
                return java.util.Optional.of(holder(ch));
            }
            l.release();
            return java.util.Optional.empty();
        } catch (java.nio.file.NoSuchFileException | java.nio.file.AccessDeniedException e) {
            // gone meanwhile, or not ours to open: taking the lock will say what is wrong
            return java.util.Optional.empty();
        }
    }

    /** Fails at once, naming the holder, when another run holds {@code dir} (see {@link #holder(Path)}). */
    public static void checkFree(Path dir) throws IOException {
        java.util.Optional<String> h = holder(dir);
        if (h.isPresent()) {
            throw new HeldException(dir, h.get());
        }
    }

    private static String holder(FileChannel ch) {
        try {
            ByteBuffer b = ByteBuffer.allocate(512);
            ch.read(b, 0);
            String s = new String(b.array(), 0, b.position(), StandardCharsets.UTF_8).trim();
            return s.isEmpty() ? "holder unknown" : s;
        } catch (IOException e) {
            return "holder unknown";
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
