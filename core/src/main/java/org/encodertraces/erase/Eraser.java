package org.encodertraces.erase;

import java.util.Arrays;
import java.util.Objects;

/**
 * A fitted linear concept eraser: the affine map {@code x -> x - L R^T (x - mean)} on
 * D-dimensional embeddings, with L and R of shape D x k (k = the rank of the erased subspace).
 *
 * <p>Every method here has this form: LEACE ({@code L = W^+ Q}, {@code R = W Q} with W the
 * whitening matrix and Q an orthonormal basis of the whitened cross-covariance), INLP
 * ({@code L = R = B}, an orthonormal basis of the removed directions). Keeping the low-rank factors
 * rather than the D x D matrix makes applying it O(N D k) instead of O(N D^2) and keeps the file
 * small; the full map is {@code I - L R^T}.
 *
 * @param method the method that fitted it ({@code leace}, {@code inlp})
 * @param dim    D
 * @param rank   k
 * @param mean   the D means of the fitting rows
 * @param left   L, D x k row-major
 * @param right  R, D x k row-major
 */
public record Eraser(String method, int dim, int rank, double[] mean, double[] left, double[] right) {
    /** Checks the shapes. */
    public Eraser {
        Objects.requireNonNull(method, "method");
        if (dim < 1 || rank < 0 || rank > dim) {
            throw new IllegalArgumentException("eraser of dimension " + dim + " and rank " + rank + " is not possible");
        }
        if (mean.length != dim || left.length != (long) dim * rank || right.length != (long) dim * rank) {
            throw new IllegalArgumentException("eraser tensors do not match D = " + dim + ", k = " + rank + ": mean " + mean.length
                    + ", left " + left.length + ", right " + right.length + " values");
        }
    }

    /** Erases one row in place (the row must have {@link #dim()} values). */
    public void applyInPlace(float[] x, int offset) {
        double[] c = new double[rank];
        for (int j = 0; j < dim; j++) {
            double v = x[offset + j] - mean[j];
            int b = j * rank;
            for (int r = 0; r < rank; r++) {
                c[r] += right[b + r] * v;
            }
        }
        for (int j = 0; j < dim; j++) {
            double s = 0;
            int b = j * rank;
            for (int r = 0; r < rank; r++) {
                s += left[b + r] * c[r];
            }
            x[offset + j] = (float) (x[offset + j] - s);
        }
    }

    /** A copy of an N x D row-major matrix with every row erased. */
    public float[] apply(float[] rows, int n) {
        if (rows.length != (long) n * dim) {
            throw new IllegalArgumentException(rows.length + " values are not " + n + " rows of dimension " + dim);
        }
        float[] out = rows.clone();
        for (int i = 0; i < n; i++) {
            applyInPlace(out, i * dim);
        }
        return out;
    }

    /** The full D x D map {@code I - L R^T}, row-major (for tests and small D). */
    public double[] matrix() {
        double[] m = new double[dim * dim];
        for (int i = 0; i < dim; i++) {
            for (int j = 0; j < dim; j++) {
                double s = 0;
                for (int r = 0; r < rank; r++) {
                    s += left[i * rank + r] * right[j * rank + r];
                }
                m[i * dim + j] = (i == j ? 1 : 0) - s;
            }
        }
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Eraser e && e.method.equals(method) && e.dim == dim && e.rank == rank && Arrays.equals(e.mean, mean)
                && Arrays.equals(e.left, left) && Arrays.equals(e.right, right);
    }

    @Override
    public int hashCode() {
        return Objects.hash(method, dim, rank, Arrays.hashCode(mean));
    }

    @Override
    public String toString() {
        return "Eraser[" + method + ", D=" + dim + ", rank " + rank + "]";
    }
}
