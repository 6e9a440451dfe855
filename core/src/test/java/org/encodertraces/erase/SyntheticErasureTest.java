package org.encodertraces.erase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.encodertraces.probe.ClassificationMetrics;
import org.encodertraces.probe.LinearModel;
import org.encodertraces.probe.LogisticRegression;
import org.junit.jupiter.api.Test;

/**
 * Synthetic data with a 3-class concept planted in dimensions 0..2 and 9 other dimensions built to be
 * exactly uncorrelated (in the sample) with them and with the labels: LEACE must leave those 9
 * untouched, and a probe (L-BFGS logistic regression, fitted fresh on the erased fitting rows) must drop
 * from near 100% to chance on held-out rows; INLP must reach chance on its held-out split.
 */
class SyntheticErasureTest {
    static final int D = 12;
    static final int K = 3;

    record Data(float[] x, int n, int[] y) {
    }

    /** Rows: dims 0..2 = class mean (well apart) + noise; dims 3.. = noise orthogonalised against [1, one-hot y, dims 0..2]. */
    static Data planted(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] y = new int[n];
        double[][] cols = new double[D][n];
        double[][] means = {{3, 0, 0}, {0, 3, 0}, {0, 0, 3}};
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(K);
            for (int j = 0; j < 3; j++) {
                cols[j][i] = means[y[i]][j] + r.nextGaussian();
            }
            for (int j = 3; j < D; j++) {
                cols[j][i] = 2 * r.nextGaussian() + (j == 4 ? 0.5 * cols[3][i] : 0);
            }
        }
        // orthonormal basis of span[1, one-hot y, dims 0..2] by modified Gram-Schmidt
        double[][] basis = new double[1 + K + 3][];
        int b = 0;
        double[][] span = new double[1 + K + 3][n];
        for (int i = 0; i < n; i++) {
            span[0][i] = 1;
            span[1 + y[i]][i] = 1;
            for (int j = 0; j < 3; j++) {
                span[1 + K + j][i] = cols[j][i];
            }
        }
        for (double[] v : span) {
            double[] u = v.clone();
            for (int q = 0; q < b; q++) {
                double dot = dot(u, basis[q]);
                for (int i = 0; i < n; i++) {
                    u[i] -= dot * basis[q][i];
                }
            }
            double norm = Math.sqrt(dot(u, u));
            if (norm > 1e-9) {
                for (int i = 0; i < n; i++) {
                    u[i] /= norm;
                }
                basis[b++] = u;
            }
        }
        for (int j = 3; j < D; j++) {
            for (int q = 0; q < b; q++) {
                double dot = dot(cols[j], basis[q]);
                for (int i = 0; i < n; i++) {
                    cols[j][i] -= dot * basis[q][i];
                }
            }
        }
        float[] x = new float[n * D];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < D; j++) {
                x[i * D + j] = (float) cols[j][i];
            }
        }
        return new Data(x, n, y);
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    static Concept concept(int[] y) {
        return new Concept("planted", "label", y, List.of("a", "b", "c"));
    }

    static double probeAccuracy(float[] train, int[] yTrain, float[] test, int[] yTest) {
        LinearModel m = LogisticRegression.of(1.0).fit(rows(train), yTrain, K).model();
        return ClassificationMetrics.of(yTest, m.predict(rows(test)), K).accuracy();
    }

    static float[][] rows(float[] x) {
        float[][] o = new float[x.length / D][D];
        for (int i = 0; i < o.length; i++) {
            System.arraycopy(x, i * D, o[i], 0, D);
        }
        return o;
    }

    @Test
    void leaceErasesThePlantedSubspaceAndNothingElse() {
        Data d = planted(3000, 7);
        Eraser e = Leace.defaults().fit(d.x(), d.n(), D, List.of(concept(d.y())));
        assertEquals(K - 1, e.rank(), "a 3-class concept spans 2 directions");
        float[] out = e.apply(d.x(), d.n());
        double changedPlanted = 0;
        double changedOther = 0;
        for (int i = 0; i < d.n(); i++) {
            for (int j = 0; j < D; j++) {
                double diff = Math.abs(out[i * D + j] - d.x()[i * D + j]);
                if (j < 3) {
                    changedPlanted = Math.max(changedPlanted, diff);
                } else {
                    changedOther = Math.max(changedOther, diff);
                }
            }
        }
        assertTrue(changedPlanted > 1, "the planted dimensions move (max change " + changedPlanted + ")");
        assertTrue(changedOther < 1e-5, "the other 9 dimensions stay as they were (max change " + changedOther + ")");
    }

    @Test
    void aFreshProbeDropsToChanceOnHeldOutRows() {
        Data fit = planted(3000, 11);
        Data held = planted(3000, 12);
        double before = probeAccuracy(fit.x(), fit.y(), held.x(), held.y());
        assertTrue(before > 0.9, "the concept is linearly readable before erasure: " + before);
        Eraser e = Leace.defaults().fit(fit.x(), fit.n(), D, List.of(concept(fit.y())));
        // a fresh probe trained on other (erased) rows than the eraser saw, tested on a third sample
        Data probeTrain = planted(3000, 13);
        double after = probeAccuracy(e.apply(probeTrain.x(), probeTrain.n()), probeTrain.y(), e.apply(held.x(), held.n()), held.y());
        double chance = majority(held.y());
        assertTrue(after < chance + 0.03, "after LEACE the probe is at chance: " + after + " (chance " + chance + ")");
    }

    @Test
    void inlpReachesChanceOnItsHeldOutSplitWithAnOrthonormalBasis() {
        Data d = planted(2000, 21);
        int[] image = new int[d.n()];
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < d.n(); i++) {
            image[i] = i;
            ids.add("img" + i);
        }
        FitData data = new FitData(d.x(), d.n(), D, List.of(concept(d.y())), image, ids);
        Inlp.Fitted f = new Inlp(new Inlp.Config(10, true, 0.02, 1.0, 0.25, 3, 1)).fit(data);
        Inlp.Round last = f.rounds().get(f.rounds().size() - 1);
        assertEquals(0, last.removed(), "stopped because the probe reached chance");
        assertTrue(last.heldOutAccuracy() <= last.chance() + 0.02, last.toString());
        assertTrue(f.rounds().get(0).heldOutAccuracy() > 0.9, "first round reads the concept: " + f.rounds().get(0));
        Eraser e = f.eraser();
        assertTrue(e.rank() >= 2 && e.rank() < D, "rank " + e.rank());
        for (int a = 0; a < e.rank(); a++) {
            for (int b = 0; b < e.rank(); b++) {
                double s = 0;
                for (int j = 0; j < D; j++) {
                    s += e.left()[j * e.rank() + a] * e.left()[j * e.rank() + b];
                }
                assertEquals(a == b ? 1 : 0, s, 1e-9, "basis orthonormal at " + a + "," + b);
            }
        }
        Data held = planted(3000, 22);
        Data probeTrain = planted(3000, 23);
        double after = probeAccuracy(e.apply(probeTrain.x(), probeTrain.n()), probeTrain.y(), e.apply(held.x(), held.n()), held.y());
        assertTrue(after < majority(held.y()) + 0.05, "a fresh probe after INLP: " + after);
    }

    static double majority(int[] y) {
        int[] c = new int[K];
        int max = 0;
        for (int v : y) {
            max = Math.max(max, ++c[v]);
        }
        return (double) max / y.length;
    }
}
