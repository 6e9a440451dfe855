package org.encodertraces.data;

/**
 * Cramér's V between two categorical variables from their contingency table, with Pearson's
 * chi-square (no continuity correction, as {@code scipy.stats.contingency.association} uses) and
 * its p-value.
 *
 * <p>Plain V is {@code sqrt(chi2 / (n * (min(r, c) - 1)))}, which is biased upwards for small
 * samples and many categories; the bias-corrected V of Bergsma (2013) replaces phi² by
 * {@code max(0, phi² - (r-1)(c-1)/(n-1))} and r, c by {@code r - (r-1)²/(n-1)},
 * {@code c - (c-1)²/(n-1)}. Rows and columns that are all zero are dropped first; with fewer than
 * two rows or columns left there is no association to measure and V is 0 (p-value 1).
 */
public final class CramersV {

    /**
     * The association in one table.
     *
     * @param n             observations counted
     * @param rows          non-empty rows
     * @param cols          non-empty columns
     * @param chiSquare     Pearson's chi-square statistic
     * @param dof           its degrees of freedom, (rows-1)(cols-1)
     * @param pValue        P(chi² ≥ statistic) under independence
     * @param v             Cramér's V, plain or bias-corrected as asked
     * @param biasCorrected whether {@code v} is Bergsma's bias-corrected V
     */
    public record Association(long n, int rows, int cols, double chiSquare, int dof, double pValue, double v, boolean biasCorrected) {
    }

    private CramersV() {
    }

    /** Computes the association of a table of counts ({@code table[row][col]}, all rows equally long). */
    public static Association of(long[][] table, boolean biasCorrected) {
        int r0 = table.length;
        int c0 = r0 == 0 ? 0 : table[0].length;
        long[] rowSum = new long[r0];
        long[] colSum = new long[c0];
        long n = 0;
        for (int i = 0; i < r0; i++) {
            if (table[i].length != c0) {
                throw new IllegalArgumentException("row " + i + " has " + table[i].length + " columns, row 0 has " + c0);
            }
            for (int j = 0; j < c0; j++) {
                if (table[i][j] < 0) {
                    throw new IllegalArgumentException("negative count at " + i + "," + j);
                }
                rowSum[i] += table[i][j];
                colSum[j] += table[i][j];
                n += table[i][j];
            }
        }
        int r = 0;
        int c = 0;
        for (long s : rowSum) {
            r += s > 0 ? 1 : 0;
        }
        for (long s : colSum) {
            c += s > 0 ? 1 : 0;
        }
        if (r < 2 || c < 2) {
            return new Association(n, r, c, 0, 0, 1, 0, biasCorrected);
        }
        double chi2 = 0;
        for (int i = 0; i < r0; i++) {
            if (rowSum[i] == 0) {
                continue;
            }
            for (int j = 0; j < c0; j++) {
                if (colSum[j] == 0) {
                    continue;
                }
                double e = (double) rowSum[i] * colSum[j] / n;
                double d = table[i][j] - e;
                chi2 += d * d / e;
            }
        }
        int dof = (r - 1) * (c - 1);
        double p = chiSquareSurvival(chi2, dof);
        double phi2 = chi2 / n;
        double v;
        if (!biasCorrected) {
            v = Math.sqrt(phi2 / (Math.min(r, c) - 1));
        } else if (n <= 1) {
            v = 0;
        } else {
            double phi2c = Math.max(0, phi2 - (double) (r - 1) * (c - 1) / (n - 1));
            double rc = r - (double) (r - 1) * (r - 1) / (n - 1);
            double cc = c - (double) (c - 1) * (c - 1) / (n - 1);
            double den = Math.min(rc - 1, cc - 1);
            v = den <= 0 ? 0 : Math.sqrt(phi2c / den);
        }
        return new Association(n, r, c, chi2, dof, p, Math.min(1.0, v), biasCorrected);
    }

    /** P(X ≥ x) for X ~ chi²(dof): the regularized upper incomplete gamma Q(dof/2, x/2). */
    static double chiSquareSurvival(double x, int dof) {
        if (x <= 0) {
            return 1;
        }
        return upperGammaQ(dof / 2.0, x / 2.0);
    }

    /** Regularized upper incomplete gamma, by series below a+1 and continued fraction above (Numerical Recipes 6.2). */
    static double upperGammaQ(double a, double x) {
        if (x < a + 1) {
            double sum = 1 / a;
            double term = sum;
            for (int k = 1; k < 10_000; k++) {
                term *= x / (a + k);
                sum += term;
                if (Math.abs(term) < Math.abs(sum) * 1e-16) {
                    break;
                }
            }
            return Math.max(0, 1 - sum * Math.exp(-x + a * Math.log(x) - logGamma(a)));
        }
        double tiny = 1e-300;
        double b = x + 1 - a;
        double cc = 1 / tiny;
        double d = 1 / b;
        double h = d;
        for (int i = 1; i < 10_000; i++) {
            double an = -i * (i - a);
            b += 2;
            d = an * d + b;
            if (Math.abs(d) < tiny) {
                d = tiny;
            }
            cc = b + an / cc;
            if (Math.abs(cc) < tiny) {
                cc = tiny;
            }
            d = 1 / d;
            double del = d * cc;
            h *= del;
            if (Math.abs(del - 1) < 1e-16) {
                break;
            }
        }
        return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
    }

    /** log Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; about 15 digits). */
    static double logGamma(double x) {
        double[] g = {0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
                12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7};
        if (x < 0.5) {
            return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
        }
        x -= 1;
        double a = g[0];
        double t = x + 7.5;
        for (int i = 1; i < 9; i++) {
            a += g[i] / (x + i);
        }
        return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
    }
}
