package org.encodertraces.image;

/**
 * A 64-bit perceptual hash of an image's pixels (the DCT hash, "pHash"): the image is reduced to
 * 32 x 32 pixels with Pillow's box filter (an area average, so noise and JPEG blocks vanish),
 * converted to Pillow's luma ({@code L = (19595 R + 38470 G + 7471 B + 2^15) >> 16}), transformed by
 * a 2-D DCT-II, and the 8 x 8 lowest frequencies after the constant one (rows and columns 1..8)
 * are compared with their median: one bit per coefficient, set when it is above the median.
 *
 * <p>Why this hash: it keeps the layout of light and dark at coarse scale and nothing else, so two
 * shots of one scene a few pixels apart, re-encoded, resized or slightly re-exposed stay within a
 * few bits of each other, while unrelated photos differ in about half of the 64 bits. Colour is
 * ignored, and so is the aspect ratio (the image is squeezed to a square). Distances are Hamming
 * distances ({@link #distance}).
 */
public final class PerceptualHash {
    /** Side of the reduced image. */
    static final int SIDE = 32;
    /** Side of the block of low frequencies that gives the bits. */
    static final int BLOCK = 8;
    private static final double[][] COS = cosines();

    private PerceptualHash() {
    }

    /** The hash of an image. */
    public static long of(RgbImage image) {
        RgbImage small = image.width() == SIDE && image.height() == SIDE ? image
                : Resampler.resize(image, SIDE, SIDE, ResampleFilter.BOX);
        double[][] grey = new double[SIDE][SIDE];
        byte[] d = small.data();
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                int i = 3 * (y * SIDE + x);
                int r = d[i] & 0xFF;
                int g = d[i + 1] & 0xFF;
                int b = d[i + 2] & 0xFF;
                grey[y][x] = (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
            }
        }
        // separable DCT-II, only the rows and columns the hash reads (1..BLOCK)
        double[][] rows = new double[SIDE][BLOCK];
        for (int y = 0; y < SIDE; y++) {
            for (int u = 0; u < BLOCK; u++) {
                double s = 0;
                for (int x = 0; x < SIDE; x++) {
                    s += grey[y][x] * COS[u + 1][x];
                }
                rows[y][u] = s;
            }
        }
        double[] coef = new double[BLOCK * BLOCK];
        for (int v = 0; v < BLOCK; v++) {
            for (int u = 0; u < BLOCK; u++) {
                double s = 0;
                for (int y = 0; y < SIDE; y++) {
                    s += rows[y][u] * COS[v + 1][y];
                }
                coef[v * BLOCK + u] = s;
            }
        }
        double[] sorted = coef.clone();
        java.util.Arrays.sort(sorted);
        double median = (sorted[BLOCK * BLOCK / 2 - 1] + sorted[BLOCK * BLOCK / 2]) / 2;
        long h = 0;
        for (int i = 0; i < coef.length; i++) {
            if (coef[i] > median) {
                h |= 1L << (63 - i);
            }
        }
        return h;
    }

    /** The number of bits in which two hashes differ (0 to 64). */
    public static int distance(long a, long b) {
        return Long.bitCount(a ^ b);
    }

    /** The hash as 16 hexadecimal digits. */
    public static String hex(long h) {
        return String.format("%016x", h);
    }

    /** A hash from {@link #hex}. */
    public static long parseHex(String s) {
        if (!s.matches("[0-9a-fA-F]{16}")) {
            throw new IllegalArgumentException("not a 64-bit hash in hexadecimal: '" + s + "'");
        }
        return Long.parseUnsignedLong(s, 16);
    }

    private static double[][] cosines() {
        double[][] c = new double[BLOCK + 1][SIDE];
        for (int k = 0; k <= BLOCK; k++) {
            for (int n = 0; n < SIDE; n++) {
                c[k][n] = Math.cos(Math.PI * k * (2 * n + 1) / (2.0 * SIDE));
            }
        }
        return c;
    }
}
