package org.encodertraces.exif;

/**
 * An EXIF rational value exactly as stored (numerator over denominator), kept as a fraction
 * because the study's exposure labels are fractions such as {@code 1/100}.
 *
 * @param numerator   the stored numerator (negative only for signed SRATIONAL tags)
 * @param denominator the stored denominator, never zero (a zero denominator is not a value)
 */
public record Fraction(long numerator, long denominator) {
    public Fraction {
        if (denominator == 0) {
            throw new IllegalArgumentException("zero denominator");
        }
    }

    /** The value as a double. */
    public double value() {
        return (double) numerator / denominator;
    }

    /** The same value in lowest terms with a positive denominator. */
    public Fraction reduced() {
        long g = gcd(Math.abs(numerator), Math.abs(denominator));
        long n = numerator / g;
        long d = denominator / g;
        if (d < 0) {
            n = -n;
            d = -d;
        }
        return new Fraction(n, d);
    }

    private static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a == 0 ? 1 : a;
    }

    @Override
    public String toString() {
        return numerator + "/" + denominator;
    }
}
