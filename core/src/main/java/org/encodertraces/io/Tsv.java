package org.encodertraces.io;

import java.util.ArrayList;
import java.util.List;

/**
 * The one TSV writer and reader of our own TSVs ({@code .failures.tsv}, {@code
 * download-failures.tsv}, {@code traces exif --format tsv}, {@code traces models}): one record
 * per line, whatever the cells hold. A tab, line feed, carriage return or backslash inside a cell
 * is written as {@code \t}, {@code \n}, {@code \r} or {@code \\} (the "linear TSV" convention),
 * so a file name with a newline is still one row, and {@link #split} gives the cell back exactly.
 */
public final class Tsv {
    private Tsv() {
    }

    /** One cell, escaped. */
    public static String field(Object v) {
        if (v == null) {
            return "";
        }
        String s = String.valueOf(v);
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String esc = switch (c) {
                case '\t' -> "\\t";
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                case '\\' -> "\\\\";
                default -> null;
            };
            if (esc != null && b == null) {
                b = new StringBuilder(s.length() + 8).append(s, 0, i);
            }
            if (b != null) {
                if (esc != null) {
                    b.append(esc);
                } else {
                    b.append(c);
                }
            }
        }
        return b == null ? s : b.toString();
    }

    /** One record: the escaped cells joined by tabs, with a newline. */
    public static String line(Object... cells) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                b.append('\t');
            }
            b.append(field(cells[i]));
        }
        return b.append('\n').toString();
    }

    /** Splits one record written by {@link #line} and unescapes its cells. */
    public static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\t') {
                out.add(cur.toString());
                cur.setLength(0);
            } else if (c == '\\' && i + 1 < line.length()) {
                char n = line.charAt(++i);
                switch (n) {
                    case 't' -> cur.append('\t');
                    case 'n' -> cur.append('\n');
                    case 'r' -> cur.append('\r');
                    case '\\' -> cur.append('\\');
                    default -> cur.append('\\').append(n);
                }
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }
}
