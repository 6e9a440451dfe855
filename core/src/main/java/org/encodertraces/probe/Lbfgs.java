package org.encodertraces.probe;

/**
 * Unconstrained limited-memory BFGS with the Moré-Thuente line search, following the choices
 * scipy's L-BFGS-B (v3.0) makes when no bound is set, because that is what scikit-learn's
 * {@code LogisticRegression(solver="lbfgs")} runs: m most recent pairs, H0 = (s'y / y'y) I, line
 * search with ftol=1e-3, gtol=0.9, xtol=0.1, first trial step 1/||g|| on the first iteration and
 * 1 afterwards, at most {@code maxLineSearch} evaluations per search; stop when the largest
 * gradient component is at most {@code gtol} ("pgtol") or when the relative reduction
 * (f_old - f) / max(|f_old|, |f|, 1) is at most {@code ftol}, or after {@code maxIter} iterations.
 */
final class Lbfgs {
    /** f(x) with its gradient written into g. */
    interface Function {
        double valueAndGradient(double[] x, double[] g);
    }

    /** Why the minimiser stopped. */
    enum Stop {
        GRADIENT_TOLERANCE("CONVERGENCE: NORM_OF_PROJECTED_GRADIENT_<=_PGTOL", true),
        RELATIVE_REDUCTION("CONVERGENCE: REL_REDUCTION_OF_F_<=_FACTR*EPSMCH", true),
        MAX_ITERATIONS("STOP: TOTAL NO. of ITERATIONS REACHED LIMIT", false),
        MAX_EVALUATIONS("STOP: TOTAL NO. of f AND g EVALUATIONS EXCEEDS LIMIT", false),
        LINE_SEARCH_FAILED("ABNORMAL_TERMINATION_IN_LNSRCH", false);

        final String message;
        final boolean converged;

        Stop(String message, boolean converged) {
            this.message = message;
            this.converged = converged;
        }
    }

    /** Outcome: x is updated in place. */
    record Outcome(double f, int iterations, int evaluations, Stop stop) {
    }

    private static final double EPS = Math.ulp(1.0);

    private final int m;
    private final double gtol;
    private final double ftol;
    private final int maxIter;
    private final int maxFun;
    private final int maxLineSearch;

    Lbfgs(int m, double gtol, double ftol, int maxIter, int maxFun, int maxLineSearch) {
        this.m = m;
        this.gtol = gtol;
        this.ftol = ftol;
        this.maxIter = maxIter;
        this.maxFun = maxFun;
        this.maxLineSearch = maxLineSearch;
    }

