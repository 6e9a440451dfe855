package org.encodertraces.image;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Lossless PNG output of an {@link RgbImage}, the format of every processed image we write
 * (the decoded pixels, so no second lossy step), and conversion to and from AWT images.
 */
public final class PngIo {
    static {
        ImageIoCache.off(); // no imageio*.tmp spool files (see ImageIoCache)
    }

    private PngIo() {
    }

    /** An AWT image of type TYPE_3BYTE_BGR holding the same pixels. */
    public static BufferedImage toBufferedImage(RgbImage image) {
        BufferedImage out = new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_3BYTE_BGR);
        byte[] dst = ((DataBufferByte) out.getRaster().getDataBuffer()).getData();
        byte[] src = image.data();
        for (int i = 0; i < src.length; i += 3) {
            dst[i] = src[i + 2];
            dst[i + 1] = src[i + 1];
            dst[i + 2] = src[i];
        }
        return out;
    }

    /** PNG bytes of the image (8-bit RGB, no alpha, no gamma chunk). */
    public static byte[] encode(RgbImage image) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        write(image, bytes);
        return bytes.toByteArray();
    }

    /** Writes the image as PNG to {@code out}; the stream is not closed. */
    public static void write(RgbImage image, OutputStream out) {
        try {
            if (!ImageIO.write(toBufferedImage(image), "png", out)) {
                throw new IllegalStateException("no PNG writer in this JDK");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the image as PNG to {@code file} atomically (temporary file, then move). */
    public static void write(RgbImage image, Path file) throws IOException {
        org.encodertraces.io.AtomicFiles.write(file, out -> write(image, out));
    }
}
