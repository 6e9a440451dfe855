package org.encodertraces.io;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Bounds one network transfer in time: it fires when no byte has arrived for {@code idle}
 * (a stalled body) or when the whole attempt has run for {@code total} (a body that drips a byte
 * at a time, which a per-read timeout never catches). Firing runs an action that unblocks the
 * reader (closing its connection, or interrupting its thread); the reader then asks
 * {@link #expired()} why its read failed.
 */
public final class TransferWatchdog implements AutoCloseable {
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "traces-transfer-watchdog");
        t.setDaemon(true);
        return t;
    });

    private final long idleNanos;
    private final long deadline;
    private final Duration idle;
    private final Duration total;
    private final Runnable onExpire;
    private final ScheduledFuture<?> tick;
    private volatile long lastProgress;
    private volatile String expired;

    private TransferWatchdog(Duration idle, Duration total, Runnable onExpire) {
        this.idle = idle;
        this.total = total;
        this.idleNanos = idle.toNanos();
        long now = System.nanoTime();
        this.deadline = now + total.toNanos();
        this.lastProgress = now;
        this.onExpire = onExpire;
        long period = Math.max(10, Math.min(idle.toMillis(), total.toMillis()) / 10);
        this.tick = TIMER.scheduleAtFixedRate(this::check, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * Starts watching.
     *
     * @param idle longest wait for the next byte
     * @param total longest time for the whole attempt
     * @param onExpire what unblocks the reader (run at most once, on the watchdog's thread)
     */
    public static TransferWatchdog start(Duration idle, Duration total, Runnable onExpire) {
        if (idle.isNegative() || idle.isZero() || total.isNegative() || total.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive: " + idle + ", " + total);
        }
        return new TransferWatchdog(idle, total, onExpire);
    }

    /** Call after each read that returned bytes. */
    public void progress() {
        lastProgress = System.nanoTime();
    }

    /** Why the watchdog fired ("no data for 5 s", "attempt took longer than 30 s"), or null if it has not. */
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
        }
        if (why != null) {
            expired = why;
            tick.cancel(false);
            onExpire.run();
        }
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() / 1000.0 + " s";
    }

    @Override
    public void close() {
        tick.cancel(false);
    }
}
