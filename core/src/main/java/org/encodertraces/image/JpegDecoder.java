package org.encodertraces.image;

import java.awt.image.Raster;
import java.io.IOException;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicReference;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;

/**
 * JPEG files to Pillow's RGB: the JDK's IJG libjpeg (islow IDCT, fancy upsampling, the same as the
 * libjpeg-turbo Pillow links) reading raw components, with the colour conversion done here by
 * libjpeg's integer tables and Pillow's CMYK rules ({@link JpegColor}), or TurboJPEG for YCbCr and
 * greyscale when it is the selected backend. Pillow's refusals come first: an incomplete marker
 * stream, a truncated EXIF header, more pixels than the limit.
 */
final class JpegDecoder {
    private static final String JDK_JPEG = "JDK ImageIO JPEG (IJG libjpeg 6b)";

    private JpegDecoder() {
    }

    /**
     * Decodes a JPEG: the marker stream checked first (complete from SOI to EOI, as Pillow insists), the
     * size from the frame header, then 8-bit Huffman YCbCr and greyscale through {@code jpegBackend}
     * and everything else through the JDK's libjpeg with our colour conversion ({@link JpegColor}).
     */
    static DecodedImage decode(byte[] bytes, String name, DecodeContext context, JpegBackend jpegBackend) throws IOException {
        // One rule with `traces exif`: the marker stream must be complete from SOI to EOI, so a
        // JPEG missing only its EOI marker is refused (as Pillow does with LOAD_TRUNCATED_IMAGES off)
        JpegQuantization.parse(bytes, name);
        checkExifHeader(bytes, name);
        JpegHeader header;
        try {
            header = JpegHeader.parse(bytes);
        } catch (IllegalArgumentException e) {
            throw new ImageDecodeException(name, e.getMessage());
        }
        context.checkSize(name, header.width(), header.height());
        if (!header.isHuffmanDct()) {
            throw new ImageDecodeException(name, header.frameName() + " JPEG is not supported by the JDK's JPEG codec");
        }
        if (header.precision() != 8) {
            throw new ImageDecodeException(name, header.precision() + "-bit JPEG is not supported (8-bit only)");
        }
        int n = header.components().size();
        if (n != 1 && n != 3 && n != 4) {
            throw new ImageDecodeException(name, "JPEG with " + n + " components is not supported");
        }
        String cs = header.colorSpace();
        String detail = header.frameName() + " " + header.subsampling() + " " + cs;
        if (jpegBackend == JpegBackend.TURBOJPEG && (n == 1 || cs.equals("YCbCr"))) {
            RgbImage rgb = TurboJpeg.decode(bytes, name);
            if (rgb != null) {
                return new DecodedImage(rgb, "JPEG", n == 1 ? "L" : "RGB", detail, context.orientation(bytes), TurboJpeg.codecName());
            }
        }
        Raster raster;
        try {
            raster = readJpegRaster(bytes, name);
        } catch (javax.imageio.IIOException e) {
            if (e.getMessage() == null || !e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("icc profile")) {
                throw e;
            }
            // the JDK's reader rejects ICC segments it cannot assemble (e.g. placed after the frame
            // header); libjpeg and Pillow ignore them, and no ICC profile changes our pixels anyway
            raster = readJpegRaster(withoutIccSegments(bytes), name);
        }
        RgbImage rgb = JpegColor.toRgb(raster, cs);
        String mode = switch (n) {
            case 1 -> "L";
            case 4 -> "CMYK";
            default -> "RGB";
        };
        return new DecodedImage(rgb, "JPEG", mode, detail, context.orientation(bytes), JDK_JPEG);
    }

