package org.encodertraces.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.io.IOException;

/**
 * TIFF files to Pillow's RGB: Pillow's (libtiff's) checks first ({@link TiffRules}), then the JDK's
 * reader, with the corrections that make its samples libtiff's: a bad CCITT code word refused (the
 * JDK skips it), a colour map looked up as Pillow reads it, 9 to 15-bit grey reduced to its top 8
 * bits, JPEG-in-TIFF CMYK un-inverted; and the page turned upright by its Orientation tag, as
 * Pillow does on load (unlike JPEG's EXIF orientation, which it leaves).
 */
final class TiffDecoder {
    private TiffDecoder() {
    }

    static DecodedImage decode(byte[] bytes, String name, DecodeContext context) throws IOException {
        TiffRules.Info tiff = TiffRules.check(bytes, name);
        DecodedImage d = read(bytes, name, context, tiff);
        // Pillow turns TIFF pages upright on load (unlike JPEG's EXIF orientation, which it leaves)
        return tiff.orientation() >= 2 && tiff.orientation() <= 8
                ? new DecodedImage(TiffRules.orient(d.image(), tiff.orientation()), d.format(), d.sourceMode(),
                        d.detail() + ", Orientation " + tiff.orientation() + " applied", 0, d.codec())
                : d;
    }

    private static DecodedImage read(byte[] bytes, String name, DecodeContext context, TiffRules.Info tiff) throws IOException {
        ImageIoDecoder.Read read = ImageIoDecoder.read(bytes, name, "TIFF", context);
        BufferedImage img = read.image();
        String warning = read.warning();
        if (warning != null && warning.toLowerCase(java.util.Locale.ROOT).matches(".*(entrance code|invalid code|bad code).*")) {
            // the JDK's fax decoder skips a bad code word; libtiff (Pillow) stops with an error
            throw new ImageDecodeException(name, "corrupt CCITT-compressed TIFF data: " + warning);
        }
        String mode = tiff.mode();
        int orientation = context.orientation(bytes);
        RgbImage rgb;
        if (tiff.palette() != null) {
            rgb = ImageIoDecoder.lookUp(img, tiff.palette());
        } else if (mode.startsWith("I;16") && tiff.bitsPerSample() > 8 && tiff.bitsPerSample() < 16
                && img.getColorModel().getComponentSize(0) == tiff.bitsPerSample() && img.getRaster().getNumBands() == 1) {
            // 9..15-bit grey (Pillow mode "I;16", raw mode e.g. "I;12"): Pillow's RGB keeps the top 8 bits
            // of each sample (measured on the corpus's 12bit.cropped.tif; the JDK gives the stored values)
            int shift = tiff.bitsPerSample() - 8;
            int[] lut = new int[1 << tiff.bitsPerSample()];
            for (int v = 0; v < lut.length; v++) {
                lut[v] = (v >> shift) * 0x010101;
            }
            rgb = ImageIoDecoder.lookUp(img, lut);
        } else {
            if (tiff.compression() == 7 && mode.equals("CMYK") && img.getColorModel().getComponentSize(0) == 8
                    && img.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_CMYK) {
                // JPEG-in-TIFF CMYK: the JDK hands back the JPEG's inverted (Adobe-style) samples; libtiff does not
                java.awt.image.WritableRaster wr = img.getRaster();
                int[] px = null;
                for (int y = 0; y < wr.getHeight(); y++) {
                    px = wr.getPixels(0, y, wr.getWidth(), 1, px);
                    for (int i = 0; i < px.length; i++) {
                        px[i] = 255 - px[i];
                    }
                    wr.setPixels(0, y, wr.getWidth(), 1, px);
                }
            }
            rgb = ImageIoDecoder.toRgb(img, name, "I".equals(mode) || mode.startsWith("I;16"));
        }
        return new DecodedImage(rgb, "TIFF", mode, ImageIoDecoder.sampleDetail(img), orientation, read.readerName());
    }
}
