package org.encodertraces.probe;

import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The {@link ObjectiveKernel} on the incubator Vector API, still in float64: four rows at a time
 * are widened once into a double buffer, their logits accumulate lane-wise with fused
 * multiply-add in a register tile of 4 rows x 3 classes, and the gradient adds the four rows
 * weighted by their residuals with fused multiply-add, three classes per pass.
 *
 * <p>Each logit's lanes are added in lane order (never {@code reduceLanes}, whose order for
 * floating-point addition the API leaves unspecified), so results are deterministic for a given
 * species and do not depend on the thread that runs a block. But fused multiply-add and the
 * lane-split sums round differently from {@link ScalarObjectiveKernel}: the two agree to rounding
 * (ObjectiveKernelTest holds losses and gradients to 1e-12 relative), not bit for bit, and so do
 * two machines whose preferred vector width ({@code DoubleVector.SPECIES_PREFERRED}) differs. When D is not a multiple of the lane count,
 * the weights are copied into zero-padded rows (padding adds exact zeros) and the gradient is
 * accumulated in padded rows and copied back.
 *
 * <p>Loaded only when the module {@code jdk.incubator.vector} is present (see {@link ObjectiveKernel#best()}).
 * Measurements: BENCHMARKS.md, "Linear probe".
 */
final class VectorObjectiveKernel implements ObjectiveKernel {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Floats with as many lanes as S, widened to S by {@link #widen}. */
    private static final VectorSpecies<Float> F = VectorSpecies.of(float.class, VectorShape.forBitSize(L * Float.SIZE));
    /** Lane buffers, one per accumulator of a tile, so that the 12 lane sums are independent chains. */
    private static final int LANE_SLOTS = 12;

    private VectorObjectiveKernel() {
    }

    /** A new kernel (a factory, so that callers never name this class's constructor). */
    static ObjectiveKernel create() {
        return new VectorObjectiveKernel();
    }

    private static int padded(int d) {
        return (d + L - 1) / L * L;
    }

    /** Layout: residuals 4k | widened rows 4 dp | lanes 12 L | only when d != dp: weights k dp | gradient k dp. */
    @Override
    public int scratchSize(int k, int d) {
        int dp = padded(d);
        return 4 * k + 4 * dp + LANE_SLOTS * L + (dp == d ? 0 : 2 * k * dp);
    }

    @Override
    public double block(float[][] x, int[] y, int k, double[] w, int[] rows, int from, int to, double[] g, double[] z) {
        final int d = x[0].length;
        final int dp = padded(d);
        final int biasAt = k * d;
        final int xo = 4 * k;
        final int lo = xo + 4 * dp;
        final boolean pad = dp != d;
        final double[] wv = pad ? z : w;
        final int wo = pad ? lo + LANE_SLOTS * L : 0;
        final double[] gv = pad ? z : g;
        final int go = pad ? wo + k * dp : 0;
        Arrays.fill(g, 0.0);
        if (pad) {
            Arrays.fill(z, xo, z.length, 0.0);
            for (int c = 0; c < k; c++) {
                System.arraycopy(w, c * d, z, wo + c * dp, d);
            }
        }
        double loss = 0;
        for (int t = from; t < to; t += 4) {
            int nr = Math.min(4, to - t);
            for (int r = 0; r < 4; r++) {
                int at = xo + r * dp;
                if (r < nr) {
                    widen(x[rows == null ? t + r : rows[t + r]], z, at);
                } else {
                    Arrays.fill(z, at, at + d, 0.0);
                }
            }
            int c = 0;
            for (; c + 3 <= k; c += 3) {
                logits3(z, xo, dp, wv, wo, w, biasAt, k, c, lo);
            }
            for (; c < k; c++) {
                logits1(z, xo, dp, wv, wo, w, biasAt, k, c, lo);
            }
            for (int r = 0; r < 4; r++) {
                if (r < nr) {
                    int row = rows == null ? t + r : rows[t + r];
                    loss += ObjectiveKernel.softmaxResidual(z, r * k, k, y[row]);
                } else {
                    Arrays.fill(z, r * k, r * k + k, 0.0);  // a missing row adds nothing to the gradient
                }
            }
            c = 0;
            for (; c + 3 <= k; c += 3) {
                gradient3(z, xo, dp, gv, go, k, c);
            }
            for (; c < k; c++) {
                gradient1(z, xo, dp, gv, go, k, c);
            }
            for (c = 0; c < k; c++) {
                g[biasAt + c] += z[c] + z[k + c] + z[2 * k + c] + z[3 * k + c];
            }
        }
        if (pad) {
            for (int c = 0; c < k; c++) {
                System.arraycopy(z, go + c * dp, g, c * d, d);
            }
        }
        return loss;
    }

    /** z[at..at+d) = row, widened to double L floats at a time (the JIT does not vectorise the scalar loop). */
    private static void widen(float[] row, double[] z, int at) {
        int d = row.length;
        int j = 0;
        for (int bound = F.loopBound(d); j < bound; j += L) {
            ((DoubleVector) FloatVector.fromArray(F, row, j).convertShape(VectorOperators.F2D, S, 0)).intoArray(z, at + j);
        }
        for (; j < d; j++) {
            z[at + j] = row[j];
        }
    }

    /** The sum of v's lanes in lane order (through z[lo..lo+L)). */
    private static double lanes(DoubleVector v, double[] z, int lo) {
        v.intoArray(z, lo);
        double s = z[lo];
        for (int i = 1; i < L; i++) {
            s += z[lo + i];
        }
        return s;
    }

    /** Logits of the 4 widened rows for classes c..c+2 into z[r * k + c ..]. */
    private static void logits3(double[] z, int xo, int dp, double[] wv, int wo, double[] w, int biasAt, int k, int c, int lo) {
        int x0o = xo + 0 * dp;
        int x1o = xo + 1 * dp;
        int x2o = xo + 2 * dp;
        int x3o = xo + 3 * dp;
        int w0o = wo + (c + 0) * dp;
        int w1o = wo + (c + 1) * dp;
        int w2o = wo + (c + 2) * dp;
        DoubleVector a00 = DoubleVector.zero(S);
        DoubleVector a01 = DoubleVector.zero(S);
        DoubleVector a02 = DoubleVector.zero(S);
        DoubleVector a10 = DoubleVector.zero(S);
        DoubleVector a11 = DoubleVector.zero(S);
        DoubleVector a12 = DoubleVector.zero(S);
        DoubleVector a20 = DoubleVector.zero(S);
        DoubleVector a21 = DoubleVector.zero(S);
        DoubleVector a22 = DoubleVector.zero(S);
        DoubleVector a30 = DoubleVector.zero(S);
        DoubleVector a31 = DoubleVector.zero(S);
        DoubleVector a32 = DoubleVector.zero(S);
        for (int j = 0; j < dp; j += L) {
            DoubleVector x0 = DoubleVector.fromArray(S, z, x0o + j);
            DoubleVector x1 = DoubleVector.fromArray(S, z, x1o + j);
            DoubleVector x2 = DoubleVector.fromArray(S, z, x2o + j);
            DoubleVector x3 = DoubleVector.fromArray(S, z, x3o + j);
            DoubleVector w0 = DoubleVector.fromArray(S, wv, w0o + j);
            DoubleVector w1 = DoubleVector.fromArray(S, wv, w1o + j);
            DoubleVector w2 = DoubleVector.fromArray(S, wv, w2o + j);
            a00 = x0.fma(w0, a00);
            a01 = x0.fma(w1, a01);
            a02 = x0.fma(w2, a02);
            a10 = x1.fma(w0, a10);
            a11 = x1.fma(w1, a11);
            a12 = x1.fma(w2, a12);
            a20 = x2.fma(w0, a20);
            a21 = x2.fma(w1, a21);
            a22 = x2.fma(w2, a22);
            a30 = x3.fma(w0, a30);
            a31 = x3.fma(w1, a31);
            a32 = x3.fma(w2, a32);
        }
        z[0 * k + c + 0] = w[biasAt + c + 0] + lanes(a00, z, lo + 0 * L);
        z[0 * k + c + 1] = w[biasAt + c + 1] + lanes(a01, z, lo + 1 * L);
        z[0 * k + c + 2] = w[biasAt + c + 2] + lanes(a02, z, lo + 2 * L);
        z[1 * k + c + 0] = w[biasAt + c + 0] + lanes(a10, z, lo + 3 * L);
        z[1 * k + c + 1] = w[biasAt + c + 1] + lanes(a11, z, lo + 4 * L);
        z[1 * k + c + 2] = w[biasAt + c + 2] + lanes(a12, z, lo + 5 * L);
        z[2 * k + c + 0] = w[biasAt + c + 0] + lanes(a20, z, lo + 6 * L);
        z[2 * k + c + 1] = w[biasAt + c + 1] + lanes(a21, z, lo + 7 * L);
        z[2 * k + c + 2] = w[biasAt + c + 2] + lanes(a22, z, lo + 8 * L);
        z[3 * k + c + 0] = w[biasAt + c + 0] + lanes(a30, z, lo + 9 * L);
        z[3 * k + c + 1] = w[biasAt + c + 1] + lanes(a31, z, lo + 10 * L);
        z[3 * k + c + 2] = w[biasAt + c + 2] + lanes(a32, z, lo + 11 * L);
    }

    /** Logits of the 4 widened rows for classes c..c+0 into z[r * k + c ..]. */
    private static void logits1(double[] z, int xo, int dp, double[] wv, int wo, double[] w, int biasAt, int k, int c, int lo) {
        int x0o = xo + 0 * dp;
        int x1o = xo + 1 * dp;
        int x2o = xo + 2 * dp;
        int x3o = xo + 3 * dp;
        int w0o = wo + (c + 0) * dp;
        DoubleVector a00 = DoubleVector.zero(S);
        DoubleVector a10 = DoubleVector.zero(S);
        DoubleVector a20 = DoubleVector.zero(S);
        DoubleVector a30 = DoubleVector.zero(S);
        for (int j = 0; j < dp; j += L) {
            DoubleVector x0 = DoubleVector.fromArray(S, z, x0o + j);
            DoubleVector x1 = DoubleVector.fromArray(S, z, x1o + j);
            DoubleVector x2 = DoubleVector.fromArray(S, z, x2o + j);
            DoubleVector x3 = DoubleVector.fromArray(S, z, x3o + j);
            DoubleVector w0 = DoubleVector.fromArray(S, wv, w0o + j);
            a00 = x0.fma(w0, a00);
            a10 = x1.fma(w0, a10);
            a20 = x2.fma(w0, a20);
            a30 = x3.fma(w0, a30);
        }
        z[0 * k + c + 0] = w[biasAt + c + 0] + lanes(a00, z, lo + 0 * L);
        z[1 * k + c + 0] = w[biasAt + c + 0] + lanes(a10, z, lo + 3 * L);
        z[2 * k + c + 0] = w[biasAt + c + 0] + lanes(a20, z, lo + 6 * L);
        z[3 * k + c + 0] = w[biasAt + c + 0] + lanes(a30, z, lo + 9 * L);
    }

    /** Gradient rows c..c+2 += the 4 widened rows weighted by their residuals z[r * k + c ..]. */
    private static void gradient3(double[] z, int xo, int dp, double[] gv, int go, int k, int c) {
        int x0o = xo + 0 * dp;
        int x1o = xo + 1 * dp;
        int x2o = xo + 2 * dp;
        int x3o = xo + 3 * dp;
        int g0o = go + (c + 0) * dp;
        int g1o = go + (c + 1) * dp;
        int g2o = go + (c + 2) * dp;
        DoubleVector r00 = DoubleVector.broadcast(S, z[0 * k + c + 0]);
        DoubleVector r01 = DoubleVector.broadcast(S, z[0 * k + c + 1]);
        DoubleVector r02 = DoubleVector.broadcast(S, z[0 * k + c + 2]);
        DoubleVector r10 = DoubleVector.broadcast(S, z[1 * k + c + 0]);
        DoubleVector r11 = DoubleVector.broadcast(S, z[1 * k + c + 1]);
        DoubleVector r12 = DoubleVector.broadcast(S, z[1 * k + c + 2]);
        DoubleVector r20 = DoubleVector.broadcast(S, z[2 * k + c + 0]);
        DoubleVector r21 = DoubleVector.broadcast(S, z[2 * k + c + 1]);
        DoubleVector r22 = DoubleVector.broadcast(S, z[2 * k + c + 2]);
        DoubleVector r30 = DoubleVector.broadcast(S, z[3 * k + c + 0]);
        DoubleVector r31 = DoubleVector.broadcast(S, z[3 * k + c + 1]);
        DoubleVector r32 = DoubleVector.broadcast(S, z[3 * k + c + 2]);
        for (int j = 0; j < dp; j += L) {
            DoubleVector x0 = DoubleVector.fromArray(S, z, x0o + j);
            DoubleVector x1 = DoubleVector.fromArray(S, z, x1o + j);
            DoubleVector x2 = DoubleVector.fromArray(S, z, x2o + j);
            DoubleVector x3 = DoubleVector.fromArray(S, z, x3o + j);
            DoubleVector g0 = DoubleVector.fromArray(S, gv, g0o + j);
            g0 = x0.fma(r00, g0);
            g0 = x1.fma(r10, g0);
            g0 = x2.fma(r20, g0);
            g0 = x3.fma(r30, g0);
            g0.intoArray(gv, g0o + j);
            DoubleVector g1 = DoubleVector.fromArray(S, gv, g1o + j);
            g1 = x0.fma(r01, g1);
            g1 = x1.fma(r11, g1);
            g1 = x2.fma(r21, g1);
            g1 = x3.fma(r31, g1);
            g1.intoArray(gv, g1o + j);
            DoubleVector g2 = DoubleVector.fromArray(S, gv, g2o + j);
            g2 = x0.fma(r02, g2);
            g2 = x1.fma(r12, g2);
            g2 = x2.fma(r22, g2);
            g2 = x3.fma(r32, g2);
            g2.intoArray(gv, g2o + j);
        }
    }

    /** Gradient rows c..c+0 += the 4 widened rows weighted by their residuals z[r * k + c ..]. */
    private static void gradient1(double[] z, int xo, int dp, double[] gv, int go, int k, int c) {
        int x0o = xo + 0 * dp;
        int x1o = xo + 1 * dp;
        int x2o = xo + 2 * dp;
        int x3o = xo + 3 * dp;
        int g0o = go + (c + 0) * dp;
        DoubleVector r00 = DoubleVector.broadcast(S, z[0 * k + c + 0]);
        DoubleVector r10 = DoubleVector.broadcast(S, z[1 * k + c + 0]);
        DoubleVector r20 = DoubleVector.broadcast(S, z[2 * k + c + 0]);
        DoubleVector r30 = DoubleVector.broadcast(S, z[3 * k + c + 0]);
        for (int j = 0; j < dp; j += L) {
            DoubleVector x0 = DoubleVector.fromArray(S, z, x0o + j);
            DoubleVector x1 = DoubleVector.fromArray(S, z, x1o + j);
            DoubleVector x2 = DoubleVector.fromArray(S, z, x2o + j);
            DoubleVector x3 = DoubleVector.fromArray(S, z, x3o + j);
            DoubleVector g0 = DoubleVector.fromArray(S, gv, g0o + j);
            g0 = x0.fma(r00, g0);
            g0 = x1.fma(r10, g0);
            g0 = x2.fma(r20, g0);
            g0 = x3.fma(r30, g0);
            g0.intoArray(gv, g0o + j);
        }
    }
}
