package org.encodertraces.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DirectColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicReference;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * The formats read through ImageIO (PNG, TIFF, the WebP fallback) and the mapping of any ImageIO
 * raster to RGB by Pillow's rules: alpha dropped without compositing, 16-bit samples reduced to
 * their high byte, 16-bit grey clipped at 255 (Pillow's "I" to "RGB"), palettes looked up, CMYK
 * inverted as Pillow does. Raw samples are read, never {@code getRGB}, so no colour management applies.
 */
final class ImageIoDecoder {
    private ImageIoDecoder() {
    }

    /** What an ImageIO reader made of a file's first image. */
    record Read(BufferedImage image, String warning, String readerName) {
    }

    /**
     * Reads the first image with the first ImageIO reader that takes the bytes, after checking its
     * size against the pixel limit; the reader's first warning is kept for the caller to judge.
     */
    static Read read(byte[] bytes, String name, String format, DecodeContext context) throws IOException {
        try (ImageInputStream in = DecodeContext.memoryStream(bytes)) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new ImageDecodeException(name, format + " is recognised but no reader is installed for it");
            }
            ImageReader reader = readers.next();
            try {
                AtomicReference<String> warned = new AtomicReference<>();
                reader.addIIOReadWarningListener((source, warning) -> warned.compareAndSet(null, String.valueOf(warning).trim()));
                reader.setInput(in, true, false);
                context.checkSize(name, reader.getWidth(0), reader.getHeight(0));
                BufferedImage img = reader.read(0);
                return new Read(img, warned.get(), reader.getClass().getName());
            } finally {
                reader.dispose();
            }
        }
    }

    /**
     * A file any ImageIO reader decodes (PNG after its chunk checks, WebP without libwebp): Pillow's
     * mode as given (from the header) or else as the raster shows it, converted as Pillow converts it.
     *
     * @param mode            Pillow's mode when the caller knows it from the header, else null
     * @param withOrientation whether the file's EXIF orientation is recorded (not for PNG, as Pillow)
     */
    static DecodedImage decode(byte[] bytes, String name, String format, DecodeContext context, String mode, boolean withOrientation)
            throws IOException {
        Read read = read(bytes, name, format, context);
        BufferedImage img = read.image();
        String pillowMode = mode != null ? mode : pillowMode(img);
        int orientation = withOrientation ? context.orientation(bytes) : 0;
        RgbImage rgb = toRgb(img, name, "I".equals(pillowMode) || pillowMode.startsWith("I;16"));
        return new DecodedImage(rgb, format, pillowMode, sampleDetail(img), orientation, read.readerName());
    }

    /** Band 0 as palette indices into {@code palette} (Pillow's own reading of a TIFF colour map). */
    static RgbImage lookUp(BufferedImage img, int[] palette) {
        int w = img.getWidth();
        int h = img.getHeight();
        byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(w, h), 3)];
        int[] row = new int[w];
        Raster r = img.getRaster();
        for (int y = 0; y < h; y++) {
            r.getSamples(0, y, w, 1, 0, row);
            for (int x = 0; x < w; x++) {
                int c = row[x] >= 0 && row[x] < palette.length ? palette[row[x]] : 0;
                int o = (y * w + x) * 3;
                out[o] = (byte) (c >> 16);
                out[o + 1] = (byte) (c >> 8);
                out[o + 2] = (byte) c;
            }
        }
        return new RgbImage(w, h, out);
    }

    static String sampleDetail(BufferedImage img) {
        ColorModel cm = img.getColorModel();
        return cm.getNumComponents() + " components, " + cm.getComponentSize(0) + "-bit"
                + (cm instanceof IndexColorModel ? ", palette" : "");
    }

    static String pillowMode(BufferedImage img) {
        ColorModel cm = img.getColorModel();
        if (cm instanceof IndexColorModel icm) {
            return icm.getMapSize() == 2 && icm.getPixelSize() == 1 ? "1" : "P";
        }
        int color = cm.getNumColorComponents();
        boolean alpha = cm.hasAlpha();
        if (cm.getColorSpace().getType() == ColorSpace.TYPE_CMYK) {
            return "CMYK";
        }
        if (color == 1) {
            if (cm.getComponentSize(0) > 8 && !alpha) {
                return "I";
            }
            return alpha ? "LA" : "L";
        }
        return alpha ? "RGBA" : "RGB";
    }

    /**
     * Maps any ImageIO raster to RGB the way Pillow's convert("RGB") maps the corresponding
     * Pillow mode. Reads raw samples, never {@code getRGB}, so no colour management applies.
     */
    static RgbImage toRgb(BufferedImage img, String name) throws ImageDecodeException {
        return toRgb(img, name, false);
    }

    /**
     * @param clipGray16 16-bit grey is Pillow's mode "I" even when the JDK adds an alpha band for a
     *     tRNS chunk: clip at 255 rather than take the high byte
     */
    static RgbImage toRgb(BufferedImage img, String name, boolean clipGray16) throws ImageDecodeException {
        int w = img.getWidth();
        int h = img.getHeight();
        byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(w, h), 3)];
        ColorModel cm = img.getColorModel();
        Raster r = img.getRaster();
        if (cm instanceof IndexColorModel icm) {
            int size = icm.getMapSize();
            int[] lut = new int[256];
            for (int i = 0; i < 256; i++) {
                lut[i] = i < size ? icm.getRGB(i) : 0;
            }
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                r.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    int c = row[x] < 256 ? lut[row[x]] : 0;
                    int o = (y * w + x) * 3;
                    out[o] = (byte) (c >> 16);
                    out[o + 1] = (byte) (c >> 8);
                    out[o + 2] = (byte) c;
                }
            }
            return new RgbImage(w, h, out);
        }
        if (cm instanceof DirectColorModel dcm) {
            Object pixel = null;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    pixel = r.getDataElements(x, y, pixel);
                    int o = (y * w + x) * 3;
                    out[o] = (byte) dcm.getRed(pixel);
                    out[o + 1] = (byte) dcm.getGreen(pixel);
                    out[o + 2] = (byte) dcm.getBlue(pixel);
                }
            }
            return new RgbImage(w, h, out);
        }
        int bands = r.getNumBands();
        int colors = cm.getNumColorComponents();
        int bits = cm.getComponentSize(0);
        boolean cmyk = cm.getColorSpace().getType() == ColorSpace.TYPE_CMYK;
        if (bits == 32 && colors == 1 && bands == 1) {
            // 32-bit grey, Pillow mode "I" (integers) or "F" (floats): convert clips to 0..255, truncating floats
            double[] row = new double[w];
            for (int y = 0; y < h; y++) {
                r.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    double v = row[x];
                    int g = v <= 0 || Double.isNaN(v) ? 0 : v >= 255 ? 255 : (int) v;
                    int o = (y * w + x) * 3;
                    out[o] = out[o + 1] = out[o + 2] = (byte) g;
                }
            }
            return new RgbImage(w, h, out);
        }
        if (bits > 16 || (colors != 1 && colors != 3 && !(cmyk && colors == 4))) {
            throw new ImageDecodeException(name, "unsupported pixel layout: " + colors + " colour components of " + bits + " bits");
        }
        boolean premultiplied = cm.isAlphaPremultiplied() && colors == 3 && bands >= 4;
        int[] row = new int[w * bands];
        for (int y = 0; y < h; y++) {
            r.getPixels(0, y, w, 1, row);
            for (int x = 0; x < w; x++) {
                int i = x * bands;
                int o = (y * w + x) * 3;
                if (colors == 1) {
                    int v = row[i];
                    int g;
                    if (bits > 8) {
                        // 9..16-bit gray opens as Pillow mode "I"/"I;16" (clipped at 255 by convert), with alpha as "LA" (high byte)
                        g = cm.hasAlpha() && !clipGray16 ? v >> 8 : Math.min(v, 255);
                    } else if (bits < 8) {
                        g = v * 255 / ((1 << bits) - 1);
                    } else {
                        g = v;
                    }
                    out[o] = out[o + 1] = out[o + 2] = (byte) g;
                } else if (cmyk) {
                    int shift = bits == 16 ? 8 : 0;
                    int nk = 255 - (row[i + 3] >> shift);
                    for (int c = 0; c < 3; c++) {
                        out[o + c] = (byte) JpegColor.clip8(nk - JpegColor.mulDiv255(row[i + c] >> shift, nk));
                    }
                } else if (premultiplied) {
                    // Pillow's "RGBa" unpacker on the high bytes: 0 where alpha is 0, else clip(v * 255 / a)
                    int shift = bits == 16 ? 8 : 0;
                    int a = row[i + 3] >> shift;
                    for (int c = 0; c < 3; c++) {
                        int v = row[i + c] >> shift;
                        out[o + c] = (byte) (a == 0 ? 0 : a == 255 ? v : Math.min(255, v * 255 / a));
                    }
                } else {
                    int shift = bits == 16 ? 8 : 0;
                    out[o] = (byte) (row[i] >> shift);
                    out[o + 1] = (byte) (row[i + 1] >> shift);
                    out[o + 2] = (byte) (row[i + 2] >> shift);
                }
            }
        }
        return new RgbImage(w, h, out);
    }
}