    /**
     * Pillow's JPEG plugin parses the EXIF segment's TIFF header while opening (to find a DPI when
     * no JFIF density is given) and fails to identify the file when that header is cut short.
     */
    private static void checkExifHeader(byte[] b, String name) throws ImageDecodeException {
        boolean dpi = false;
        int pos = 2;
        while (pos + 4 <= b.length && (b[pos] & 0xFF) == 0xFF) {
            int marker = b[pos + 1] & 0xFF;
            if (marker == 0xDA || marker == 0xD9) {
                return;
            }
            int len = ((b[pos + 2] & 0xFF) << 8) | (b[pos + 3] & 0xFF);
            int s = pos + 4;
            int e = Math.min(b.length, pos + 2 + len);
            if (marker == 0xE0 && e - s >= 12 && DecodeContext.startsWith(b, s, "JFIF".getBytes()) && (b[s + 7] & 0xFF) == 1) {
                dpi = true;
            }
            if (marker == 0xE1 && !dpi && e - s >= 5 && DecodeContext.startsWith(b, s, new byte[] {'E', 'x', 'i', 'f', 0})) {
                int d = DecodeContext.startsWith(b, s, new byte[] {'E', 'x', 'i', 'f', 0, 0}) ? s + 6 : s;
                boolean tiff = e - d >= 2 && ((b[d] == 'I' && b[d + 1] == 'I') || (b[d] == 'M' && b[d + 1] == 'M'));
                if (tiff && e - d < 8) {
                    throw new ImageDecodeException(name, "cannot identify the JPEG: its EXIF segment's TIFF header is truncated ("
                            + (e - d) + " of 8 bytes)");
                }
                return; // Pillow reads the first EXIF segment once
            }
            pos += 2 + len;
        }
    }

    private static Raster readJpegRaster(byte[] bytes, String name) throws IOException {
        try (ImageInputStream in = DecodeContext.memoryStream(bytes)) {
            ImageReader reader = jpegReader();
            try {
                AtomicReference<String> truncated = new AtomicReference<>();
                reader.addIIOReadWarningListener(truncationListener(truncated));
                reader.setInput(in, true, true);
                Raster raster = reader.readRaster(0, null);
                if (truncated.get() != null) {
                    throw new ImageDecodeException(name, "image file is truncated (" + truncated.get() + ")");
                }
                return raster;
            } finally {
                reader.dispose();
            }
        }
    }

    /** The stream with its APP2 ICC_PROFILE segments (before the first scan) left out. */
    private static byte[] withoutIccSegments(byte[] b) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(b.length);
        out.write(b, 0, 2);
        int pos = 2;
        while (pos + 4 <= b.length && (b[pos] & 0xFF) == 0xFF) {
            int marker = b[pos + 1] & 0xFF;
            if (marker == 0xDA) {
                break;
            }
            int len = ((b[pos + 2] & 0xFF) << 8) | (b[pos + 3] & 0xFF);
            int end = Math.min(b.length, pos + 2 + len);
            boolean icc = marker == 0xE2 && end - (pos + 4) >= 12 && DecodeContext.startsWith(b, pos + 4, "ICC_PROFILE\0".getBytes());
            if (!icc) {
                out.write(b, pos, end - pos);
            }
            pos = end;
        }
        out.write(b, pos, b.length - pos);
        return out.toByteArray();
    }

    private static ImageReader jpegReader() throws ImageDecodeException {
        Iterator<ImageReader> it = ImageIO.getImageReadersByFormatName("jpeg");
        while (it.hasNext()) {
            ImageReader r = it.next();
            // the JDK's own reader wraps IJG libjpeg; plugins (e.g. TwelveMonkeys) would decode differently
            if (r.getClass().getName().startsWith("com.sun.imageio.plugins.jpeg")) {
                return r;
            }
            r.dispose();
        }
        throw new IllegalStateException("the JDK's JPEG reader is not available");
    }

    private static IIOReadWarningListener truncationListener(AtomicReference<String> sink) {
        return (source, warning) -> {
            String w = warning == null ? "" : warning.toLowerCase();
            if (w.contains("premature end") || w.contains("missing eoi")) {
                sink.compareAndSet(null, warning.trim());
            }
        };
    }

    /**
     * The codec used for JPEG by decoders built with the default ({@link JpegBackend#selected()}),
     * for provenance; CMYK, YCCK and Adobe RGB files always go through the JDK's codec.
     */
    static String codecName() {
        JpegBackend b = JpegBackend.selected();
        return b == JpegBackend.TURBOJPEG ? b.codecName() + " for YCbCr and greyscale, JDK ImageIO for CMYK/YCCK/RGB"
                : b.codecName();
    }
}
