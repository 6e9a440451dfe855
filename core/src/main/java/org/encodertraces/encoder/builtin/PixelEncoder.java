package org.encodertraces.encoder.builtin;

import java.util.List;
import org.encodertraces.encoder.Encoder;
import org.encodertraces.encoder.FloatTensorBatch;
import org.encodertraces.encoder.PreprocessSpec;
import org.encodertraces.image.ResampleFilter;
import org.encodertraces.provenance.Platform;

/**
 * Base of the built-in encoders that compute hand-made features from raw pixels: their
 * preprocessing takes a grid-aligned crop without any resampling (a resize would erase the very
 * traces they measure) and passes 0..255 values unnormalised; subclasses turn one image's three
 * planes into a feature vector. Needs no weights and runs offline.
 */
abstract class PixelEncoder implements Encoder {
    /** Side of the square crop the built-in encoders look at. */
    static final int CROP = 256;

    private final PreprocessSpec spec = new PreprocessSpec(CROP, PreprocessSpec.ResizeMode.NONE, ResampleFilter.BILINEAR, true,
            CROP, 1.0, List.of(0.0, 0.0, 0.0), List.of(1.0, 1.0, 1.0), PreprocessSpec.ChannelOrder.RGB,
            PreprocessSpec.Layout.NCHW, true);

    @Override
    public final float[][] embed(FloatTensorBatch batch) {
        long[] s = batch.shape();
        if (s.length != 4 || s[1] != 3 || s[2] != CROP || s[3] != CROP) {
            throw new IllegalArgumentException(id() + " expects [N,3," + CROP + "," + CROP + "], got " + java.util.Arrays.toString(s));
        }
        int n = (int) s[0];
        int plane = CROP * CROP;
        float[] data = batch.data();
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) {
            int base = i * 3 * plane;
            float[] r = java.util.Arrays.copyOfRange(data, base, base + plane);
            float[] g = java.util.Arrays.copyOfRange(data, base + plane, base + 2 * plane);
            float[] b = java.util.Arrays.copyOfRange(data, base + 2 * plane, base + 3 * plane);
            out[i] = features(r, g, b, CROP);
            if (out[i].length != embeddingDim()) {
                throw new IllegalStateException(id() + " produced " + out[i].length + " features, declared " + embeddingDim());
            }
        }
        return out;
    }

    /** The features of one image given its R, G, B planes (0..255) of side {@code n}. */
    abstract float[] features(float[] r, float[] g, float[] b, int n);

    /** Stable id of this encoder (as given to --model). */
    abstract String id();

    /** The name shown in reports. */
    abstract String displayName();

    @Override
    public final org.encodertraces.encoder.EncoderDescription info() {
        return new org.encodertraces.encoder.EncoderDescription(id(), displayName(), org.encodertraces.encoder.EncoderFamily.REF,
                null, null, spec, embeddingDim(), "built-in (" + description() + ")");
    }

    /** One-line description of the features, for provenance. */
    abstract String description();

    /** Version of the feature definition; bump when features change. */
    abstract int featureVersion();

    @Override
    public final PreprocessSpec preprocessing() {
        return spec;
    }

    @Override
    public final org.encodertraces.encoder.EncoderProvenance provenanceRecord() {
        return new org.encodertraces.encoder.EncoderProvenance(null,
                new org.encodertraces.encoder.EncoderProvenance.Builtin(id(), featureVersion(), description()), embeddingDim(), spec,
                Platform.current(), info());
    }

    @Override
    public void close() {
    }

    /** JPEG's (JFIF) luma from RGB, in float. */
    static float[] luma(float[] r, float[] g, float[] b) {
        float[] y = new float[r.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = 0.299f * r[i] + 0.587f * g[i] + 0.114f * b[i];
        }
        return y;
    }
}
