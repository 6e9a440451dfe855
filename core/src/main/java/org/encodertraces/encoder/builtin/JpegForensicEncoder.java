package org.encodertraces.encoder.builtin;

/**
 * A JPEG-forensics reference encoder: statistics of the 8x8 block DCT coefficients that JPEG
 * quantises. Quantisation leaves combs and zeros in the coefficient histograms whose spacing
 * follows the quality, and chroma subsampling removes high chroma frequencies, so a linear
 * probe on these features reads JPEG settings almost perfectly: the yardstick against which
 * an encoder's processing traces are judged.
 *
 * <p>Features (926): for the first 20 AC luma coefficients in zigzag order, the histogram of
 * the rounded coefficient over -12..12 (25 bins, fraction of blocks); for all 63 AC luma
 * coefficients, the fraction of blocks where the coefficient rounds to 0; for the 63 AC
 * coefficients of Cb and of Cr, log(1 + mean absolute value); and the horizontal and vertical
 * blockiness, log of the mean absolute step across block boundaries over the mean inside; and
 * for the first 15 AC luma coefficients, the mean of cos(2 pi c / q) for quantiser steps q =
 * 2..16, which is near 1 when the coefficients sit on multiples of q (the step JPEG used);
 * and per chroma plane five content-normalised signs of subsampling (high- to low-frequency
 * energy ratios, second- to first-difference ratios).
 */
public final class JpegForensicEncoder extends PixelEncoder {
    /** The id given to {@code --model}. */
    public static final String ID = "builtin:jpeg-forensic";
    private static final int HIST_COEFS = 20;
    private static final int HIST_HALF = 12;
    private static final int PERIOD_COEFS = 15;
    private static final int MAX_STEP = 16;
    private static final int PERIOD_BASE = HIST_COEFS * (2 * HIST_HALF + 1) + 63 + 2 * 63 + 2;
    private static final int CHROMA_BASE = PERIOD_BASE + PERIOD_COEFS * (MAX_STEP - 1);
    private static final int DIM = CHROMA_BASE + 2 * 5;
    private static final int[] ZIGZAG = {
        0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21,
        28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61,
        54, 47, 55, 62, 63};
    private static final float[] COS = new float[64];

    static {
        for (int u = 0; u < 8; u++) {
            double cu = u == 0 ? Math.sqrt(0.125) : 0.5;
            for (int x = 0; x < 8; x++) {
                COS[u * 8 + x] = (float) (cu * Math.cos((2 * x + 1) * u * Math.PI / 16));
            }
        }
    }

    @Override
    public int embeddingDim() {
        return DIM;
    }

    @Override
    String id() {
        return ID;
    }

    @Override
    String displayName() {
        return "JPEG forensics (built-in)";
    }

    @Override
    String description() {
        return "8x8 block DCT statistics: luma AC histograms (20 coefs x 25 bins), luma zero fractions (63), "
                + "chroma log mean |AC| (2 x 63), blockiness (2), quantiser-step periodicity (15 coefs x 15 steps), chroma subsampling ratios (2 x 5)";
    }

    @Override
    int featureVersion() {
        return 2;
    }

    @Override
    float[] features(float[] r, float[] g, float[] b, int n) {
        float[] y = luma(r, g, b);
        float[] cb = new float[y.length];
        float[] cr = new float[y.length];
        for (int i = 0; i < y.length; i++) {
            y[i] -= 128f;
            cb[i] = -0.168736f * r[i] - 0.331264f * g[i] + 0.5f * b[i];
            cr[i] = 0.5f * r[i] - 0.418688f * g[i] - 0.081312f * b[i];
        }
        float[] out = new float[DIM];
        int blocks = (n / 8) * (n / 8);
        float[] coef = new float[64];
        float[] tmp = new float[64];
        int zeroBase = HIST_COEFS * (2 * HIST_HALF + 1);
        int cbBase = zeroBase + 63;
        int crBase = cbBase + 63;
        for (int by = 0; by < n; by += 8) {
            for (int bx = 0; bx < n; bx += 8) {
                dct(y, n, bx, by, coef, tmp);
                for (int k = 0; k < HIST_COEFS; k++) {
                    int v = Math.round(coef[ZIGZAG[k + 1]]);
                    if (v >= -HIST_HALF && v <= HIST_HALF) {
                        out[k * (2 * HIST_HALF + 1) + v + HIST_HALF] += 1f;
                    }
                }
                for (int k = 1; k < 64; k++) {
                    if (Math.abs(coef[ZIGZAG[k]]) < 0.5f) {
                        out[zeroBase + k - 1] += 1f;
                    }
                }
                for (int k = 0; k < PERIOD_COEFS; k++) {
                    double c = coef[ZIGZAG[k + 1]];
                    for (int q = 2; q <= MAX_STEP; q++) {
                        out[PERIOD_BASE + k * (MAX_STEP - 1) + q - 2] += (float) Math.cos(2 * Math.PI * c / q);
                    }
                }
                dct(cb, n, bx, by, coef, tmp);
                for (int k = 1; k < 64; k++) {
                    out[cbBase + k - 1] += Math.abs(coef[ZIGZAG[k]]);
                }
                dct(cr, n, bx, by, coef, tmp);
                for (int k = 1; k < 64; k++) {
                    out[crBase + k - 1] += Math.abs(coef[ZIGZAG[k]]);
                }
            }
        }
        for (int i = 0; i < cbBase; i++) {
            out[i] /= blocks;
        }
        for (int i = cbBase; i < crBase + 63; i++) {
            out[i] = (float) Math.log1p(out[i] / blocks);
        }
        out[PERIOD_BASE - 2] = blockiness(y, n, true);
        out[PERIOD_BASE - 1] = blockiness(y, n, false);
        for (int i = PERIOD_BASE; i < CHROMA_BASE; i++) {
            out[i] /= blocks;
        }
        chromaSubsamplingFeatures(cb, n, out, CHROMA_BASE);
        chromaSubsamplingFeatures(cr, n, out, CHROMA_BASE + 5);
        return out;
    }

