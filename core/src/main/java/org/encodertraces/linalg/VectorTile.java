package org.encodertraces.linalg;

/**
 * What the Vector API register tiles share: their shape. Each tile's {@code scores} is written
 * out by tools/codegen/strip_kernels.py, one statement per accumulator, because C2 keeps the
 * accumulators in registers only when every step is spelled out (through a helper method it lost
 * the vectors' exact class and ran 20x slower, measured; see BENCHMARKS.md, "kNN top-k").
 */
abstract class VectorTile implements StripKernel {
    private final int queries;
    private final int width;

    /** A tile of {@code queries} queries x {@code width} database rows. */
    VectorTile(int queries, int width) {
        this.queries = queries;
        this.width = width;
    }

    @Override
    public final int width() {
        return width;
    }

    @Override
    public final int queries() {
        return queries;
    }
}
