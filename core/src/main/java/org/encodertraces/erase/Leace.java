package org.encodertraces.erase;

import java.util.List;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

/**
 * Closed-form LEACE (Belrose et al., "LEACE: Perfect linear concept erasure in closed form",
 * NeurIPS 2023): the least-squares-smallest affine edit of the embeddings after which no linear
 * classifier does better than a constant at predicting the concept(s) on the fitting rows.
 *
 * <p>With the feature covariance {@code S = Cov(x)} (on its support: eigenvalues above
 * {@code eigTol * lambda_max}), the whitening {@code W = S^(-1/2)} and its pseudo-inverse
 * {@code W^+ = S^(1/2)}, the cross-covariance {@code S_xz} of the features with the one-hot
 * concept labels (several concepts: their one-hot columns side by side) and Q an orthonormal basis
 * of the column space of {@code W S_xz} (singular values above {@code svdTol * s_max}), the eraser
 * is {@code x -> x - W^+ Q Q^T W (x - mean)}. Whitening, orthogonal projection of the whitened
 * class-mean directions, un-whitening. The decompositions are EJML's symmetric eigen-solver and
 * SVD, in double precision.
 */
public final class Leace {
    /** Default relative eigenvalue cut-off of the covariance's support. */
    public static final double EIG_TOL = 1e-10;
    /** Default relative singular-value cut-off of the whitened cross-covariance. */
    public static final double SVD_TOL = 1e-8;

    private static final int CHUNK = 2048;

    private final double eigTol;
    private final double svdTol;

    /**
     * A fitter with the given relative cut-offs.
     *
     * @param eigTol covariance eigenvalues at or below {@code eigTol * lambda_max} are outside the support
     * @param svdTol singular values of {@code W S_xz} at or below {@code svdTol * s_max} are dropped
     */
    public Leace(double eigTol, double svdTol) {
        if (!(eigTol >= 0 && eigTol < 1) || !(svdTol >= 0 && svdTol < 1)) {
            throw new IllegalArgumentException("LEACE tolerances must be in [0, 1), got " + eigTol + " and " + svdTol);
        }
        this.eigTol = eigTol;
        this.svdTol = svdTol;
    }

    /** The default cut-offs. */
    public static Leace defaults() {
        return new Leace(EIG_TOL, SVD_TOL);
    }

