package org.encodertraces.data.parquet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Decodes the non-null values of one page section in one of parquet's value encodings. */
final class ValueDecoder {
    // parquet's Encoding numbers
    static final int PLAIN = 0;
    static final int PLAIN_DICTIONARY = 2;
    static final int RLE = 3;
    static final int BIT_PACKED = 4;
    static final int DELTA_BINARY_PACKED = 5;
    static final int DELTA_LENGTH_BYTE_ARRAY = 6;
    static final int DELTA_BYTE_ARRAY = 7;
    static final int RLE_DICTIONARY = 8;
    static final int BYTE_STREAM_SPLIT = 9;

    private static final String[] ENCODINGS = {"PLAIN", "GROUP_VAR_INT", "PLAIN_DICTIONARY", "RLE", "BIT_PACKED", "DELTA_BINARY_PACKED",
        "DELTA_LENGTH_BYTE_ARRAY", "DELTA_BYTE_ARRAY", "RLE_DICTIONARY", "BYTE_STREAM_SPLIT"};

    private ValueDecoder() {
    }

    static String encodingName(int e) {
        return e >= 0 && e < ENCODINGS.length ? ENCODINGS[e] : "encoding #" + e;
    }

    /**
     * {@code n} values of a column from the cursor.
     *
     * @param dictionary the chunk's dictionary (for the dictionary encodings), or null
     */
    static Object[] decode(ParquetColumn col, int encoding, PageBytes in, int n, Object[] dictionary) throws IOException {
        return switch (encoding) {
            case PLAIN -> plain(col, in, n);
            case PLAIN_DICTIONARY, RLE_DICTIONARY -> dictionary(in, n, dictionary);
            case RLE -> rleBooleans(col, in, n);
            case DELTA_BINARY_PACKED -> deltaIntegers(col, in, n);
            case DELTA_LENGTH_BYTE_ARRAY -> deltaLengthBytes(col, in, n);
            case DELTA_BYTE_ARRAY -> deltaBytes(col, in, n);
            case BYTE_STREAM_SPLIT -> byteStreamSplit(col, in, n);
            default -> throw unsupported(col, encoding);
        };
    }

    private static IOException unsupported(ParquetColumn col, int encoding) {
        return new IOException("value encoding " + encodingName(encoding) + " is not supported for " + col.type()
                + " (supported: PLAIN, PLAIN_DICTIONARY, RLE_DICTIONARY, RLE for booleans, DELTA_BINARY_PACKED, "
                + "DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY, BYTE_STREAM_SPLIT)");
    }

