package org.encodertraces.cli;

import org.encodertraces.provenance.ToolInfo;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code traces} command: wires the subcommands together and owns the process exit code. */
@Command(name = "traces",
        mixinStandardHelpOptions = true,
        versionProvider = TracesCli.Version.class,
        description = "Measure processing and acquisition traces in frozen visual encoders.",
        subcommands = {
                ProcessCommand.class,
                ExifCommand.class,
                DemoCommand.class,
                EmbedCommand.class,
                ModelsCommand.class,
                BenchCommand.class,
                AuditCommand.class,
                ProbeCommand.class,
                KnnCommand.class,
                RetrievalCommand.class,
                DedupCheckCommand.class,
                EraseCommand.class,
                BenchEraseCommand.class,
                BenchKnnCommand.class,
                ReportCommand.class,
                DatasetsCommand.class,
                CommandLine.HelpCommand.class
        })
public final class TracesCli implements java.util.concurrent.Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final java.util.Map<String, String> env;

    private TracesCli(java.util.Map<String, String> env) {
        this.env = java.util.Map.copyOf(env);
    }

    /** The environment the commands read (the process's, or a test's). */
    java.util.Map<String, String> env() {
        return env;
    }

    @Override
    public Integer call() {
        // traces without a command: the usage, on stderr, and exit status 2 (bad usage)
        java.io.PrintWriter err = spec.commandLine().getErr();
        err.println("traces: no command given");
        spec.commandLine().usage(err);
        err.flush();
        return 2;
    }

    /** Builds the configured command line (used by tests to run commands in-process). */
    public static CommandLine commandLine() {
        return commandLine(System.getenv());
    }

    /** Builds the command line with the given environment (tests pass HF_ENDPOINT, TRACES_CACHE, ...). */
    public static CommandLine commandLine(java.util.Map<String, String> env) {
        CommandLine cl = new CommandLine(new TracesCli(env));
        // commands of optional modules on the classpath (traces train, traces ablation)
        for (CommandPlugin plugin : java.util.ServiceLoader.load(CommandPlugin.class)) {
            plugin.commands().forEach(cl::addSubcommand);
        }
        // the optional modules' commands are listed (and say how they are built) even when not built
        OptionalCommands.addMissing(cl);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler(CliErrors::usageError);
        cl.setExecutionExceptionHandler(CliErrors::executionError);
        return cl;
    }

    public static void main(String[] args) {
        int status;
        try {
            status = commandLine().execute(args);
        } catch (OutOfMemoryError e) {
            // thrown on the command's own thread (a worker's comes wrapped, through CliErrors): a message, not a stack trace
            System.err.println("traces: " + CliErrors.outOfMemory());
            status = 2;
        }
        System.exit(status);
    }

    /** Reports the tool version, build commit and platform. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {
                    "traces " + ToolInfo.version() + " (commit " + ToolInfo.gitCommit() + ")",
                    "Java " + System.getProperty("java.version") + ", " + System.getProperty("os.name") + " " + System.getProperty("os.arch")
            };
        }
    }
}
