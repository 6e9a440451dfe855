package org.encodertraces.image;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import org.w3c.dom.NodeList;

/**
 * GIF files to Pillow's RGB: the first frame, placed on the logical screen as Pillow places it
 * (the rest filled with the transparent index, or index 0), read by the JDK's reader, or by our own
 * LZW decoder ({@link GifLzw}) for the code sizes above 8 that the JDK refuses and Pillow reads.
 */
final class GifDecoder {
    private static final String IMAGEIO = "JDK ImageIO";

    private GifDecoder() {
    }

    /**
     * Decodes a GIF's first frame onto its logical screen, grown to the frame's extent when the frame
     * reaches past it (the pixel limit applies to that extent, measured before anything is allocated).
     */
    static DecodedImage decode(byte[] bytes, String name, DecodeContext context) throws IOException {
        if (bytes.length < 10) {
            throw new ImageDecodeException(name, "truncated GIF header");
        }
        int screenW = (bytes[6] & 0xFF) | ((bytes[7] & 0xFF) << 8);
        int screenH = (bytes[8] & 0xFF) | ((bytes[9] & 0xFF) << 8);
        context.checkSize(name, screenW, screenH);
        // Pillow grows the image to the first frame's extent when the frame reaches past the
        // logical screen, and applies its pixel limit to that: measure it before allocating
        int[] frame0 = firstGifFrame(bytes);
        if (frame0 != null) {
            long extW = Math.max(screenW, (long) frame0[0] + frame0[2]);
            long extH = Math.max(screenH, (long) frame0[1] + frame0[3]);
            context.checkSize(name, extW, extH);
            screenW = (int) extW;
            screenH = (int) extH;
        }
        if (frame0 != null && frame0[4] > 8 && frame0[4] <= 11) {
            // an LZW minimum code size above the format's 8, which the JDK's reader refuses ("Bad
            // code size") and Pillow's decoder reads: decode the first frame ourselves
            return GifLzw.firstFrame(bytes, name, screenW, screenH);
        }
        try (ImageInputStream in = DecodeContext.memoryStream(bytes)) {
            ImageReader reader = ImageIO.getImageReaders(in).next();
            try {
                reader.setInput(in, false, false);
                context.checkSize(name, reader.getWidth(0), reader.getHeight(0));
                BufferedImage frame;
                try {
                    frame = reader.read(0);
                } catch (IOException | RuntimeException e) {
                    String why = gifReason(e);
                    if (why != null) {
                        throw new ImageDecodeException(name, why, e);
                    }
                    throw e;
                }
                IIOMetadata md = reader.getImageMetadata(0);
                int left = 0;
                int top = 0;
                int transparent = -1;
                IIOMetadataNode root = (IIOMetadataNode) md.getAsTree("javax_imageio_gif_image_1.0");
                NodeList desc = root.getElementsByTagName("ImageDescriptor");
                if (desc.getLength() > 0) {
                    IIOMetadataNode d = (IIOMetadataNode) desc.item(0);
                    left = Integer.parseInt(d.getAttribute("imageLeftPosition"));
                    top = Integer.parseInt(d.getAttribute("imageTopPosition"));
                }
                NodeList gce = root.getElementsByTagName("GraphicControlExtension");
                if (gce.getLength() > 0) {
                    IIOMetadataNode g = (IIOMetadataNode) gce.item(0);
                    if ("TRUE".equalsIgnoreCase(g.getAttribute("transparentColorFlag"))) {
                        transparent = Integer.parseInt(g.getAttribute("transparentColorIndex"));
                    }
                }
                ColorModel cm = frame.getColorModel();
                if (!(cm instanceof IndexColorModel icm)) {
                    return new DecodedImage(ImageIoDecoder.toRgb(frame, name), "GIF", "P", "non-indexed frame", 0, IMAGEIO);
                }
                int[] pal = new int[icm.getMapSize()];
                for (int i = 0; i < pal.length; i++) {
                    pal[i] = icm.getRGB(i);
                }
                int[] idx = frame.getRaster().getSamples(0, 0, frame.getWidth(), frame.getHeight(), 0, (int[]) null);
                return new DecodedImage(composeGif(screenW, screenH, left, top, frame.getWidth(), frame.getHeight(), idx, pal, transparent),
                        "GIF", "P", "first frame", 0, IMAGEIO);
            } finally {
                reader.dispose();
            }
        }
    }

