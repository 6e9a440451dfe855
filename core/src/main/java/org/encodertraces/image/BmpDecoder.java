package org.encodertraces.image;

/**
 * Decodes BMP and headerless DIB files exactly as Pillow 9.4's BmpImagePlugin followed by
 * {@code convert("RGB")}: the same header types, bit depths and bitfield layouts accepted (and
 * everything else refused with Pillow's reason), the same unpacking (16-bit channels scaled
 * {@code v * 255 / 31} rounded down), the same run-length decoding (skipped pixels filled with
 * index 0), greyscale palettes dropped, and palette entries beyond the file's palette grey.
 *
 * <p>Ported rather than delegated to the JDK's reader, which accepts bitfield layouts and header
 * sizes Pillow refuses, refuses OS/2 v2 headers Pillow reads, and fills and scales differently.
 */
final class BmpDecoder {
    private static final int RAW = 0;
    private static final int RLE8 = 1;
    private static final int RLE4 = 2;
    private static final int BITFIELDS = 3;

    private BmpDecoder() {
    }

    /** Whether the bytes start like a headerless DIB (Pillow's test: a known header size). */
    static boolean isDib(byte[] b) {
        if (b.length < 4) {
            return false;
        }
        long size = u32(b, 0);
        return size == 12 || size == 40 || size == 64 || size == 108 || size == 124;
    }

