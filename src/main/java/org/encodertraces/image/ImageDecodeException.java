package org.encodertraces.image;

import java.io.IOException;

/**
 * A file that cannot be decoded to an RGB raster: the message always names the file and the
 * reason (unsupported format, truncated data, decompression bomb, ...).
 */
public final class ImageDecodeException extends IOException {
    private final String file;
    private final String reason;

    public ImageDecodeException(String file, String reason) {
        this(file, reason, null);
    }

    public ImageDecodeException(String file, String reason, Throwable cause) {
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
