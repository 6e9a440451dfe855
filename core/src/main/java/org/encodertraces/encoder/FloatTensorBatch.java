package org.encodertraces.encoder;

import java.util.Arrays;

/**
 * A batch of preprocessed images as one dense float32 tensor, batch dimension first, in the
 * layout of the encoder's {@link PreprocessSpec} (NCHW or NHWC). The data array is shared, not
 * copied, so that large batches are not duplicated on their way to the runtime.
 */
public final class FloatTensorBatch {
    private final long[] shape;
    private final float[] data;

    /**
     * A batch over {@code data} with the given shape.
     *
     * @throws IllegalArgumentException when the shape is empty, has a non-positive dimension, or
     *     does not match the data length
     */
    public FloatTensorBatch(long[] shape, float[] data) {
        if (shape.length < 1) {
            throw new IllegalArgumentException("a batch needs at least a batch dimension");
        }
        long n = 1;
        for (long d : shape) {
            if (d <= 0) {
                throw new IllegalArgumentException("non-positive dimension in shape " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        if (n != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n
                    + " values but the data has " + data.length);
        }
        this.shape = shape.clone();
        this.data = data;
    }

    /** Concatenates single-image (or smaller) batches along the batch dimension. */
    public static FloatTensorBatch concat(FloatTensorBatch... parts) {
        if (parts.length == 0) {
            throw new IllegalArgumentException("nothing to concatenate");
        }
        long[] shape = parts[0].shape();
        long n = 0;
        int total = 0;
        for (FloatTensorBatch p : parts) {
            long[] s = p.shape();
            if (s.length != shape.length || !Arrays.equals(s, 1, s.length, shape, 1, shape.length)) {
                throw new IllegalArgumentException("cannot concatenate shapes " + Arrays.toString(shape) + " and "
                        + Arrays.toString(s));
            }
            n += s[0];
            total += p.data.length;
        }
        float[] data = new float[total];
        int off = 0;
        for (FloatTensorBatch p : parts) {
            System.arraycopy(p.data, 0, data, off, p.data.length);
            off += p.data.length;
        }
        shape[0] = n;
        return new FloatTensorBatch(shape, data);
    }

    /** A copy of the shape. */
    public long[] shape() {
        return shape.clone();
    }

    /** The backing array (not a copy). */
    public float[] data() {
        return data;
    }

    /** Number of images in the batch. */
    public int batchSize() {
        return (int) shape[0];
    }

    /** Image {@code i} as a batch of one (copies its values). */
    public FloatTensorBatch item(int i) {
        int per = data.length / batchSize();
        long[] s = shape();
        s[0] = 1;
        return new FloatTensorBatch(s, Arrays.copyOfRange(data, i * per, (i + 1) * per));
    }
}
