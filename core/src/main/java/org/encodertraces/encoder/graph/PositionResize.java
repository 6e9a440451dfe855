package org.encodertraces.encoder.graph;

/**
 * Resamples a square grid of positional embeddings to another grid size as DINOv2 with registers
 * does for an input size other than its training size: {@code torch.nn.functional.interpolate(grid,
 * size=(g, g), mode="bicubic", antialias=True)} (facebookresearch/dinov2
 * dinov2/models/vision_transformer.py {@code interpolate_pos_encoding}; the {@code _reg} hub models
 * set {@code interpolate_antialias=True, interpolate_offset=0.0}, so the output size is given, not a
 * scale factor).
 *
 * <p>torch's antialiased bicubic is separable and Pillow-like: for output index {@code i} of a
 * length-{@code in} axis resized to {@code out}, with {@code scale = in / out}, the taps are the
 * input indices within {@code support = 2 * max(scale, 1)} of {@code center = scale * (i + 0.5)},
 * each weighted by Keys' cubic ({@code a = -0.5}) at {@code (j - center + 0.5) / max(scale, 1)},
 * normalised to sum 1 (aten/src/ATen/native/cpu/UpSampleKernel.cpp, {@code
 * _compute_indices_weights_aa} and {@code aa_filter}). Computed here in double precision.
 */
public final class PositionResize {
    private PositionResize() {
    }

    /** Keys' cubic convolution kernel with {@code a = -0.5}, as torch's antialiased bicubic uses it. */
    static double cubic(double x) {
        double a = -0.5;
        x = Math.abs(x);
        if (x < 1) {
            return ((a + 2) * x - (a + 3)) * x * x + 1;
        }
        if (x < 2) {
            return (((x - 5) * x + 8) * x - 4) * a;
        }
        return 0;
    }

    /** For each output index: {first input index, then the normalised weights as the rest}. */
    private static double[][] weights(int in, int out) {
        double scale = in / (double) out;
        double support = 2 * Math.max(scale, 1);
        double invScale = 1 / Math.max(scale, 1);
        double[][] w = new double[out][];
        for (int i = 0; i < out; i++) {
            double center = scale * (i + 0.5);
            long min = Math.max((long) (center - support + 0.5), 0);
            long max = Math.min((long) (center + support + 0.5), in);
            double[] row = new double[(int) (max - min) + 1];
            row[0] = min;
            double total = 0;
            for (int j = 1; j < row.length; j++) {
                row[j] = cubic((j - 1 + min - center + 0.5) * invScale);
                total += row[j];
            }
            for (int j = 1; j < row.length && total != 0; j++) {
                row[j] /= total;
            }
            w[i] = row;
        }
        return w;
    }

    /**
     * The grid {@code values} ({@code in x in} positions of width {@code d}, row-major, each
     * position's {@code d} values together) resampled to {@code out x out}.
     */
    public static float[] resize(float[] values, int in, int out, int d) {
        if (values.length != (long) in * in * d) {
            throw new IllegalArgumentException(values.length + " values are not a " + in + "x" + in + " grid of width " + d);
        }
        double[][] w = weights(in, out);
        double[] across = new double[in * out * d]; // rows kept, columns resampled
        for (int r = 0; r < in; r++) {
            for (int c = 0; c < out; c++) {
                double[] row = w[c];
                int first = (int) row[0];
                for (int j = 1; j < row.length; j++) {
                    int src = (r * in + first + j - 1) * d;
                    int dst = (r * out + c) * d;
                    for (int k = 0; k < d; k++) {
                        across[dst + k] += row[j] * values[src + k];
                    }
                }
            }
        }
        float[] result = new float[out * out * d];
        for (int r = 0; r < out; r++) {
            double[] row = w[r];
            int first = (int) row[0];
            double[] acc = new double[out * d];
            for (int j = 1; j < row.length; j++) {
                int src = (first + j - 1) * out * d;
                for (int k = 0; k < out * d; k++) {
                    acc[k] += row[j] * across[src + k];
                }
            }
            for (int k = 0; k < out * d; k++) {
                result[r * out * d + k] = (float) acc[k];
            }
        }
        return result;
    }
}
