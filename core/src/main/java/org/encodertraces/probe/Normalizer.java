package org.encodertraces.probe;

/**
 * A fitted {@link FeatureNormalization}: applies the same transform to training and test rows.
 *
 * @param mode  the normalisation
 * @param mean  per-feature training mean (STANDARD only, else null)
 * @param scale per-feature training standard deviation, 1 where it is 0 (STANDARD only, else null)
 */
public record Normalizer(FeatureNormalization mode, double[] mean, double[] scale) {
    /** A new matrix with every row transformed; the input is left unchanged. */
    public float[][] apply(float[][] x) {
        if (mode == FeatureNormalization.NONE) {
            return x;
        }
        float[][] out = new float[x.length][];
        for (int i = 0; i < x.length; i++) {
            out[i] = apply(x[i]);
        }
        return out;
    }

    /** One transformed row (a new array, except for NONE). */
    public float[] apply(float[] r) {
        switch (mode) {
            case NONE:
                return r;
            case L2: {
                double s = 0;
                for (float v : r) {
                    s += (double) v * v;
                }
                double norm = Math.sqrt(s);
                float[] o = new float[r.length];
                double inv = norm == 0 ? 1.0 : 1.0 / norm;  // zero rows stay zero (scikit-learn's normalize)
                for (int j = 0; j < r.length; j++) {
                    o[j] = (float) (r[j] * inv);
                }
                return o;
            }
            default: {
                if (r.length != mean.length) {
                    throw new IllegalArgumentException("row has " + r.length + " features, normaliser " + mean.length);
                }
                float[] o = new float[r.length];
                for (int j = 0; j < r.length; j++) {
                    o[j] = (float) ((r[j] - mean[j]) / scale[j]);
                }
                return o;
            }
        }
    }
}
