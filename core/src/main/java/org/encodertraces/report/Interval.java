package org.encodertraces.report;

import java.util.List;

/**
 * A 95% interval [lo, hi] around a fraction or a difference of fractions, as the report draws and
 * prints it. Intervals are computed from counts (see {@link Intervals}), so they are the same on
 * every run.
 *
 * @param lo lower end
 * @param hi upper end
 */
public record Interval(double lo, double hi) {
    /** Validates. */
    public Interval {
        if (!(lo <= hi) || Double.isNaN(lo) || Double.isNaN(hi)) {
            throw new IllegalArgumentException("interval needs lo <= hi, got [" + lo + ", " + hi + "]");
        }
    }

    /** Whether {@code x} lies within the interval (ends included). */
    public boolean contains(double x) {
        return x >= lo - 1e-12 && x <= hi + 1e-12;
    }

    /** The interval moved by {@code d}. */
    public Interval shift(double d) {
        return new Interval(lo + d, hi + d);
    }

    /** hi minus lo. */
    public double width() {
        return hi - lo;
    }

    /**
     * The interval of the mean of several estimates, each with its own interval, treating them as
     * independent: each side's distance from the mean is the root sum of squares of the parts'
     * distances divided by their number.
     */
    static Interval ofMean(List<Double> values, List<Interval> intervals) {
        double m = 0;
        double lo = 0;
        double hi = 0;
        int n = values.size();
        for (int i = 0; i < n; i++) {
            double v = values.get(i);
            m += v;
            lo += sq(v - intervals.get(i).lo());
            hi += sq(intervals.get(i).hi() - v);
        }
        m /= n;
        return new Interval(m - Math.sqrt(lo) / n, m + Math.sqrt(hi) / n);
    }

    private static double sq(double x) {
        return x * x;
    }
}
