/**
 * The {@code traces} command ({@link org.encodertraces.cli.TracesCli}) and its subcommands, on picocli:
 * the only place that parses options, prints, and decides the process's exit status (0 done, 1 done
 * with failed inputs, 2 bad usage or a refused run, 130 interrupted; one line per error instead of a
 * stack trace: {@code CliErrors}). A command turns its options into the library's
 * records, calls the library, and formats what comes back; progress bars ({@code Progress},
 * {@code DownloadBar}) and the Ctrl-C message ({@code Interruption}) are drawn here from the
 * library's listeners.
 *
 * <p>Nothing else imports this package (spark-submit's {@code SparkMain} excepted, which hands its
 * arguments to {@code TracesCli}). The optional modules add their commands through
 * {@link org.encodertraces.cli.CommandPlugin}, found by {@link java.util.ServiceLoader}, so that core
 * never depends on them; {@code traces --help} lists them even when their module is not built
 * ({@code OptionalCommands}).
 */
package org.encodertraces.cli;