    /**
     * Five content-normalised signs of chroma subsampling for one chroma plane: log ratios of
     * high-frequency to low-frequency DCT energy (horizontal, vertical, diagonal), and log ratios
     * of second to first differences along rows and columns (an upsampled plane is locally
     * linear, so its second differences are small relative to its first).
     */
    private static void chromaSubsamplingFeatures(float[] c, int n, float[] out, int o) {
        float[] coef = new float[64];
        float[] tmp = new float[64];
        double low = 1e-3;
        double hor = 1e-3;
        double ver = 1e-3;
        double diag = 1e-3;
        for (int by = 0; by < n; by += 8) {
            for (int bx = 0; bx < n; bx += 8) {
                dct(c, n, bx, by, coef, tmp);
                for (int v = 0; v < 8; v++) {
                    for (int u = 0; u < 8; u++) {
                        if (u == 0 && v == 0) {
                            continue;
                        }
                        double e = coef[v * 8 + u] * coef[v * 8 + u];
                        if (u < 4 && v < 4) {
                            low += e;
                        } else if (v < 4) {
                            hor += e;
                        } else if (u < 4) {
                            ver += e;
                        } else {
                            diag += e;
                        }
                    }
                }
            }
        }
        out[o] = (float) Math.log(hor / low);
        out[o + 1] = (float) Math.log(ver / low);
        out[o + 2] = (float) Math.log(diag / low);
        double d1h = 1e-3;
        double d2h = 1e-3;
        double d1v = 1e-3;
        double d2v = 1e-3;
        for (int y = 1; y < n - 1; y++) {
            for (int x = 1; x < n - 1; x++) {
                int i = y * n + x;
                d1h += Math.abs(c[i + 1] - c[i]);
                d2h += Math.abs(c[i + 1] - 2 * c[i] + c[i - 1]);
                d1v += Math.abs(c[i + n] - c[i]);
                d2v += Math.abs(c[i + n] - 2 * c[i] + c[i - n]);
            }
        }
        out[o + 3] = (float) Math.log(d2h / d1h);
        out[o + 4] = (float) Math.log(d2v / d1v);
    }

    /** Orthonormal 2-D DCT-II of the 8x8 block at (bx, by), as JPEG defines it. */
    private static void dct(float[] p, int n, int bx, int by, float[] out, float[] tmp) {
        for (int yy = 0; yy < 8; yy++) {
            int row = (by + yy) * n + bx;
            for (int u = 0; u < 8; u++) {
                float s = 0;
                for (int x = 0; x < 8; x++) {
                    s += COS[u * 8 + x] * p[row + x];
                }
                tmp[yy * 8 + u] = s;
            }
        }
        for (int v = 0; v < 8; v++) {
            for (int u = 0; u < 8; u++) {
                float s = 0;
                for (int yy = 0; yy < 8; yy++) {
                    s += COS[v * 8 + yy] * tmp[yy * 8 + u];
                }
                out[v * 8 + u] = s;
            }
        }
    }

    /** log of (mean |step| across block boundaries) / (mean |step| inside blocks), along rows or columns. */
    private static float blockiness(float[] p, int n, boolean horizontal) {
        double edge = 0;
        double inner = 0;
        long ne = 0;
        long ni = 0;
        for (int a = 0; a < n; a++) {
            for (int k = 1; k < n; k++) {
                float d = horizontal ? Math.abs(p[a * n + k] - p[a * n + k - 1]) : Math.abs(p[k * n + a] - p[(k - 1) * n + a]);
                if (k % 8 == 0) {
                    edge += d;
                    ne++;
                } else {
                    inner += d;
                    ni++;
                }
            }
        }
        return (float) Math.log((edge / ne + 1e-3) / (inner / ni + 1e-3));
    }
}
