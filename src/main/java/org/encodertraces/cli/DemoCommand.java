package org.encodertraces.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder for the {@code demo} subcommand while it is being built. */
@Command(name = "demo", mixinStandardHelpOptions = true, description = "(being built)")
public final class DemoCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UnsupportedOperationException("demo is not built yet");
    }
}
