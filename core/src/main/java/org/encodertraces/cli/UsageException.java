package org.encodertraces.cli;

/**
 * A command's refusal of what it was given: an option value out of range, an input that does not
 * exist or cannot be read, a model that cannot be used, a folder another run holds. A command
 * throws it; {@link CliErrors} prints {@code traces COMMAND: MESSAGE} on standard error, once, and
 * the exit status is 2 (bad usage, as README's exit statuses say).
 *
 * <p>Why: the commands used to print their own error line and return 2, each in its own words
 * and with its own flushing; one exception formatted in one place keeps them alike.
 */
public final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The command words the message is given under ({@code "audit"}), or null for the command that ran. */
    private final String command;

    /** A refusal with this message, said under the command that ran. */
    public UsageException(String message) {
        this(null, message, null);
    }

    /** A refusal whose message is the cause's (an {@code IllegalArgumentException} or {@code IOException} naming the problem). */
    public UsageException(Throwable cause) {
        this(null, cause.getMessage(), cause);
    }

    /** A refusal with this message, caused by {@code cause} (kept for a debugger, not printed). */
    public UsageException(String message, Throwable cause) {
        this(null, message, cause);
    }

    private UsageException(String command, String message, Throwable cause) {
        super(message, cause);
        this.command = command;
    }

    /**
     * A refusal said under other command words than the command that ran: {@code traces demo}
     * runs the audit, whose refusals say {@code traces audit: ...}.
     *
     * @param command the words after {@code traces}, e.g. {@code "audit"}
     */
    public static UsageException of(String command, String message) {
        return new UsageException(command, message, null);
    }

    /** As {@link #of(String, String)}, with the cause's message. */
    public static UsageException of(String command, Throwable cause) {
        return new UsageException(command, cause.getMessage(), cause);
    }

    /** The command words to say the message under, or null for the command that ran. */
    String command() {
        return command;
    }
}
