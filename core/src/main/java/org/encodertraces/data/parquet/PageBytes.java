package org.encodertraces.data.parquet;

import java.io.IOException;

/** A bounded cursor over a decoded page's bytes; every read past the end is an {@link IOException}. */
final class PageBytes {
    final byte[] buf;
    int pos;
    final int end;

    PageBytes(byte[] buf, int pos, int end) {
        if (pos < 0 || end > buf.length || pos > end) {
            throw new IllegalArgumentException("range " + pos + ".." + end + " outside " + buf.length + " bytes");
        }
        this.buf = buf;
        this.pos = pos;
        this.end = end;
    }

    int remaining() {
        return end - pos;
    }

    void need(long n, String what) throws IOException {
        if (n < 0 || n > end - pos) {
            throw new IOException(what + " needs " + n + " bytes, " + (end - pos) + " left in the page");
        }
    }

    int readByte() throws IOException {
        need(1, "a byte");
        return buf[pos++] & 0xFF;
    }

    int readIntLE() throws IOException {
        need(4, "a 4-byte integer");
        int v = (buf[pos] & 0xFF) | (buf[pos + 1] & 0xFF) << 8 | (buf[pos + 2] & 0xFF) << 16 | (buf[pos + 3] & 0xFF) << 24;
        pos += 4;
        return v;
    }

    long readLongLE() throws IOException {
        need(8, "an 8-byte integer");
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v |= (buf[pos + i] & 0xFFL) << (8 * i);
        }
        pos += 8;
        return v;
    }

    /** An unsigned LEB128 varint. */
    long readVarint() throws IOException {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = readByte();
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw new IOException("varint longer than 10 bytes");
    }

    long readZigzag() throws IOException {
        long v = readVarint();
        return (v >>> 1) ^ -(v & 1);
    }

    byte[] readBytes(int n) throws IOException {
        need(n, "a value");
        byte[] b = new byte[n];
        System.arraycopy(buf, pos, b, 0, n);
        pos += n;
        return b;
    }

    /**
     * {@code count} values of {@code width} bits packed least significant bit first, starting at
     * the cursor, as parquet's bit-packed runs and delta miniblocks store them; the cursor moves
     * past {@code bytes} bytes (the run's full length, padding included).
     */
    void unpack(int width, long[] out, int from, int count, long bytes) throws IOException {
        need(Math.min(bytes, ((long) count * width + 7) / 8), "a bit-packed run");
        long bit = (long) pos * 8;
        for (int i = 0; i < count; i++) {
            long v = 0;
            for (int got = 0; got < width; ) {
                int byteIndex = (int) (bit >>> 3);
                int shift = (int) (bit & 7);
                int take = Math.min(8 - shift, width - got);
                v |= (long) (((buf[byteIndex] & 0xFF) >>> shift) & ((1 << take) - 1)) << got;
                got += take;
                bit += take;
            }
            out[from + i] = v;
        }
        pos = (int) Math.min(end, pos + bytes);
    }
}
