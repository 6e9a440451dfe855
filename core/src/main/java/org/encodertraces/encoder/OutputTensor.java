package org.encodertraces.encoder;

/**
 * A float tensor fetched from a model run, row-major, batch dimension first. Used where the
 * raw tensor matters more than the embedding (checks, diagnostics).
 *
 * @param name the output name
 * @param shape dimensions
 * @param data values, row-major
 */
public record OutputTensor(String name, long[] shape, float[] data) {
}
