package org.encodertraces.linalg;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API {@link StripKernel} for a 16-register vector file (x86 with AVX2 only, or a JVM
 * started with {@code -XX:UseAVX=2}): a tile of 4 queries x 3 vectors of database rows, 12
 * accumulators + 3 row vectors + 1 broadcast, so that nothing spills; the 6 x 4 tile of
 * {@link VectorStripKernel} needs 29 registers and spills on such a machine. Same arithmetic,
 * same dimension order, so the scores are bit-identical to both other kernels.
 *
 * <p>Tile choice: BENCHMARKS.md, "kNN top-k" (issue 14, AVX2).
 */
final class VectorStripKernel4x3 implements StripKernel {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    /** Queries per tile. */
    private static final int MQ = 4;
    /** Vectors of database rows per tile. */
    private static final int NV = 3;
    private static final int W = NV * L;

    private VectorStripKernel4x3() {
    }

    /** A new kernel (a factory, so that callers never name this class's constructor). */
    static StripKernel create() {
        return new VectorStripKernel4x3();
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
        FloatVector a00 = FloatVector.zero(F);
        FloatVector a01 = FloatVector.zero(F);
        FloatVector a02 = FloatVector.zero(F);
        FloatVector a10 = FloatVector.zero(F);
        FloatVector a11 = FloatVector.zero(F);
        FloatVector a12 = FloatVector.zero(F);
        FloatVector a20 = FloatVector.zero(F);
        FloatVector a21 = FloatVector.zero(F);
        FloatVector a22 = FloatVector.zero(F);
        FloatVector a30 = FloatVector.zero(F);
        FloatVector a31 = FloatVector.zero(F);
        FloatVector a32 = FloatVector.zero(F);
        // two copies of the loop, as in VectorStripKernel: FUSED is a static final, the untaken one is never compiled
        if (ScoreArithmetic.FUSED) {
            for (int d = 0; d < dims; d++) {
                float[] x = strip[d];
                FloatVector x0 = FloatVector.fromArray(F, x, 0 * L);
                FloatVector x1 = FloatVector.fromArray(F, x, 1 * L);
                FloatVector x2 = FloatVector.fromArray(F, x, 2 * L);
                FloatVector s0 = FloatVector.broadcast(F, q[o0 + d]);
                a00 = x0.fma(s0, a00);
                a01 = x1.fma(s0, a01);
                a02 = x2.fma(s0, a02);
                FloatVector s1 = FloatVector.broadcast(F, q[o1 + d]);
                a10 = x0.fma(s1, a10);
                a11 = x1.fma(s1, a11);
                a12 = x2.fma(s1, a12);
                FloatVector s2 = FloatVector.broadcast(F, q[o2 + d]);
                a20 = x0.fma(s2, a20);
                a21 = x1.fma(s2, a21);
                a22 = x2.fma(s2, a22);
                FloatVector s3 = FloatVector.broadcast(F, q[o3 + d]);
                a30 = x0.fma(s3, a30);
                a31 = x1.fma(s3, a31);
                a32 = x2.fma(s3, a32);
            }
        } else {
            for (int d = 0; d < dims; d++) {
                float[] x = strip[d];
                FloatVector x0 = FloatVector.fromArray(F, x, 0 * L);
                FloatVector x1 = FloatVector.fromArray(F, x, 1 * L);
                FloatVector x2 = FloatVector.fromArray(F, x, 2 * L);
                FloatVector s0 = FloatVector.broadcast(F, q[o0 + d]);
                a00 = a00.add(x0.mul(s0));
                a01 = a01.add(x1.mul(s0));
                a02 = a02.add(x2.mul(s0));
                FloatVector s1 = FloatVector.broadcast(F, q[o1 + d]);
                a10 = a10.add(x0.mul(s1));
                a11 = a11.add(x1.mul(s1));
                a12 = a12.add(x2.mul(s1));
                FloatVector s2 = FloatVector.broadcast(F, q[o2 + d]);
                a20 = a20.add(x0.mul(s2));
                a21 = a21.add(x1.mul(s2));
                a22 = a22.add(x2.mul(s2));
                FloatVector s3 = FloatVector.broadcast(F, q[o3 + d]);
                a30 = a30.add(x0.mul(s3));
                a31 = a31.add(x1.mul(s3));
                a32 = a32.add(x2.mul(s3));
            }
        }
        a00.intoArray(out[0], 0 * L);
        a01.intoArray(out[0], 1 * L);
        a02.intoArray(out[0], 2 * L);
        a10.intoArray(out[1], 0 * L);
        a11.intoArray(out[1], 1 * L);
        a12.intoArray(out[1], 2 * L);
        a20.intoArray(out[2], 0 * L);
        a21.intoArray(out[2], 1 * L);
        a22.intoArray(out[2], 2 * L);
        a30.intoArray(out[3], 0 * L);
        a31.intoArray(out[3], 1 * L);
        a32.intoArray(out[3], 2 * L);
    }
}
