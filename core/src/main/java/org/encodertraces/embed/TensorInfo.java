package org.encodertraces.embed;

import java.util.List;
import java.util.Objects;

/**
 * One entry of a safetensors header: a tensor's name, element type, shape and where its bytes
 * lie, relative to the start of the data section (just after the header).
 *
 * @param name  the tensor's name
 * @param dtype its element type
 * @param shape its dimensions, outermost first (empty for a scalar)
 * @param begin first byte, relative to the data start
 * @param end   one past the last byte
 */
public record TensorInfo(String name, Dtype dtype, List<Long> shape, long begin, long end) {

    /** Copies the shape. */
    public TensorInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        shape = List.copyOf(shape);
    }

    /** The number of elements (the product of the shape; 1 for a scalar). */
    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** The number of data bytes. */
    public long byteLength() {
        return end - begin;
    }
}
