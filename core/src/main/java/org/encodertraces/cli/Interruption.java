package org.encodertraces.cli;

import java.io.PrintWriter;

/**
 * Says what an interruption (Ctrl-C, SIGTERM) means for the work in progress: while open, a
 * shutdown hook prints one line on the command's error stream, e.g. that rerunning the same
 * command resumes. Closing it (the work finished) removes the hook. Part of the CLI-support API
 * the optional modules' commands use.
 */
public final class Interruption implements AutoCloseable {
    private final Thread hook;

    private Interruption(Thread hook) {
        this.hook = hook;
    }

    /** Registers the message for the duration of a try-with-resources block. */
    public static Interruption announce(PrintWriter err, String message) {
        Thread hook = new Thread(() -> {
            err.println();
            err.println(message);
            err.flush();
        }, "traces-interrupted");
        Runtime.getRuntime().addShutdownHook(hook);
        return new Interruption(hook);
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook runs
        }
    }
}
