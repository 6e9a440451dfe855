package org.encodertraces.io;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Bounds one network transfer in time: it fires when no byte has arrived for {@code idle}
 * (a stalled body), when the whole attempt has run for {@code total}, or, when a minimum
 * throughput is set, when fewer bytes than that rate allows arrived over the last
 * {@code window} (a body that drips a byte now and then: each read is quick, so a read timeout
 * never fires, and the attempt deadline, sized for the largest honest download, is hours away).
 * Firing runs an action that unblocks the reader (closing its connection, or interrupting its
 * thread); the reader then asks {@link #expired()} which limit tripped.
 */
public final class TransferWatchdog implements AutoCloseable {
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "traces-transfer-watchdog");
        t.setDaemon(true);
        return t;
    });

    /** A lower bound on throughput: at least {@code bytesPerSecond} on average over every {@code window}. */
    public record MinThroughput(long bytesPerSecond, Duration window) {
        /** No minimum. */
        public static final MinThroughput NONE = new MinThroughput(0, Duration.ofSeconds(1));

        public MinThroughput {
            if (bytesPerSecond < 0 || window == null || window.isNegative() || window.isZero()) {
                throw new IllegalArgumentException("minimum throughput needs a rate >= 0 and a positive window: " + bytesPerSecond + ", " + window);
            }
        }

        /** The least number of bytes that must arrive in one window. */
        long bytesPerWindow() {
            return (long) Math.ceil(bytesPerSecond * (window.toNanos() / 1e9));
        }
    }

    private final long idleNanos;
    private final long startNanos;
    private final long deadline;
    private final Duration idle;
    private final Duration total;
    private final MinThroughput min;
    private final Runnable onExpire;
    private final ScheduledFuture<?> tick;
    /** (time, bytes so far) samples taken on the watchdog's thread, oldest first, spanning at most one window. */
    private final ArrayDeque<long[]> samples = new ArrayDeque<>();
    private volatile long lastProgress;
    private volatile long bytes;
    private volatile String expired;

    private TransferWatchdog(Duration idle, Duration total, MinThroughput min, Runnable onExpire) {
        this.idle = idle;
        this.total = total;
        this.min = min;
        this.idleNanos = idle.toNanos();
        long now = System.nanoTime();
        this.startNanos = now;
        this.deadline = now + total.toNanos();
        this.lastProgress = now;
        this.onExpire = onExpire;
        long shortest = Math.min(idle.toMillis(), total.toMillis());
        if (min.bytesPerSecond() > 0) {
            shortest = Math.min(shortest, min.window().toMillis());
        }
        long period = Math.max(10, shortest / 10);
        samples.add(new long[] {now, 0});
        this.tick = TIMER.scheduleAtFixedRate(this::check, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * Starts watching, with no minimum throughput.
     *
     * @param idle longest wait for the next byte
     * @param total longest time for the whole attempt
     * @param onExpire what unblocks the reader (run at most once, on the watchdog's thread)
     */
    public static TransferWatchdog start(Duration idle, Duration total, Runnable onExpire) {
        return start(idle, total, MinThroughput.NONE, onExpire);
    }

    /** As {@link #start(Duration, Duration, Runnable)}, and the transfer must keep up {@code min}. */
    public static TransferWatchdog start(Duration idle, Duration total, MinThroughput min, Runnable onExpire) {
        if (idle.isNegative() || idle.isZero() || total.isNegative() || total.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive: " + idle + ", " + total);
        }
        return new TransferWatchdog(idle, total, min, onExpire);
    }

    /** Call after each read that returned bytes. */
    public void progress() {
        progress(1);
    }

    /** Call after each read with the number of bytes it returned. */
    public void progress(long n) {
        lastProgress = System.nanoTime();
        bytes += n; // only the reader's thread writes it
    }

    /** Which limit fired, in words ("no data arrived for 5 s (read timeout)", ...), or null if none has. */
    public String expired() {
        return expired;
    }

    private void check() {
        if (expired != null) {
            return;
        }
        long now = System.nanoTime();
        String why = null;
        if (now - deadline >= 0) {
            why = "the attempt took longer than its deadline of " + seconds(total);
        } else if (now - lastProgress >= idleNanos) {
            why = "no data arrived for " + seconds(idle) + " (read timeout)";
        } else if (min.bytesPerSecond() > 0) {
            why = belowMinimum(now);
        }
        if (why != null) {
            expired = why;
            tick.cancel(false);
            onExpire.run();
        }
    }

    /** Checks the bytes of the last full window against the minimum; null while it holds. */
    private String belowMinimum(long now) {
        long got = bytes;
        samples.addLast(new long[] {now, got});
        long window = min.window().toNanos();
        // keep the newest sample at least a window old as the window's start
        while (samples.size() > 1) {
            long[] head = samples.pollFirst();
            if (now - samples.peekFirst()[0] < window) {
                samples.addFirst(head);
                break;
            }
        }
        long[] first = samples.peekFirst();
        if (now - first[0] < window || now - startNanos < window) {
            return null; // not a full window watched yet
        }
        long inWindow = got - first[1];
        if (inWindow >= min.bytesPerWindow()) {
            return null;
        }
        return "the transfer fell below the minimum throughput of " + rate(min.bytesPerSecond()) + " (" + inWindow
                + " bytes in the last " + seconds(min.window()) + ")";
    }

    private static String rate(long bytesPerSecond) {
        return bytesPerSecond >= 1024 && bytesPerSecond % 1024 == 0 ? bytesPerSecond / 1024 + " KiB/s" : bytesPerSecond + " bytes/s";
    }

    private static String seconds(Duration d) {
        if (d.toMillis() % 1000 == 0) {
            return d.toSeconds() + " s";
        }
        return d.toMillis() < 10_000 ? d.toMillis() / 1000.0 + " s" : String.format(Locale.ROOT, "%.0f s", d.toMillis() / 1000.0);
    }

    @Override
    public void close() {
        tick.cancel(false);
    }
}
