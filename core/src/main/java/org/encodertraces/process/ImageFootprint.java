package org.encodertraces.process;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Estimates, from an image file's header alone (nothing decoded), how many heap bytes decoding
 * and processing it will take at the peak: the file's bytes, the decoder's raster (width x
 * height x samples x bytes per sample), the 8-bit RGB copy, and what the operations need on top
 * (their own copies, scaled by how much they enlarge the image). It is what {@link MemoryBudget}
 * admits images by.
 *
 * <p>PNG, JPEG, GIF and BMP headers are read; other formats are charged a conservative multiple
 * of their file size (their decoder still enforces the pixel limit).
 */
public final class ImageFootprint {
    /** Copies of the RGB image an operation holds at its peak, per unit of output area (measured: JPEG round trip plus PNG output). */
    static final double OP_COPIES = 4.0;

    /** What the header says. {@code samples} per pixel and {@code bytesPerSample} of the decoder's raster; width 0 when unknown. */
    public record Header(String format, long width, long height, int samples, int bytesPerSample) {
        /** The decoder's raster in bytes. */
        public long rasterBytes() {
            return width * height * samples * bytesPerSample;
        }
    }

    private ImageFootprint() {
    }

    /** The peak bytes for decoding {@code file} and applying {@code ops} to it (one at a time). */
    public static long estimate(Path file, List<ProcessingOp> ops) throws IOException {
        return estimate(file, ops, Long.MAX_VALUE);
    }

    /**
     * As {@link #estimate(Path, List)}, but an image over {@code maxPixels} (which the decoder
     * refuses from its header before allocating anything) costs only its file size, so that the
     * decoder's "pixel limit" message is the one the user sees.
     */
    public static long estimate(Path file, List<ProcessingOp> ops, long maxPixels) throws IOException {
        long size = Files.size(file);
        Header h;
        try {
            h = header(file);
        } catch (java.io.EOFException e) {
            h = new Header("truncated", 0, 0, 0, 0);
        }
        if (h.width() > 0 && h.height() > 0 && h.width() * h.height() > maxPixels) {
            return size;
        }
        if (h.width() <= 0 || h.height() <= 0) {
            return 8 * size + (16L << 20);
        }
        long rgb = h.width() * h.height() * 3;
        double scale = 1;
        for (ProcessingOp op : ops) {
            scale = Math.max(scale, areaScale(op));
        }
        long decode = h.rasterBytes() + rgb;
        long process = rgb + (long) (OP_COPIES * scale * rgb);
        return size + Math.max(decode, process);
    }

    /** "a 6000x6000 PNG (4 samples of 16 bits)" from the header, or "the image" when it cannot be read. */
    public static String describe(Path file) {
        try {
            Header h = header(file);
            if (h.width() > 0 && h.height() > 0) {
                return "a " + h.width() + "x" + h.height() + " " + h.format() + " (" + h.samples() + " sample" + (h.samples() == 1 ? "" : "s")
                        + " of " + 8 * h.bytesPerSample() + " bits)";
            }
        } catch (IOException e) {
            // fall through
        }
        return "the image";
    }

    /** The largest area the chain's steps reach, relative to the input (RESIZE_DOUBLE: 4). */
    static double areaScale(ProcessingOp op) {
        double s = 1;
        double max = 1;
        for (ProcessingStep step : op.steps()) {
            if (step instanceof ProcessingStep.Resize r) {
                double f = r.scale() + r.maxDeviation();
                s *= f * f;
                max = Math.max(max, s);
            }
        }
        return max;
    }

    /** Reads the header of a PNG, JPEG, GIF or BMP file; an unknown format gives width 0. */
    public static Header header(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(32);
            if (head.length >= 24 && (head[0] & 0xFF) == 0x89 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G'
                    && head.length >= 26) {
                long w = be32(head, 16);
                long h = be32(head, 20);
                int depth = head[24] & 0xFF;
                int type = head[25] & 0xFF;
                int samples = switch (type) {
                    case 2 -> 3;
                    case 4 -> 2;
                    case 6 -> 4;
                    default -> 1;
                };
                return new Header("PNG", w, h, samples, depth == 16 ? 2 : 1);
            }
            if (head.length >= 10 && head[0] == 'G' && head[1] == 'I' && head[2] == 'F') {
                return new Header("GIF", le16(head, 6), le16(head, 8), 4, 1);
            }
            if (head.length >= 30 && head[0] == 'B' && head[1] == 'M') {
                return new Header("BMP", Math.abs((long) le32(head, 18)), Math.abs((long) le32(head, 22)), 4, 1);
            }
            if (head.length >= 3 && (head[0] & 0xFF) == 0xFF && (head[1] & 0xFF) == 0xD8) {
                return jpeg(head, in);
            }
            return new Header("unknown", 0, 0, 0, 0);
        }
    }

    /** Walks the JPEG marker segments up to the frame header (SOFn). */
    private static Header jpeg(byte[] head, InputStream rest) throws IOException {
        InputStream in = new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(head, 2, head.length - 2), rest);
        while (true) {
            int b = in.read();
            if (b < 0) {
                return new Header("JPEG", 0, 0, 0, 0);
            }
            if (b != 0xFF) {
                continue;
            }
            int marker = in.read();
            while (marker == 0xFF) {
                marker = in.read();
            }
            if (marker < 0 || marker == 0xD9 || marker == 0xDA) {
                return new Header("JPEG", 0, 0, 0, 0);
            }
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                continue;
            }
            byte[] len = in.readNBytes(2);
            if (len.length < 2) {
                return new Header("JPEG", 0, 0, 0, 0);
            }
            int n = ((len[0] & 0xFF) << 8 | (len[1] & 0xFF)) - 2;
            boolean sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
            if (sof) {
                byte[] f = in.readNBytes(Math.max(0, n));
                if (f.length < 6) {
                    return new Header("JPEG", 0, 0, 0, 0);
                }
                int precision = f[0] & 0xFF;
                long h = (f[1] & 0xFF) << 8 | (f[2] & 0xFF);
                long w = (f[3] & 0xFF) << 8 | (f[4] & 0xFF);
                return new Header("JPEG", w, h, f[5] & 0xFF, precision > 8 ? 2 : 1);
            }
            in.skipNBytes(Math.max(0, n));
        }
    }

    private static long be32(byte[] b, int o) {
        return (b[o] & 0xFFL) << 24 | (b[o + 1] & 0xFFL) << 16 | (b[o + 2] & 0xFFL) << 8 | (b[o + 3] & 0xFFL);
    }

    private static int le16(byte[] b, int o) {
        return (b[o] & 0xFF) | (b[o + 1] & 0xFF) << 8;
    }

    private static int le32(byte[] b, int o) {
        return (b[o] & 0xFF) | (b[o + 1] & 0xFF) << 8 | (b[o + 2] & 0xFF) << 16 | (b[o + 3] & 0xFF) << 24;
    }
}
