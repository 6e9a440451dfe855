package org.encodertraces.encoder.checkpoint;

import java.io.IOException;
import java.nio.file.Path;

/** A checkpoint that cannot be read or does not fit its architecture; the message names the file and the reason. */
public final class CheckpointException extends IOException {
    private static final long serialVersionUID = 1L;

    /** An error about {@code file}. */
    public CheckpointException(Path file, String reason) {
        super(file + ": " + reason);
    }

    /** An error about {@code file} with its cause. */
    public CheckpointException(Path file, String reason, Throwable cause) {
        super(file + ": " + reason, cause);
    }
}
