package org.encodertraces.probe;

/**
 * A fitted multinomial linear classifier: {@code argmax_c (W_c . x + b_c)}.
 *
 * @param weights K x D weights, one row per class
 * @param bias    K biases
 */
public record LinearModel(double[][] weights, double[] bias) {
    public LinearModel {
        if (weights.length != bias.length || weights.length == 0) {
            throw new IllegalArgumentException("weights rows " + weights.length + " != biases " + bias.length);
        }
    }

    /** Number of classes K. */
    public int classes() {
        return bias.length;
    }

    /** Feature dimension D. */
    public int features() {
        return weights[0].length;
    }

    /** The K logits of one (already normalised) feature vector. */
    public double[] logits(float[] x) {
        if (x.length != features()) {
            throw new IllegalArgumentException("vector has " + x.length + " features, model expects " + features());
        }
        double[] z = new double[bias.length];
        for (int c = 0; c < z.length; c++) {
            double[] w = weights[c];
            double s = bias[c];
            for (int j = 0; j < w.length; j++) {
                s += w[j] * x[j];
            }
            z[c] = s;
        }
        return z;
    }

    /** The predicted class of one feature vector (lowest index on ties, like numpy's argmax). */
    public int predict(float[] x) {
        double[] z = logits(x);
        int best = 0;
        for (int c = 1; c < z.length; c++) {
            if (z[c] > z[best]) {
                best = c;
            }
        }
        return best;
    }

    /** Predicted classes of every row. */
    public int[] predict(float[][] x) {
        int[] out = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = predict(x[i]);
        }
        return out;
    }

    /** ||W||^2 (biases excluded), the quantity scikit-learn's L2 penalty uses. */
    public double weightNormSquared() {
        double s = 0;
        for (double[] w : weights) {
            for (double v : w) {
                s += v * v;
            }
        }
        return s;
    }

    static LinearModel fromFlat(double[] p, int k, int d) {
        double[][] w = new double[k][d];
        double[] b = new double[k];
        for (int c = 0; c < k; c++) {
            System.arraycopy(p, c * d, w[c], 0, d);
            b[c] = p[k * d + c];
        }
        return new LinearModel(w, b);
    }
}
