package org.encodertraces.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One in-process run of the {@code traces} command line: its exit status and what it printed. */
record CliRun(int exit, String out, String err) {
    /** Runs {@code traces ARGS...} on a fresh command line with captured output. */
    static CliRun of(String... args) {
        return withEnv(System.getenv(), args);
    }

    /** Runs {@code traces ARGS...} with the given environment instead of the process's. */
    static CliRun withEnv(java.util.Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = TracesCli.commandLine(env);
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new CliRun(exit, out.toString(), err.toString());
    }
}
