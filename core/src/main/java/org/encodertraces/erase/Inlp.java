package org.encodertraces.erase;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.encodertraces.probe.ClassificationMetrics;
import org.encodertraces.probe.LinearModel;
import org.encodertraces.probe.LogisticRegression;
import org.encodertraces.probe.ProcessingProbe;

/**
 * Iterative nullspace projection (Ravfogel et al., ACL 2020): fit a linear probe for the concept,
 * remove the directions of its weights (their row space, orthonormalised by EJML's SVD), refit on
 * the projected embeddings, and so on, for a fixed number of rounds or until the probe is at chance
 * on a held-out split of the fitting images.
 *
 * <p>The probe is our L-BFGS logistic regression (scikit-learn's {@code LogisticRegression}
 * problem) on standardised features; its weights are mapped back to raw feature space (w / sigma)
 * before they are removed, so the eraser is a plain orthogonal projection of the raw embeddings:
 * {@code x -> x - B B^T (x - mean)}. Several concepts take turns within each round. The held-out
 * split is by image, so an image's versions under different operations are never on both sides.
 */
public final class Inlp {
    /**
     * Settings.
     *
     * @param rounds        the most rounds (each removes up to K - 1 directions per concept)
     * @param untilChance   stop a concept as soon as its held-out accuracy is within {@code margin} of chance
     * @param margin        the chance margin (a fraction, e.g. 0.01)
     * @param c             the probe's inverse regularisation C
     * @param heldOut       the fraction of fitting images held out for the stopping rule
     * @param seed          seed of the held-out split
     * @param threads       probe threads (results do not depend on it)
     */
    public record Config(int rounds, boolean untilChance, double margin, double c, double heldOut, long seed, int threads) {
        /** Validates. */
        public Config {
            if (rounds < 1) {
                throw new IllegalArgumentException("INLP needs at least one round, got " + rounds);
            }
            if (!(heldOut > 0 && heldOut < 1)) {
                throw new IllegalArgumentException("INLP held-out fraction must be in (0, 1), got " + heldOut);
            }
            if (!(c > 0) || !(margin >= 0)) {
                throw new IllegalArgumentException("INLP needs C > 0 and a margin >= 0");
            }
            threads = Math.max(1, threads);
        }
    }

    /**
     * One probe fit of the iteration.
     *
     * @param concept          the concept's name
     * @param round            1, 2, ...
     * @param heldOutAccuracy  the probe's accuracy on the held-out images before this round's removal
     * @param chance           the majority-class share of the held-out rows
     * @param removed          directions removed this round (0 when the concept was at chance)
     */
    public record Round(String concept, int round, double heldOutAccuracy, double chance, int removed) {
    }

    /**
     * The eraser and the rounds that made it.
     *
     * @param eraser the eraser
     * @param rounds every probe fit, in order
     */
    public record Fitted(Eraser eraser, List<Round> rounds) {
    }

    private final Config config;

    /** A fitter with the given settings. */
    public Inlp(Config config) {
        this.config = config;
    }

    /** Fits on {@code data} (rows with an unknown label in some concept are left out). */
    public Fitted fit(FitData data) {
        int d = data.dim();
        boolean[] use = FitRows.usable(data.rows(), data.concepts());
        ProcessingProbe.ImageSplit split = ProcessingProbe.ImageSplit.random(data.imageIds().size(), config.heldOut(), config.seed());
        boolean[] held = new boolean[data.imageIds().size()];
        for (int i : split.test()) {
            held[i] = true;
        }
        List<Integer> trainRows = new ArrayList<>();
        List<Integer> heldRows = new ArrayList<>();
        for (int i = 0; i < data.rows(); i++) {
            if (use[i]) {
                (held[data.image()[i]] ? heldRows : trainRows).add(i);
            }
        }
        if (trainRows.size() < 2 || heldRows.isEmpty()) {
            throw new IllegalArgumentException("INLP needs fitting and held-out rows; got " + trainRows.size() + " and " + heldRows.size());
        }
        double[] mean = FitRows.mean(data.x(), data.rows(), d, use);
        float[] x = data.x().clone();
        List<double[]> basis = new ArrayList<>();
        List<Round> log = new ArrayList<>();
        boolean[] done = new boolean[data.concepts().size()];
        for (int round = 1; round <= config.rounds(); round++) {
            boolean any = false;
            for (int ci = 0; ci < data.concepts().size(); ci++) {
                if (done[ci]) {
                    continue;
                }
                Concept concept = data.concepts().get(ci);
                int k = concept.classes().size();
                double[][] std = standardisation(x, d, trainRows);
                float[][] tr = rows(x, d, trainRows, std);
                int[] yTr = labels(concept, trainRows);
                float[][] he = rows(x, d, heldRows, std);
                int[] yHe = labels(concept, heldRows);
                LinearModel model = new LogisticRegression(config.c(), 2000, 1e-4, config.threads()).fit(tr, yTr, k).model();
                double acc = ClassificationMetrics.of(yHe, model.predict(he), k).accuracy();
                double chance = majorityShare(yHe, k);
                if (config.untilChance() && acc <= chance + config.margin()) {
                    done[ci] = true;
                    log.add(new Round(concept.name(), round, acc, chance, 0));
                    continue;
                }
                List<double[]> added = addDirections(model.weights(), std[1], basis, d);
                for (double[] b : added) {
                    project(x, data.rows(), d, b, mean);
                }
                log.add(new Round(concept.name(), round, acc, chance, added.size()));
                any |= !added.isEmpty();
            }
            if (!any) {
                break;
            }
        }
        int r = basis.size();
        double[] f = new double[d * r];
        for (int j = 0; j < r; j++) {
            double[] b = basis.get(j);
            for (int i = 0; i < d; i++) {
                f[i * r + j] = b[i];
            }
        }
        return new Fitted(new Eraser("inlp", d, r, mean, f, f.clone()), log);
    }

