package org.encodertraces.cli;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import picocli.CommandLine;

/**
 * Converters for option values that picocli would otherwise take as they come: a negative
 * thread count (silently read as "all cores") and an empty output path (the current folder,
 * where a run would then write its outputs and lock file). Each refusal is a usage error
 * (exit 2) naming the option, through {@link CliErrors#usageError}.
 */
final class OptionValues {
    private OptionValues() {
    }

    /** {@code --threads}: 0 (one per core) or a positive count. */
    static final class Threads implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int n;
            try {
                n = Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a number of threads");
            }
            if (n < 0) {
                throw new CommandLine.TypeConversionException(n + " is negative: give 0 (one thread per core) or a positive number of threads");
            }
            return n;
        }
    }

    /** {@code -o}: a path that names something (an empty one would mean the current folder). */
    static final class OutputPath implements CommandLine.ITypeConverter<Path> {
        @Override
        public Path convert(String value) {
            if (value.isBlank()) {
                throw new CommandLine.TypeConversionException("the output path is empty: name an output folder"
                        + " (to write into the current folder, say -o .)");
            }
            try {
                return Path.of(value);
            } catch (InvalidPathException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a usable path: " + e.getReason());
            }
        }
    }
}