    Outcome minimize(Function fn, double[] x) {
        int n = x.length;
        double[][] s = new double[m][n];
        double[][] yv = new double[m][n];
        double[] rho = new double[m];
        double[] alpha = new double[m];
        double[] g = new double[n];
        double[] gOld = new double[n];
        double[] xOld = new double[n];
        double[] dir = new double[n];
        int stored = 0;
        int head = 0; // next slot to write
        double f = fn.valueAndGradient(x, g);
        int evals = 1;
        int iter = 0;
        if (maxAbs(g) <= gtol) {
            return new Outcome(f, 0, evals, Stop.GRADIENT_TOLERANCE);
        }
        MoreThuente ls = new MoreThuente();
        while (true) {
            // search direction by the two-loop recursion
            for (int i = 0; i < n; i++) {
                dir[i] = -g[i];
            }
            for (int t = 0; t < stored; t++) {
                int slot = Math.floorMod(head - 1 - t, m);
                double a = rho[slot] * dot(s[slot], dir);
                alpha[slot] = a;
                axpy(-a, yv[slot], dir);
            }
            if (stored > 0) {
                int last = Math.floorMod(head - 1, m);
                double gamma = 1.0 / (rho[last] * dot(yv[last], yv[last]));
                for (int i = 0; i < n; i++) {
                    dir[i] *= gamma;
                }
            }
            for (int t = stored - 1; t >= 0; t--) {
                int slot = Math.floorMod(head - 1 - t, m);
                double b = rho[slot] * dot(yv[slot], dir);
                axpy(alpha[slot] - b, s[slot], dir);
            }
            double gd = dot(g, dir);
            if (!(gd < 0)) {
                // not a descent direction (numerical trouble): restart from steepest descent
                stored = 0;
                for (int i = 0; i < n; i++) {
                    dir[i] = -g[i];
                }
                gd = dot(g, dir);
            }
            System.arraycopy(x, 0, xOld, 0, n);
            System.arraycopy(g, 0, gOld, 0, n);
            double fOld = f;
            double stp = (iter == 0 && stored == 0) ? Math.min(1.0 / Math.sqrt(dot(dir, dir)), 1e10) : 1.0;
            ls.start(stp, fOld, gd, 1e-3, 0.9, 0.1, 0.0, 1e10);
            int lsEvals = 0;
            boolean ok = false;
            while (true) {
                stp = ls.stp;
                for (int i = 0; i < n; i++) {
                    x[i] = xOld[i] + stp * dir[i];
                }
                f = fn.valueAndGradient(x, g);
                evals++;
                lsEvals++;
                double dg = dot(g, dir);
                int task = ls.step(f, dg);
                if (task == MoreThuente.CONVERGED || task == MoreThuente.WARNING) {
                    ok = task == MoreThuente.CONVERGED || f < fOld;
                    break;
                }
                if (lsEvals >= maxLineSearch || evals >= maxFun) {
                    ok = f < fOld + 1e-4 * stp * gd;
                    break;
                }
            }
            if (!ok) {
                System.arraycopy(xOld, 0, x, 0, n);
                System.arraycopy(gOld, 0, g, 0, n);
                f = fOld;
                if (stored == 0) {
                    return new Outcome(f, iter, evals, Stop.LINE_SEARCH_FAILED);
                }
                stored = 0; // L-BFGS-B: refresh the memory and retry along the steepest descent
                if (evals >= maxFun) {
                    return new Outcome(f, iter, evals, Stop.MAX_EVALUATIONS);
                }
                continue;
            }
            iter++;
            // update the memory
            double[] sNew = s[head];
            double[] yNew = yv[head];
            double sy = 0;
            double yy = 0;
            for (int i = 0; i < n; i++) {
                double si = x[i] - xOld[i];
                double yi = g[i] - gOld[i];
                sNew[i] = si;
                yNew[i] = yi;
                sy += si * yi;
                yy += yi * yi;
            }
            if (sy > EPS * yy) {
                rho[head] = 1.0 / sy;
                head = (head + 1) % m;
                stored = Math.min(stored + 1, m);
            }
            if (maxAbs(g) <= gtol) {
                return new Outcome(f, iter, evals, Stop.GRADIENT_TOLERANCE);
            }
            if (fOld - f <= ftol * Math.max(Math.max(Math.abs(fOld), Math.abs(f)), 1.0)) {
                return new Outcome(f, iter, evals, Stop.RELATIVE_REDUCTION);
            }
            if (iter >= maxIter) {
                return new Outcome(f, iter, evals, Stop.MAX_ITERATIONS);
            }
            if (evals >= maxFun) {
                return new Outcome(f, iter, evals, Stop.MAX_EVALUATIONS);
            }
        }
    }