    /**
     * The JDK GIF reader's failures in words, where its own text is an internal one ("I/O error
     * reading image: Invalid block length for LZW encoded image data", "Bad code size:12"); null
     * for the others, which the generic {@link ImageDecoder#reason} puts well enough.
     */
    static String gifReason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage() == null ? "" : t.getMessage();
            if (m.contains("Invalid block length for LZW")) {
                return "broken GIF: the image data ends early or its blocks are damaged (a truncated file?)";
            }
            java.util.regex.Matcher code = java.util.regex.Pattern.compile("Bad code size:\\s*(-?\\d+)").matcher(m);
            if (code.find()) {
                return "broken GIF: its LZW code size is " + code.group(1) + ", outside the 2 to 11 a GIF decoder can read";
            }
            if (t instanceof java.io.EOFException) {
                return "broken GIF: the file ends before its image data (truncated)";
            }
        }
        return null;
    }

    /**
     * Pillow's first GIF frame on the logical screen: filled with the transparent index (or index
     * 0) where the frame does not cover it; indices beyond the palette black.
     */
    static RgbImage composeGif(int screenW, int screenH, int left, int top, int fw, int fh, int[] idx, int[] pal, int transparent) {
        int fill = transparent >= 0 ? transparent : 0;
        int fillRgb = fill < pal.length ? pal[fill] : 0;
        byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(screenW, screenH), 3)];
        for (int i = 0; i < screenW * screenH; i++) {
            out[3 * i] = (byte) (fillRgb >> 16);
            out[3 * i + 1] = (byte) (fillRgb >> 8);
            out[3 * i + 2] = (byte) fillRgb;
        }
        for (int y = 0; y < fh; y++) {
            int sy = y + top;
            if (sy < 0 || sy >= screenH) {
                continue;
            }
            for (int x = 0; x < fw; x++) {
                int sx = x + left;
                if (sx < 0 || sx >= screenW) {
                    continue;
                }
                int v = idx[y * fw + x];
                int c = v >= 0 && v < pal.length ? pal[v] : 0;
                int o = (sy * screenW + sx) * 3;
                out[o] = (byte) (c >> 16);
                out[o + 1] = (byte) (c >> 8);
                out[o + 2] = (byte) c;
            }
        }
        return new RgbImage(screenW, screenH, out);
    }

    /** The first image descriptor's left, top, width, height and LZW minimum code size, or null when there is none. */
    private static int[] firstGifFrame(byte[] b) {
        int pos = 13;
        if ((b[10] & 0x80) != 0) {
            pos += 3 * (1 << ((b[10] & 7) + 1));
        }
        while (pos < b.length) {
            int block = b[pos] & 0xFF;
            if (block == 0x2C) {
                if (pos + 9 > b.length) {
                    return null;
                }
                int lzw = -1;
                int at = pos + 10 + ((b[pos + 9] & 0x80) != 0 ? 3 * (1 << ((b[pos + 9] & 7) + 1)) : 0);
                if (at < b.length) {
                    lzw = b[at] & 0xFF;
                }
                return new int[] {u16le(b, pos + 1), u16le(b, pos + 3), u16le(b, pos + 5), u16le(b, pos + 7), lzw};
            } else if (block == 0x21) {
                pos += 2;
                while (pos < b.length && (b[pos] & 0xFF) != 0) {
                    pos += 1 + (b[pos] & 0xFF);
                }
                pos++;
            } else {
                return null;
            }
        }
        return null;
    }

    private static int u16le(byte[] b, int o) {
        return (b[o] & 0xFF) | ((b[o + 1] & 0xFF) << 8);
    }
}
