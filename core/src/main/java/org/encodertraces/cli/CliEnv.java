package org.encodertraces.cli;

import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The environment a command reads: the one the {@code traces} command line was built with (a
 * test's, or the process's). Part of the CLI-support API the optional modules' commands use.
 */
public final class CliEnv {
    private CliEnv() {
    }

    /** The environment of the command line {@code spec} belongs to (the process's when run alone). */
    public static Map<String, String> of(CommandSpec spec) {
        Object root = spec.root().userObject();
        return root instanceof TracesCli t ? t.env() : System.getenv();
    }
}
