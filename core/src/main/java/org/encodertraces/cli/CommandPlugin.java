package org.encodertraces.cli;

import java.util.List;

/**
 * A source of extra {@code traces} subcommands found on the classpath through
 * {@link java.util.ServiceLoader} ({@code META-INF/services/org.encodertraces.cli.CommandPlugin}).
 *
 * <p>Why: heavy optional modules (training on DJL/libtorch) add their commands without the core
 * depending on them; the launcher puts such a module's jar on the classpath when it is needed.
 */
public interface CommandPlugin {
    /** The picocli command objects to add (each annotated with {@code @Command(name = ...)}). */
    List<Object> commands();
}
