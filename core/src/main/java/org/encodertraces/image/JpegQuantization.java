package org.encodertraces.image;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The quantization tables and chroma subsampling a JPEG was saved with, read from its own
 * markers, and an estimate of the IJG (libjpeg {@code jpeg_set_quality}) quality that produced
 * them: a classic forensic trace of how a photo was last saved.
 *
 * <p>Parsing walks every marker segment from SOI to EOI, including the entropy-coded scan data
 * (so progressive files with several scans are followed), and fails with an
 * {@link ImageDecodeException} naming the file and the offset when the data ends early, a
 * segment length runs past the end, or the file is not a JPEG. Bytes after EOI are ignored.
 *
 * @param tables       the DQT tables in effect for the frame, by table id (0..3), in natural
 *                     (row-major) coefficient order; a later DQT with the same id replaces the
 *                     earlier one, as in a decoder
 * @param components   the frame's components from the SOF segment, in order
 * @param sofMarker    the start-of-frame marker (0xC0 baseline, 0xC1 extended, 0xC2 progressive, ...)
 * @param subsampling  the chroma subsampling in J:a:b notation ("4:2:0", "4:2:2", "4:4:4",
 *                     "4:4:0", "4:1:1", "4:1:0"), "gray" for one component, or the raw sampling
 *                     factors such as "2x2,1x1,1x1,2x2" when no standard name fits
 * @param quality      the IJG quality estimate
 * @param warnings     recoverable oddities a decoder would also pass over, such as extraneous
 *                     bytes between segments (libjpeg warns "Corrupt JPEG data" and goes on)
 */
