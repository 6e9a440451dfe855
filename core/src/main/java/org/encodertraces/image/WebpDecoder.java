package org.encodertraces.image;

import java.io.IOException;

/**
 * WebP files to Pillow's RGB: the first frame through the system's libwebp, as Pillow decodes it
 * ({@link LibWebp}); without the library (or when told not to use it), the TwelveMonkeys ImageIO
 * reader, whose lossy output differs from libwebp's by a few levels. The codec that ran is named
 * in each {@link DecodedImage}.
 */
final class WebpDecoder {
    private WebpDecoder() {
    }

    /** @param useLibWebp decode with libwebp when it is installed; false forces the TwelveMonkeys fallback */
    static DecodedImage decode(byte[] bytes, String name, DecodeContext context, boolean useLibWebp) throws IOException {
        return useLibWebp && LibWebp.available() ? decodeWithLibWebp(bytes, name, context)
                : ImageIoDecoder.decode(bytes, name, "WEBP", context, null, true);
    }

    private static DecodedImage decodeWithLibWebp(byte[] bytes, String name, DecodeContext context) throws ImageDecodeException {
        LibWebp.Frame f = LibWebp.decode(bytes, name, (w, h) -> context.checkSize(name, w, h));
        return new DecodedImage(new RgbImage(f.width(), f.height(), f.rgb()), "WEBP", f.mode(), "first frame", 0,
                LibWebp.codecName());
    }

    /**
     * The codec that decodes WebP here: libwebp when the system has it (as Pillow), otherwise the
     * TwelveMonkeys reader, whose lossy output differs from libwebp's by a few levels.
     */
    static String codecName() {
        return LibWebp.available() ? LibWebp.codecName()
                : "TwelveMonkeys imageio-webp (fallback: libwebp not loadable: " + LibWebp.unavailableReason() + ")";
    }
}
