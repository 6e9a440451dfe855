package org.encodertraces.image;

import java.util.Objects;

/**
 * Resizing of RGB images that reproduces Pillow 9.4's {@code Image.resize(size, resample, box)}
 * bit for bit.
 *
 * <p>Why a port and not AWT or a library scaler: the study measures how much an encoder "sees" of
 * the pre-processing, so the resize must be the very one torchvision / open_clip apply through
 * Pillow. The convolution filters follow {@code libImaging/Resample.c}: per-axis coefficients
 * computed in double precision, converted to 22-bit fixed point, then a horizontal pass followed by
 * a vertical pass with 32-bit integer accumulators. {@link ResampleFilter#NEAREST} follows the path
 * Pillow takes for it instead ({@code _resize} in {@code _imaging.c} hands it to the affine
 * transform, {@code ImagingScaleAffine} in {@code Geometry.c}).
 *
 * <p>Thread-safe: no shared state; every call allocates its own buffers.
 */
public final class Resampler {
    /** Fixed-point fraction bits of the 8-bit coefficients: 32 - 8 - 2 (two bits of headroom). */
    private static final int PRECISION_BITS = 32 - 8 - 2;
    /** Initial accumulator value: one half in fixed point, so the final shift rounds. */
    private static final int HALF = 1 << (PRECISION_BITS - 1);

    private Resampler() {
    }

    /**
     * The image resized to {@code width} x {@code height} with {@code filter}, as Pillow 9.4's
     * {@code im.resize((width, height), resample=filter)} computes it for mode RGB. The same size
     * gives a copy.
     *
     * @throws IllegalArgumentException if a size is below 1
     */
    public static RgbImage resize(RgbImage in, int width, int height, ResampleFilter filter) {
        Objects.requireNonNull(in, "in");
        return resize(in, width, height, filter, 0f, 0f, in.width(), in.height());
    }

