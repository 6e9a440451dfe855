package org.encodertraces.embed;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A safetensors file or embedding-set sidecar that is malformed or does not match its partner;
 * the message names the file and what is wrong with it.
 */
public final class EmbeddingFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    /** An error about {@code file}; the message is prefixed with the file's name. */
    public EmbeddingFormatException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    /** An error about {@code file} with the failure underneath. */
    public EmbeddingFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** The file at fault. */
    public Path file() {
        return file;
    }
}
