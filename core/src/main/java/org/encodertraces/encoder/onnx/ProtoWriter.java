package org.encodertraces.encoder.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Minimal protocol-buffers wire-format writer: varints, length-delimited fields and nested
 * messages. Enough to build and edit ONNX {@code ModelProto} messages without a protobuf
 * dependency; not a general protobuf library.
 */
public final class ProtoWriter {
    /** Wire type of varint fields (int32, int64, enum, bool). */
    public static final int VARINT = 0;
    /** Wire type of 64-bit fixed fields. */
    public static final int FIXED64 = 1;
    /** Wire type of length-delimited fields (string, bytes, messages, packed repeated). */
    public static final int LEN = 2;
    /** Wire type of 32-bit fixed fields (float). */
    public static final int FIXED32 = 5;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** Writes a raw base-128 varint (no tag). */
    public ProtoWriter rawVarint(long value) {
        long v = value;
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
        return this;
    }

    /** Writes a field tag. */
    public ProtoWriter tag(int field, int wireType) {
        return rawVarint(((long) field << 3) | wireType);
    }

    /** Writes a varint field (int64, int32, enum). Negative values take ten bytes, as protobuf does. */
    public ProtoWriter varint(int field, long value) {
        return tag(field, VARINT).rawVarint(value);
    }

    /** Writes a length-delimited field holding the given bytes. */
    public ProtoWriter bytes(int field, byte[] value) {
        tag(field, LEN).rawVarint(value.length);
        out.write(value, 0, value.length);
        return this;
    }

    /** Writes a UTF-8 string field. */
    public ProtoWriter string(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes a nested message field. */
    public ProtoWriter message(int field, ProtoWriter nested) {
        return bytes(field, nested.toByteArray());
    }

    /** Writes a 32-bit float field. */
    public ProtoWriter float32(int field, float value) {
        tag(field, FIXED32);
        int bits = Float.floatToRawIntBits(value);
        for (int i = 0; i < 4; i++) {
            out.write((bits >>> (8 * i)) & 0xFF);
        }
        return this;
    }

    /** Copies already-encoded bytes (whole fields) verbatim. */
    public ProtoWriter raw(byte[] encoded, int offset, int length) {
        out.write(encoded, offset, length);
        return this;
    }

    /** The bytes written so far. */
    public byte[] toByteArray() {
        return out.toByteArray();
    }
}
