package org.encodertraces.data;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import org.encodertraces.data.parquet.ParquetColumn;
import org.encodertraces.data.parquet.ParquetFile;

/**
 * Parquet tables as the text cells the CSV readers take, written as pandas' {@code to_csv} would
 * write them, so that a table reads the same from the published parquet as from its CSV export:
 * integers in decimal, floats as Python's {@code repr} ({@code 2019.0}, {@code 1e-05}), NaN and
 * null empty, booleans {@code True}/{@code False}. Package-private plumbing for the table readers.
 */
final class ParquetTables {
    private ParquetTables() {
    }

    /** True for a file name ending in {@code .parquet} (any case). */
    static boolean isParquet(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".parquet");
    }

    /**
     * The leaf columns that {@code keep} accepts (by dotted path) as text, in schema order; the
     * rows' "lines" are their 1-based row numbers.
     */
    static CsvTable text(ParquetFile pf, Predicate<String> keep) throws IOException {
        List<ParquetColumn> cols = pf.columns().stream().filter(c -> keep.test(c.path())).toList();
        if (pf.rowCount() > Integer.MAX_VALUE - 8) {
            throw new IOException(pf.path() + ": " + pf.rowCount() + " rows are too many for one table");
        }
        List<List<String>> rows = new ArrayList<>();
        List<Integer> numbers = new ArrayList<>();
        for (int g = 0; g < pf.rowGroupCount(); g++) {
            int n = pf.rowGroupRowCount(g);
            List<Object[]> values = new ArrayList<>();
            for (ParquetColumn c : cols) {
                values.add(pf.read(g, c.path()));
            }
            for (int r = 0; r < n; r++) {
                List<String> row = new ArrayList<>(cols.size());
                for (int c = 0; c < cols.size(); c++) {
                    row.add(text(cols.get(c), values.get(c)[r]));
                }
                rows.add(row);
                numbers.add(rows.size());
            }
        }
        return new CsvTable(pf.path(), cols.stream().map(ParquetColumn::path).toList(), rows, numbers, true);
    }

    /** One value as pandas' {@code to_csv} writes it. */
    static String text(ParquetColumn col, Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof Boolean b) {
            return b ? "True" : "False";
        }
        if (v instanceof Integer i) {
            return "UINT_32".equals(col.logicalType()) ? Integer.toUnsignedString(i) : i.toString();
        }
        if (v instanceof Long l) {
            return "UINT_64".equals(col.logicalType()) ? Long.toUnsignedString(l) : l.toString();
        }
        if (v instanceof Float f) {
            return pythonRepr(f, true);
        }
        if (v instanceof Double d) {
            return pythonRepr(d, false);
        }
        if (v instanceof byte[] b) {
            return new String(b, StandardCharsets.UTF_8);
        }
        return v.toString();
    }

    /**
     * Python's {@code repr} of a float: the shortest digits that read back as the same value
     * (of a 32-bit float when {@code single}, as numpy prints a float32), fixed notation with at
     * least one decimal for exponents -4 to 15, else {@code 1.5e-05} / {@code 1e+16}. NaN is empty,
     * as pandas writes it.
     */
    static String pythonRepr(double d, boolean single) {
        if (Double.isNaN(d)) {
            return "";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        String sign = d < 0 || (d == 0 && 1 / d < 0) ? "-" : "";
        if (d == 0) {
            return sign + "0.0";
        }
        BigDecimal exact = new BigDecimal(Math.abs(d));
        BigDecimal shortest = exact;
        for (int p = 1; p <= 17; p++) {
            BigDecimal r = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
            if (single ? r.floatValue() == (float) Math.abs(d) : r.doubleValue() == Math.abs(d)) {
                shortest = r;
                break;
            }
        }
        shortest = shortest.stripTrailingZeros();
        String digits = shortest.unscaledValue().toString();
        int point = digits.length() - shortest.scale();
        if (point > -4 && point <= 16) {
            if (point <= 0) {
                return sign + "0." + "0".repeat(-point) + digits;
            }
            if (point >= digits.length()) {
                return sign + digits + "0".repeat(point - digits.length()) + ".0";
            }
            return sign + digits.substring(0, point) + "." + digits.substring(point);
        }
        int exp = point - 1;
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return sign + mantissa + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
    }
}
