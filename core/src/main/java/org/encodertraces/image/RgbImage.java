package org.encodertraces.image;

import java.util.Arrays;

/**
 * An 8-bit RGB raster, row-major with interleaved R, G, B bytes: the value every decoder
 * returns and every processing operation takes and gives back, like Pillow's mode "RGB".
 */
public final class RgbImage {
    private final int width;
    private final int height;
    private final byte[] data;

    /** Wraps {@code data} (length width*height*3, row-major RGB) without copying. */
    public RgbImage(int width, int height, byte[] data) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive: " + width + "x" + height);
        }
        if (data.length != (long) width * height * 3) {
            throw new IllegalArgumentException("RGB data length " + data.length + " does not match " + width + "x" + height);
        }
        this.width = width;
        this.height = height;
        this.data = data;
    }

    /** A black image of the given size. */
    public static RgbImage black(int width, int height) {
        return new RgbImage(width, height, new byte[Math.multiplyExact(Math.multiplyExact(width, height), 3)]);
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** The backing array (row-major RGB); callers that must not share it take {@link #copy()}. */
    public byte[] data() {
        return data;
    }

    /** Channel {@code c} (0 = R, 1 = G, 2 = B) of pixel (x, y) as 0..255. */
    public int get(int x, int y, int c) {
        return data[(y * width + x) * 3 + c] & 0xFF;
    }

    /** Packed 0xRRGGBB of pixel (x, y). */
    public int rgb(int x, int y) {
        int i = (y * width + x) * 3;
        return ((data[i] & 0xFF) << 16) | ((data[i + 1] & 0xFF) << 8) | (data[i + 2] & 0xFF);
    }

    public RgbImage copy() {
        return new RgbImage(width, height, data.clone());
    }

    /** The sub-image with top-left (x, y) and the given size; like Pillow's crop inside the bounds. */
    public RgbImage crop(int x, int y, int w, int h) {
        if (x < 0 || y < 0 || w <= 0 || h <= 0 || x + w > width || y + h > height) {
            throw new IllegalArgumentException("crop " + x + "," + y + " " + w + "x" + h + " outside " + width + "x" + height);
        }
        byte[] out = new byte[w * h * 3];
        for (int row = 0; row < h; row++) {
            System.arraycopy(data, ((y + row) * width + x) * 3, out, row * w * 3, w * 3);
        }
        return new RgbImage(w, h, out);
    }

    /** Largest absolute per-channel difference to an image of the same size. */
    public int maxAbsDiff(RgbImage other) {
        requireSameSize(other);
        int max = 0;
        for (int i = 0; i < data.length; i++) {
            max = Math.max(max, Math.abs((data[i] & 0xFF) - (other.data[i] & 0xFF)));
        }
        return max;
    }

    /** Mean absolute per-channel difference to an image of the same size. */
    public double meanAbsDiff(RgbImage other) {
        requireSameSize(other);
        long sum = 0;
        for (int i = 0; i < data.length; i++) {
            sum += Math.abs((data[i] & 0xFF) - (other.data[i] & 0xFF));
        }
        return (double) sum / data.length;
    }

    private void requireSameSize(RgbImage other) {
        if (other.width != width || other.height != height) {
            throw new IllegalArgumentException("size " + other.width + "x" + other.height + " differs from " + width + "x" + height);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RgbImage r && r.width == width && r.height == height && Arrays.equals(r.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * width + height) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "RgbImage[" + width + "x" + height + "]";
    }
}
