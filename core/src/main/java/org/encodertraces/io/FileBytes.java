package org.encodertraces.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Reads a whole file into memory, refusing one too large to hold before allocating anything:
 * a Java array holds at most 2 GiB, and a file larger than half the heap would run the JVM out
 * of memory for everything else. Without the check a 3 GiB file kills a batch with
 * {@code OutOfMemoryError: Required array size too large} instead of failing that one file.
 */
public final class FileBytes {
    /** The largest byte array the JVM allocates. */
    public static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    /** A file larger than the limit: the message says its size, the limit and why. */
    public static final class TooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        TooLargeException(String message) {
            super(message);
        }
    }

    private FileBytes() {
    }

    /** The default limit: half of the JVM's maximum heap, at most {@link #MAX_ARRAY}. */
    public static long defaultLimit() {
        return Math.min(MAX_ARRAY, Math.max(16L << 20, Runtime.getRuntime().maxMemory() / 2));
    }

    /** Reads {@code file} under the {@link #defaultLimit()}. */
    public static byte[] read(Path file) throws IOException {
        return read(file, defaultLimit());
    }

    /**
     * Reads {@code file} whole.
     *
     * @throws TooLargeException when it is larger than {@code limit} bytes (nothing is read)
     * @throws IOException       when it cannot be read (see {@link FileProblems#describe})
     */
    public static byte[] read(Path file, long limit) throws IOException {
        long size = Files.size(file);
        if (size > limit) {
            throw new TooLargeException("the file is " + human(size) + ", too large to read into memory (limit " + human(limit)
                    + (limit >= MAX_ARRAY ? ", the largest array Java holds)"
                            : ", half of the Java heap; raise the heap with TRACES_JAVA_OPTS=-Xmx<size>)"));
        }
        try {
            return Files.readAllBytes(file);
        } catch (OutOfMemoryError e) {
            // it fitted the limit but not the heap as it is now: that file fails, not the run
            throw new TooLargeException("the file is " + human(size) + " and the Java heap ran out reading it"
                    + " (raise the heap with TRACES_JAVA_OPTS=-Xmx<size>)");
        }
    }

    /** As {@code process.MemoryBudget.human} writes sizes; written out here because io, the bottom layer, imports none of ours. */
    private static String human(long bytes) {
        if (bytes < 1L << 20) {
            return bytes + " bytes";
        }
        if (bytes >= 1L << 30) {
            return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
        }
        return String.format(Locale.ROOT, "%.0f MiB", bytes / (double) (1L << 20));
    }
}
