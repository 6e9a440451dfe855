package org.encodertraces.image;

import java.util.ArrayList;
import java.util.List;

/**
 * What the marker segments of a JPEG stream say before its first scan: frame type, size,
 * components with their sampling factors and table numbers, quantization tables, and the
 * JFIF/Adobe markers that decide its colour space. Parsing needs no pixel decoding, so size
 * limits are enforced before any large allocation.
 */
public record JpegHeader(
        int sofMarker,
        int precision,
        int width,
        int height,
        List<Component> components,
        int[][] quantTables,
        boolean jfif,
        int adobeTransform) {

    /** One frame component: id, horizontal and vertical sampling factors, quantization table number. */
    public record Component(int id, int h, int v, int quantTable) {
    }

    /** Adobe transform value when no Adobe APP14 marker is present. */
    public static final int NO_ADOBE = -1;

    /** True for baseline, extended and progressive Huffman frames (SOF0, SOF1, SOF2). */
    public boolean isHuffmanDct() {
        return sofMarker == 0xC0 || sofMarker == 0xC1 || sofMarker == 0xC2;
    }

    public boolean isProgressive() {
        return sofMarker == 0xC2 || sofMarker == 0xC6 || sofMarker == 0xCA || sofMarker == 0xCE;
    }

    /** A readable name of the frame type for error messages. */
    public String frameName() {
        return switch (sofMarker) {
            case 0xC0 -> "baseline";
            case 0xC1 -> "extended sequential";
            case 0xC2 -> "progressive";
            case 0xC3 -> "lossless";
            case 0xC5, 0xC6, 0xC7 -> "hierarchical";
            case 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF -> "arithmetic-coded";
            default -> String.format("SOF 0x%02X", sofMarker);
        };
    }

    /**
     * The colour space libjpeg assigns to the stream by default (jdapimin.c's rules), which is
     * also what Pillow relies on: 1 component gray; 3 components YCbCr unless an Adobe marker
     * says transform 0 or the component ids spell 'R','G','B'; 4 components CMYK unless an
     * Adobe marker says transform 2 (YCCK).
     */
    public String colorSpace() {
        int n = components.size();
        if (n == 1) {
            return "GRAY";
        }
        if (n == 3) {
            if (jfif) {
                return "YCbCr";
            }
            if (adobeTransform != NO_ADOBE) {
                return adobeTransform == 0 ? "RGB" : "YCbCr";
            }
            int c0 = components.get(0).id();
            int c1 = components.get(1).id();
            int c2 = components.get(2).id();
            if (c0 == 'R' && c1 == 'G' && c2 == 'B') {
                return "RGB";
            }
            return "YCbCr";
        }
        if (n == 4) {
            if (adobeTransform == 2) {
                return "YCCK";
            }
            if (adobeTransform == 0) {
                return "CMYK";
            }
            return adobeTransform == NO_ADOBE ? "CMYK" : "YCCK";
        }
        return "UNKNOWN";
    }

    /**
     * Chroma subsampling in J:a:b notation from the sampling factors ("4:4:4", "4:2:2",
     * "4:2:0", "4:4:0", "4:1:1"), "gray" for one component, or the raw factors otherwise.
     */
    public String subsampling() {
        if (components.size() == 1) {
            return "gray";
        }
        Component y = components.get(0);
        boolean chromaSame = true;
        for (int i = 1; i < components.size() && i < 3; i++) {
            Component c = components.get(i);
            chromaSame &= c.h() == 1 && c.v() == 1;
        }
        if (chromaSame) {
            if (y.h() == 1 && y.v() == 1) {
                return "4:4:4";
            }
            if (y.h() == 2 && y.v() == 1) {
                return "4:2:2";
            }
            if (y.h() == 2 && y.v() == 2) {
                return "4:2:0";
            }
            if (y.h() == 1 && y.v() == 2) {
                return "4:4:0";
            }
            if (y.h() == 4 && y.v() == 1) {
                return "4:1:1";
            }
        }
        StringBuilder sb = new StringBuilder();
        for (Component c : components) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(c.h()).append('x').append(c.v());
        }
        return sb.toString();
    }

    /**
     * Parses the markers up to the first SOS.
     *
     * @throws IllegalArgumentException with the reason when the stream is not a JPEG, is
     *         truncated before its frame header, or a segment is malformed
     */
    public static JpegHeader parse(byte[] b) {
        if (b.length < 4 || (b[0] & 0xFF) != 0xFF || (b[1] & 0xFF) != 0xD8) {
            throw new IllegalArgumentException("not a JPEG stream (no SOI marker)");
        }
        int pos = 2;
        int sof = -1;
        int precision = 0;
        int width = 0;
        int height = 0;
        List<Component> comps = new ArrayList<>();
        int[][] tables = new int[4][];
        boolean jfif = false;
        int adobe = NO_ADOBE;
        while (true) {
            // skip fill bytes and find the next marker
            while (pos < b.length && (b[pos] & 0xFF) != 0xFF) {
                pos++;
            }
            while (pos < b.length && (b[pos] & 0xFF) == 0xFF) {
                pos++;
            }
            if (pos >= b.length) {
                break;
            }
            int marker = b[pos++] & 0xFF;
            if (marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) {
                continue;
            }
            if (marker == 0xD9) {
                break;
            }
            if (pos + 2 > b.length) {
                throw new IllegalArgumentException("truncated JPEG: marker 0xFF" + Integer.toHexString(marker) + " has no length");
            }
            int len = ((b[pos] & 0xFF) << 8) | (b[pos + 1] & 0xFF);
            if (len < 2) {
                throw new IllegalArgumentException("malformed JPEG: segment 0xFF" + Integer.toHexString(marker) + " has length " + len);
            }
            int start = pos + 2;
            int end = pos + len;
            if (end > b.length) {
                throw new IllegalArgumentException("truncated JPEG: segment 0xFF" + Integer.toHexString(marker).toUpperCase()
                        + " needs " + len + " bytes, " + (b.length - pos) + " left");
            }
            if (marker == 0xDA) {
                break;
            }
            if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
                if (sof >= 0) {
                    throw new IllegalArgumentException("malformed JPEG: two frame headers");
                }
                if (len < 8) {
                    throw new IllegalArgumentException("malformed JPEG: frame header too short");
                }
                sof = marker;
                precision = b[start] & 0xFF;
                height = ((b[start + 1] & 0xFF) << 8) | (b[start + 2] & 0xFF);
                width = ((b[start + 3] & 0xFF) << 8) | (b[start + 4] & 0xFF);
                int n = b[start + 5] & 0xFF;
                if (len < 8 + 3 * n) {
                    throw new IllegalArgumentException("malformed JPEG: frame header declares " + n + " components but is too short");
                }
                for (int i = 0; i < n; i++) {
                    int o = start + 6 + 3 * i;
                    int hv = b[o + 1] & 0xFF;
                    comps.add(new Component(b[o] & 0xFF, hv >> 4, hv & 15, b[o + 2] & 0xFF));
                }
            } else if (marker == 0xDB) {
                int p = start;
                while (p < end) {
                    int pq = (b[p] & 0xFF) >> 4;
                    int tq = b[p] & 15;
                    p++;
                    int size = pq == 0 ? 64 : 128;
                    if (p + size > end || tq > 3) {
                        throw new IllegalArgumentException("malformed JPEG: bad quantization table segment");
                    }
                    int[] t = new int[64];
                    for (int i = 0; i < 64; i++) {
                        t[i] = pq == 0 ? b[p + i] & 0xFF : ((b[p + 2 * i] & 0xFF) << 8) | (b[p + 2 * i + 1] & 0xFF);
                    }
                    tables[tq] = t;
                    p += size;
                }
            } else if (marker == 0xE0 && len >= 7 && b[start] == 'J' && b[start + 1] == 'F' && b[start + 2] == 'I'
                    && b[start + 3] == 'F' && b[start + 4] == 0) {
                jfif = true;
            } else if (marker == 0xEE && len >= 14 && b[start] == 'A' && b[start + 1] == 'd' && b[start + 2] == 'o'
                    && b[start + 3] == 'b' && b[start + 4] == 'e') {
                adobe = b[start + 11] & 0xFF;
            }
            pos = end;
        }
        if (sof < 0) {
            throw new IllegalArgumentException("truncated or malformed JPEG: no frame header before the image data");
        }
        return new JpegHeader(sof, precision, width, height, List.copyOf(comps), tables, jfif, adobe);
    }
}