    static double dot(double[] a, double[] b) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int n = a.length;
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            s0 += a[i] * b[i];
            s1 += a[i + 1] * b[i + 1];
            s2 += a[i + 2] * b[i + 2];
            s3 += a[i + 3] * b[i + 3];
        }
        for (; i < n; i++) {
            s0 += a[i] * b[i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    private static void axpy(double a, double[] xv, double[] yv) {
        for (int i = 0; i < yv.length; i++) {
            yv[i] += a * xv[i];
        }
    }

    private static double maxAbs(double[] v) {
        double m = 0;
        for (double e : v) {
            m = Math.max(m, Math.abs(e));
        }
        return m;
    }

    /** MINPACK-2's dcsrch/dcstep (Moré and Thuente 1994), as in L-BFGS-B's lnsrlb. */
    static final class MoreThuente {
        static final int EVALUATE = 0;
        static final int CONVERGED = 1;
        static final int WARNING = 2;
        private static final double XTRAPL = 1.1;
        private static final double XTRAPU = 4.0;

        private final double[] out = new double[7];
        double stp;
        private double ftol, gtol, xtol, stpmin, stpmax;
        private boolean brackt;
        private int stage;
        private double ginit, gtest, finit, width, width1;
        private double stx, fx, gx, sty, fy, gy, stmin, stmax;

        void start(double stp0, double f, double g, double ftol, double gtol, double xtol, double stpmin, double stpmax) {
            this.stp = stp0;
            this.ftol = ftol;
            this.gtol = gtol;
            this.xtol = xtol;
            this.stpmin = stpmin;
            this.stpmax = stpmax;
            brackt = false;
            stage = 1;
            finit = f;
            ginit = g;
            gtest = ftol * ginit;
            width = stpmax - stpmin;
            width1 = width / 0.5;
            stx = 0;
            fx = finit;
            gx = ginit;
            sty = 0;
            fy = finit;
            gy = ginit;
            stmin = 0;
            stmax = stp + XTRAPU * stp;
        }

        /** Given f and the directional derivative g at stp: converged, warning, or a new stp to evaluate. */
        int step(double f, double g) {
            double ftest = finit + stp * gtest;
            if (stage == 1 && f <= ftest && g >= 0) {
                stage = 2;
            }
            if (brackt && (stp <= stmin || stp >= stmax)) {
                return WARNING;
            }
            if (brackt && stmax - stmin <= xtol * stmax) {
                return WARNING;
            }
            if (stp == stpmax && f <= ftest && g <= gtest) {
                return WARNING;
            }
            if (stp == stpmin && (f > ftest || g >= gtest)) {
                return WARNING;
            }
            if (f <= ftest && Math.abs(g) <= gtol * (-ginit)) {
                return CONVERGED;
            }
            if (stage == 1 && f <= fx && f > ftest) {
                double fm = f - stp * gtest;
                double fxm = fx - stx * gtest;
                double fym = fy - sty * gtest;
                double gm = g - gtest;
                double gxm = gx - gtest;
                double gym = gy - gtest;
                double[] r = dcstep(stx, fxm, gxm, sty, fym, gym, stp, fm, gm);
                stx = r[0];
                fxm = r[1];
                gxm = r[2];
                sty = r[3];
                fym = r[4];
                gym = r[5];
                stp = r[6];
                fx = fxm + stx * gtest;
                fy = fym + sty * gtest;
                gx = gxm + gtest;
                gy = gym + gtest;
            } else {
                double[] r = dcstep(stx, fx, gx, sty, fy, gy, stp, f, g);
                stx = r[0];
                fx = r[1];
                gx = r[2];
                sty = r[3];
                fy = r[4];
                gy = r[5];
                stp = r[6];
            }
            if (brackt) {
                if (Math.abs(sty - stx) >= 0.66 * width1) {
                    stp = stx + 0.5 * (sty - stx);
                }
                width1 = width;
                width = Math.abs(sty - stx);
            }
            if (brackt) {
                stmin = Math.min(stx, sty);
                stmax = Math.max(stx, sty);
            } else {
                stmin = stp + XTRAPL * (stp - stx);
                stmax = stp + XTRAPU * (stp - stx);
            }
            stp = Math.max(stp, stpmin);
            stp = Math.min(stp, stpmax);
            if ((brackt && (stp <= stmin || stp >= stmax)) || (brackt && stmax - stmin <= xtol * stmax)) {
                stp = stx;
            }
            return EVALUATE;
        }

        private double[] dcstep(double stx, double fx, double dx, double sty, double fy, double dy,
                                double stp, double fp, double dp) {
            double sgnd = dp * Math.signum(dx);
            double stpf;
            if (fp > fx) {
                double theta = 3.0 * (fx - fp) / (stp - stx) + dx + dp;
                double s = max3(Math.abs(theta), Math.abs(dx), Math.abs(dp));
                double gamma = s * Math.sqrt((theta / s) * (theta / s) - (dx / s) * (dp / s));
                if (stp < stx) {
                    gamma = -gamma;
                }
                double p = (gamma - dx) + theta;
                double q = ((gamma - dx) + gamma) + dp;
                double r = p / q;
                double stpc = stx + r * (stp - stx);
                double stpq = stx + ((dx / ((fx - fp) / (stp - stx) + dx)) / 2.0) * (stp - stx);
                stpf = Math.abs(stpc - stx) < Math.abs(stpq - stx) ? stpc : stpc + (stpq - stpc) / 2.0;
                brackt = true;
            } else if (sgnd < 0) {
                double theta = 3.0 * (fx - fp) / (stp - stx) + dx + dp;
                double s = max3(Math.abs(theta), Math.abs(dx), Math.abs(dp));
                double gamma = s * Math.sqrt((theta / s) * (theta / s) - (dx / s) * (dp / s));
                if (stp > stx) {
                    gamma = -gamma;
                }
                double p = (gamma - dp) + theta;
                double q = ((gamma - dp) + gamma) + dx;
                double r = p / q;
                double stpc = stp + r * (stx - stp);
                double stpq = stp + (dp / (dp - dx)) * (stx - stp);
                stpf = Math.abs(stpc - stp) > Math.abs(stpq - stp) ? stpc : stpq;
                brackt = true;
            } else if (Math.abs(dp) < Math.abs(dx)) {
                double theta = 3.0 * (fx - fp) / (stp - stx) + dx + dp;
                double s = max3(Math.abs(theta), Math.abs(dx), Math.abs(dp));
                double gamma = s * Math.sqrt(Math.max(0.0, (theta / s) * (theta / s) - (dx / s) * (dp / s)));
                if (stp > stx) {
                    gamma = -gamma;
                }
                double p = (gamma - dp) + theta;
                double q = (gamma + (dx - dp)) + gamma;
                double r = p / q;
                double stpc;
                if (r < 0 && gamma != 0) {
                    stpc = stp + r * (stx - stp);
                } else if (stp > stx) {
                    stpc = stpmax;
                } else {
                    stpc = stpmin;
                }
                double stpq = stp + (dp / (dp - dx)) * (stx - stp);
                if (brackt) {
                    stpf = Math.abs(stpc - stp) < Math.abs(stpq - stp) ? stpc : stpq;
                    if (stp > stx) {
                        stpf = Math.min(stp + 0.66 * (sty - stp), stpf);
                    } else {
                        stpf = Math.max(stp + 0.66 * (sty - stp), stpf);
                    }
                } else {
                    stpf = Math.abs(stpc - stp) > Math.abs(stpq - stp) ? stpc : stpq;
                    stpf = Math.min(stpmax, stpf);
                    stpf = Math.max(stpmin, stpf);
                }
            } else {
                if (brackt) {
                    double theta = 3.0 * (fp - fy) / (sty - stp) + dy + dp;
                    double s = max3(Math.abs(theta), Math.abs(dy), Math.abs(dp));
                    double gamma = s * Math.sqrt((theta / s) * (theta / s) - (dy / s) * (dp / s));
                    if (stp > sty) {
                        gamma = -gamma;
                    }
                    double p = (gamma - dp) + theta;
                    double q = ((gamma - dp) + gamma) + dy;
                    double r = p / q;
                    stpf = stp + r * (sty - stp);
                } else if (stp > stx) {
                    stpf = stpmax;
                } else {
                    stpf = stpmin;
                }
            }
            if (fp > fx) {
                sty = stp;
                fy = fp;
                dy = dp;
            } else {
                if (sgnd < 0) {
                    sty = stx;
                    fy = fx;
                    dy = dx;
                }
                stx = stp;
                fx = fp;
                dx = dp;
            }
            out[0] = stx;
            out[1] = fx;
            out[2] = dx;
            out[3] = sty;
            out[4] = fy;
            out[5] = dy;
            out[6] = stpf;
            return out;
        }

        private static double max3(double a, double b, double c) {
            return Math.max(a, Math.max(b, c));
        }
    }
}