    /**
     * Fits on the rows of an N x D row-major matrix whose every concept label is known (rows with
     * a label -1 in any concept are left out).
     *
     * @throws IllegalArgumentException when fewer than two rows remain
     */
    public Eraser fit(float[] x, int n, int d, List<Concept> concepts) {
        boolean[] use = FitRows.usable(n, concepts);
        int m = FitRows.count(use);
        if (m < 2) {
            throw new IllegalArgumentException("LEACE needs at least 2 rows with every concept label known, got " + m);
        }
        if (x.length != (long) n * d) {
            throw new IllegalArgumentException(x.length + " values are not " + n + " rows of dimension " + d);
        }
        double[] mean = FitRows.mean(x, n, d, use);
        DMatrixRMaj cov = covariance(x, n, d, use, mean);

        int c = 0;
        for (Concept k : concepts) {
            c += k.classes().size();
        }
        // S_xz[:, col] = (1/m) sum over rows of class col of (x - mean): the -p_c term vanishes since sum(x - mean) = 0
        DMatrixRMaj sxz = new DMatrixRMaj(d, c);
        int base = 0;
        for (Concept k : concepts) {
            for (int i = 0; i < n; i++) {
                if (!use[i]) {
                    continue;
                }
                int col = base + k.labels()[i];
                int o = i * d;
                for (int j = 0; j < d; j++) {
                    sxz.data[j * c + col] += (x[o + j] - mean[j]) / m;
                }
            }
            base += k.classes().size();
        }

        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(d, true, true);
        if (!eig.decompose(cov)) {
            throw new IllegalStateException("the covariance's eigen-decomposition did not converge");
        }
        DMatrixRMaj v = new DMatrixRMaj(d, d);
        double[] lambda = new double[d];
        double max = 0;
        for (int i = 0; i < d; i++) {
            lambda[i] = eig.getEigenvalue(i).getReal();
            max = Math.max(max, lambda[i]);
            DMatrixRMaj vec = eig.getEigenVector(i);
            for (int j = 0; j < d; j++) {
                v.data[j * d + i] = vec.data[j];
            }
        }
        double[] inv = new double[d];
        double[] sqrt = new double[d];
        for (int i = 0; i < d; i++) {
            if (lambda[i] > eigTol * max && lambda[i] > 0) {
                inv[i] = 1 / Math.sqrt(lambda[i]);
                sqrt[i] = Math.sqrt(lambda[i]);
            }
        }
        // W S_xz = V diag(inv) V^T S_xz, without forming W
        DMatrixRMaj a = sandwich(v, inv, sxz);
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(d, c, true, false, true);
        if (!svd.decompose(a.copy())) {
            throw new IllegalStateException("the SVD of the whitened cross-covariance did not converge");
        }
        DMatrixRMaj u = svd.getU(null, false);
        double[] s = svd.getSingularValues();
        int r = Math.min(s.length, u.numCols);
        double smax = 0;
        for (int i = 0; i < r; i++) {
            smax = Math.max(smax, s[i]);
        }
        int k = 0;
        for (int i = 0; i < r; i++) {
            if (s[i] > svdTol * smax && s[i] > 0) {
                k++;
            }
        }
        DMatrixRMaj q = new DMatrixRMaj(d, k);
        int col = 0;
        for (int i = 0; i < r; i++) {
            if (s[i] > svdTol * smax && s[i] > 0) {
                for (int j = 0; j < d; j++) {
                    q.data[j * k + col] = u.get(j, i);
                }
                col++;
            }
        }
        DMatrixRMaj left = sandwich(v, sqrt, q);
        DMatrixRMaj right = sandwich(v, inv, q);
        return new Eraser("leace", d, k, mean, left.data.clone(), right.data.clone());
    }

    /** {@code V diag(w) V^T B} for a D x D V and a D x c B. */
    private static DMatrixRMaj sandwich(DMatrixRMaj v, double[] w, DMatrixRMaj b) {
        DMatrixRMaj t = new DMatrixRMaj(v.numCols, b.numCols);
        CommonOps_DDRM.multTransA(v, b, t);
        for (int i = 0; i < t.numRows; i++) {
            for (int j = 0; j < t.numCols; j++) {
                t.data[i * t.numCols + j] *= w[i];
            }
        }
        DMatrixRMaj o = new DMatrixRMaj(v.numRows, b.numCols);
        CommonOps_DDRM.mult(v, t, o);
        return o;
    }

    /** The covariance (1/m) sum (x - mean)(x - mean)^T over the used rows, accumulated in blocks of rows ({@link Gram}). */
    static DMatrixRMaj covariance(float[] x, int n, int d, boolean[] use, double[] mean) {
        DMatrixRMaj cov = new DMatrixRMaj(d, d);
        int block = Math.min(Math.max(1, n), Math.max(16, Math.min(CHUNK, 8_000_000 / Math.max(1, d))));
        double[] xt = new double[block * d];
        boolean parallel = (long) n * d * d > 50_000_000L;
        int rows = 0;
        int m = 0;
        for (int i = 0; i <= n; i++) {
            if (i == n || rows == block) {
                if (rows > 0) {
                    if (rows < block) {
                        // compact the partial block so that each feature's rows are contiguous
                        double[] t = new double[rows * d];
                        for (int a = 0; a < d; a++) {
                            System.arraycopy(xt, a * block, t, a * rows, rows);
                        }
                        Gram.addLower(t, d, rows, cov.data, parallel);
                    } else {
                        Gram.addLower(xt, d, block, cov.data, parallel);
                    }
                }
                rows = 0;
                if (i == n) {
                    break;
                }
            }
            if (!use[i]) {
                continue;
            }
            int o = i * d;
            for (int j = 0; j < d; j++) {
                xt[j * block + rows] = x[o + j] - mean[j];
            }
            rows++;
            m++;
        }
        Gram.mirror(cov.data, d);
        CommonOps_DDRM.scale(1.0 / m, cov);
        return cov;
    }
}
