package org.encodertraces.probe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The portable and the Vector API objective kernels agree to rounding on random data, and each
 * gives bit-identical results for any thread count.
 */
class ObjectiveKernelTest {
    private static final ObjectiveKernel SCALAR = new ScalarObjectiveKernel();
    private static final ObjectiveKernel VECTOR = VectorObjectiveKernel.create();

    /** Surefire loads the module, so the vector kernel is the one in use (and the one compared here). */
    @Test
    void bestIsTheVectorKernelWhenTheModuleIsLoaded() {
        assertTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent());
        assertInstanceOf(VectorObjectiveKernel.class, ObjectiveKernel.best());
    }

    /**
     * D both a multiple of every lane count and not (zero padding), K with and without a
     * remainder after tiles of 3, row counts that leave a partial group of 4 and a partial block.
     */
    @ParameterizedTest
    @CsvSource({"64, 6, 1000, 128", "37, 7, 515, 64", "5, 2, 203, 1024", "512, 4, 301, 128"})
    void kernelsAgreeAndAreThreadCountInvariant(int d, int k, int n, int blockRows) {
        SplittableRandom rnd = new SplittableRandom(d * 1000L + k);
        float[][] x = new float[n][d];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                x[i][j] = (float) (rnd.nextGaussian() + (j % k == i % k ? 1 : 0));
            }
            y[i] = i % k;
        }
        double[] w = new double[k * d + k];
        for (int j = 0; j < w.length; j++) {
            w[j] = 0.3 * rnd.nextGaussian();
        }
        int[] rows = new int[n];
        for (int i = 0; i < n; i++) {
            rows[i] = (int) ((i * 7919L) % n);
        }
        for (int[] order : new int[][] {null, rows}) {
            int from = 3;
            int to = n - 2;
            double[] gs = new double[w.length];
            double[] gv = new double[w.length];
            double ls = evaluate(SCALAR, x, y, k, blockRows, w, order, from, to, gs, 1);
            double lv = evaluate(VECTOR, x, y, k, blockRows, w, order, from, to, gv, 1);
            assertEquals(ls, lv, 1e-12 * Math.abs(ls), "loss");
            double scale = 0;
            for (double v : gs) {
                scale = Math.max(scale, Math.abs(v));
            }
            assertTrue(scale > 0);
            for (int j = 0; j < w.length; j++) {
                assertEquals(gs[j], gv[j], 1e-12 * scale, "gradient " + j);
            }
            for (ObjectiveKernel kernel : new ObjectiveKernel[] {SCALAR, VECTOR}) {
                double[] g1 = new double[w.length];
                double[] g3 = new double[w.length];
                double l1 = evaluate(kernel, x, y, k, blockRows, w, order, from, to, g1, 1);
                double l3 = evaluate(kernel, x, y, k, blockRows, w, order, from, to, g3, 3);
                assertEquals(Double.doubleToLongBits(l1), Double.doubleToLongBits(l3), kernel + " loss across threads");
                assertArrayEquals(g1, g3, 0.0, kernel + " gradient across threads");
            }
        }
    }

    private static double evaluate(ObjectiveKernel kernel, float[][] x, int[] y, int k, int blockRows,
                                   double[] w, int[] rows, int from, int to, double[] g, int threads) {
        MultinomialObjective obj = new MultinomialObjective(x, y, k, x.length, blockRows, kernel);
        try (BlockExecutor exec = new BlockExecutor(threads)) {
            return obj.evaluate(w, rows, from, to, g, exec);
        }
    }
}