    /**
     * Decodes a BMP ({@code dib == false}: 14-byte file header first) or a DIB.
     *
     * @param sizeCheck called with the header's width and height before any pixel is allocated
     */
    static DecodedImage decode(byte[] b, String name, boolean dib, SizeCheck sizeCheck) throws ImageDecodeException {
        int offset = 0;
        int pos = 0;
        if (!dib) {
            need(b, 14, name);
            offset = (int) Math.min(Integer.MAX_VALUE, u32(b, 10));
            pos = 14;
        }
        need(b, pos + 4, name);
        long headerSize = u32(b, pos);
        int hd = pos + 4;
        if (headerSize < 4 || hd + headerSize - 4 > b.length) {
            throw new ImageDecodeException(name, "truncated BMP: the " + headerSize + "-byte header runs past the end of the file");
        }
        long width;
        long height;
        int bits;
        long compression;
        long colors;
        int paletteBytesPerEntry;
        int direction = -1;
        long[] mask = null;
        int after = (int) (hd + headerSize - 4);
        if (headerSize == 12) {
            width = u16(b, hd);
            height = u16(b, hd + 2);
            bits = u16(b, hd + 6);
            compression = RAW;
            colors = 0;
            paletteBytesPerEntry = 3;
        } else if (headerSize == 40 || headerSize == 64 || headerSize == 108 || headerSize == 124) {
            boolean yFlip = (b[hd + 7] & 0xFF) == 0xFF;
            direction = yFlip ? 1 : -1;
            width = u32(b, hd);
            height = yFlip ? (1L << 32) - u32(b, hd + 4) : u32(b, hd + 4);
            bits = u16(b, hd + 10);
            compression = u32(b, hd + 12);
            colors = u32(b, hd + 28);
            paletteBytesPerEntry = 4;
            if (compression == BITFIELDS) {
                mask = new long[4];
                if (headerSize - 4 >= 52) {
                    for (int i = 0; i < 4; i++) {
                        mask[i] = u32(b, hd + 36 + 4 * i);
                    }
                } else {
                    // 40-byte headers: three masks follow the header (the 4th component is reserved)
                    need(b, after + 12, name);
                    for (int i = 0; i < 3; i++) {
                        mask[i] = u32(b, after + 4 * i);
                    }
                    after += 12;
                }
            }
        } else {
            throw new ImageDecodeException(name, "unsupported BMP header type (" + headerSize + " bytes)");
        }
        if (colors == 0) {
            colors = bits < 63 ? 1L << bits : Long.MAX_VALUE;
        }
        if (offset == 14 + headerSize && bits <= 8) {
            offset += (int) Math.min(Integer.MAX_VALUE - offset, 4 * colors);
        }
        String mode;
        String raw;
        switch (bits) {
            case 1 -> { mode = "P"; raw = "P;1"; }
            case 4 -> { mode = "P"; raw = "P;4"; }
            case 8 -> { mode = "P"; raw = "P"; }
            case 16 -> { mode = "RGB"; raw = "BGR;15"; }
            case 24 -> { mode = "RGB"; raw = "BGR"; }
            case 32 -> { mode = "RGB"; raw = "BGRX"; }
            default -> throw new ImageDecodeException(name, "unsupported BMP pixel depth (" + bits + " bits)");
        }
        boolean rle = false;
        if (compression == BITFIELDS) {
            raw = bitfieldsRawMode(bits, mask);
            if (raw == null) {
                throw new ImageDecodeException(name, "unsupported BMP bitfields layout (" + bits + " bits, masks "
                        + String.format("%x/%x/%x/%x", mask[0], mask[1], mask[2], mask[3]) + ")");
            }
            if (raw.contains("A")) {
                mode = "RGBA";
            }
        } else if (compression == RLE8 || compression == RLE4) {
            rle = true;
        } else if (compression != RAW) {
            throw new ImageDecodeException(name, "unsupported BMP compression (" + compression + ")");
        }
        int[] lut = null;
        if (mode.equals("P")) {
            if (!(colors > 0 && colors <= 65536)) {
                throw new ImageDecodeException(name, "unsupported BMP palette size (" + colors + " colours)");
            }
            int start = dib ? after : after;
            int avail = (int) Math.max(0, Math.min((long) paletteBytesPerEntry * colors, b.length - (long) start));
            boolean grey = true;
            for (int i = 0; i < colors && grey; i++) {
                int val = colors == 2 ? (i == 0 ? 0 : 255) : (i & 0xFF);
                int at = start + i * paletteBytesPerEntry;
                if (at + 3 > start + avail || (b[at] & 0xFF) != val || (b[at + 1] & 0xFF) != val || (b[at + 2] & 0xFF) != val) {
                    grey = false;
                }
                if (colors == 2 && i == 1) {
                    break;
                }
            }
            if (grey) {
                mode = colors == 2 ? "1" : "L";
                raw = mode;
            } else {
                int entries = avail / paletteBytesPerEntry;
                if (entries > 256) {
                    throw new ImageDecodeException(name, "invalid BMP palette size (" + colors + " colours, at most 256 usable)");
                }
                lut = new int[256];
                for (int i = 0; i < 256; i++) {
                    lut[i] = (i << 16) | (i << 8) | i; // Pillow's palette starts grey; the file's entries replace the first ones
                }
                for (int i = 0; i < entries; i++) {
                    int at = start + i * paletteBytesPerEntry;
                    lut[i] = ((b[at + 2] & 0xFF) << 16) | ((b[at + 1] & 0xFF) << 8) | (b[at] & 0xFF);
                }
            }
        }
        sizeCheck.check(width, height);
        int w = (int) width;
        int h = (int) height;
        if (offset == 0) {
            offset = after + (lut != null || mode.equals("L") || mode.equals("1")
                    ? (int) Math.min(Integer.MAX_VALUE / 2, (long) paletteBytesPerEntry * colors) : 0);
        }
        byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(w, h), 3)];
        if (rle) {
            byte[] idx = rleIndices(b, offset, w, h, compression == RLE4);
            if (idx.length < (long) w * h) {
                throw new ImageDecodeException(name, "truncated BMP: run-length data ends after " + idx.length + " of "
                        + ((long) w * h) + " pixels (not enough image data)");
            }
            for (int y = 0; y < h; y++) {
                int dy = direction == -1 ? h - 1 - y : y;
                for (int x = 0; x < w; x++) {
                    int v = idx[y * w + x] & 0xFF;
                    int c = lut != null ? lut[v] : (v << 16) | (v << 8) | v;
                    put(out, (dy * w + x) * 3, c);
                }
            }
            return new DecodedImage(new RgbImage(w, h, out), "BMP", mode, "RLE" + (compression == RLE4 ? 4 : 8), 0, CODEC);
        }
        int stride = (int) ((((long) w * bits + 31) >> 3) & ~3L);
        int rowBytes = rawRowBytes(raw, w);
        if (offset < 0 || (long) offset + (long) stride * (h - 1) + rowBytes > b.length) {
            throw new ImageDecodeException(name, "image file is truncated: BMP pixel data needs "
                    + ((long) stride * h) + " bytes from offset " + offset + ", the file has " + b.length);
        }
        for (int y = 0; y < h; y++) {
            int src = offset + y * stride;
            int dy = direction == -1 ? h - 1 - y : y;
            unpackRow(b, src, raw, w, lut, out, dy * w * 3);
        }
        return new DecodedImage(new RgbImage(w, h, out), "BMP", mode, bits + "-bit " + raw, 0, CODEC);
    }

    /** The decoder's name, for provenance. */
    static final String CODEC = "Pillow-compatible BMP decoder (ours)";

    /** Checks a header's size before allocation. */
    @FunctionalInterface
    interface SizeCheck {
        void check(long width, long height) throws ImageDecodeException;
    }

    private static String bitfieldsRawMode(int bits, long[] m) {
        if (bits == 32) {
            if (eq(m, 0xFF0000, 0xFF00, 0xFF, 0)) {
                return "BGRX";
            } else if (eq(m, 0xFF000000L, 0xFF0000, 0xFF00, 0)) {
                return "XBGR";
            } else if (eq(m, 0xFF000000L, 0xFF0000, 0xFF00, 0xFF)) {
                return "ABGR";
            } else if (eq(m, 0xFF, 0xFF00, 0xFF0000, 0xFF000000L)) {
                return "RGBA";
            } else if (eq(m, 0xFF0000, 0xFF00, 0xFF, 0xFF000000L) || eq(m, 0, 0, 0, 0)) {
                return "BGRA";
            }
            return null;
        }
        if (bits == 24 && m[0] == 0xFF0000 && m[1] == 0xFF00 && m[2] == 0xFF) {
            return "BGR";
        }
        if (bits == 16 && m[0] == 0xF800 && m[1] == 0x7E0 && m[2] == 0x1F) {
            return "BGR;16";
        }
        if (bits == 16 && m[0] == 0x7C00 && m[1] == 0x3E0 && m[2] == 0x1F) {
            return "BGR;15";
        }
        return null;
    }

    private static boolean eq(long[] m, long r, long g, long bl, long a) {
        return m[0] == r && m[1] == g && m[2] == bl && m[3] == a;
    }

    private static int rawRowBytes(String raw, int w) {
        return switch (raw) {
            case "P;1", "1" -> (w + 7) / 8;
            case "P;4" -> (w + 1) / 2;
            case "P", "L" -> w;
            case "BGR;15", "BGR;16" -> 2 * w;
            case "BGR" -> 3 * w;
            default -> 4 * w;
        };
    }

    private static void unpackRow(byte[] b, int src, String raw, int w, int[] lut, byte[] out, int o) {
        for (int x = 0; x < w; x++, o += 3) {
            int c;
            switch (raw) {
                case "P;1", "1" -> {
                    int v = (b[src + (x >> 3)] >> (7 - (x & 7))) & 1;
                    c = lut != null ? lut[v] : (v == 0 ? 0 : 0xFFFFFF);
                }
                case "P;4" -> {
                    int v = (b[src + (x >> 1)] >> ((x & 1) == 0 ? 4 : 0)) & 15;
                    c = lut[v];
                }
                case "P", "L" -> {
                    int v = b[src + x] & 0xFF;
                    c = lut != null ? lut[v] : (v << 16) | (v << 8) | v;
                }
                case "BGR;15" -> {
                    int p = (b[src + 2 * x] & 0xFF) | ((b[src + 2 * x + 1] & 0xFF) << 8);
                    c = (((p >> 10) & 31) * 255 / 31 << 16) | (((p >> 5) & 31) * 255 / 31 << 8) | ((p & 31) * 255 / 31);
                }
                case "BGR;16" -> {
                    int p = (b[src + 2 * x] & 0xFF) | ((b[src + 2 * x + 1] & 0xFF) << 8);
                    c = (((p >> 11) & 31) * 255 / 31 << 16) | (((p >> 5) & 63) * 255 / 63 << 8) | ((p & 31) * 255 / 31);
                }
                case "BGR" -> c = rgb(b[src + 3 * x + 2], b[src + 3 * x + 1], b[src + 3 * x]);
                case "BGRX", "BGRA" -> c = rgb(b[src + 4 * x + 2], b[src + 4 * x + 1], b[src + 4 * x]);
                case "XBGR", "ABGR" -> c = rgb(b[src + 4 * x + 3], b[src + 4 * x + 2], b[src + 4 * x + 1]);
                case "RGBA" -> c = rgb(b[src + 4 * x], b[src + 4 * x + 1], b[src + 4 * x + 2]);
                default -> throw new IllegalStateException(raw);
            }
            put(out, o, c);
        }
    }

    /** Pillow 9.4's BmpRleDecoder: palette indices in file row order, possibly fewer than w*h. */
    private static byte[] rleIndices(byte[] b, int pos, int w, int h, boolean rle4) {
        long total = (long) w * h;
        java.io.ByteArrayOutputStream data = new java.io.ByteArrayOutputStream((int) Math.min(total, 1 << 20));
        int x = 0;
        while (data.size() < total) {
            if (pos + 2 > b.length) {
                break;
            }
            int pixels = b[pos] & 0xFF;
            int value = b[pos + 1] & 0xFF;
            pos += 2;
            if (pixels != 0) {
                int n = x + pixels > w ? Math.max(0, w - x) : pixels;
                for (int i = 0; i < n; i++) {
                    data.write(rle4 ? ((i % 2 == 0) ? value >> 4 : value & 0x0F) : value);
                }
                x += n;
            } else if (value == 0) {
                while (data.size() % w != 0) {
                    data.write(0);
                }
                x = 0;
            } else if (value == 1) {
                break;
            } else if (value == 2) {
                // Pillow 9.4 reads two bytes, checks them, then reads the offsets from the two after
                if (pos + 2 > b.length) {
                    break;
                }
                pos += 2;
                int right = pos < b.length ? b[pos] & 0xFF : 0;
                int up = pos + 1 < b.length ? b[pos + 1] & 0xFF : 0;
                pos = Math.min(b.length, pos + 2);
                long fill = right + (long) up * w;
                for (long i = 0; i < fill; i++) {
                    data.write(0);
                }
                x = data.size() % w;
            } else {
                int count = rle4 ? value / 2 : value;
                int got = Math.max(0, Math.min(count, b.length - pos));
                for (int i = 0; i < got; i++) {
                    int v = b[pos + i] & 0xFF;
                    if (rle4) {
                        data.write(v >> 4);
                        data.write(v & 0x0F);
                    } else {
                        data.write(v);
                    }
                }
                pos += got;
                if (got < count) {
                    break;
                }
                x += value;
                if (pos % 2 != 0) {
                    pos++;
                }
            }
        }
        byte[] all = data.toByteArray();
        return all.length > total ? java.util.Arrays.copyOf(all, (int) total) : all;
    }

    private static int rgb(byte r, byte g, byte bl) {
        return ((r & 0xFF) << 16) | ((g & 0xFF) << 8) | (bl & 0xFF);
    }

    private static void put(byte[] out, int o, int c) {
        out[o] = (byte) (c >> 16);
        out[o + 1] = (byte) (c >> 8);
        out[o + 2] = (byte) c;
    }

    private static void need(byte[] b, int n, String name) throws ImageDecodeException {
        if (b.length < n) {
            throw new ImageDecodeException(name, "truncated BMP header (" + b.length + " bytes)");
        }
    }

    private static long u32(byte[] b, int o) {
        return (b[o] & 0xFFL) | ((b[o + 1] & 0xFFL) << 8) | ((b[o + 2] & 0xFFL) << 16) | ((b[o + 3] & 0xFFL) << 24);
    }

    private static int u16(byte[] b, int o) {
        return (b[o] & 0xFF) | ((b[o + 1] & 0xFF) << 8);
    }
}
