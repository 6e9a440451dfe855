package org.encodertraces.encoder.builtin;

/**
 * A low-level statistics reference encoder: noise residuals, spectral fall-off, gradients and
 * colour, the signals resizing, sharpening, denoising and camera pipelines leave behind. It
 * knows nothing about content beyond colour, so what a probe reads from it is a trace.
 *
 * <p>Features (156): per-channel mean and standard deviation (6); the luma residual against its
 * 3x3 mean: histogram over -10..10 (21), log variance, kurtosis; the Laplacian residual:
 * histogram over -10..10 (21); log-binned gradient-magnitude histogram (16); mean absolute
 * Laplacian at 4 scales and the ratios of neighbouring scales (7); log power of the horizontal
 * and vertical 1-D spectra in 32 bands each (64); saturation mean and std, saturation-weighted
 * hue histogram (12); correlations of the R, G, B residuals (3); clipped-pixel fractions (2).
 */
public final class LowLevelStatsEncoder extends PixelEncoder {
    /** The id given to {@code --model}. */
    public static final String ID = "builtin:lowlevel-stats";
    private static final int DIM = 6 + 23 + 21 + 16 + 7 + 64 + 14 + 3 + 2;

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
        return "Low-level statistics (built-in)";
    }

    @Override
    String description() {
        return "noise residual and Laplacian histograms, gradient histogram, multiscale Laplacian energy, "
                + "1-D spectra in 32 bands, colour and residual correlations";
    }

    @Override
    int featureVersion() {
        return 1;
    }

    @Override
    float[] features(float[] r, float[] g, float[] b, int n) {
        float[] out = new float[DIM];
        int o = 0;
        for (float[] c : new float[][] {r, g, b}) {
            double m = 0;
            double s2 = 0;
            for (float v : c) {
                m += v;
                s2 += v * v;
            }
            m /= c.length;
            out[o++] = (float) (m / 255);
            out[o++] = (float) (Math.sqrt(Math.max(0, s2 / c.length - m * m)) / 255);
        }
        float[] y = luma(r, g, b);
        float[] res = residual(y, n);
        double var = 0;
        double m4 = 0;
        int cnt = 0;
        for (int yy = 1; yy < n - 1; yy++) {
            for (int x = 1; x < n - 1; x++) {
                float v = res[yy * n + x];
                int bin = Math.round(v);
                if (bin >= -10 && bin <= 10) {
                    out[o + bin + 10] += 1;
                }
                var += v * v;
                m4 += (double) v * v * v * v;
                cnt++;
            }
        }
        for (int i = 0; i < 21; i++) {
            out[o + i] /= cnt;
        }
        o += 21;
        var /= cnt;
        m4 /= cnt;
        out[o++] = (float) Math.log(var + 1e-6);
        out[o++] = (float) Math.log((m4 + 1e-9) / (var * var + 1e-9));
        float[] lap = laplacian(y, n);
        for (int yy = 1; yy < n - 1; yy++) {
            for (int x = 1; x < n - 1; x++) {
                int bin = Math.round(lap[yy * n + x]);
                if (bin >= -10 && bin <= 10) {
                    out[o + bin + 10] += 1f / cnt;
                }
            }
        }
        o += 21;
        for (int yy = 0; yy < n - 1; yy++) {
            for (int x = 0; x < n - 1; x++) {
                float gx = y[yy * n + x + 1] - y[yy * n + x];
                float gy = y[(yy + 1) * n + x] - y[yy * n + x];
                double mag = Math.sqrt(gx * gx + gy * gy);
                int bin = (int) Math.min(15, Math.floor(Math.log1p(mag) / Math.log1p(255) * 16));
                out[o + bin] += 1f / ((n - 1) * (n - 1));
            }
        }
        o += 16;
        float[] scaled = y;
        int sn = n;
        double[] energy = new double[4];
        for (int s = 0; s < 4; s++) {
            float[] l = laplacian(scaled, sn);
            double e = 0;
            for (int yy = 1; yy < sn - 1; yy++) {
                for (int x = 1; x < sn - 1; x++) {
                    e += Math.abs(l[yy * sn + x]);
                }
            }
            energy[s] = e / ((sn - 2) * (sn - 2));
            out[o++] = (float) Math.log(energy[s] + 1e-6);
            scaled = halve(scaled, sn);
            sn /= 2;
        }
        for (int s = 0; s < 3; s++) {
            out[o++] = (float) Math.log((energy[s] + 1e-6) / (energy[s + 1] + 1e-6));
        }
        o = spectrum(y, n, true, out, o);
        o = spectrum(y, n, false, out, o);
        double satSum = 0;
        double satSq = 0;
        float[] hue = new float[12];
        for (int i = 0; i < r.length; i++) {
            float mx = Math.max(r[i], Math.max(g[i], b[i]));
            float mn = Math.min(r[i], Math.min(g[i], b[i]));
            float sat = mx > 0 ? (mx - mn) / mx : 0;
            satSum += sat;
            satSq += sat * sat;
            if (mx > mn) {
                double h;
                if (mx == r[i]) {
                    h = ((g[i] - b[i]) / (mx - mn)) % 6;
                } else if (mx == g[i]) {
                    h = (b[i] - r[i]) / (mx - mn) + 2;
                } else {
                    h = (r[i] - g[i]) / (mx - mn) + 4;
                }
                if (h < 0) {
                    h += 6;
                }
                hue[(int) Math.min(11, Math.floor(h * 2))] += sat;
            }
        }
        double satMean = satSum / r.length;
        out[o++] = (float) satMean;
        out[o++] = (float) Math.sqrt(Math.max(0, satSq / r.length - satMean * satMean));
        for (int i = 0; i < 12; i++) {
            out[o++] = (float) (hue[i] / (satSum + 1e-6));
        }
        float[] rr = residual(r, n);
        float[] rg = residual(g, n);
        float[] rb = residual(b, n);
        out[o++] = corr(rr, rg, n);
        out[o++] = corr(rg, rb, n);
        out[o++] = corr(rr, rb, n);
        int lo = 0;
        int hi = 0;
        for (float v : y) {
            if (v <= 0.5f) {
                lo++;
            } else if (v >= 254.5f) {
                hi++;
            }
        }
        out[o++] = (float) lo / y.length;
        out[o++] = (float) hi / y.length;
        if (o != DIM) {
            throw new IllegalStateException("feature count " + o + " != " + DIM);
        }
        return out;
    }

    private static float[] residual(float[] p, int n) {
        float[] out = new float[p.length];
        for (int y = 1; y < n - 1; y++) {
            for (int x = 1; x < n - 1; x++) {
                float s = 0;
                for (int dy = -1; dy <= 1; dy++) {
                    for (int dx = -1; dx <= 1; dx++) {
                        s += p[(y + dy) * n + x + dx];
                    }
                }
                out[y * n + x] = p[y * n + x] - s / 9f;
            }
        }
        return out;
    }

    private static float[] laplacian(float[] p, int n) {
        float[] out = new float[p.length];
        for (int y = 1; y < n - 1; y++) {
            for (int x = 1; x < n - 1; x++) {
                int i = y * n + x;
                out[i] = 4 * p[i] - p[i - 1] - p[i + 1] - p[i - n] - p[i + n];
            }
        }
        return out;
    }

    private static float[] halve(float[] p, int n) {
        int h = n / 2;
        float[] out = new float[h * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < h; x++) {
                out[y * h + x] = 0.25f * (p[2 * y * n + 2 * x] + p[2 * y * n + 2 * x + 1] + p[(2 * y + 1) * n + 2 * x] + p[(2 * y + 1) * n + 2 * x + 1]);
            }
        }
        return out;
    }

    /** Mean power spectrum of the rows (or columns) in 32 log bands; n must be a power of two. */
    private static int spectrum(float[] p, int n, boolean rows, float[] out, int o) {
        double[] power = new double[n / 2];
        double[] re = new double[n];
        double[] im = new double[n];
        for (int a = 0; a < n; a++) {
            double mean = 0;
            for (int k = 0; k < n; k++) {
                re[k] = rows ? p[a * n + k] : p[k * n + a];
                mean += re[k];
            }
            mean /= n;
            for (int k = 0; k < n; k++) {
                // remove the mean and taper the ends so the spectrum is not dominated by edges
                double w = 0.5 - 0.5 * Math.cos(2 * Math.PI * k / (n - 1));
                re[k] = (re[k] - mean) * w;
                im[k] = 0;
            }
            fft(re, im);
            for (int k = 1; k <= n / 2; k++) {
                power[k - 1] += re[k] * re[k] + im[k] * im[k];
            }
        }
        int bands = 32;
        int per = power.length / bands;
        for (int band = 0; band < bands; band++) {
            double s = 0;
            for (int k = band * per; k < (band + 1) * per; k++) {
                s += power[k];
            }
            out[o++] = (float) Math.log(s / (per * n) + 1e-6);
        }
        return o;
    }

    private static void fft(double[] re, double[] im) {
        int n = re.length;
        for (int i = 1, j = 0; i < n; i++) {
            int bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1) {
                j ^= bit;
            }
            j ^= bit;
            if (i < j) {
                double t = re[i];
                re[i] = re[j];
                re[j] = t;
                t = im[i];
                im[i] = im[j];
                im[j] = t;
            }
        }
        for (int len = 2; len <= n; len <<= 1) {
            double ang = -2 * Math.PI / len;
            double wr = Math.cos(ang);
            double wi = Math.sin(ang);
            for (int i = 0; i < n; i += len) {
                double cr = 1;
                double ci = 0;
                for (int k = 0; k < len / 2; k++) {
                    int a = i + k;
                    int b = a + len / 2;
                    double xr = re[b] * cr - im[b] * ci;
                    double xi = re[b] * ci + im[b] * cr;
                    re[b] = re[a] - xr;
                    im[b] = im[a] - xi;
                    re[a] += xr;
                    im[a] += xi;
                    double t = cr * wr - ci * wi;
                    ci = cr * wi + ci * wr;
                    cr = t;
                }
            }
        }
    }

    private static float corr(float[] a, float[] b, int n) {
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int y = 1; y < n - 1; y++) {
            for (int x = 1; x < n - 1; x++) {
                int i = y * n + x;
                sab += a[i] * b[i];
                saa += a[i] * a[i];
                sbb += b[i] * b[i];
            }
        }
        return (float) (sab / Math.sqrt(saa * sbb + 1e-12));
    }
}
