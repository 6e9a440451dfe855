package org.encodertraces.io;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The one CSV writer (and reader of our own CSVs): RFC 4180 quoting, and text cells that a
 * spreadsheet would run as a formula neutralised. Every CSV the tool writes goes through
 * {@link #field}, so a model, class or file name cannot break a row or become a formula.
 *
 * <p>A text cell starting with {@code = + - @}, a tab or a carriage return gets a leading
 * apostrophe ({@code '=HYPERLINK(...)}), the usual guard that spreadsheets show as plain text.
 * Numbers are never touched: a {@link Number} value, or a text cell that is a plain number such
 * as {@code -0.5} or {@code +12%}, stays a number. {@link #parse} removes the guard again, so our
 * own tables read back exactly as they were written (a text cell that itself starts with an
 * apostrophe before such a character gets one more, so nothing is ambiguous).
 */
public final class Csv {
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?%?");

    private Csv() {
    }

    /** One cell: numbers as written by {@link #num}, text guarded against formulas and quoted when needed. */
    public static String field(Object v) {
        if (v == null) {
            return "";
        }
        String s;
        if (v instanceof Double d) {
            s = num(d);
        } else if (v instanceof Number n) {
            s = n.toString();
        } else {
            s = text(String.valueOf(v));
        }
        return quote(s);
    }

    /** A text cell guarded against formulas (not yet quoted): {@code =1+1} becomes {@code '=1+1}. */
    public static String text(String s) {
        return needsGuard(s) ? "'" + s : s;
    }

    /** Encloses a cell in double quotes when it holds a comma, quote or line break. */
    private static String quote(String s) {
        if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }

    /** True for text a spreadsheet would evaluate (or that starts with our own guard before such text). */
    static boolean needsGuard(String s) {
        if (s.isEmpty()) {
            return false;
        }
        char c = s.charAt(0);
        if (c == '\'') {
            return needsGuard(s.substring(1));
        }
        if (c == '=' || c == '@' || c == '\t' || c == '\r') {
            return true;
        }
        return (c == '+' || c == '-') && !NUMBER.matcher(s).matches();
    }

    /** A double as the tables write it: integral values with one decimal, others with 6 significant digits. */
    public static String num(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return String.format(Locale.ROOT, "%.1f", d);
        }
        String s = String.format(Locale.ROOT, "%.6g", d).replaceAll("(\\.\\d*?)0+$", "$1");
        // a value that rounds to a whole number at six digits (0.9999996 -> "1.00000") keeps one zero,
        // as whole numbers are written: "1.0", not "1."
        return s.endsWith(".") ? s + "0" : s;
    }

    /** One record: the cells joined by commas, with a newline. */
    public static String line(Object... values) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(field(values[i]));
        }
        return b.append('\n').toString();
    }

    /** One record from a list of cells. */
    public static String line(List<?> values) {
        return line(values.toArray());
    }

    /**
     * Splits one CSV record (no embedded newlines) and removes the formula guard {@link #field}
     * added.
     *
     * @throws IllegalArgumentException on an unterminated quote
     */
    public static List<String> parse(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        cur.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cur.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(unguard(cur.toString()));
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("unterminated quote");
        }
        out.add(unguard(cur.toString()));
        return out;
    }

    private static String unguard(String s) {
        return s.startsWith("'") && needsGuard(s.substring(1)) ? s.substring(1) : s;
    }
}
