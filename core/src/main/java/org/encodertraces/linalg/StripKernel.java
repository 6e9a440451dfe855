package org.encodertraces.linalg;

/**
 * Dot products of a small tile of queries with one packed strip of database rows: the inner
 * kernel of {@link TopK}, in two implementations that give bit-identical scores (a portable one
 * and one on the incubator Vector API).
 *
 * <p>A strip holds {@link #width()} database rows transposed: {@code strip[d][j]} is
 * dimension {@code d} of the strip's row {@code j}. Every score is
 * {@code ((0 + q[0]*x[0]) + q[1]*x[1]) + ... + q[D-1]*x[D-1]}: a float product then a float
 * sum per dimension, in dimension order, without fused multiply-add.
 */
interface StripKernel {
    /** Database rows per packed strip. */
    int width();

    /** Queries per tile. */
    int queries();

    /**
     * {@code out[u][j] = sum_d q[qo + u * dims + d] * strip[d][j]} for {@code u < queries()},
     * {@code j < width()}.
     */
    void scores(float[] q, int qo, int dims, float[][] strip, float[][] out);

    /** The property that forces a Vector API tile ({@code 6x4} or {@code 6x2}) instead of the automatic choice. */
    String TILE_PROPERTY = "encodertraces.knn.tile";

    /**
     * The fastest kernel this JVM can run: with jdk.incubator.vector loaded, the Vector API tile
     * that fits its vector registers ({@link VectorTiles#choose}); otherwise the portable one.
     */
    static StripKernel best() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            // the only references to the vector classes: they are loaded (and their module linked) only here
            return VectorTiles.create(System.getProperty(TILE_PROPERTY, "auto"));
        }
        return new ScalarStripKernel();
    }
}
