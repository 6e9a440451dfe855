package org.encodertraces.process;

import java.util.Locale;

/**
 * Admits images to the workers of a batch against a budget of heap bytes, so that several large
 * images wait for each other instead of running the JVM out of memory together. Each worker
 * reserves an image's estimated footprint ({@link ImageFootprint}) before decoding it and
 * releases it when done; reservations are served first come, first served, so a large image is
 * never starved by a stream of small ones. A single image larger than the whole budget is
 * refused at once ({@link TooLargeException}) and the batch records it as failed.
 *
 * <p>Reservations never wait on other work while held, so the budget cannot deadlock.
 */
public final class MemoryBudget {
    /** Share of the JVM's maximum heap that the default budget gives to image work. */
    public static final double DEFAULT_HEAP_SHARE = 0.75;

    /** Thrown when one image alone needs more than the whole budget. */
    public static final class TooLargeException extends Exception {
        TooLargeException(String message) {
            super(message);
        }
    }

    private final long total;
    private long available;
    private long nextTicket;
    private long serving;

    /** A budget of {@code bytes}. */
    public MemoryBudget(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("memory budget must be positive: " + bytes);
        }
        this.total = bytes;
        this.available = bytes;
    }

    /** The default budget: {@value #DEFAULT_HEAP_SHARE} of the JVM's maximum heap ({@code -Xmx}). */
    public static MemoryBudget fromHeap() {
        return new MemoryBudget(defaultBytes());
    }

    /** {@code bytes > 0} as given, else the default from the heap. */
    public static MemoryBudget ofOrDefault(long bytes) {
        return bytes > 0 ? new MemoryBudget(bytes) : fromHeap();
    }

    /** The default budget's size in bytes. */
    public static long defaultBytes() {
        return Math.max(16L << 20, (long) (Runtime.getRuntime().maxMemory() * DEFAULT_HEAP_SHARE));
    }

    /** The budget's size in bytes. */
    public long total() {
        return total;
    }

    /**
     * Reserves {@code bytes}, waiting (in arrival order) until they are free.
     *
     * @param what what needs the memory, first words of the refusal message (e.g. "a 6000x6000 PNG"), or empty
     * @throws TooLargeException when {@code bytes} exceed the whole budget
     */
    public synchronized void acquire(long bytes, String what) throws InterruptedException, TooLargeException {
        if (bytes > total) {
            throw new TooLargeException((what == null || what.isEmpty() ? "" : what + " ") + "needs about " + human(bytes) + " of memory to decode and process, more than the"
                    + " memory budget of " + human(total) + " (" + Math.round(DEFAULT_HEAP_SHARE * 100)
                    + "% of the Java heap; raise the heap with TRACES_JAVA_OPTS=-Xmx<size>)");
        }
        long ticket = nextTicket++;
        try {
            while (ticket != serving || bytes > available) {
                wait();
            }
        } catch (InterruptedException e) {
            // give the turn away so those behind do not wait for us forever
            if (ticket == serving) {
                serving++;
            } else {
                abandoned.add(ticket);
            }
            skipAbandoned();
            notifyAll();
            throw e;
        }
        available -= bytes;
        serving++;
        skipAbandoned();
        notifyAll();
    }

    private final java.util.Set<Long> abandoned = new java.util.HashSet<>();

    private void skipAbandoned() {
        while (abandoned.remove(serving)) {
            serving++;
        }
    }

    /** Returns {@code bytes} reserved earlier. */
    public synchronized void release(long bytes) {
        available = Math.min(total, available + bytes);
        notifyAll();
    }

    /** Whether an exception was caused by running out of memory (decoders wrap the error in their own exception). */
    public static boolean causedByOutOfMemory(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /** Bytes in a human unit, as the messages print them. */
    public static String human(long bytes) {
        if (bytes >= 1L << 30) {
            return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
        }
        return String.format(Locale.ROOT, "%.0f MiB", Math.max(1, bytes / (double) (1L << 20)));
    }
}