    static Object[] plain(ParquetColumn col, PageBytes in, int n) throws IOException {
        Object[] out = new Object[n];
        switch (col.type()) {
            case BOOLEAN -> {
                in.need((n + 7L) / 8, n + " plain booleans");
                for (int i = 0; i < n; i++) {
                    out[i] = ((in.buf[in.pos + (i >>> 3)] >>> (i & 7)) & 1) != 0;
                }
                in.pos += (n + 7) / 8;
            }
            case INT32 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = in.readIntLE();
                }
            }
            case INT64 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = in.readLongLE();
                }
            }
            case FLOAT -> {
                for (int i = 0; i < n; i++) {
                    out[i] = Float.intBitsToFloat(in.readIntLE());
                }
            }
            case DOUBLE -> {
                for (int i = 0; i < n; i++) {
                    out[i] = Double.longBitsToDouble(in.readLongLE());
                }
            }
            case BYTE_ARRAY -> {
                for (int i = 0; i < n; i++) {
                    int len = in.readIntLE();
                    if (len < 0) {
                        throw new IOException("negative byte array length " + len);
                    }
                    out[i] = binary(col, in.readBytes(len));
                }
            }
            case FIXED_LEN_BYTE_ARRAY -> {
                for (int i = 0; i < n; i++) {
                    out[i] = in.readBytes(col.typeLength());
                }
            }
            case INT96 -> throw new IOException("INT96 (legacy timestamps) is not supported");
        }
        return out;
    }

    private static Object binary(ParquetColumn col, byte[] b) {
        return col.isText() ? new String(b, StandardCharsets.UTF_8) : b;
    }

    private static Object[] dictionary(PageBytes in, int n, Object[] dictionary) throws IOException {
        if (dictionary == null) {
            throw new IOException("dictionary-encoded page without a dictionary page");
        }
        int width = in.readByte();
        int[] idx = RleHybrid.decode(in, width, n);
        Object[] out = new Object[n];
        for (int i = 0; i < n; i++) {
            if (idx[i] < 0 || idx[i] >= dictionary.length) {
                throw new IOException("dictionary index " + idx[i] + " outside the dictionary's " + dictionary.length + " values");
            }
            out[i] = dictionary[idx[i]];
        }
        return out;
    }

    private static Object[] rleBooleans(ParquetColumn col, PageBytes in, int n) throws IOException {
        if (col.type() != ParquetColumn.PhysicalType.BOOLEAN) {
            throw unsupported(col, RLE);
        }
        int len = in.readIntLE();
        in.need(len, "RLE booleans");
        int[] bits = RleHybrid.decode(new PageBytes(in.buf, in.pos, in.pos + len), 1, n);
        in.pos += len;
        Object[] out = new Object[n];
        for (int i = 0; i < n; i++) {
            out[i] = bits[i] != 0;
        }
        return out;
    }

    private static Object[] deltaIntegers(ParquetColumn col, PageBytes in, int n) throws IOException {
        long[] v = deltaBinaryPacked(in, n);
        Object[] out = new Object[n];
        switch (col.type()) {
            case INT32 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = (int) v[i];
                }
            }
            case INT64 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = v[i];
                }
            }
            default -> throw unsupported(col, DELTA_BINARY_PACKED);
        }
        return out;
    }

    /** DELTA_BINARY_PACKED: a header, then blocks of miniblocks of bit-packed deltas above a minimum. */
    static long[] deltaBinaryPacked(PageBytes in, int n) throws IOException {
        long blockSize = in.readVarint();
        long miniblocks = in.readVarint();
        long total = in.readVarint();
        long value = in.readZigzag();
        if (blockSize <= 0 || blockSize % 128 != 0 || miniblocks <= 0 || blockSize % miniblocks != 0 || (blockSize / miniblocks) % 32 != 0
                || blockSize > 1 << 20) {
            throw new IOException("DELTA_BINARY_PACKED header has block size " + blockSize + " and " + miniblocks + " miniblocks");
        }
        if (total != n) {
            throw new IOException("DELTA_BINARY_PACKED holds " + total + " values, the page has " + n);
        }
        int perMini = (int) (blockSize / miniblocks);
        long[] out = new long[(int) total];
        long[] deltas = new long[perMini];
        int read = 0;
        if (total > 0) {
            out[read++] = value;
        }
        while (read < total) {
            long minDelta = in.readZigzag();
            in.need(miniblocks, "miniblock bit widths");
            int widthsAt = in.pos;
            in.pos += (int) miniblocks;
            for (int m = 0; m < miniblocks && read < total; m++) {
                int width = in.buf[widthsAt + m] & 0xFF;
                if (width > 64) {
                    throw new IOException("miniblock bit width " + width);
                }
                int take = (int) Math.min(perMini, total - read);
                in.unpack(width, deltas, 0, take, (long) perMini * width / 8);
                for (int k = 0; k < take; k++) {
                    value += minDelta + deltas[k];
                    out[read++] = value;
                }
            }
        }
        return out;
    }

    private static Object[] deltaLengthBytes(ParquetColumn col, PageBytes in, int n) throws IOException {
        if (col.type() != ParquetColumn.PhysicalType.BYTE_ARRAY) {
            throw unsupported(col, DELTA_LENGTH_BYTE_ARRAY);
        }
        Object[] out = new Object[n];
        byte[][] raw = lengthPrefixedRun(in, n);
        for (int i = 0; i < n; i++) {
            out[i] = binary(col, raw[i]);
        }
        return out;
    }

    /** DELTA_LENGTH_BYTE_ARRAY's layout: all lengths (delta packed), then all bytes. */
    private static byte[][] lengthPrefixedRun(PageBytes in, int n) throws IOException {
        long[] lengths = deltaBinaryPacked(in, n);
        byte[][] out = new byte[n][];
        for (int i = 0; i < n; i++) {
            if (lengths[i] < 0 || lengths[i] > Integer.MAX_VALUE) {
                throw new IOException("byte array length " + lengths[i]);
            }
            out[i] = in.readBytes((int) lengths[i]);
        }
        return out;
    }

    private static Object[] deltaBytes(ParquetColumn col, PageBytes in, int n) throws IOException {
        if (col.type() != ParquetColumn.PhysicalType.BYTE_ARRAY && col.type() != ParquetColumn.PhysicalType.FIXED_LEN_BYTE_ARRAY) {
            throw unsupported(col, DELTA_BYTE_ARRAY);
        }
        long[] prefixes = deltaBinaryPacked(in, n);
        byte[][] suffixes = lengthPrefixedRun(in, n);
        Object[] out = new Object[n];
        byte[] prev = new byte[0];
        for (int i = 0; i < n; i++) {
            if (prefixes[i] < 0 || prefixes[i] > prev.length) {
                throw new IOException("DELTA_BYTE_ARRAY prefix " + prefixes[i] + " longer than the previous value (" + prev.length + " bytes)");
            }
            byte[] v = Arrays.copyOf(prev, (int) prefixes[i] + suffixes[i].length);
            System.arraycopy(suffixes[i], 0, v, (int) prefixes[i], suffixes[i].length);
            out[i] = binary(col, v);
            prev = v;
        }
        return out;
    }

    private static Object[] byteStreamSplit(ParquetColumn col, PageBytes in, int n) throws IOException {
        int width = switch (col.type()) {
            case INT32, FLOAT -> 4;
            case INT64, DOUBLE -> 8;
            case FIXED_LEN_BYTE_ARRAY -> col.typeLength();
            default -> throw unsupported(col, BYTE_STREAM_SPLIT);
        };
        in.need((long) width * n, "BYTE_STREAM_SPLIT values");
        byte[] joined = new byte[width * n];
        for (int b = 0; b < width; b++) {
            for (int i = 0; i < n; i++) {
                joined[i * width + b] = in.buf[in.pos + b * n + i];
            }
        }
        in.pos += width * n;
        return plain(col, new PageBytes(joined, 0, joined.length), n);
    }
}
