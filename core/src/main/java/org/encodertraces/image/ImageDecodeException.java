package org.encodertraces.image;

/**
 * A file that cannot be decoded to an RGB raster: the message always names the file and the
 * reason (unsupported format, truncated data, decompression bomb, ...).
 */
public final class ImageDecodeException extends FileException {
    public ImageDecodeException(String file, String reason) {
        this(file, reason, null);
    }

    public ImageDecodeException(String file, String reason, Throwable cause) {
        super(file, reason, cause);
    }
}
