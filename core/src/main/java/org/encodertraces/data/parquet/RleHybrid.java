package org.encodertraces.data.parquet;

import java.io.IOException;

/**
 * Parquet's RLE / bit-packed hybrid encoding (definition levels, dictionary indices, booleans):
 * runs, each headed by a varint whose low bit says bit-packed (groups of eight values) or repeated
 * (one value, {@code ceil(width / 8)} bytes, little endian).
 */
final class RleHybrid {
    private RleHybrid() {
    }

    /** Decodes {@code n} values of {@code width} bits from the cursor. */
    static int[] decode(PageBytes in, int width, int n) throws IOException {
        if (width < 0 || width > 32) {
            throw new IOException("RLE bit width " + width + " is outside 0..32");
        }
        int[] out = new int[n];
        long[] group = new long[8];
        int valueBytes = (width + 7) / 8;
        int i = 0;
        while (i < n) {
            long header = in.readVarint();
            long count = header >>> 1;
            if (count == 0) {
                throw new IOException("RLE run of length 0");
            }
            if ((header & 1) == 0) {
                in.need(valueBytes, "an RLE run value");
                int v = 0;
                for (int b = 0; b < valueBytes; b++) {
                    v |= (in.buf[in.pos++] & 0xFF) << (8 * b);
                }
                if (width < 32 && (v >>> width) != 0) {
                    throw new IOException("RLE run value " + v + " does not fit in " + width + " bits");
                }
                int m = (int) Math.min(count, n - i);
                java.util.Arrays.fill(out, i, i + m, v);
                i += m;
            } else {
                for (long g = 0; g < count && i < n; g++) {
                    int m = Math.min(8, n - i);
                    in.unpack(width, group, 0, m, width);
                    for (int k = 0; k < m; k++) {
                        out[i++] = (int) group[k];
                    }
                }
            }
        }
        return out;
    }

    /** Bits needed for values up to {@code max}. */
    static int bitWidth(int max) {
        return 32 - Integer.numberOfLeadingZeros(max);
    }
}
