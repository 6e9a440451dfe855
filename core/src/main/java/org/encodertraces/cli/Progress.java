package org.encodertraces.cli;

import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A progress bar on standard error with count, rate and ETA. On a terminal it redraws one line;
 * otherwise (logs, CI) it stays quiet and prints one summary line at the end. Thread-safe.
 */
final class Progress implements AutoCloseable {
    private final PrintWriter err;
    private final String label;
    private volatile long total;
    private final boolean terminal;
    private volatile long start = System.nanoTime();
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private long lastDraw;

    private final boolean quiet;

    Progress(PrintWriter err, String label, long total) {
        this(err, label, total, false);
    }

    /** A quiet progress prints nothing (CI, --quiet). */
    Progress(PrintWriter err, String label, long total, boolean quiet) {
        this.err = err;
        this.label = label;
        this.total = total;
        this.terminal = System.console() != null;
        this.quiet = quiet;
    }

    /** Sets the count of finished items (and the total, which may change as work is found done). */
    void set(long doneNow, long totalNow) {
        if (doneNow < done.get()) {
            // a new phase (e.g. the next model) starts counting again: rate and ETA start afresh
            start = System.nanoTime();
        }
        total = totalNow;
        done.set(doneNow);
        draw(false);
    }

    void step(boolean ok) {
        done.incrementAndGet();
        if (!ok) {
            failed.incrementAndGet();
        }
        draw(false);
    }

    private synchronized void draw(boolean last) {
        if (quiet) {
            return;
        }
        long now = System.nanoTime();
        if (!terminal && !last) {
            // logs and CI get one line at the end, not a stream of redraws
            return;
        }
        if (!last && now - lastDraw < 100_000_000L) {
            return;
        }
        lastDraw = now;
        long d = done.get();
        double secs = Math.max(1e-9, (now - start) / 1e9);
        double rate = d / secs;
        String eta = rate > 0 && total > d ? clock((total - d) / rate) : "0:00";
        int width = 30;
        int filled = total > 0 ? (int) (width * d / total) : width;
        String bar = "=".repeat(filled) + " ".repeat(width - filled);
        String line = String.format("%s [%s] %d/%d %.1f/s ETA %s%s", label, bar, d, total, rate, eta,
                failed.get() > 0 ? " (" + failed.get() + " failed)" : "");
        if (terminal) {
            err.print("\r" + line + (last ? "\n" : ""));
        } else {
            err.println(line);
        }
        err.flush();
    }

    private static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String.format("%d:%02d", s / 60, s % 60);
    }

    @Override
    public void close() {
        draw(true);
    }
}
