package org.encodertraces.data.parquet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A reader of Thrift's compact protocol, the encoding of parquet's footer and page headers. A
 * struct is read whole into a {@link Struct} (field id to value), so the parquet classes pick the
 * fields they need by id and unknown fields are skipped for free. Values: {@code Boolean},
 * {@code Integer} (i8, i16, i32), {@code Long} (i64), {@code Double}, {@code byte[]} (binary and
 * string), {@code List<Object>} (list, set), {@code Map<Object, Object>} and {@code Struct}.
 */
final class ThriftCompact {
    private static final int STOP = 0;
    private static final int TRUE = 1;
    private static final int FALSE = 2;
    private static final int BYTE = 3;
    private static final int I16 = 4;
    private static final int I32 = 5;
    private static final int I64 = 6;
    private static final int DOUBLE = 7;
    private static final int BINARY = 8;
    private static final int LIST = 9;
    private static final int SET = 10;
    private static final int MAP = 11;
    private static final int STRUCT = 12;
    /** Nesting beyond this is treated as corrupt (parquet's structs are a few levels deep). */
    private static final int MAX_DEPTH = 64;

    /** A decoded struct: its fields by id. */
    record Struct(Map<Integer, Object> fields) {
        boolean has(int id) {
            return fields.containsKey(id);
        }

        int i32(int id, int orElse) {
            Object v = fields.get(id);
            return v instanceof Number n ? n.intValue() : orElse;
        }

        long i64(int id, long orElse) {
            Object v = fields.get(id);
            return v instanceof Number n ? n.longValue() : orElse;
        }

        boolean bool(int id, boolean orElse) {
            Object v = fields.get(id);
            return v instanceof Boolean b ? b : orElse;
        }

        String string(int id) {
            Object v = fields.get(id);
            return v instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : null;
        }

        Struct struct(int id) {
            Object v = fields.get(id);
            return v instanceof Struct s ? s : null;
        }

        @SuppressWarnings("unchecked")
        List<Object> list(int id) {
            Object v = fields.get(id);
            return v instanceof List<?> l ? (List<Object>) l : List.of();
        }
    }

    private final byte[] buf;
    private int pos;
    private final int end;

    ThriftCompact(byte[] buf, int offset, int end) {
        this.buf = buf;
        this.pos = offset;
        this.end = end;
    }

    /** Where the next read starts. */
    int position() {
        return pos;
    }

    /** Reads one struct. */
    Struct readStruct() throws IOException {
        return readStruct(0);
    }

    private Struct readStruct(int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new IOException("thrift structs nested deeper than " + MAX_DEPTH);
        }
        Map<Integer, Object> fields = new HashMap<>();
        int last = 0;
        while (true) {
            int header = readByte() & 0xFF;
            int type = header & 0x0F;
            if (type == STOP) {
                return new Struct(fields);
            }
            int delta = header >>> 4;
            int id = delta != 0 ? last + delta : (short) zigzag32(readVarint());
            last = id;
            Object v = type == TRUE ? Boolean.TRUE : type == FALSE ? Boolean.FALSE : readValue(type, depth);
            fields.put(id, v);
        }
    }

    private Object readValue(int type, int depth) throws IOException {
        return switch (type) {
            case BYTE -> (int) readByte();
            case I16, I32 -> zigzag32(readVarint());
            case I64 -> zigzag64(readVarint());
            case DOUBLE -> Double.longBitsToDouble(readLongLE());
            case BINARY -> readBinary();
            case LIST, SET -> readList(depth);
            case MAP -> readMap(depth);
            case STRUCT -> readStruct(depth + 1);
            default -> throw new IOException("unknown thrift type " + type + " at byte " + (pos - 1));
        };
    }

    private List<Object> readList(int depth) throws IOException {
        int header = readByte() & 0xFF;
        int size = header >>> 4;
        if (size == 15) {
            size = checkedSize(readVarint());
        }
        int elem = header & 0x0F;
        List<Object> out = new ArrayList<>(Math.min(size, 1024));
        for (int i = 0; i < size; i++) {
            // inside lists a boolean is one byte: 1 true, anything else false
            out.add(elem == TRUE || elem == FALSE ? readByte() == TRUE : readValue(elem, depth + 1));
        }
        return out;
    }

    private Map<Object, Object> readMap(int depth) throws IOException {
        int size = checkedSize(readVarint());
        Map<Object, Object> out = new HashMap<>();
        if (size == 0) {
            return out;
        }
        int types = readByte() & 0xFF;
        int kt = types >>> 4;
        int vt = types & 0x0F;
        for (int i = 0; i < size; i++) {
            Object k = kt == TRUE || kt == FALSE ? readByte() == TRUE : readValue(kt, depth + 1);
            Object v = vt == TRUE || vt == FALSE ? readByte() == TRUE : readValue(vt, depth + 1);
            out.put(k, v);
        }
        return out;
    }

    private int checkedSize(long n) throws IOException {
        if (n < 0 || n > end - pos) {
            throw new IOException("thrift collection of " + n + " elements does not fit in the remaining " + (end - pos) + " bytes");
        }
        return (int) n;
    }

    private byte[] readBinary() throws IOException {
        int n = checkedSize(readVarint());
        byte[] b = new byte[n];
        System.arraycopy(buf, pos, b, 0, n);
        pos += n;
        return b;
    }

    private byte readByte() throws IOException {
        if (pos >= end) {
            throw new IOException("thrift data ends early (at byte " + pos + ")");
        }
        return buf[pos++];
    }

    private long readLongLE() throws IOException {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v |= (readByte() & 0xFFL) << (8 * i);
        }
        return v;
    }

    private long readVarint() throws IOException {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = readByte() & 0xFF;
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw new IOException("thrift varint longer than 10 bytes at byte " + pos);
    }

    private static int zigzag32(long v) {
        int n = (int) v;
        return (n >>> 1) ^ -(n & 1);
    }

    private static long zigzag64(long v) {
        return (v >>> 1) ^ -(v & 1);
    }
}
