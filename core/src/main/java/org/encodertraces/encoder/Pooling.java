package org.encodertraces.encoder;

import java.util.Arrays;

/**
 * How a model tensor becomes one vector per image. Feature maps and token sequences are
 * common embedding sources in exported models, which rarely expose a pooled vector.
 */
public enum Pooling {
    /** Take the tensor as is; any dimensions after the batch dimension are flattened. */
    NONE,
    /** Mean over the spatial dimensions of an [N, C, H, W] feature map, giving [N, C]. */
    GLOBAL_AVERAGE,
    /** Token 0 (the class token) of an [N, T, D] sequence, giving [N, D]. */
    CLS_TOKEN,
    /** Mean over all tokens of an [N, T, D] sequence, giving [N, D]. */
    MEAN_TOKENS;

    /**
     * The embedding dimension this pooling yields from a tensor of the given shape (batch
     * dimension first, {@code -1} for unknown dimensions), or -1 when that depends on an unknown
     * dimension or the rank does not suit this pooling.
     */
    public long outputDim(long[] shape) {
        if (rankProblem(shape.length) != null) {
            return -1;
        }
        return switch (this) {
            case NONE -> {
                long d = 1;
                for (int i = 1; i < shape.length; i++) {
                    if (shape[i] < 0) {
                        yield -1;
                    }
                    d *= shape[i];
                }
                yield d;
            }
            case GLOBAL_AVERAGE -> shape[1];
            case CLS_TOKEN, MEAN_TOKENS -> shape[2];
        };
    }

    /** Checks that a tensor of this rank can be pooled this way; returns a reason or null. */
    public String rankProblem(int rank) {
        return switch (this) {
            case NONE -> rank < 1 ? "a scalar has no batch dimension" : null;
            case GLOBAL_AVERAGE -> rank < 3 ? "GLOBAL_AVERAGE needs an [N,C,H,W] (or [N,C,L]) map, got rank " + rank : null;
            case CLS_TOKEN, MEAN_TOKENS -> rank != 3 ? this + " needs an [N,T,D] token sequence, got rank " + rank : null;
        };
    }

    /**
     * Pools a row-major float tensor of the given shape into one row per batch item.
     *
     * @throws IllegalArgumentException when the rank does not suit this pooling
     */
    public float[][] apply(float[] data, long[] shape) {
        String problem = rankProblem(shape.length);
        if (problem != null) {
            throw new IllegalArgumentException(problem + " (shape " + Arrays.toString(shape) + ")");
        }
        int n = (int) shape[0];
        int per = n == 0 ? 0 : data.length / n;
        float[][] out = new float[n][];
        switch (this) {
            case NONE -> {
                for (int i = 0; i < n; i++) {
                    out[i] = Arrays.copyOfRange(data, i * per, (i + 1) * per);
                }
            }
            case GLOBAL_AVERAGE -> {
                int c = (int) shape[1];
                int spatial = per / c;
                for (int i = 0; i < n; i++) {
                    float[] row = new float[c];
                    for (int ch = 0; ch < c; ch++) {
                        double sum = 0;
                        int base = i * per + ch * spatial;
                        for (int k = 0; k < spatial; k++) {
                            sum += data[base + k];
                        }
                        row[ch] = (float) (sum / spatial);
                    }
                    out[i] = row;
                }
            }
            case CLS_TOKEN -> {
                int d = (int) shape[2];
                for (int i = 0; i < n; i++) {
                    out[i] = Arrays.copyOfRange(data, i * per, i * per + d);
                }
            }
            case MEAN_TOKENS -> {
                int t = (int) shape[1];
                int d = (int) shape[2];
                for (int i = 0; i < n; i++) {
                    double[] acc = new double[d];
                    for (int k = 0; k < t; k++) {
                        int base = i * per + k * d;
                        for (int j = 0; j < d; j++) {
                            acc[j] += data[base + j];
                        }
                    }
                    float[] row = new float[d];
                    for (int j = 0; j < d; j++) {
                        row[j] = (float) (acc[j] / t);
                    }
                    out[i] = row;
                }
            }
        }
        return out;
    }

    /** Scales each row to unit Euclidean length in place (an all-zero row stays zero). */
    public static void l2NormalizeRows(float[][] rows) {
        for (float[] row : rows) {
            double ss = 0;
            for (float v : row) {
                ss += (double) v * v;
            }
            if (ss > 0) {
                double inv = 1.0 / Math.sqrt(ss);
                for (int j = 0; j < row.length; j++) {
                    row[j] = (float) (row[j] * inv);
                }
            }
        }
    }
}
