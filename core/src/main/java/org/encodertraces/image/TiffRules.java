package org.encodertraces.image;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The checks Pillow 9.4's TiffImagePlugin makes on a TIFF's first directory before it decodes a
 * pixel, so that we refuse the files it refuses: sample layouts missing from its table of modes
 * ({@code OPEN_INFO}, generated into {@code pillow-tiff-open-info.tsv} by
 * tools/pillow-fixtures/make_tiff_open_info.py), unknown compressions, too many samples per
 * pixel, planar files with more strip planes than the mode has bands, and CCITT compression of
 * more than one bit per sample (libtiff's decoder fails on it). The JDK's TIFF reader decodes
 * several of these into pixels nobody asked for.
 */
final class TiffRules {
    private static final int MAX_SAMPLES_PER_PIXEL = 6;
    private static final Map<String, String[]> OPEN_INFO = load();

    private TiffRules() {
    }

    /** What the first directory says: Pillow's mode (e.g. "RGB", "I;16", "P") and the Orientation tag (0 when absent). */
    record Info(String mode, int orientation, int[] palette, int bitsPerSample, int compression) {
    }

    /** Pillow's reading of the first page, or a refusal naming the reason. */
    static Info check(byte[] b, String name) throws ImageDecodeException {
        if (b.length < 8) {
            throw new ImageDecodeException(name, "truncated TIFF header");
        }
        boolean le = b[0] == 'I';
        long ifd = u32(b, 4, le);
        if (ifd < 8 || ifd + 2 > b.length) {
            throw new ImageDecodeException(name, "cannot identify the TIFF: its first directory offset " + ifd + " is outside the file");
        }
        int n = u16(b, (int) ifd, le);
        Map<Integer, long[]> tags = new HashMap<>();
        for (int i = 0; i < n; i++) {
            int e = (int) ifd + 2 + 12 * i;
            if (e + 12 > b.length) {
                break;
            }
            int tag = u16(b, e, le);
            int type = u16(b, e + 2, le);
            long count = u32(b, e + 4, le);
            int size = switch (type) {
                case 1, 2, 6, 7 -> 1;
                case 3, 8 -> 2;
                case 4, 9, 13 -> 4;
                default -> 8;
            };
            if (type != 1 && type != 3 && type != 4 || count > 1 << 20) {
                tags.put(tag, new long[0]);
                continue;
            }
            long at = count * size <= 4 ? e + 8 : u32(b, e + 8, le);
            if (at + count * size > b.length) {
                tags.put(tag, new long[0]);
                continue;
            }
            long[] v = new long[(int) count];
            for (int k = 0; k < count; k++) {
                int p = (int) (at + (long) k * size);
                v[k] = size == 1 ? b[p] & 0xFF : size == 2 ? u16(b, p, le) : u32(b, p, le);
            }
            tags.put(tag, v);
        }
        if (tags.containsKey(0xBC01)) {
            throw new ImageDecodeException(name, "Windows Media Photo inside TIFF is not supported (nor by Pillow)");
        }
        int compression = (int) first(tags, 259, 1);
        if (!Arrays.asList(1, 2, 3, 4, 5, 6, 7, 8, 32771, 32773, 32809, 32946, 34676, 34677, 34925, 50000, 50001).contains(compression)) {
            throw new ImageDecodeException(name, "unknown TIFF compression " + compression);
        }
        int photo = compression == 6 ? 6 : (int) first(tags, 262, 0);
        int fill = (int) first(tags, 266, 1);
        long[] format = tags.getOrDefault(339, new long[] {1});
        if (format.length > 1 && Arrays.stream(format).allMatch(x -> x == 1)) {
            format = new long[] {1};
        }
        long[] bps = tags.getOrDefault(258, new long[] {1});
        long[] extra = tags.getOrDefault(338, new long[0]);
        int bandCount = (photo == 2 || photo == 6 || photo == 8 ? 3 : photo == 5 ? 4 : 1) + extra.length;
        long spp = first(tags, 277, compression == 6 && (photo == 2 || photo == 6) ? 3 : 1);
        if (spp > MAX_SAMPLES_PER_PIXEL) {
            throw new ImageDecodeException(name, "cannot identify the TIFF: " + spp + " samples per pixel (Pillow reads at most "
                    + MAX_SAMPLES_PER_PIXEL + ")");
        }
        if (spp < bps.length) {
            bps = Arrays.copyOf(bps, (int) spp);
        } else if (spp > bps.length && bps.length == 1) {
            long[] r = new long[(int) spp];
            Arrays.fill(r, bps[0]);
            bps = r;
        }
        if (bps.length != spp) {
            throw new ImageDecodeException(name, "cannot identify the TIFF: unknown data organization (" + bps.length
                    + " bits-per-sample values for " + spp + " samples)");
        }
        String key = (le ? "II" : "MM") + "|" + photo + "|" + join(format) + "|" + fill + "|" + join(bps) + "|" + join(extra);
        String[] mode = OPEN_INFO.get(key);
        if (mode == null) {
            throw new ImageDecodeException(name, "cannot identify the TIFF: unknown pixel mode (photometric " + photo
                    + ", sample format " + join(format) + ", " + join(bps) + " bits, extra samples " + join(extra) + ")");
        }
        if ((compression == 2 || compression == 3 || compression == 4) && Arrays.stream(bps).anyMatch(x -> x != 1)) {
            throw new ImageDecodeException(name, "CCITT-compressed TIFF with " + join(bps)
                    + " bits per sample (CCITT codes bilevel images only; libtiff refuses it)");
        }
        int planar = (int) first(tags, 284, 1);
        if (compression == 1 && planar == 2) {
            checkPlanes(tags, mode[1], name);
        }
        int[] palette = null;
        long[] map = tags.get(320);
        if ((mode[0].equals("P") || mode[0].equals("PA")) && map != null && map.length >= 3 && map.length % 3 == 0) {
            // Pillow: o8(v // 256) of each 16-bit entry, laid out as all reds, all greens, all blues
            int entries = map.length / 3;
            palette = new int[Math.max(256, entries)];
            for (int i = 0; i < palette.length; i++) {
                palette[i] = (i << 16) | (i << 8) | i;
            }
            for (int i = 0; i < entries; i++) {
                palette[i] = ((int) (map[i] >> 8) << 16) | ((int) (map[entries + i] >> 8) << 8) | (int) (map[2 * entries + i] >> 8);
            }
        }
        return new Info(mode[0], (int) first(tags, 274, 0), palette, (int) bps[0], compression);
    }

    /**
     * The page turned upright as Pillow's TiffImagePlugin.load_end does for Orientation 2..8
     * (FLIP_LEFT_RIGHT, ROTATE_180, FLIP_TOP_BOTTOM, TRANSPOSE, ROTATE_270, TRANSVERSE, ROTATE_90).
     */
    static RgbImage orient(RgbImage in, int orientation) {
        if (orientation < 2 || orientation > 8) {
            return in;
        }
        int w = in.width();
        int h = in.height();
        boolean swap = orientation >= 5;
        int ow = swap ? h : w;
        int oh = swap ? w : h;
        byte[] src = in.data();
        byte[] out = new byte[src.length];
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                int sx;
                int sy;
                switch (orientation) {
                    case 2 -> { sx = w - 1 - x; sy = y; }
                    case 3 -> { sx = w - 1 - x; sy = h - 1 - y; }
                    case 4 -> { sx = x; sy = h - 1 - y; }
                    case 5 -> { sx = y; sy = x; }
                    case 6 -> { sx = y; sy = h - 1 - x; }
                    case 7 -> { sx = w - 1 - y; sy = h - 1 - x; }
                    default -> { sx = w - 1 - y; sy = x; }
                }
                System.arraycopy(src, (sy * w + sx) * 3, out, (y * ow + x) * 3, 3);
            }
        }
        return new RgbImage(ow, oh, out);
    }

    /** Pillow's raw planar tiling gives strip plane k the k-th character of the raw mode. */
    private static void checkPlanes(Map<Integer, long[]> tags, String rawmode, String name) throws ImageDecodeException {
        long xsize = first(tags, 256, 0);
        long ysize = first(tags, 257, 0);
        long[] offsets;
        long w;
        long h;
        if (tags.containsKey(273)) {
            offsets = tags.get(273);
            h = first(tags, 278, ysize);
            w = xsize;
        } else if (tags.containsKey(324)) {
            offsets = tags.get(324);
            w = first(tags, 322, 0);
            h = first(tags, 323, 0);
        } else {
            throw new ImageDecodeException(name, "cannot identify the TIFF: no strip or tile offsets");
        }
        long x = 0;
        long y = 0;
        int layer = 0;
        for (int i = 0; i < offsets.length; i++) {
            if (layer >= rawmode.length()) {
                throw new ImageDecodeException(name, "cannot identify the TIFF: " + offsets.length
                        + " planar strips for a " + rawmode.length() + "-band layout");
            }
            x += w;
            if (x >= xsize) {
                x = 0;
                y += h;
                if (y >= ysize) {
                    x = 0;
                    y = 0;
                    layer++;
                }
            }
        }
    }

    private static long first(Map<Integer, long[]> tags, int tag, long dflt) {
        long[] v = tags.get(tag);
        return v == null || v.length == 0 ? dflt : v[0];
    }

    private static String join(long[] v) {
        if (v.length == 0) {
            return "-";
        }
        StringBuilder sb = new StringBuilder();
        for (long x : v) {
            sb.append(sb.length() == 0 ? "" : ",").append(x);
        }
        return sb.toString();
    }

    private static Map<String, String[]> load() {
        Map<String, String[]> m = new HashMap<>();
        try (InputStream in = TiffRules.class.getResourceAsStream("pillow-tiff-open-info.tsv")) {
            if (in == null) {
                throw new IllegalStateException("resource pillow-tiff-open-info.tsv missing from the build");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("#") || line.startsWith("prefix\t") || line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\t");
                m.put(f[0] + "|" + f[1] + "|" + f[2] + "|" + f[3] + "|" + f[4] + "|" + f[5], new String[] {f[6], f[7]});
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.copyOf(m);
    }

    private static int u16(byte[] b, int o, boolean le) {
        return le ? (b[o] & 0xFF) | ((b[o + 1] & 0xFF) << 8) : ((b[o] & 0xFF) << 8) | (b[o + 1] & 0xFF);
    }

    private static long u32(byte[] b, int o, boolean le) {
        return le ? (b[o] & 0xFFL) | ((b[o + 1] & 0xFFL) << 8) | ((b[o + 2] & 0xFFL) << 16) | ((b[o + 3] & 0xFFL) << 24)
                : ((b[o] & 0xFFL) << 24) | ((b[o + 1] & 0xFFL) << 16) | ((b[o + 2] & 0xFFL) << 8) | (b[o + 3] & 0xFFL);
    }
}