    /** Orthonormalises the raw-space weight directions against the basis (EJML SVD) and appends the new ones. */
    private static List<double[]> addDirections(double[][] w, double[] sigma, List<double[]> basis, int d) {
        int k = w.length;
        DMatrixRMaj m = new DMatrixRMaj(d, k);
        for (int c = 0; c < k; c++) {
            double[] v = new double[d];
            for (int j = 0; j < d; j++) {
                v[j] = w[c][j] / sigma[j];
            }
            for (int pass = 0; pass < 2; pass++) {
                for (double[] b : basis) {
                    double dot = 0;
                    for (int j = 0; j < d; j++) {
                        dot += v[j] * b[j];
                    }
                    for (int j = 0; j < d; j++) {
                        v[j] -= dot * b[j];
                    }
                }
            }
            for (int j = 0; j < d; j++) {
                m.data[j * k + c] = v[j];
            }
        }
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(d, k, true, false, true);
        if (!svd.decompose(m)) {
            throw new IllegalStateException("INLP: the SVD of the probe weights did not converge");
        }
        DMatrixRMaj u = svd.getU(null, false);
        double[] s = svd.getSingularValues();
        double max = Arrays.stream(s).max().orElse(0);
        List<double[]> added = new ArrayList<>();
        for (int i = 0; i < s.length && i < u.numCols; i++) {
            if (s[i] > 1e-6 * max && s[i] > 0 && basis.size() < d) {
                double[] b = new double[d];
                for (int j = 0; j < d; j++) {
                    b[j] = u.get(j, i);
                }
                basis.add(b);
                added.add(b);
            }
        }
        return added;
    }

    private static void project(float[] x, int n, int d, double[] b, double[] mean) {
        for (int i = 0; i < n; i++) {
            int o = i * d;
            double dot = 0;
            for (int j = 0; j < d; j++) {
                dot += (x[o + j] - mean[j]) * b[j];
            }
            for (int j = 0; j < d; j++) {
                x[o + j] = (float) (x[o + j] - dot * b[j]);
            }
        }
    }

    /** Per-feature mean and standard deviation of the training rows (a zero deviation becomes 1). */
    private static double[][] standardisation(float[] x, int d, List<Integer> rows) {
        double[] mu = new double[d];
        double[] sd = new double[d];
        for (int i : rows) {
            for (int j = 0; j < d; j++) {
                mu[j] += x[i * d + j];
            }
        }
        for (int j = 0; j < d; j++) {
            mu[j] /= rows.size();
        }
        for (int i : rows) {
            for (int j = 0; j < d; j++) {
                double v = x[i * d + j] - mu[j];
                sd[j] += v * v;
            }
        }
        for (int j = 0; j < d; j++) {
            sd[j] = Math.sqrt(sd[j] / rows.size());
            if (!(sd[j] > 1e-12)) {
                sd[j] = 1;
            }
        }
        return new double[][] {mu, sd};
    }

    private static float[][] rows(float[] x, int d, List<Integer> idx, double[][] std) {
        float[][] o = new float[idx.size()][d];
        for (int r = 0; r < idx.size(); r++) {
            int b = idx.get(r) * d;
            for (int j = 0; j < d; j++) {
                o[r][j] = (float) ((x[b + j] - std[0][j]) / std[1][j]);
            }
        }
        return o;
    }

    private static int[] labels(Concept c, List<Integer> idx) {
        int[] y = new int[idx.size()];
        for (int r = 0; r < y.length; r++) {
            y[r] = c.labels()[idx.get(r)];
        }
        return y;
    }

    private static double majorityShare(int[] y, int k) {
        int[] count = new int[k];
        int max = 0;
        for (int v : y) {
            max = Math.max(max, ++count[v]);
        }
        return y.length == 0 ? 0 : (double) max / y.length;
    }
}
