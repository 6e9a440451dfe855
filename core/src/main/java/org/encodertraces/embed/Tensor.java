package org.encodertraces.embed;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A tensor to write to, or read from, a safetensors file: an element type, a shape and the
 * elements in row-major order, held in the Java array that fits the type.
 *
 * <p>Float types map to {@code float[]} (F32), {@code double[]} (F64); signed integers to
 * {@code long[]} (I64), {@code int[]} (I32), {@code short[]} (I16), {@code byte[]} (I8); U8 to
 * {@code byte[]} (read unsigned); BOOL to {@code boolean[]}; every other type to its raw
 * little-endian bytes. The array is not copied (embedding matrices are large); do not change
 * it after handing it over.
 */
public final class Tensor {
    private final Dtype dtype;
    private final long[] shape;
    private final Object data;

    private Tensor(Dtype dtype, long[] shape, Object data, long elements) {
        this.dtype = dtype;
        this.shape = shape.clone();
        this.data = data;
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("Negative dimension in shape " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        if (n != elements) {
            throw new IllegalArgumentException("Shape " + Arrays.toString(shape) + " holds " + n
                    + " elements but " + elements + " were given");
        }
    }

    /** A float32 tensor. */
    public static Tensor f32(long[] shape, float[] data) {
        return new Tensor(Dtype.F32, shape, Objects.requireNonNull(data), data.length);
    }

    /** A float64 tensor. */
    public static Tensor f64(long[] shape, double[] data) {
        return new Tensor(Dtype.F64, shape, Objects.requireNonNull(data), data.length);
    }

    /** A signed 64-bit integer tensor. */
    public static Tensor i64(long[] shape, long[] data) {
        return new Tensor(Dtype.I64, shape, Objects.requireNonNull(data), data.length);
    }

    /** A signed 32-bit integer tensor. */
    public static Tensor i32(long[] shape, int[] data) {
        return new Tensor(Dtype.I32, shape, Objects.requireNonNull(data), data.length);
    }

    /** A signed 16-bit integer tensor. */
    public static Tensor i16(long[] shape, short[] data) {
        return new Tensor(Dtype.I16, shape, Objects.requireNonNull(data), data.length);
    }

    /** A signed 8-bit integer tensor. */
    public static Tensor i8(long[] shape, byte[] data) {
        return new Tensor(Dtype.I8, shape, Objects.requireNonNull(data), data.length);
    }

    /** An unsigned 8-bit integer tensor (the bytes are read as 0..255). */
    public static Tensor u8(long[] shape, byte[] data) {
        return new Tensor(Dtype.U8, shape, Objects.requireNonNull(data), data.length);
    }

    /** A boolean tensor. */
    public static Tensor bool(long[] shape, boolean[] data) {
        return new Tensor(Dtype.BOOL, shape, Objects.requireNonNull(data), data.length);
    }

    /** A tensor of any type given as its raw little-endian bytes (F16, BF16, U16, U32, U64, F8...). */
    public static Tensor raw(Dtype dtype, long[] shape, byte[] littleEndianBytes) {
        Objects.requireNonNull(littleEndianBytes);
        if (littleEndianBytes.length % dtype.size() != 0) {
            throw new IllegalArgumentException(littleEndianBytes.length + " bytes is not a whole number of "
                    + dtype + " elements");
        }
        return new Tensor(dtype, shape, new Raw(littleEndianBytes), littleEndianBytes.length / dtype.size());
    }

    /** The element type. */
    public Dtype dtype() {
        return dtype;
    }

    /** The shape (a copy). */
    public long[] shape() {
        return shape.clone();
    }

    /** The shape as an immutable list. */
    public List<Long> shapeList() {
        return Arrays.stream(shape).boxed().toList();
    }

    /** The number of elements. */
    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** The size of the data in bytes. */
    public long byteLength() {
        return elementCount() * dtype.size();
    }

    /** The F32 elements; fails for other types (see {@link #toFloatArray()}). */
    public float[] floats() {
        return as(float[].class);
    }

    /** The F64 elements; fails for other types. */
    public double[] doubles() {
        return as(double[].class);
    }

    /** The I64 elements; fails for other types (see {@link #toLongArray()}). */
    public long[] longs() {
        return as(long[].class);
    }

    /**
     * The elements as floats, converting from F16, BF16 and F64 (F64 is rounded to float).
     *
     * @throws IllegalStateException for integer types
     */
    public float[] toFloatArray() {
        if (data instanceof float[] f) {
            return f;
        }
        int n = Math.toIntExact(elementCount());
        float[] out = new float[n];
        if (data instanceof double[] d) {
            for (int i = 0; i < n; i++) {
                out[i] = (float) d[i];
            }
            return out;
        }
        if (data instanceof Raw r && (dtype == Dtype.F16 || dtype == Dtype.BF16)) {
            for (int i = 0; i < n; i++) {
                int bits = (r.bytes[2 * i] & 0xff) | (r.bytes[2 * i + 1] & 0xff) << 8;
                out[i] = dtype == Dtype.F16 ? Float16.toFloat(bits) : Float.intBitsToFloat(bits << 16);
            }
            return out;
        }
        throw new IllegalStateException("A " + dtype + " tensor cannot be read as floats");
    }

    /**
     * The elements as longs, from any integer type or BOOL (U64 values above
     * {@link Long#MAX_VALUE} wrap to negative, as in Java's two's complement).
     *
     * @throws IllegalStateException for float types
     */
    public long[] toLongArray() {
        if (data instanceof long[] l) {
            return l;
        }
        int n = Math.toIntExact(elementCount());
        long[] out = new long[n];
        if (data instanceof int[] a) {
            for (int i = 0; i < n; i++) {
                out[i] = a[i];
            }
        } else if (data instanceof short[] a) {
            for (int i = 0; i < n; i++) {
                out[i] = a[i];
            }
        } else if (data instanceof byte[] a) {
            for (int i = 0; i < n; i++) {
                out[i] = dtype == Dtype.U8 ? (a[i] & 0xff) : a[i];
            }
        } else if (data instanceof boolean[] a) {
            for (int i = 0; i < n; i++) {
                out[i] = a[i] ? 1 : 0;
            }
        } else if (data instanceof Raw r && (dtype == Dtype.U16 || dtype == Dtype.U32 || dtype == Dtype.U64)) {
            ByteBuffer bb = ByteBuffer.wrap(r.bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                out[i] = switch (dtype) {
                    case U16 -> bb.getShort(2 * i) & 0xffffL;
                    case U32 -> bb.getInt(4 * i) & 0xffffffffL;
                    default -> bb.getLong(8 * i);
                };
            }
        } else {
            throw new IllegalStateException("A " + dtype + " tensor cannot be read as integers");
        }
        return out;
    }

    /** Whether two tensors have the same type, shape and elements. */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Tensor t) || t.dtype != dtype || !Arrays.equals(t.shape, shape)) {
            return false;
        }
        return Arrays.equals(t.littleEndianBytes(), littleEndianBytes());
    }

    @Override
    public int hashCode() {
        return Objects.hash(dtype, Arrays.hashCode(shape));
    }

    @Override
    public String toString() {
        return "Tensor[" + dtype + " " + Arrays.toString(shape) + "]";
    }

    /** The whole data as little-endian bytes (for small tensors; large ones are streamed by the writer). */
    byte[] littleEndianBytes() {
        ByteBuffer bb = ByteBuffer.allocate(Math.toIntExact(byteLength())).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long n = elementCount();
        for (long i = 0; i < n; i += Chunk.ELEMENTS) {
            Chunk.fill(this, bb, i, (int) Math.min(Chunk.ELEMENTS, n - i));
        }
        return bb.array();
    }

    Object data() {
        return data;
    }

    private <T> T as(Class<T> type) {
        if (!type.isInstance(data)) {
            throw new IllegalStateException("This is a " + dtype + " tensor, not " + type.getSimpleName());
        }
        return type.cast(data);
    }

    /** Raw little-endian bytes for types without a natural Java array. */
    record Raw(byte[] bytes) {
    }

    /** Encodes runs of elements into a little-endian buffer, for the writer. */
    static final class Chunk {
        static final int ELEMENTS = 1 << 16;

        private Chunk() {
        }

        /** Puts elements [from, from+count) of {@code t} into {@code bb} (little-endian). */
        static void fill(Tensor t, ByteBuffer bb, long from, int count) {
            int f = Math.toIntExact(from);
            Object d = t.data;
            if (d instanceof float[] a) {
                bb.asFloatBuffer().put(a, f, count);
            } else if (d instanceof double[] a) {
                bb.asDoubleBuffer().put(a, f, count);
            } else if (d instanceof long[] a) {
                bb.asLongBuffer().put(a, f, count);
            } else if (d instanceof int[] a) {
                bb.asIntBuffer().put(a, f, count);
            } else if (d instanceof short[] a) {
                bb.asShortBuffer().put(a, f, count);
            } else if (d instanceof byte[] a) {
                bb.put(a, f, count);
                return;
            } else if (d instanceof boolean[] a) {
                for (int i = 0; i < count; i++) {
                    bb.put(a[f + i] ? (byte) 1 : (byte) 0);
                }
                return;
            } else if (d instanceof Raw r) {
                int s = t.dtype.size();
                bb.put(r.bytes, f * s, count * s);
                return;
            }
            bb.position(bb.position() + count * t.dtype.size());
        }
    }
}
