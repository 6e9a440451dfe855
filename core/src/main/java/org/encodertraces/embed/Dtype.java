package org.encodertraces.embed;

import java.util.Optional;

/**
 * The element types of the safetensors format, named as the format names them.
 *
 * <p>The declaration order is the order of the reference implementation's {@code Dtype} enum
 * (huggingface/safetensors, {@code tensor.rs}), which its writer uses to lay tensors out
 * (descending); keeping the same order is what makes our files byte-identical to theirs.
 */
public enum Dtype {
    /** Boolean, one byte, 0 or 1. */
    BOOL(1),
    /** Unsigned 8-bit integer. */
    U8(1),
    /** Signed 8-bit integer. */
    I8(1),
    /** 8-bit float, 5 exponent bits, 2 mantissa bits (readable as raw bytes only). */
    F8_E5M2(1),
    /** 8-bit float, 4 exponent bits, 3 mantissa bits (readable as raw bytes only). */
    F8_E4M3(1),
    /** Signed 16-bit integer. */
    I16(2),
    /** Unsigned 16-bit integer. */
    U16(2),
    /** IEEE half-precision float. */
    F16(2),
    /** bfloat16: the top half of a float32. */
    BF16(2),
    /** Signed 32-bit integer. */
    I32(4),
    /** Unsigned 32-bit integer. */
    U32(4),
    /** IEEE single-precision float. */
    F32(4),
    /** IEEE double-precision float. */
    F64(8),
    /** Signed 64-bit integer. */
    I64(8),
    /** Unsigned 64-bit integer. */
    U64(8);

    private final int size;

    Dtype(int size) {
        this.size = size;
    }

    /** Bytes per element. */
    public int size() {
        return size;
    }

    /** Whether the elements are integers (or booleans), so they can be read as {@code long}s. */
    public boolean isInteger() {
        return switch (this) {
            case BOOL, U8, I8, I16, U16, I32, U32, I64, U64 -> true;
            default -> false;
        };
    }

    /** Whether the elements can be read as {@code float}s. */
    public boolean isFloat() {
        return this == F16 || this == BF16 || this == F32 || this == F64;
    }

    /** The dtype with this name in a safetensors header, if it is one we know. */
    public static Optional<Dtype> fromName(String name) {
        for (Dtype d : values()) {
            if (d.name().equals(name)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }
}
