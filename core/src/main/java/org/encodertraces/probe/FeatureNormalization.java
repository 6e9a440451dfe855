package org.encodertraces.probe;

import java.util.Locale;

/**
 * How embeddings are scaled before a probe sees them: {@code L2} (each row to unit length, the
 * study's choice), {@code STANDARD} (per feature, minus the training mean, divided by the
 * training standard deviation, like scikit-learn's {@code StandardScaler}) or {@code NONE}.
 */
public enum FeatureNormalization {
    L2, STANDARD, NONE;

    /** Parses "l2", "standard" or "none" (any case). */
    public static FeatureNormalization parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown feature normalisation '" + s + "' (l2, standard, none)");
        }
    }

    /** The normaliser for this mode, fitted on training rows (only STANDARD uses them). */
    public Normalizer fit(float[][] train) {
        if (this != STANDARD) {
            return new Normalizer(this, null, null);
        }
        int d = train[0].length;
        double[] mean = new double[d];
        for (float[] r : train) {
            for (int j = 0; j < d; j++) {
                mean[j] += r[j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= train.length;
        }
        double[] var = new double[d];
        for (float[] r : train) {
            for (int j = 0; j < d; j++) {
                double t = r[j] - mean[j];
                var[j] += t * t;
            }
        }
        double[] scale = new double[d];
        for (int j = 0; j < d; j++) {
            double sd = Math.sqrt(var[j] / train.length);
            scale[j] = sd == 0 ? 1.0 : sd;  // StandardScaler leaves constant features unscaled
        }
        return new Normalizer(this, mean, scale);
    }
}
