package org.encodertraces.image;

import java.io.IOException;

/**
 * A file that could not be read, with its name and the reason kept apart, so batch jobs can
 * record both (the message is always {@code file + ": " + reason}).
 */
public abstract class FileException extends IOException {
    private final String file;
    private final String reason;

    protected FileException(String file, String reason, Throwable cause) {
        super(file + ": " + reason, cause);
        this.file = file;
        this.reason = reason;
    }

    /** The file (or sample name) that failed. */
    public String file() {
        return file;
    }

    /** Why it failed, without the file name. */
    public String reason() {
        return reason;
    }
}
