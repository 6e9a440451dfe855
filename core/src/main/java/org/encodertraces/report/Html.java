package org.encodertraces.report;

import java.util.Locale;

/** Escaping and number formatting shared by the HTML, SVG and Markdown writers. */
final class Html {
    private Html() {
    }

    /** Escapes text for HTML/SVG element content and quoted attribute values. */
    static String esc(Object o) {
        String s = String.valueOf(o);
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> {
                    if (c < 0x20 && c != '\n' && c != '\t') {
                        b.append(' ');
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    /** A fraction as a percentage with one decimal, such as {@code 62.3%}. */
    static String pct(double v) {
        return String.format(Locale.ROOT, "%.1f%%", v * 100);
    }

    /** A fraction as percentage without the sign, such as {@code 62.3}; never {@code -0.0}. */
    static String pctNum(double v) {
        String s = String.format(Locale.ROOT, "%.1f", v * 100);
        return s.equals("-0.0") ? "0.0" : s;
    }

    /** A difference of fractions in signed percentage points, such as {@code +4.2 pp}; never {@code -0.0}. */
    static String pp(double v) {
        return signed(v) + " pp";
    }

    /**
     * A difference of fractions as signed percentage points without unit, such as {@code +4.2} or
     * {@code \u22121.9}, with a true minus sign; a value that rounds to zero prints as {@code 0.0}.
     */
    static String signed(double v) {
        return signedNumber(v * 100, 1);
    }

    /** A signed number with a true minus sign and no {@code -0.0}. */
    static String signedNumber(double v, int decimals) {
        String s = String.format(Locale.ROOT, "%." + decimals + "f", Math.abs(v));
        if (s.matches("0(\\.0+)?")) {
            return s;
        }
        return (v < 0 ? "\u2212" : "+") + s;
    }

    /** A 95% interval of fractions in percent, such as {@code [58.1, 66.2]}. */
    static String ci(Interval i) {
        return "[" + pctNum(i.lo()) + ", " + pctNum(i.hi()) + "]";
    }

    /** A 95% interval of differences in signed points, such as {@code [\u22121.2, +3.4]}. */
    static String ciSigned(Interval i) {
        return "[" + signed(i.lo()) + ", " + signed(i.hi()) + "]";
    }

    /** A mean with its spread, such as {@code 62.3 ± 1.2%}, or just the mean when the spread is unknown. */
    static String meanStd(double mean, Double std) {
        if (std == null) {
            return pct(mean);
        }
        return String.format(Locale.ROOT, "%.1f \u00b1 %.1f%%", mean * 100, std * 100);
    }

    /** A plain number with a fixed number of decimals. */
    static String num(double v, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    /** A coordinate for SVG attributes. */
    static String c(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    /** An id-safe slug of any text. */
    static String slug(String s) {
        String t = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
        return t.isEmpty() ? "x" : t;
    }

    /** Shortens a label for a chart axis; the full text goes in a tooltip. */
    static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "\u2026";
    }
}
