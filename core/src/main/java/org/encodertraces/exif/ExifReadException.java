package org.encodertraces.exif;

import org.encodertraces.image.FileException;

/**
 * A file whose metadata cannot be read at all (missing, empty, not an image format we know):
 * the message always names the file and the reason. Bad EXIF inside a readable file is never
 * an exception; it gives "unknown" fields and a warning on the {@link Acquisition}.
 */
public final class ExifReadException extends FileException {
    /** An error for {@code file} with a reason that does not repeat the file name. */
    public ExifReadException(String file, String reason, Throwable cause) {
        super(file, reason, cause);
    }
}
