package org.encodertraces.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder for the {@code exif} subcommand while it is being built. */
@Command(name = "exif", mixinStandardHelpOptions = true, description = "(being built)")
public final class ExifCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UnsupportedOperationException("exif is not built yet");
    }
}
