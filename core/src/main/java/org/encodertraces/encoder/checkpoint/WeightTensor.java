package org.encodertraces.encoder.checkpoint;

import java.util.Arrays;
import java.util.Objects;

/**
 * One tensor of a checkpoint, as 32-bit floats in row-major order (half, bfloat16, double and
 * integer storages are widened or narrowed to float; integer buffers such as batch norm's
 * {@code num_batches_tracked} are never used as weights).
 *
 * @param name its key in the checkpoint (after the prefix is removed)
 * @param dtype the stored element type, as safetensors names it ({@code F32}, {@code F16}, {@code BF16}, {@code I64}, ...)
 * @param shape its shape
 * @param values its values, row-major
 */
public record WeightTensor(String name, String dtype, long[] shape, float[] values) {
    /** Validates: the values fill the shape. */
    public WeightTensor {
        Objects.requireNonNull(name, "name");
        shape = shape.clone();
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (n != values.length) {
            throw new IllegalArgumentException(name + ": " + values.length + " values for shape " + Arrays.toString(shape));
        }
    }

    /** The shape (a copy). */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** The shape as text, {@code [64, 3, 7, 7]}. */
    public String shapeText() {
        return Arrays.toString(shape);
    }

    /** The same values under another name. */
    public WeightTensor renamed(String newName) {
        return new WeightTensor(newName, dtype, shape, values);
    }
}
