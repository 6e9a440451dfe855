package org.encodertraces.report;

/** Range checks shared by the row records. */
final class Checks {
    private Checks() {
    }

    static double fraction(double v, String what) {
        if (!(v >= 0 && v <= 1)) {
            throw new IllegalArgumentException(what + " must be a fraction in [0, 1], got " + v);
        }
        return v;
    }

    static Double optionalFraction(Double v, String what) {
        return v == null ? null : fraction(v, what);
    }

    static Double optionalStd(Double v, String what) {
        if (v != null && !(v >= 0 && v <= 1)) {
            throw new IllegalArgumentException(what + " must be in [0, 1] or null, got " + v);
        }
        return v;
    }
}
