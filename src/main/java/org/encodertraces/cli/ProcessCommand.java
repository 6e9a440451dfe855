package org.encodertraces.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder for the {@code process} subcommand while it is being built. */
@Command(name = "process", mixinStandardHelpOptions = true, description = "(being built)")
public final class ProcessCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UnsupportedOperationException("process is not built yet");
    }
}
