package org.encodertraces.image;

import java.util.Objects;

/**
 * Pillow 9.4's SMOOTH filter, {@code Image.blend} and {@code ImageEnhance.Sharpness} for RGB
 * images, bit for bit.
 *
 * <p>The study's "sharpening" processing trace is Pillow's Sharpness enhancer, which blends the
 * image with its SMOOTH-filtered version; reproducing it exactly needs Pillow's float arithmetic
 * ({@code libImaging/Filter.c}, {@code Blend.c}) rather than a generic convolution. Java's float
 * and double arithmetic is IEEE 754 with round-to-nearest, like the SSE code the C compiles to on
 * x86-64, so evaluating the same expressions in the same order gives the same bits.
 */
public final class Enhance {
    private Enhance() {
    }

    /**
     * {@code image.filter(ImageFilter.SMOOTH)}: the 3x3 kernel (1 1 1 / 1 5 1 / 1 1 1) / 13.
     * As in Pillow, the outermost rows and columns are copied unchanged, and an image narrower or
     * lower than 3 pixels is returned as a copy.
     */
    public static RgbImage smooth(RgbImage in) {
        Objects.requireNonNull(in, "in");
        // _imaging.c divides the kernel by the scale in float (FLOAT32 kernel, float divisor).
        float side = 1f / 13f;
        float center = 5f / 13f;
        float[] kernel = {side, side, side, side, center, side, side, side, side};
        return filter3x3(in, kernel, 0f);
    }

    /**
     * {@code Image.blend(a, b, alpha)}: {@code a + alpha * (b - a)} per channel, computed in float
     * and truncated toward zero; for alpha outside [0, 1] the result is clamped to 0..255 first.
     * alpha 0 and 1 give copies of {@code a} and {@code b}.
     *
     * @throws IllegalArgumentException if the sizes differ (Pillow: "images do not match")
     */
    public static RgbImage blend(RgbImage a, RgbImage b, float alpha) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        if (a.width() != b.width() || a.height() != b.height()) {
            throw new IllegalArgumentException("images do not match: " + a.width() + "x" + a.height()
                    + " vs " + b.width() + "x" + b.height());
        }
        if (alpha == 0.0f) {
            return a.copy();
        }
        if (alpha == 1.0f) {
            return b.copy();
        }
        byte[] in1 = a.data();
        byte[] in2 = b.data();
        byte[] out = new byte[in1.length];
        if (alpha >= 0 && alpha <= 1.0f) {
            // Interpolation stays within [min, max] of the two values: no clamping needed.
            for (int i = 0; i < out.length; i++) {
                int v1 = in1[i] & 0xFF;
                int v2 = in2[i] & 0xFF;
                out[i] = (byte) (int) (v1 + alpha * (v2 - v1));
            }
        } else {
            for (int i = 0; i < out.length; i++) {
                int v1 = in1[i] & 0xFF;
                int v2 = in2[i] & 0xFF;
                float t = v1 + alpha * (v2 - v1);
                out[i] = t <= 0.0f ? 0 : t >= 255.0f ? (byte) 255 : (byte) (int) t;
            }
        }
        return new RgbImage(a.width(), a.height(), out);
    }

    /**
     * {@code ImageEnhance.Sharpness(image).enhance(factor)} = {@code blend(smooth(image), image,
     * factor)}: 0 gives the smoothed image, 1 the original, above 1 sharpens.
     */
    public static RgbImage sharpness(RgbImage in, float factor) {
        Objects.requireNonNull(in, "in");
        return blend(smooth(in), in, factor);
    }

    /**
     * ImagingFilter's 3x3 path for 8-bit multi-band images. The kernel is applied as a
     * convolution (kernel row 0 weighs the row below, kernel column 0 the pixel to the left), each
     * row's three products summed left to right in float and added to a float accumulator that
     * starts at offset + 0.5; the result is clamped to 0..255 and truncated.
     */
    private static RgbImage filter3x3(RgbImage in, float[] kernel, float offset) {
        int w = in.width();
        int h = in.height();
        if (w < 3 || h < 3) {
            return in.copy();
        }
        byte[] src = in.data();
        byte[] dst = src.clone(); // border rows and columns keep the input values
        float start = (float) (offset + 0.5); // C: float offset += 0.5 (double), stored back as float
        int stride = w * 3;
        for (int y = 1; y < h - 1; y++) {
            int rowAbove = (y - 1) * stride;
            int row = y * stride;
            int rowBelow = (y + 1) * stride;
            for (int i = 3; i < stride - 3; i++) {
                float ss = start;
                ss += tap3(src, rowBelow + i, kernel, 0);
                ss += tap3(src, row + i, kernel, 3);
                ss += tap3(src, rowAbove + i, kernel, 6);
                dst[row + i] = clip8(ss);
            }
        }
        return new RgbImage(w, h, dst);
    }

    /** KERNEL1x3: three neighbouring samples of one channel (3 bytes apart) times kernel[k..k+2]. */
    private static float tap3(byte[] src, int p, float[] kernel, int k) {
        return (float) (src[p - 3] & 0xFF) * kernel[k]
                + (float) (src[p] & 0xFF) * kernel[k + 1]
                + (float) (src[p + 3] & 0xFF) * kernel[k + 2];
    }

    /** Filter.c's clip8 on a float: 0 at or below 0, 255 at or above 255, else truncation. */
    private static byte clip8(float v) {
        if (v <= 0.0f) {
            return 0;
        }
        if (v >= 255.0f) {
            return (byte) 255;
        }
        return (byte) (int) v;
    }
}
