package org.encodertraces.report.html;

import java.util.Locale;

/** Escaping and the few text helpers of markup: the page's and the charts' (figures are written by {@code ReportText}). */
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

    /** A coordinate for SVG attributes. */
    static String c(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    /** Shortens a label for a chart axis; the full text goes in a tooltip. */
    static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "\u2026";
    }
}