    /**
     * The source region {@code (x0, y0)-(x1, y1)} (fractional pixels, Pillow's {@code box=}
     * argument) resized to {@code width} x {@code height}, as Pillow 9.4 computes it.
     *
     * @throws IllegalArgumentException if a size is below 1, or the box has a negative offset,
     *     reaches beyond the image, or has negative extent (Pillow's ValueError cases)
     */
    public static RgbImage resize(RgbImage in, int width, int height, ResampleFilter filter,
                                  float x0, float y0, float x1, float y1) {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(filter, "filter");
        int inW = in.width();
        int inH = in.height();
        // Image.resize: the same size and the whole image give a copy before any check.
        if (width == inW && height == inH && x0 == 0f && y0 == 0f && x1 == inW && y1 == inH) {
            return in.copy();
        }
        // The checks of _resize in _imaging.c, in its order and with its meaning.
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("height and width must be > 0, got " + width + "x" + height);
        }
        if (x0 < 0 || y0 < 0) {
            throw new IllegalArgumentException("box offset can't be negative: (" + x0 + ", " + y0 + ")");
        }
        if (x1 > inW || y1 > inH) {
            throw new IllegalArgumentException("box can't exceed original image size: (" + x1 + ", " + y1
                    + ") beyond " + inW + "x" + inH);
        }
        if (x1 - x0 < 0 || y1 - y0 < 0) {
            throw new IllegalArgumentException("box can't be empty: (" + x0 + ", " + y0 + ", " + x1 + ", " + y1 + ")");
        }
        // A whole-pixel box of exactly the output size is a plain crop (float arithmetic as in C).
        if (x0 - (int) x0 == 0 && x1 - x0 == width && y0 - (int) y0 == 0 && y1 - y0 == height) {
            return in.crop((int) x0, (int) y0, width, height);
        }
        if (filter == ResampleFilter.NEAREST) {
            return nearest(in, width, height, x0, y0, x1, y1);
        }
        return convolve(in, width, height, filter, x0, y0, x1, y1);
    }

    /**
     * {@code resize(in, width, height, filter).crop(left, top, cropW, cropH)}, bit for bit, computing
     * only the output pixels the crop keeps (each output pixel depends on its own coefficients
     * only): the resize and centre crop of model preprocessing without the discarded margins.
     *
     * @throws IllegalArgumentException if a size is below 1 or the crop leaves the resized image
     */
    public static RgbImage resizeAndCrop(RgbImage in, int width, int height, ResampleFilter filter,
                                         int left, int top, int cropW, int cropH) {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(filter, "filter");
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("height and width must be > 0, got " + width + "x" + height);
        }
        if (left < 0 || top < 0 || cropW < 1 || cropH < 1 || left + cropW > width || top + cropH > height) {
            throw new IllegalArgumentException("crop " + cropW + "x" + cropH + " at (" + left + ", " + top
                    + ") leaves the resized " + width + "x" + height + " image");
        }
        int inW = in.width();
        int inH = in.height();
        if (filter == ResampleFilter.NEAREST || (width == inW && height == inH)) {
            RgbImage full = resize(in, width, height, filter);
            return left == 0 && top == 0 && cropW == width && cropH == height ? full : full.crop(left, top, cropW, cropH);
        }
        // convolve() with the whole image as the box: the same passes, restricted to the window
        boolean needHorizontal = width != inW;
        boolean needVertical = height != inH;
        Coefficients vert = needVertical ? Coefficients.compute(inH, 0f, inH, height, filter) : null;
        int bandFirst = needVertical ? vert.start(top) : top;
        int bandEnd = needVertical ? vert.start(top + cropH - 1) + vert.count(top + cropH - 1) : top + cropH;
        byte[] cur;
        if (needHorizontal) {
            Coefficients horiz = Coefficients.compute(inW, 0f, inW, width, filter);
            cur = horizontalPass(in.data(), inW, bandFirst, bandEnd - bandFirst, left, cropW, horiz);
        } else {
            cur = in.crop(left, bandFirst, cropW, bandEnd - bandFirst).data();
        }
        if (needVertical) {
            cur = verticalPass(cur, cropW, bandFirst, top, cropH, vert);
        }
        return new RgbImage(cropW, cropH, cur);
    }

    // ---------------------------------------------------------------- nearest (affine scale)

    /**
     * ImagingScaleAffine with the matrix _resize builds: a[0] = box width / out width,
     * a[2] = box x0 (likewise for y). Sample positions start half a step in and are advanced by
     * repeated addition in double, exactly like the C loop (not by multiplication, whose rounding
     * can differ), then floored by COORD (negative gives -1, i.e. outside).
     */
    private static RgbImage nearest(RgbImage in, int width, int height, float x0, float y0, float x1, float y1) {
        int inW = in.width();
        int inH = in.height();
        double ax = (double) (x1 - x0) / width;
        double ay = (double) (y1 - y0) / height;
        double xo = (double) x0 + ax * 0.5;
        double yo = (double) y0 + ay * 0.5;

        // Source column per output column; columns that fall outside stay 0, as calloc leaves them.
        int[] srcX = new int[width];
        int xmin = width;
        int xmax = 0;
        for (int x = 0; x < width; x++) {
            int xin = coord(xo);
            if (xin >= 0 && xin < inW) {
                xmax = x + 1;
                if (x < xmin) {
                    xmin = x;
                }
                srcX[x] = xin;
            }
            xo += ax;
        }

        byte[] src = in.data();
        byte[] dst = new byte[Math.multiplyExact(Math.multiplyExact(width, height), 3)]; // fill = 1: zeros
        for (int y = 0; y < height; y++) {
            int yi = coord(yo);
            if (yi >= 0 && yi < inH) {
                int srcRow = yi * inW * 3;
                int o = (y * width + xmin) * 3;
                for (int x = xmin; x < xmax; x++, o += 3) {
                    int s = srcRow + srcX[x] * 3;
                    dst[o] = src[s];
                    dst[o + 1] = src[s + 1];
                    dst[o + 2] = src[s + 2];
                }
            }
            yo += ay;
        }
        return new RgbImage(width, height, dst);
    }

    /** Geometry.c's COORD: -1 for negative coordinates, else truncation toward zero. */
    private static int coord(double v) {
        return v < 0.0 ? -1 : (int) v;
    }

    // ---------------------------------------------------------------- convolution filters

    /**
     * ImagingResampleInner: vertical coefficients first (they fix the band of source rows that
     * matter), horizontal pass over that band only, then the vertical pass. Either pass is skipped
     * when its axis is unchanged; when both are, the result is a copy.
     */
    private static RgbImage convolve(RgbImage in, int width, int height, ResampleFilter filter,
                                     float x0, float y0, float x1, float y1) {
        int inW = in.width();
        int inH = in.height();
        // Literal C conditions: note box[2] and box[3] are compared with the *output* size.
        boolean needHorizontal = width != inW || x0 != 0f || x1 != width;
        boolean needVertical = height != inH || y0 != 0f || y1 != height;

        Coefficients vert = Coefficients.compute(inH, y0, y1, height, filter);
        int yFirst = vert.start(0);
        int yLast = vert.start(height - 1) + vert.count(height - 1);

        byte[] cur = in.data();
        int curW = inW;
        int curH = inH;
        int rowOffset = 0; // source row of the current buffer's row 0, for the vertical bounds
        if (needHorizontal) {
            Coefficients horiz = Coefficients.compute(inW, x0, x1, width, filter);
            int bandH = yLast - yFirst;
            cur = horizontalPass(cur, inW, yFirst, bandH, width, horiz);
            curW = width;
            curH = bandH;
            rowOffset = yFirst;
        }
        if (needVertical) {
            cur = verticalPass(cur, curW, rowOffset, 0, height, vert);
            curH = height;
        }
        if (cur == in.data()) {
            return in.copy();
        }
        return new RgbImage(curW, curH, cur);
    }

    /** ImagingResampleHorizontal_8bpc for 3 bands, over source rows {@code firstRow .. firstRow + rows - 1}. */
    private static byte[] horizontalPass(byte[] src, int srcW, int firstRow, int rows, int outW, Coefficients c) {
        return horizontalPass(src, srcW, firstRow, rows, 0, outW, c);
    }

    /** The horizontal pass for output columns {@code firstCol .. firstCol + outW - 1} only. */
    private static byte[] horizontalPass(byte[] src, int srcW, int firstRow, int rows, int firstCol, int outW, Coefficients c) {
        byte[] dst = new byte[Math.multiplyExact(Math.multiplyExact(outW, rows), 3)];
        int[] kk = c.weights;
        int[] bounds = c.bounds;
        int ksize = c.ksize;
        int o = 0;
        for (int yy = 0; yy < rows; yy++) {
            int rowBase = (yy + firstRow) * srcW * 3;
            for (int xx = firstCol; xx < firstCol + outW; xx++) {
                int xmin = bounds[2 * xx];
                int n = bounds[2 * xx + 1];
                int k0 = xx * ksize;
                int ss0 = HALF;
                int ss1 = HALF;
                int ss2 = HALF;
                int p = rowBase + xmin * 3;
                for (int x = 0; x < n; x++, p += 3) {
                    int k = kk[k0 + x];
                    ss0 += (src[p] & 0xFF) * k;
                    ss1 += (src[p + 1] & 0xFF) * k;
                    ss2 += (src[p + 2] & 0xFF) * k;
                }
                dst[o++] = clip8(ss0);
                dst[o++] = clip8(ss1);
                dst[o++] = clip8(ss2);
            }
        }
        return dst;
    }

    /**
     * ImagingResampleVertical_8bpc for 3 bands. {@code rowOffset} is the source row held in row 0
     * of {@code src} (the C code shifts the bounds by it instead). Accumulating a whole output row
     * at a time visits memory row by row; integer addition makes the order irrelevant to the result.
     * Computes output rows {@code firstOut .. firstOut + outH - 1} only, {@code w} wide.
     */
    private static byte[] verticalPass(byte[] src, int w, int rowOffset, int firstOut, int outH, Coefficients c) {
        int rowLen = w * 3;
        byte[] dst = new byte[Math.multiplyExact(Math.multiplyExact(w, outH), 3)];
        int[] acc = new int[rowLen];
        int[] kk = c.weights;
        int[] bounds = c.bounds;
        int ksize = c.ksize;
        for (int yy = 0; yy < outH; yy++) {
            int ymin = bounds[2 * (firstOut + yy)] - rowOffset;
            int n = bounds[2 * (firstOut + yy) + 1];
            int k0 = (firstOut + yy) * ksize;
            java.util.Arrays.fill(acc, HALF);
            for (int y = 0; y < n; y++) {
                int k = kk[k0 + y];
                int s = (ymin + y) * rowLen;
                for (int i = 0; i < rowLen; i++) {
                    acc[i] += (src[s + i] & 0xFF) * k;
                }
            }
            int o = yy * rowLen;
            for (int i = 0; i < rowLen; i++) {
                dst[o + i] = clip8(acc[i]);
            }
        }
        return dst;
    }

    /**
     * Resample.c's clip8: the accumulator shifted down to 8 bits, clamped to 0..255. (Pillow reads
     * a lookup table valid for -640..639 after the shift; 8-bit input with Pillow's filters cannot
     * leave that range, and within it the table is this clamp.)
     */
    private static byte clip8(int acc) {
        int v = acc >> PRECISION_BITS;
        return (byte) (v < 0 ? 0 : Math.min(v, 255));
    }

    /**
     * The per-output-pixel source windows and fixed-point weights along one axis
     * (precompute_coeffs followed by normalize_coeffs_8bpc).
     *
     * @param ksize   stride of {@link #weights}: the most taps any output pixel can have
     * @param bounds  pairs (first source index, number of taps) per output pixel
     * @param weights {@code ksize} weights per output pixel, in 1/2^22 units
     */
    private record Coefficients(int ksize, int[] bounds, int[] weights) {
        int start(int out) {
            return bounds[2 * out];
        }

        int count(int out) {
            return bounds[2 * out + 1];
        }

        static Coefficients compute(int inSize, float in0, float in1, int outSize, ResampleFilter filter) {
            double support0 = support(filter);
            // The box extent is a float difference, widened afterwards, as in C.
            double scale = (double) (in1 - in0) / outSize;
            double filterscale = Math.max(scale, 1.0);
            double support = support0 * filterscale;
            int ksize = (int) Math.ceil(support) * 2 + 1;
            if ((long) outSize * ksize > Integer.MAX_VALUE / 8) {
                // Pillow raises MemoryError here.
                throw new IllegalArgumentException("resize to " + outSize + " pixels needs too many coefficients");
            }
            int[] bounds = new int[2 * outSize];
            int[] weights = new int[outSize * ksize];
            double[] k = new double[ksize];
            double ss = 1.0 / filterscale;
            for (int xx = 0; xx < outSize; xx++) {
                double center = in0 + (xx + 0.5) * scale;
                // Rounded by +0.5 and truncation (toward zero, as the C cast does), then clamped.
                int xmin = (int) (center - support + 0.5);
                if (xmin < 0) {
                    xmin = 0;
                }
                int xmax = (int) (center + support + 0.5);
                if (xmax > inSize) {
                    xmax = inSize;
                }
                xmax -= xmin;
                double ww = 0.0;
                for (int x = 0; x < xmax; x++) {
                    double w = weight(filter, (x + xmin - center + 0.5) * ss);
                    k[x] = w;
                    ww += w;
                }
                int base = xx * ksize;
                for (int x = 0; x < xmax; x++) {
                    double v = ww != 0.0 ? k[x] / ww : k[x];
                    // normalize_coeffs_8bpc: round half away from zero by sign, then truncate.
                    weights[base + x] = v < 0
                            ? (int) (-0.5 + v * (1 << PRECISION_BITS))
                            : (int) (0.5 + v * (1 << PRECISION_BITS));
                }
                // weights beyond xmax stay 0, as Pillow zero-fills them
                bounds[2 * xx] = xmin;
                bounds[2 * xx + 1] = xmax;
            }
            return new Coefficients(ksize, bounds, weights);
        }
    }

    /** The filter's support radius in source pixels at scale 1 (Resample.c's filter table). */
    private static double support(ResampleFilter filter) {
        return switch (filter) {
            case BOX -> 0.5;
            case BILINEAR, HAMMING -> 1.0;
            case BICUBIC -> 2.0;
            case LANCZOS -> 3.0;
            case NEAREST -> throw new IllegalArgumentException("NEAREST is not a convolution filter");
        };
    }

    /** The filter's weight at distance {@code x}, with Resample.c's exact expressions and types. */
    private static double weight(ResampleFilter filter, double x) {
        switch (filter) {
            case BOX:
                return x > -0.5 && x <= 0.5 ? 1.0 : 0.0;
            case BILINEAR: {
                double a = Math.abs(x);
                return a < 1.0 ? 1.0 - a : 0.0;
            }
            case HAMMING: {
                double a = Math.abs(x);
                if (a == 0.0) {
                    return 1.0;
                }
                if (a >= 1.0) {
                    return 0.0;
                }
                a = a * Math.PI;
                // the window constants are C float literals (0.54f, 0.46f), widened to double
                return StrictMath.sin(a) / a * ((double) 0.54f + (double) 0.46f * StrictMath.cos(a));
            }
            case BICUBIC: {
                final double a = -0.5; // Keys' cubic convolution with a = -0.5
                double t = Math.abs(x);
                if (t < 1.0) {
                    return ((a + 2.0) * t - (a + 3.0)) * t * t + 1;
                }
                if (t < 2.0) {
                    return (((t - 5) * t + 8) * t - 4) * a;
                }
                return 0.0;
            }
            case LANCZOS:
                // sinc windowed by sinc(x / 3), truncated to [-3, 3)
                return -3.0 <= x && x < 3.0 ? sinc(x) * sinc(x / 3) : 0.0;
            default:
                throw new IllegalArgumentException("not a convolution filter: " + filter);
        }
    }

    private static double sinc(double x) {
        if (x == 0.0) {
            return 1.0;
        }
        double px = x * Math.PI;
        return StrictMath.sin(px) / px;
    }
}
