package org.encodertraces.linalg;

import java.util.Arrays;

/**
 * The portable {@link StripKernel}: 4 queries x 256 rows, a unit-stride inner loop
 * {@code acc[j] = step(acc[j], q[d], x[j])} ({@link ScoreArithmetic}) that HotSpot's C2 auto-vectorises.
 */
final class ScalarStripKernel implements StripKernel {
    static final int WIDTH = 256;

    @Override
    public int width() {
        return WIDTH;
    }

    @Override
    public int queries() {
        return 4;
    }

    @Override
    public void scores(float[] q, int qo, int dims, float[][] strip, float[][] out) {
        float[] a0 = out[0];
        float[] a1 = out[1];
        float[] a2 = out[2];
        float[] a3 = out[3];
        Arrays.fill(a0, 0f);
        Arrays.fill(a1, 0f);
        Arrays.fill(a2, 0f);
        Arrays.fill(a3, 0f);
        int o0 = qo;
        int o1 = qo + dims;
        int o2 = qo + 2 * dims;
        int o3 = qo + 3 * dims;
        for (int d = 0; d < dims; d++) {
            float s0 = q[o0 + d];
            float s1 = q[o1 + d];
            float s2 = q[o2 + d];
            float s3 = q[o3 + d];
            float[] x = strip[d];
            for (int j = 0; j < WIDTH; j++) {
                float v = x[j];
                a0[j] = ScoreArithmetic.step(a0[j], s0, v);
                a1[j] = ScoreArithmetic.step(a1[j], s1, v);
                a2[j] = ScoreArithmetic.step(a2[j], s2, v);
                a3[j] = ScoreArithmetic.step(a3[j], s3, v);
            }
        }
    }
}
