package org.encodertraces.linalg;

import java.util.Arrays;

/**
 * A dense row-major float matrix: element (r, c) lives at {@code data[r * cols + c]}.
 * Embeddings are stored this way (one row per image), so it is the currency of the similarity
 * search. The backing array is shared, not copied: callers that keep the array must not change
 * it while a search runs.
 */
public final class FloatMatrix {
    private final int rows;
    private final int cols;
    private final float[] data;

    /** Wraps {@code data} (length {@code rows * cols}) without copying. */
    public FloatMatrix(int rows, int cols, float[] data) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("negative shape " + rows + " x " + cols);
        }
        if (data == null || (long) rows * cols != data.length) {
            throw new IllegalArgumentException("data length " + (data == null ? "null" : data.length)
                    + " does not match shape " + rows + " x " + cols);
        }
        this.rows = rows;
        this.cols = cols;
        this.data = data;
    }

    /** A matrix of zeros. */
    public static FloatMatrix zeros(int rows, int cols) {
        return new FloatMatrix(rows, cols, new float[Math.multiplyExact(rows, cols)]);
    }

    /** Copies a rectangular array of rows. */
    public static FloatMatrix of(float[][] rowsData) {
        int r = rowsData.length;
        int c = r == 0 ? 0 : rowsData[0].length;
        float[] d = new float[Math.multiplyExact(r, c)];
        for (int i = 0; i < r; i++) {
            if (rowsData[i].length != c) {
                throw new IllegalArgumentException("row " + i + " has " + rowsData[i].length + " columns, expected " + c);
            }
            System.arraycopy(rowsData[i], 0, d, i * c, c);
        }
        return new FloatMatrix(r, c, d);
    }

    /** Number of rows. */
    public int rows() {
        return rows;
    }

    /** Number of columns. */
    public int cols() {
        return cols;
    }

    /** The backing row-major array (not a copy). */
    public float[] data() {
        return data;
    }

    /** Element (r, c). */
    public float get(int r, int c) {
        return data[r * cols + c];
    }

    /** A copy of row {@code r}. */
    public float[] row(int r) {
        return Arrays.copyOfRange(data, r * cols, (r + 1) * cols);
    }

    /** A new matrix holding the given rows, in the given order. */
    public FloatMatrix selectRows(int[] rowIndices) {
        float[] d = new float[Math.multiplyExact(rowIndices.length, cols)];
        for (int i = 0; i < rowIndices.length; i++) {
            int r = rowIndices[i];
            if (r < 0 || r >= rows) {
                throw new IndexOutOfBoundsException("row " + r + " of " + rows);
            }
            System.arraycopy(data, r * cols, d, i * cols, cols);
        }
        return new FloatMatrix(rowIndices.length, cols, d);
    }

    /**
     * A new matrix whose rows are this one's divided by their Euclidean norm, as
     * {@code torch.nn.functional.normalize(x, dim=1)} does: {@code x / max(||x||, 1e-12)}, so a
     * zero row stays zero. The norm is accumulated in double and rounded to float once.
     */
    public FloatMatrix l2NormalizedRows() {
        float[] d = new float[data.length];
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            double ss = 0;
            for (int c = 0; c < cols; c++) {
                double v = data[o + c];
                ss += v * v;
            }
            float norm = Math.max((float) Math.sqrt(ss), 1e-12f);
            for (int c = 0; c < cols; c++) {
                d[o + c] = data[o + c] / norm;
            }
        }
        return new FloatMatrix(rows, cols, d);
    }

    @Override
    public String toString() {
        return "FloatMatrix[" + rows + " x " + cols + "]";
    }
}
