package org.encodertraces.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Turns what goes wrong in a command into one line for the user instead of a stack trace: bad
 * usage (an unknown option named as such, with the nearest real ones) exits 2; a command's own
 * refusal ({@link UsageException}) is said under the command's full name and exits 2; a file-system
 * problem (an output that is a file, a path that cannot exist, a symbolic link loop) is named
 * with the path and exits 2; an interruption exits 130. Only genuine bugs keep their stack trace.
 */
final class CliErrors {
    private CliErrors() {
    }

    /** Picocli's parameter-exception handler. */
    static int usageError(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        String name = "traces" + (cmd.getCommandSpec().parent() == null ? "" : " " + cmd.getCommandName());
        List<String> unknown = new ArrayList<>();
        if (cmd.getParseResult() != null) {
            cmd.getParseResult().unmatched().stream().filter(a -> a.startsWith("-")).forEach(unknown::add);
        }
        if (ex instanceof CommandLine.UnmatchedArgumentException u) {
            u.getUnmatched().stream().filter(a -> a.startsWith("-") && !unknown.contains(a)).forEach(unknown::add);
        }
        if (!unknown.isEmpty()) {
            for (String u : unknown) {
                String opt = u.contains("=") ? u.substring(0, u.indexOf('=')) : u;
                List<String> near = nearest(cmd, opt);
                err.println(name + ": unknown option '" + opt + "'" + (near.isEmpty() ? "" : " (did you mean " + String.join(" or ", near) + "?)"));
            }
        } else {
            err.println(name + ": " + ex.getMessage());
        }
        err.println("Run '" + name + " --help' for the options.");
        err.flush();
        return 2;
    }

    private static List<String> nearest(CommandLine cmd, String unknown) {
        List<String> out = new ArrayList<>();
        for (OptionSpec o : cmd.getCommandSpec().options()) {
            for (String n : o.names()) {
                if (n.length() > 2 && (org.encodertraces.encoder.Registry.editDistance(n, unknown) <= 2 || n.startsWith(unknown) || unknown.startsWith(n))) {
                    out.add(n);
                }
            }
        }
        return out;
    }

    /** Picocli's execution-exception handler. */
    static int executionError(Exception ex, CommandLine cmd, CommandLine.ParseResult parsed) throws Exception {
        PrintWriter err = cmd.getErr();
        String name = "traces" + (cmd.getCommandSpec().parent() == null ? "" : " " + cmd.getCommandName());
        if (ex instanceof UsageException u) {
            // a command's own refusal: said under its full name (traces erase fit), exit status 2
            err.println((u.command() != null ? "traces " + u.command() : cmd.getCommandSpec().qualifiedName()) + ": " + u.getMessage());
            err.flush();
            return 2;
        }
        Throwable e = ex instanceof UncheckedIOException u ? u.getCause() : ex;
        int status;
        String message;
        if (e instanceof InterruptedException) {
            message = "interrupted";
            status = 130;
        } else if (org.encodertraces.process.MemoryBudget.causedByOutOfMemory(e)) {
            message = outOfMemory();
            status = 2;
        } else if (e instanceof org.encodertraces.io.OutputLock.HeldException) {
            // another run holds the output folder: the command was refused, as README's exit status 2 says
            message = e.getMessage();
            status = 2;
        } else if (e instanceof FileSystemException fs) {
            message = describe(fs);
            status = 2;
        } else if (e instanceof IllegalArgumentException || e instanceof IOException) {
            message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            status = e instanceof IllegalArgumentException ? 2 : 1;
        } else {
            throw ex;
        }
        err.println(name + ": " + message);
        err.flush();
        return status;
    }

    /** What to say when the Java heap ran out where no budget caught it: the heap is too small for the run. */
    static String outOfMemory() {
        return "the Java heap (" + org.encodertraces.process.MemoryBudget.human(Runtime.getRuntime().maxMemory())
                + ") ran out: it is too small for this run; raise it with TRACES_JAVA_OPTS=-Xmx<size> (e.g. -Xmx2g), or lower --threads"
                + " and --batch-size";
    }

    /** One line for a file-system error: the path and what is wrong with it, in words. */
    static String describe(FileSystemException e) {
        String file = e.getFile();
        if (e instanceof FileAlreadyExistsException) {
            return file + " already exists" + (file != null && Files.isRegularFile(Path.of(file)) ? " and is a file, not a folder" : "");
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or folder: " + file;
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied: " + file;
        }
        if (e instanceof NotDirectoryException) {
            return file + " is not a folder";
        }
        if (e instanceof FileSystemLoopException) {
            return "symbolic link loop at " + file;
        }
        String reason = e.getReason() == null ? e.getClass().getSimpleName() : e.getReason();
        return (file == null ? "" : file + ": ") + reason.toLowerCase(java.util.Locale.ROOT)
                + (e.getOtherFile() == null ? "" : " (" + e.getOtherFile() + ")");
    }

    /**
     * Checks an output folder before any work: it must be a folder or creatable as one.
     *
     * @throws IllegalArgumentException naming the option, the path and the reason
     */
    static void checkOutputFolder(String option, Path dir) {
        // Checks only: nothing is created here, so a run refused later (a bad --model, say) leaves no folder behind.
        if (dir.toString().isBlank()) {
            throw new IllegalArgumentException(option + " is empty: name an output folder (to write into the current folder, say " + option + " .)");
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException(option + " " + dir + " is an existing file, not a folder");
        }
        Path existing = dir.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            throw new IllegalArgumentException(option + " " + dir + ": cannot create the output folder: no existing parent folder");
        }
        if (!Files.isDirectory(existing)) {
            throw new IllegalArgumentException(option + " " + dir + ": cannot create the output folder: " + existing + " is a file, not a folder");
        }
        if (!Files.isWritable(existing)) {
            throw new IllegalArgumentException(option + " " + dir + (existing.equals(dir.toAbsolutePath())
                    ? ": the output folder is not writable" : ": cannot create the output folder: " + existing + " is not writable"));
        }
    }
}
