package org.encodertraces.linalg;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The {@link StripKernel} on the incubator Vector API: a register tile of queries x vectors of
 * database rows whose accumulators never leave registers while the strip streams past.
 * Each lane holds one database row, so a lane's sum is the same chain in dimension order as the
 * portable kernel's ({@link ScoreArithmetic}): the scores are bit-identical to it.
 *
 * <p>Loaded only when the module {@code jdk.incubator.vector} is present (see {@link StripKernel#best()}).
 * Tile tuning: BENCHMARKS.md, "kNN top-k".
 */
final class VectorStripKernel implements StripKernel {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    /** Queries per tile. */
    private static final int MQ = 6;
    /** Vectors of database rows per tile: 6 x 4 = 24 accumulators + 4 row vectors + 1 broadcast fit AVX-512's 32 registers. */
    private static final int NV = 4;
    private static final int W = NV * L;

    private VectorStripKernel() {
    }

    /** A new kernel (a factory, so that callers never name this class's constructor). */
    static StripKernel create() {
        return new VectorStripKernel();
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
     * Tile of 6 queries x 4 vectors of rows. Tuned on 2026-11-25 on AMD EPYC (Zen 5, AVX-512),
     * 2k x 20k x 512, CPU seconds per search: 6x4 0.25, 8x3 0.30, 4x4 0.35 (see BENCHMARKS.md).
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
        FloatVector a02 = FloatVector.zero(F);
        FloatVector a03 = FloatVector.zero(F);
        FloatVector a10 = FloatVector.zero(F);
        FloatVector a11 = FloatVector.zero(F);
        FloatVector a12 = FloatVector.zero(F);
        FloatVector a13 = FloatVector.zero(F);
        FloatVector a20 = FloatVector.zero(F);
        FloatVector a21 = FloatVector.zero(F);
        FloatVector a22 = FloatVector.zero(F);
        FloatVector a23 = FloatVector.zero(F);
        FloatVector a30 = FloatVector.zero(F);
        FloatVector a31 = FloatVector.zero(F);
        FloatVector a32 = FloatVector.zero(F);
        FloatVector a33 = FloatVector.zero(F);
        FloatVector a40 = FloatVector.zero(F);
        FloatVector a41 = FloatVector.zero(F);
        FloatVector a42 = FloatVector.zero(F);
        FloatVector a43 = FloatVector.zero(F);
        FloatVector a50 = FloatVector.zero(F);
        FloatVector a51 = FloatVector.zero(F);
        FloatVector a52 = FloatVector.zero(F);
        FloatVector a53 = FloatVector.zero(F);
        // two copies of the loop, not a helper method: through a helper C2 loses the vectors' exact class on the
        // multiply-then-add path and stops intrinsifying (20x slower, measured); FUSED is a static final, so
        // the untaken copy is never compiled
        if (ScoreArithmetic.FUSED) {
            for (int d = 0; d < dims; d++) {
                float[] x = strip[d];
                FloatVector x0 = FloatVector.fromArray(F, x, 0 * L);
                FloatVector x1 = FloatVector.fromArray(F, x, 1 * L);
                FloatVector x2 = FloatVector.fromArray(F, x, 2 * L);
                FloatVector x3 = FloatVector.fromArray(F, x, 3 * L);
                FloatVector s0 = FloatVector.broadcast(F, q[o0 + d]);
                a00 = x0.fma(s0, a00);
                a01 = x1.fma(s0, a01);
                a02 = x2.fma(s0, a02);
                a03 = x3.fma(s0, a03);
                FloatVector s1 = FloatVector.broadcast(F, q[o1 + d]);
                a10 = x0.fma(s1, a10);
                a11 = x1.fma(s1, a11);
                a12 = x2.fma(s1, a12);
                a13 = x3.fma(s1, a13);
                FloatVector s2 = FloatVector.broadcast(F, q[o2 + d]);
                a20 = x0.fma(s2, a20);
                a21 = x1.fma(s2, a21);
                a22 = x2.fma(s2, a22);
                a23 = x3.fma(s2, a23);
                FloatVector s3 = FloatVector.broadcast(F, q[o3 + d]);
                a30 = x0.fma(s3, a30);
                a31 = x1.fma(s3, a31);
                a32 = x2.fma(s3, a32);
                a33 = x3.fma(s3, a33);
                FloatVector s4 = FloatVector.broadcast(F, q[o4 + d]);
                a40 = x0.fma(s4, a40);
                a41 = x1.fma(s4, a41);
                a42 = x2.fma(s4, a42);
                a43 = x3.fma(s4, a43);
                FloatVector s5 = FloatVector.broadcast(F, q[o5 + d]);
                a50 = x0.fma(s5, a50);
                a51 = x1.fma(s5, a51);
                a52 = x2.fma(s5, a52);
                a53 = x3.fma(s5, a53);
            }
        } else {
            for (int d = 0; d < dims; d++) {
                float[] x = strip[d];
                FloatVector x0 = FloatVector.fromArray(F, x, 0 * L);
                FloatVector x1 = FloatVector.fromArray(F, x, 1 * L);
                FloatVector x2 = FloatVector.fromArray(F, x, 2 * L);
                FloatVector x3 = FloatVector.fromArray(F, x, 3 * L);
                FloatVector s0 = FloatVector.broadcast(F, q[o0 + d]);
                a00 = a00.add(x0.mul(s0));
                a01 = a01.add(x1.mul(s0));
                a02 = a02.add(x2.mul(s0));
                a03 = a03.add(x3.mul(s0));
                FloatVector s1 = FloatVector.broadcast(F, q[o1 + d]);
                a10 = a10.add(x0.mul(s1));
                a11 = a11.add(x1.mul(s1));
                a12 = a12.add(x2.mul(s1));
                a13 = a13.add(x3.mul(s1));
                FloatVector s2 = FloatVector.broadcast(F, q[o2 + d]);
                a20 = a20.add(x0.mul(s2));
                a21 = a21.add(x1.mul(s2));
                a22 = a22.add(x2.mul(s2));
                a23 = a23.add(x3.mul(s2));
                FloatVector s3 = FloatVector.broadcast(F, q[o3 + d]);
                a30 = a30.add(x0.mul(s3));
                a31 = a31.add(x1.mul(s3));
                a32 = a32.add(x2.mul(s3));
                a33 = a33.add(x3.mul(s3));
                FloatVector s4 = FloatVector.broadcast(F, q[o4 + d]);
                a40 = a40.add(x0.mul(s4));
                a41 = a41.add(x1.mul(s4));
                a42 = a42.add(x2.mul(s4));
                a43 = a43.add(x3.mul(s4));
                FloatVector s5 = FloatVector.broadcast(F, q[o5 + d]);
                a50 = a50.add(x0.mul(s5));
                a51 = a51.add(x1.mul(s5));
                a52 = a52.add(x2.mul(s5));
                a53 = a53.add(x3.mul(s5));
            }
        }
        a00.intoArray(out[0], 0 * L);
        a01.intoArray(out[0], 1 * L);
        a02.intoArray(out[0], 2 * L);
        a03.intoArray(out[0], 3 * L);
        a10.intoArray(out[1], 0 * L);
        a11.intoArray(out[1], 1 * L);
        a12.intoArray(out[1], 2 * L);
        a13.intoArray(out[1], 3 * L);
        a20.intoArray(out[2], 0 * L);
        a21.intoArray(out[2], 1 * L);
        a22.intoArray(out[2], 2 * L);
        a23.intoArray(out[2], 3 * L);
        a30.intoArray(out[3], 0 * L);
        a31.intoArray(out[3], 1 * L);
        a32.intoArray(out[3], 2 * L);
        a33.intoArray(out[3], 3 * L);
        a40.intoArray(out[4], 0 * L);
        a41.intoArray(out[4], 1 * L);
        a42.intoArray(out[4], 2 * L);
        a43.intoArray(out[4], 3 * L);
        a50.intoArray(out[5], 0 * L);
        a51.intoArray(out[5], 1 * L);
        a52.intoArray(out[5], 2 * L);
        a53.intoArray(out[5], 3 * L);
    }
}