public record JpegQuantization(Map<Integer, QuantTable> tables, List<Component> components, int sofMarker,
                               String subsampling, QualityEstimate quality, List<String> warnings) {

    /** IJG / JPEG Annex K luminance base table, natural order. */
    private static final int[] IJG_LUMA = {
            16, 11, 10, 16, 24, 40, 51, 61,
            12, 12, 14, 19, 26, 58, 60, 55,
            14, 13, 16, 24, 40, 57, 69, 56,
            14, 17, 22, 29, 51, 87, 80, 62,
            18, 22, 37, 56, 68, 109, 103, 77,
            24, 35, 55, 64, 81, 104, 113, 92,
            49, 64, 78, 87, 103, 121, 120, 101,
            72, 92, 95, 98, 112, 100, 103, 99};

    /** IJG / JPEG Annex K chrominance base table, natural order. */
    private static final int[] IJG_CHROMA = {
            17, 18, 24, 47, 99, 99, 99, 99,
            18, 21, 26, 66, 99, 99, 99, 99,
            24, 26, 56, 99, 99, 99, 99, 99,
            47, 66, 99, 99, 99, 99, 99, 99,
            99, 99, 99, 99, 99, 99, 99, 99,
            99, 99, 99, 99, 99, 99, 99, 99,
            99, 99, 99, 99, 99, 99, 99, 99,
            99, 99, 99, 99, 99, 99, 99, 99};

    /** Zigzag position k holds natural-order coefficient ZIGZAG[k] (libjpeg's jpeg_natural_order). */
    private static final int[] ZIGZAG = {
            0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5,
            12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
            35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
            58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63};

    public JpegQuantization {
        tables = Collections.unmodifiableMap(new TreeMap<>(tables));
        components = List.copyOf(components);
        warnings = List.copyOf(warnings);
    }

    /**
     * One quantization table.
     *
     * @param id        table id 0..3 (Tq)
     * @param precision 8 or 16 bits per entry (Pq 0 or 1)
     * @param values    the 64 quantizer values in natural (row-major 8x8) order; a copy is kept
     */
    public record QuantTable(int id, int precision, int[] values) {
        public QuantTable {
            if (values.length != 64) {
                throw new IllegalArgumentException("a quantization table has 64 values, not " + values.length);
            }
            values = values.clone();
        }

        /** The 64 values in natural order (a copy). */
        @Override
        public int[] values() {
            return values.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof QuantTable t && t.id == id && t.precision == precision && Arrays.equals(t.values, values);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * id + precision) + Arrays.hashCode(values);
        }

        @Override
        public String toString() {
            return "QuantTable[id=" + id + ", precision=" + precision + ", values=" + Arrays.toString(values) + "]";
        }
    }

    /**
     * One frame component from the SOF segment.
     *
     * @param id       component id (Ci)
     * @param h        horizontal sampling factor 1..4
     * @param v        vertical sampling factor 1..4
     * @param tableId  the quantization table id it uses (Tqi)
     */
    public record Component(int id, int h, int v, int tableId) {
    }

    /**
     * The IJG quality that best explains the tables.
     *
     * @param quality  1..100, the {@code jpeg_set_quality} setting whose scaled Annex K tables are
     *                 closest to the luma table (component 0) and, when present, the chroma table
     *                 (component 1); 0 when the frame has no usable table
     * @param exact    true when the scaled tables reproduce the file's tables exactly (an IJG-style
     *                 encoder such as libjpeg, Pillow or the JDK's ImageIO); false for tables made
     *                 otherwise (camera firmware, Photoshop), where {@code quality} is the nearest
     * @param error    the distance at {@code quality}: mean over the compared coefficients of
     *                 |log2(actual / expected)|; 0 when exact
     */
    public record QualityEstimate(int quality, boolean exact, double error) {
    }

    /** Reads and parses a JPEG file. */
    public static JpegQuantization read(Path file) throws IOException {
        byte[] data;
        try {
            data = org.encodertraces.io.FileBytes.read(file);
        } catch (IOException e) {
            throw new ImageDecodeException(file.toString(), "cannot read file: " + org.encodertraces.io.FileProblems.describe(file, e), e);
        }
        return parse(data, file.toString());
    }

    /**
     * Parses JPEG bytes.
     *
     * @param data the whole file
     * @param name the file or sample name used in error messages
     * @throws ImageDecodeException when the bytes are not a complete, well-formed JPEG marker stream
     */
    public static JpegQuantization parse(byte[] data, String name) throws ImageDecodeException {
        if (data.length < 4 || (data[0] & 0xFF) != 0xFF || (data[1] & 0xFF) != 0xD8) {
            throw new ImageDecodeException(name, data.length == 0 ? "empty file" : "not a JPEG (no SOI marker at the start)");
        }
        Map<Integer, QuantTable> tables = new TreeMap<>();
        Map<Integer, QuantTable> frameTables = null;
        List<Component> components = null;
        int sofMarker = -1;
        List<String> warnings = new ArrayList<>();
        int pos = 2;
        boolean sawScan = false;
        while (true) {
            // find the next marker: 0xFF, optional 0xFF fill bytes, marker code
            if (pos >= data.length) {
                throw new ImageDecodeException(name, "truncated JPEG: file ends at byte " + data.length
                        + " before the EOI marker" + (sawScan ? " (inside the scan data)" : ""));
            }
            if ((data[pos] & 0xFF) != 0xFF) {
                // libjpeg: "Corrupt JPEG data: N extraneous bytes before marker" is a warning; skip to the next 0xFF
                int start = pos;
                while (pos < data.length && (data[pos] & 0xFF) != 0xFF) {
                    pos++;
                }
                warnings.add(String.format("%d extraneous bytes before marker at byte %d", pos - start, start));
                continue;
            }
            while (pos < data.length && (data[pos] & 0xFF) == 0xFF) {
                pos++;
            }
            if (pos >= data.length) {
                throw new ImageDecodeException(name, "truncated JPEG: file ends inside a marker");
            }
            int marker = data[pos++] & 0xFF;
            if (marker == 0xD9) {
                break; // EOI
            }
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                continue; // TEM, stray RSTn: no length
            }
            if (marker == 0xD8) {
                throw new ImageDecodeException(name, "corrupt JPEG: second SOI marker at byte " + (pos - 2));
            }
            if (pos + 2 > data.length) {
                throw new ImageDecodeException(name, String.format("truncated JPEG: segment 0xFF%02X at byte %d has no length", marker, pos - 2));
            }
            int len = ((data[pos] & 0xFF) << 8) | (data[pos + 1] & 0xFF);
            if (len < 2) {
                throw new ImageDecodeException(name, String.format("corrupt JPEG: segment 0xFF%02X at byte %d has length %d", marker, pos - 2, len));
            }
            int segStart = pos + 2;
            int segEnd = pos + len;
            if (segEnd > data.length) {
                throw new ImageDecodeException(name, String.format("truncated JPEG: segment 0xFF%02X at byte %d claims %d bytes but only %d remain",
                        marker, pos - 2, len, data.length - pos));
            }
            if (marker == 0xDB) {
                parseDqt(data, segStart, segEnd, tables, name);
            } else if (isSof(marker)) {
                if (components != null) {
                    throw new ImageDecodeException(name, String.format("corrupt JPEG: second frame header 0xFF%02X at byte %d", marker, pos - 2));
                }
                components = parseSof(data, segStart, segEnd, name);
                sofMarker = marker;
            } else if (marker == 0xDA) {
                if (components == null) {
                    throw new ImageDecodeException(name, "corrupt JPEG: scan (SOS) before the frame header (SOF)");
                }
                if (frameTables == null) {
                    frameTables = new TreeMap<>(tables); // tables in effect when the first scan starts
                }
                sawScan = true;
                pos = skipEntropyData(data, segEnd, warnings);
                continue;
            }
            pos = segEnd;
        }
        if (components == null) {
            throw new ImageDecodeException(name, "corrupt JPEG: no frame header (SOF) before EOI");
        }
        if (!sawScan) {
            throw new ImageDecodeException(name, "corrupt JPEG: no image data (SOS) before EOI");
        }
        for (Component c : components) {
            if (!frameTables.containsKey(c.tableId())) {
                throw new ImageDecodeException(name, "corrupt JPEG: component " + c.id() + " uses quantization table "
                        + c.tableId() + ", which is never defined");
            }
        }
        return new JpegQuantization(frameTables, components, sofMarker, subsampling(components), estimate(frameTables, components),
                warnings);
    }

    /** The table used by the first (luma) component. */
    public QuantTable lumaTable() {
        return tables.get(components.get(0).tableId());
    }

    /** Whether the frame is progressive (SOF2, SOF6, SOF10, SOF14). */
    public boolean progressive() {
        return sofMarker == 0xC2 || sofMarker == 0xC6 || sofMarker == 0xCA || sofMarker == 0xCE;
    }

    private static boolean isSof(int m) {
        return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
    }

    /**
     * Returns the position of the marker that ends the entropy-coded data starting at {@code pos}.
     * Only markers that may follow a scan (EOI, SOS, DHT, DQT, DRI, DAC, DNL, APPn, COM) end it; any
     * other 0xFF pair inside the data is corrupt scan data (an unstuffed 0xFF) and is passed over
     * with a warning, as a tolerant decoder would.
     */
    private static int skipEntropyData(byte[] data, int pos, List<String> warnings) {
        int n = data.length;
        while (pos < n) {
            if ((data[pos] & 0xFF) == 0xFF) {
                int q = pos + 1;
                while (q < n && (data[q] & 0xFF) == 0xFF) {
                    q++; // fill bytes
                }
                if (q >= n) {
                    return n;
                }
                int m = data[q] & 0xFF;
                if (m == 0x00 || (m >= 0xD0 && m <= 0xD7)) {
                    pos = q + 1; // stuffed zero or restart marker: still scan data
                    continue;
                }
                if (endsScan(m)) {
                    return q - 1; // a real marker: its last 0xFF prefix
                }
                warnings.add(String.format("invalid marker 0xFF%02X inside scan data at byte %d", m, q - 1));
                pos = q + 1;
                continue;
            }
            pos++;
        }
        return n;
    }

    private static boolean endsScan(int m) {
        return m == 0xD9 || m == 0xDA || m == 0xC4 || m == 0xDB || m == 0xDD || m == 0xCC || m == 0xDC
                || (m >= 0xE0 && m <= 0xEF) || m == 0xFE;
    }

    private static void parseDqt(byte[] data, int p, int end, Map<Integer, QuantTable> tables, String name) throws ImageDecodeException {
        while (p < end) {
            int pqTq = data[p++] & 0xFF;
            int precision = (pqTq >> 4) == 0 ? 8 : 16;
            int id = pqTq & 0x0F;
            if ((pqTq >> 4) > 1 || id > 3) {
                throw new ImageDecodeException(name, String.format("corrupt JPEG: DQT table with precision/id byte 0x%02X", pqTq));
            }
            int bytes = precision == 8 ? 64 : 128;
            if (p + bytes > end) {
                throw new ImageDecodeException(name, "corrupt JPEG: DQT table " + id + " runs past its segment");
            }
            int[] natural = new int[64];
            for (int k = 0; k < 64; k++) {
                int v = precision == 8 ? data[p + k] & 0xFF : ((data[p + 2 * k] & 0xFF) << 8) | (data[p + 2 * k + 1] & 0xFF);
                natural[ZIGZAG[k]] = v;
            }
            p += bytes;
            tables.put(id, new QuantTable(id, precision, natural));
        }
    }

    private static List<Component> parseSof(byte[] data, int p, int end, String name) throws ImageDecodeException {
        if (end - p < 6) {
            throw new ImageDecodeException(name, "corrupt JPEG: frame header too short");
        }
        int count = data[p + 5] & 0xFF;
        if (count < 1 || p + 6 + 3 * count > end) {
            throw new ImageDecodeException(name, "corrupt JPEG: frame header declares " + count + " components that do not fit");
        }
        List<Component> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int q = p + 6 + 3 * i;
            int hv = data[q + 1] & 0xFF;
            int h = hv >> 4;
            int v = hv & 0x0F;
            if (h < 1 || h > 4 || v < 1 || v > 4) {
                throw new ImageDecodeException(name, "corrupt JPEG: component " + i + " has sampling factors " + h + "x" + v);
            }
            out.add(new Component(data[q] & 0xFF, h, v, data[q + 2] & 0xFF));
        }
        return out;
    }

    /** Names the chroma subsampling of a frame's components. */
    static String subsampling(List<Component> cs) {
        if (cs.size() == 1) {
            return "gray";
        }
        if (cs.size() == 3) {
            Component y = cs.get(0);
            Component cb = cs.get(1);
            Component cr = cs.get(2);
            if (cb.h() == cr.h() && cb.v() == cr.v() && y.h() % cb.h() == 0 && y.v() % cb.v() == 0) {
                int hr = y.h() / cb.h();
                int vr = y.v() / cb.v();
                String n = switch (hr * 10 + vr) {
                    case 11 -> "4:4:4";
                    case 21 -> "4:2:2";
                    case 22 -> "4:2:0";
                    case 12 -> "4:4:0";
                    case 41 -> "4:1:1";
                    case 42 -> "4:1:0";
                    default -> null;
                };
                if (n != null) {
                    return n;
                }
            }
        }
        StringBuilder sb = new StringBuilder();
        for (Component c : cs) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(c.h()).append('x').append(c.v());
        }
        return sb.toString();
    }

    /**
     * The table libjpeg's {@code jpeg_set_quality(q, forceBaseline)} makes from a base table:
     * scale = q &lt; 50 ? 5000/q : 200-2q; value = clamp((base*scale+50)/100, 1, forceBaseline ? 255 : 32767).
     *
     * @param luma true for the luminance (Annex K.1) base table, false for chrominance (K.2)
     */
    public static int[] ijgTable(int quality, boolean luma, boolean forceBaseline) {
        if (quality < 1 || quality > 100) {
            throw new IllegalArgumentException("IJG quality is 1..100, not " + quality);
        }
        int scale = quality < 50 ? 5000 / quality : 200 - 2 * quality;
        int max = forceBaseline ? 255 : 32767;
        int[] base = luma ? IJG_LUMA : IJG_CHROMA;
        int[] out = new int[64];
        for (int i = 0; i < 64; i++) {
            long t = ((long) base[i] * scale + 50) / 100;
            out[i] = (int) Math.max(1, Math.min(max, t));
        }
        return out;
    }

    static QualityEstimate estimate(Map<Integer, QuantTable> tables, List<Component> cs) {
        QuantTable luma = tables.get(cs.get(0).tableId());
        QuantTable chroma = cs.size() >= 2 ? tables.get(cs.get(1).tableId()) : null;
        if (chroma != null && chroma.id() == luma.id()) {
            chroma = null; // one shared table: compare it against the luma scaling only
        }
        int best = 0;
        double bestErr = Double.POSITIVE_INFINITY;
        boolean bestExact = false;
        for (int q = 1; q <= 100; q++) {
            // 8-bit tables can only come from force_baseline (clamp 255); 16-bit ones from either
            for (boolean baseline : luma.precision() == 8 ? new boolean[] {true} : new boolean[] {false, true}) {
                int[] el = ijgTable(q, true, baseline);
                boolean exact = Arrays.equals(el, luma.values);
                double err = logError(luma.values, el);
                int n = 64;
                if (chroma != null) {
                    int[] ec = ijgTable(q, false, baseline);
                    exact &= Arrays.equals(ec, chroma.values);
                    err = err * 64 + logError(chroma.values, ec) * 64;
                    n = 128;
                    err /= n;
                }
                if (exact && !bestExact || (exact == bestExact && err < bestErr)) {
                    best = q;
                    bestErr = err;
                    bestExact = exact;
                }
            }
            if (bestExact) {
                break;
            }
        }
        return new QualityEstimate(best, bestExact, bestExact ? 0.0 : bestErr);
    }

    /** Mean over coefficients of |log2(actual/expected)|, with a zero quantizer treated as 1. */
    private static double logError(int[] actual, int[] expected) {
        double s = 0;
        for (int i = 0; i < 64; i++) {
            s += Math.abs(Math.log((double) Math.max(1, actual[i]) / expected[i]));
        }
        return s / 64 / Math.log(2);
    }
}
