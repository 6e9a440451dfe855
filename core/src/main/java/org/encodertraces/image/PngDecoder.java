package org.encodertraces.image;

import java.io.IOException;

/**
 * PNG files to Pillow's RGB: Pillow's chunk rules first ({@link PngChunks}: what it refuses, and the
 * mode it opens the file as), then the JDK's reader mapped to RGB by that mode. Pillow reads no EXIF
 * orientation from a PNG here, so none is recorded.
 */
final class PngDecoder {
    private PngDecoder() {
    }

    static DecodedImage decode(byte[] bytes, String name, DecodeContext context) throws IOException {
        PngChunks.Header png = PngChunks.check(bytes, name);
        return ImageIoDecoder.decode(bytes, name, "PNG", context, png.pillowMode(), false);
    }
}
