package org.encodertraces.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A progress bar on standard error with count, rate and ETA. On a terminal it redraws one line.
 * Otherwise (logs, CI, a pipe) it prints a plain line, no control characters, at most once per
 * interval (30 s; {@code TRACES_PROGRESS_SECONDS} changes it) while the count moves, and with a
 * heartbeat also while it does not, so a long run is never silent; then one line at the end.
 * Work that was all reused prints nothing (no {@code 0/1} bar). Thread-safe.
 *
 * <p>Part of the CLI-support API the optional modules' commands use (train, spark).
 */
public final class Progress implements AutoCloseable {
    /** Seconds between two plain lines when standard error is not a terminal. */
    public static final long DEFAULT_INTERVAL_SECONDS = 30;
    /** The environment variable that sets that interval (0: a line for every update). */
    static final String INTERVAL_VARIABLE = "TRACES_PROGRESS_SECONDS";

    private final PrintWriter err;
    private final String label;
    private volatile long total;
    private final boolean terminal;
    private final boolean quiet;
    private final long intervalNanos;
    private final long created = System.nanoTime();
    private volatile long start = System.nanoTime();
    /** The count when this phase started (work found done, e.g. resumed shards, is not rate). */
    private volatile long base = -1;
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile boolean updated;
    private volatile String stage = "";
    private long lastDraw;
    private Thread heartbeat;
    private boolean closed;

    Progress(PrintWriter err, String label, long total) {
        this(err, label, total, false);
    }

    /** A quiet progress prints nothing (--quiet); lines every {@value #DEFAULT_INTERVAL_SECONDS} s off a terminal. */
    public Progress(PrintWriter err, String label, long total, boolean quiet) {
        this(err, label, total, quiet, DEFAULT_INTERVAL_SECONDS * 1_000_000_000L, false);
    }

    private Progress(PrintWriter err, String label, long total, boolean quiet, long intervalNanos, boolean heartbeat) {
        this.err = err;
        this.label = label;
        this.total = total;
        this.terminal = System.console() != null;
        this.quiet = quiet;
        this.intervalNanos = intervalNanos;
        if (heartbeat && !terminal && !quiet && intervalNanos > 0) {
            this.heartbeat = new Thread(this::beat, "traces-progress");
            this.heartbeat.setDaemon(true);
            this.heartbeat.start();
        }
    }

    /**
     * A progress for a command's main work, closed by the command (try-with-resources): off a
     * terminal it also prints a line each interval while nothing is counted (a long stage).
     */
    public static Progress of(Map<String, String> env, PrintWriter err, String label, long total, boolean quiet) {
        return new Progress(err, label, total, quiet, interval(env), true);
    }

    /** The interval between plain lines: {@code TRACES_PROGRESS_SECONDS}, else 30 s. */
    public static long interval(Map<String, String> env) {
        String v = env.get(INTERVAL_VARIABLE);
        if (v != null && !v.isBlank()) {
            try {
                double s = Double.parseDouble(v.trim());
                if (s >= 0 && !Double.isNaN(s) && !Double.isInfinite(s)) {
                    return (long) (s * 1e9);
                }
            } catch (NumberFormatException e) {
                // not a number: the default
            }
        }
        return DEFAULT_INTERVAL_SECONDS * 1_000_000_000L;
    }

    /**
     * A new stage of the work (e.g. an audit's probe of one task), shown in the plain lines: the
     * count starts again from nothing, and until something is counted a line says how long the
     * stage has been running.
     */
    synchronized void stage(String now) {
        stage = now == null ? "" : now;
        stageStart = System.nanoTime();
        done.set(0);
        total = 0;
        base = -1;
        updated = false;
    }

    private volatile long stageStart = System.nanoTime();

    /** Sets the count of finished items (and the total, which may change as work is found done). */
    public void set(long doneNow, long totalNow) {
        if (doneNow < done.get() || base < 0) {
            // a new phase (e.g. the next model) starts counting again: rate and ETA start afresh, and
            // what it starts with was found done (reused), not done now
            start = System.nanoTime();
            base = doneNow;
        }
        total = totalNow;
        done.set(doneNow);
        updated = true;
        draw(false);
    }

    void step(boolean ok) {
        if (base < 0) {
            base = 0;
        }
        done.incrementAndGet();
        if (!ok) {
            failed.incrementAndGet();
        }
        updated = true;
        draw(false);
    }

    private void beat() {
        try {
            while (true) {
                Thread.sleep(Math.max(1, intervalNanos / 1_000_000));
                synchronized (this) {
                    if (closed) {
                        return;
                    }
                    if (System.nanoTime() - lastDraw >= intervalNanos) {
                        line(System.nanoTime());
                    }
                }
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    private synchronized void draw(boolean last) {
        if (quiet || closed) {
            return;
        }
        long now = System.nanoTime();
        if (last) {
            if (updated) {
                line(now);
            }
            return;
        }
        long gap = terminal ? 100_000_000L : intervalNanos;
        if (lastDraw != 0 && now - lastDraw < gap || !terminal && lastDraw == 0 && now - created < gap) {
            return;
        }
        line(now);
    }

    private void line(long now) {
        lastDraw = now;
        long d = done.get();
        long t = total;
        double secs = Math.max(1e-9, (now - start) / 1e9);
        double rate = (d - Math.max(0, base)) / secs;
        String eta = t <= d ? "0:00" : rate > 0 ? clock((t - d) / rate) : "unknown";
        String fails = failed.get() > 0 ? " (" + failed.get() + " failed)" : "";
        if (terminal) {
            int width = 30;
            int filled = t > 0 ? (int) Math.min(width, width * d / t) : width;
            String bar = "=".repeat(filled) + " ".repeat(width - filled);
            err.print(String.format(java.util.Locale.ROOT, "\r%s [%s] %d/%d %.1f/s ETA %s%s", label, bar, d, t, rate, eta, fails) + (closing ? "\n" : ""));
        } else {
            String what = stage.isEmpty() ? label : label + ": " + stage;
            String elapsed = "elapsed " + clock((now - created) / 1e9);
            if (updated) {
                err.println(String.format(java.util.Locale.ROOT, "%s: %d/%d (%.0f%%), %.1f/s, ETA %s, %s%s", what, d, t, t > 0 ? 100.0 * d / t : 100.0, rate,
                        eta, elapsed, fails));
            } else {
                err.println(String.format(java.util.Locale.ROOT, "%s: running for %s, %s", what, clock((now - stageStart) / 1e9), elapsed));
            }
        }
        err.flush();
    }

    private boolean closing;

    private static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String.format("%d:%02d", s / 60, s % 60);
    }

    @Override
    public void close() {
        synchronized (this) {
            closing = true;
            draw(true);
            closed = true;
        }
        if (heartbeat != null) {
            heartbeat.interrupt();
        }
    }
}
