package org.encodertraces.image;

import java.awt.image.Raster;

/**
 * Colour conversion of raw JPEG components to RGB with libjpeg's integer arithmetic
 * (jdcolor.c: 16-bit fixed-point tables, arithmetic right shift) and Pillow's rules for CMYK
 * JPEGs (samples inverted on read, "Adobe conventions", then Pillow's cmyk2rgb). Doing it here
 * rather than in the JDK reader keeps embedded ICC profiles from changing any pixel.
 */
final class JpegColor {
    private static final int SCALEBITS = 16;
    private static final int ONE_HALF = 1 << (SCALEBITS - 1);
    private static final int[] CR_R = new int[256];
    private static final int[] CB_B = new int[256];
    private static final int[] CR_G = new int[256];
    private static final int[] CB_G = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int x = i - 128;
            CR_R[i] = (fix(1.40200) * x + ONE_HALF) >> SCALEBITS;
            CB_B[i] = (fix(1.77200) * x + ONE_HALF) >> SCALEBITS;
            CR_G[i] = -fix(0.71414) * x;
            CB_G[i] = -fix(0.34414) * x + ONE_HALF;
        }
    }

    private JpegColor() {
    }

    private static int fix(double x) {
        return (int) (x * (1L << SCALEBITS) + 0.5);
    }

    static int clip8(int v) {
        return v < 0 ? 0 : Math.min(v, 255);
    }

    /** Pillow's MULDIV255: a*b/255 rounded, in integer arithmetic. */
    static int mulDiv255(int a, int b) {
        int tmp = a * b + 128;
        return ((tmp >> 8) + tmp) >> 8;
    }

    /**
     * Converts a raster of raw decoded components in the given libjpeg colour space
     * ("GRAY", "YCbCr", "RGB", "CMYK", "YCCK") to Pillow's RGB.
     */
    static RgbImage toRgb(Raster raster, String colorSpace) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        int bands = raster.getNumBands();
        byte[] out = new byte[w * h * 3];
        int[] row = new int[w * bands];
        RowReader reader = RowReader.of(raster);
        for (int y = 0; y < h; y++) {
            reader.read(y, row);
            int o = y * w * 3;
            switch (colorSpace) {
                case "GRAY" -> {
                    for (int x = 0; x < w; x++, o += 3) {
                        byte g = (byte) row[x];
                        out[o] = g;
                        out[o + 1] = g;
                        out[o + 2] = g;
                    }
                }
                case "RGB" -> {
                    for (int x = 0; x < w * 3; x++) {
                        out[o + x] = (byte) row[x];
                    }
                }
                case "YCbCr" -> {
                    for (int x = 0, i = 0; x < w; x++, i += 3, o += 3) {
                        int yy = row[i];
                        int cb = row[i + 1];
                        int cr = row[i + 2];
                        out[o] = (byte) clip8(yy + CR_R[cr]);
                        out[o + 1] = (byte) clip8(yy + ((CB_G[cb] + CR_G[cr]) >> SCALEBITS));
                        out[o + 2] = (byte) clip8(yy + CB_B[cb]);
                    }
                }
                case "CMYK", "YCCK" -> {
                    boolean ycck = colorSpace.equals("YCCK");
                    for (int x = 0, i = 0; x < w; x++, i += 4, o += 3) {
                        int c;
                        int m;
                        int yel;
                        if (ycck) {
                            // libjpeg's ycck_cmyk_convert: YCC to RGB, then inverted to CMY
                            int yy = row[i];
                            int cb = row[i + 1];
                            int cr = row[i + 2];
                            c = 255 - clip8(yy + CR_R[cr]);
                            m = 255 - clip8(yy + ((CB_G[cb] + CR_G[cr]) >> SCALEBITS));
                            yel = 255 - clip8(yy + CB_B[cb]);
                        } else {
                            c = row[i];
                            m = row[i + 1];
                            yel = row[i + 2];
                        }
                        // Pillow reads JPEG CMYK as "CMYK;I" (inverted), then cmyk2rgb
                        int ic = 255 - c;
                        int im = 255 - m;
                        int iy = 255 - yel;
                        int nk = 255 - (255 - row[i + 3]);
                        out[o] = (byte) clip8(nk - mulDiv255(ic, nk));
                        out[o + 1] = (byte) clip8(nk - mulDiv255(im, nk));
                        out[o + 2] = (byte) clip8(nk - mulDiv255(iy, nk));
                    }
                }
                default -> throw new IllegalArgumentException("unsupported JPEG colour space " + colorSpace);
            }
        }
        return new RgbImage(w, h, out);
    }

    /**
     * Reads one row of samples, band-interleaved, into an int array: straight from the bytes of
     * a pixel-interleaved byte raster (what the JDK's JPEG reader returns), through
     * {@link Raster#getPixels} otherwise.
     */
    private record RowReader(Raster raster, byte[] data, int base, int pixelStride, int scanline, int[] bandOffsets) {
        static RowReader of(Raster r) {
            if (r.getSampleModel() instanceof java.awt.image.ComponentSampleModel sm
                    && r.getDataBuffer() instanceof java.awt.image.DataBufferByte db && db.getNumBanks() == 1
                    && java.util.Arrays.stream(sm.getBankIndices()).allMatch(b -> b == 0)) {
                int x0 = r.getMinX() - r.getSampleModelTranslateX();
                int y0 = r.getMinY() - r.getSampleModelTranslateY();
                int base = db.getOffset() + y0 * sm.getScanlineStride() + x0 * sm.getPixelStride();
                return new RowReader(r, db.getData(), base, sm.getPixelStride(), sm.getScanlineStride(), sm.getBandOffsets());
            }
            return new RowReader(r, null, 0, 0, 0, null);
        }

        void read(int y, int[] row) {
            if (data == null) {
                raster.getPixels(raster.getMinX(), raster.getMinY() + y, raster.getWidth(), 1, row);
                return;
            }
            int bands = bandOffsets.length;
            int w = raster.getWidth();
            int start = base + y * scanline;
            for (int b = 0; b < bands; b++) {
                int p = start + bandOffsets[b];
                for (int x = 0, i = b; x < w; x++, i += bands, p += pixelStride) {
                    row[i] = data[p] & 0xFF;
                }
            }
        }
    }
}
