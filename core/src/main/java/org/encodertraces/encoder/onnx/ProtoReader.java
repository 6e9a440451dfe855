package org.encodertraces.encoder.onnx;

import java.nio.charset.StandardCharsets;

/**
 * Minimal protocol-buffers wire-format reader over a byte range: walks the fields of one
 * message, leaving nested messages as byte ranges to be read by a nested reader. Groups
 * (wire types 3 and 4, unused by ONNX) are rejected.
 */
public final class ProtoReader {
    private final byte[] buf;
    private final int end;
    private int pos;
    private int fieldStart;
    private int field;
    private int wireType;
    private long varintValue;
    private int valueOffset;
    private int valueLength;

    /** A reader over the whole array. */
    public ProtoReader(byte[] buf) {
        this(buf, 0, buf.length);
    }

    /** A reader over {@code buf[offset, offset+length)}. */
    public ProtoReader(byte[] buf, int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > buf.length) {
            throw new ProtoFormatException("range " + offset + "+" + length + " outside " + buf.length + " bytes");
        }
        this.buf = buf;
        this.pos = offset;
        this.end = offset + length;
    }

    /**
     * Advances to the next field.
     *
     * @return false at the end of the message
     * @throws ProtoFormatException when the bytes are not valid wire format
     */
    public boolean next() {
        if (pos >= end) {
            return false;
        }
        fieldStart = pos;
        long key = readRawVarint();
        field = (int) (key >>> 3);
        wireType = (int) (key & 7);
        if (field <= 0) {
            throw new ProtoFormatException("invalid field number " + field + " at byte " + fieldStart);
        }
        switch (wireType) {
            case ProtoWriter.VARINT -> {
                varintValue = readRawVarint();
                valueOffset = pos;
                valueLength = 0;
            }
            case ProtoWriter.FIXED64 -> skipValue(8);
            case ProtoWriter.FIXED32 -> skipValue(4);
            case ProtoWriter.LEN -> {
                long len = readRawVarint();
                if (len < 0 || len > end - pos) {
                    throw new ProtoFormatException("length " + len + " of field " + field + " at byte " + fieldStart
                            + " runs past the end of the message");
                }
                skipValue((int) len);
            }
            default -> throw new ProtoFormatException("unsupported wire type " + wireType + " at byte " + fieldStart);
        }
        return true;
    }

    private void skipValue(int n) {
        if (n > end - pos) {
            throw new ProtoFormatException("field " + field + " at byte " + fieldStart + " truncated");
        }
        valueOffset = pos;
        valueLength = n;
        pos += n;
    }

    private long readRawVarint() {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= end) {
                throw new ProtoFormatException("truncated varint at byte " + pos);
            }
            byte b = buf[pos++];
            result |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw new ProtoFormatException("malformed varint at byte " + pos);
    }

    /** The current field's number. */
    public int field() {
        return field;
    }

    /** The current field's wire type. */
    public int wireType() {
        return wireType;
    }

    /** The current varint field's value. */
    public long varint() {
        requireWireType(ProtoWriter.VARINT);
        return varintValue;
    }

    /** The current length-delimited field as a UTF-8 string. */
    public String string() {
        requireWireType(ProtoWriter.LEN);
        return new String(buf, valueOffset, valueLength, StandardCharsets.UTF_8);
    }

    /** A reader over the current length-delimited field, read as a nested message. */
    public ProtoReader message() {
        requireWireType(ProtoWriter.LEN);
        return new ProtoReader(buf, valueOffset, valueLength);
    }

    /** Offset of the current field's value (the payload, after tag and length). */
    public int valueOffset() {
        return valueOffset;
    }

    /** Length of the current field's payload (0 for varints). */
    public int valueLength() {
        return valueLength;
    }

    /** Offset of the current field's tag. */
    public int fieldStart() {
        return fieldStart;
    }

    /** Offset just past the current field. */
    public int fieldEnd() {
        return pos;
    }

    private void requireWireType(int expected) {
        if (wireType != expected) {
            throw new ProtoFormatException("field " + field + " at byte " + fieldStart + " has wire type " + wireType
                    + ", expected " + expected);
        }
    }
}
