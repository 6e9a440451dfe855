package org.encodertraces.linalg;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API {@link StripKernel} for a 16-register vector file (x86 with AVX2 only, or a JVM
 * started with {@code -XX:UseAVX=2}): a tile of 6 queries x 2 vectors of database rows, 12
 * accumulators + 2 row vectors + 1 broadcast, so that nothing spills; the 6 x 4 tile of
 * {@link VectorStripKernel} needs 29 registers and spills on such a machine. Same arithmetic,
 * same dimension order, so the scores are bit-identical to both other kernels.
 *
 * <p>Tile choice: BENCHMARKS.md, "kNN top-k" (issue 14, AVX2).
 */
final class VectorStripKernel6x2 implements StripKernel {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    /** Queries per tile. */
    private static final int MQ = 6;
    /** Vectors of database rows per tile. */
    private static final int NV = 2;
    private static final int W = NV * L;

    private VectorStripKernel6x2() {
    }

    /** A new kernel (a factory, so that callers never name this class's constructor). */
    static StripKernel create() {
        return new VectorStripKernel6x2();
    }

    @Override
    public int width() {
        return W;
    }

    @Override
    public int queries() {
        return MQ;
    }

    /**
     * Each step is {@code a = x.fma(s, a)}, or {@code a = a.add(x.mul(s))} where {@link ScoreArithmetic}
     * says the JVM has no hardware FMA: exactly the portable kernel's arithmetic.
     */
    @Override
    public void scores(float[] q, int qo, int dims, float[][] strip, float[][] out) {
        int o0 = qo + 0 * dims;
        int o1 = qo + 1 * dims;
        int o2 = qo + 2 * dims;
        int o3 = qo + 3 * dims;
        int o4 = qo + 4 * dims;
        int o5 = qo + 5 * dims;
        FloatVector a00 = FloatVector.zero(F);
        FloatVector a01 = FloatVector.zero(F);
        FloatVector a10 = FloatVector.zero(F);
        FloatVector a11 = FloatVector.zero(F);
        FloatVector a20 = FloatVector.zero(F);
        FloatVector a21 = FloatVector.zero(F);
        FloatVector a30 = FloatVector.zero(F);
        FloatVector a31 = FloatVector.zero(F);
        FloatVector a40 = FloatVector.zero(F);
        FloatVector a41 = FloatVector.zero(F);
        FloatVector a50 = FloatVector.zero(F);
        FloatVector a51 = FloatVector.zero(F);
        // two copies of the loop, as in VectorStripKernel: FUSED is a static final, the untaken one is never compiled
        if (ScoreArithmetic.FUSED) {
            for (int d = 0; d < dims; d++) {
                float[] x = strip[d];
                FloatVector x0 = FloatVector.fromArray(F, x, 0 * L);
                FloatVector x1 = FloatVector.fromArray(F, x, 1 * L);
                FloatVector s0 = FloatVector.broadcast(F, q[o0 + d]);
                a00 = x0.fma(s0, a00);
                a01 = x1.fma(s0, a01);
                FloatVector s1 = FloatVector.broadcast(F, q[o1 + d]);
                a10 = x0.fma(s1, a10);
                a11 = x1.fma(s1, a11);
                FloatVector s2 = FloatVector.broadcast(F, q[o2 + d]);
                a20 = x0.fma(s2, a20);
                a21 = x1.fma(s2, a21);
                FloatVector s3 = FloatVector.broadcast(F, q[o3 + d]);
                a30 = x0.fma(s3, a30);
                a31 = x1.fma(s3, a31);
                FloatVector s4 = FloatVector.broadcast(F, q[o4 + d]);
                a40 = x0.fma(s4, a40);
                a41 = x1.fma(s4, a41);
                FloatVector s5 = FloatVector.broadcast(F, q[o5 + d]);
                a50 = x0.fma(s5, a50);
                a51 = x1.fma(s5, a51);
            }
        } else {
            for (int d = 0; d < dims; d++) {
                float[] x = strip[d];
                FloatVector x0 = FloatVector.fromArray(F, x, 0 * L);
                FloatVector x1 = FloatVector.fromArray(F, x, 1 * L);
                FloatVector s0 = FloatVector.broadcast(F, q[o0 + d]);
                a00 = a00.add(x0.mul(s0));
                a01 = a01.add(x1.mul(s0));
                FloatVector s1 = FloatVector.broadcast(F, q[o1 + d]);
                a10 = a10.add(x0.mul(s1));
                a11 = a11.add(x1.mul(s1));
                FloatVector s2 = FloatVector.broadcast(F, q[o2 + d]);
                a20 = a20.add(x0.mul(s2));
                a21 = a21.add(x1.mul(s2));
                FloatVector s3 = FloatVector.broadcast(F, q[o3 + d]);
                a30 = a30.add(x0.mul(s3));
                a31 = a31.add(x1.mul(s3));
                FloatVector s4 = FloatVector.broadcast(F, q[o4 + d]);
                a40 = a40.add(x0.mul(s4));
                a41 = a41.add(x1.mul(s4));
                FloatVector s5 = FloatVector.broadcast(F, q[o5 + d]);
                a50 = a50.add(x0.mul(s5));
                a51 = a51.add(x1.mul(s5));
            }
        }
        a00.intoArray(out[0], 0 * L);
        a01.intoArray(out[0], 1 * L);
        a10.intoArray(out[1], 0 * L);
        a11.intoArray(out[1], 1 * L);
        a20.intoArray(out[2], 0 * L);
        a21.intoArray(out[2], 1 * L);
        a30.intoArray(out[3], 0 * L);
        a31.intoArray(out[3], 1 * L);
        a40.intoArray(out[4], 0 * L);
        a41.intoArray(out[4], 1 * L);
        a50.intoArray(out[5], 0 * L);
        a51.intoArray(out[5], 1 * L);
    }
}
