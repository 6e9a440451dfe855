package org.encodertraces.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A table of text cells: a CSV or TSV file read whole, a header row and data rows (RFC 4180
 * quoting: a field in double quotes may hold the separator, line breaks and doubled quotes), or a
 * parquet table's values as text ({@link ParquetTables#text}). The separator is a tab for
 * {@code .tsv} files, else a comma. Package-private plumbing for the table readers.
 *
 * @param file       the file read
 * @param header     the column names
 * @param rows       the data rows, each as long as the header; {@code lines[i]} is row i's line number
 * @param lines      the 1-based line on which each row starts (the row number when {@code rowNumbers}), for error messages
 * @param rowNumbers true when {@code lines} are row numbers (a parquet table), not text lines
 */
record CsvTable(Path file, List<String> header, List<List<String>> rows, List<Integer> lines, boolean rowNumbers) {

    static CsvTable read(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.nio.charset.MalformedInputException e) {
            throw new IOException(file + ": not UTF-8 text", e);
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        char sep = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".tsv") ? '\t' : ',';
        List<List<String>> records = new ArrayList<>();
        List<Integer> starts = new ArrayList<>();
        List<String> cur = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        int line = 1;
        int start = 1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    if (c == '\n') {
                        line++;
                    }
                    field.append(c);
                }
                continue;
            }
            if (c == '"' && field.toString().isBlank()) {
                field.setLength(0);
                quoted = true;
                any = true;
            } else if (c == sep) {
                cur.add(field.toString().strip());
                field.setLength(0);
                any = true;
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                if (any || field.length() > 0) {
                    cur.add(field.toString().strip());
                    records.add(cur);
                    starts.add(start);
                }
                cur = new ArrayList<>();
                field.setLength(0);
                any = false;
                line++;
                start = line;
            } else {
                field.append(c);
                any = true;
            }
        }
        if (quoted) {
            throw new IOException(file + ":" + start + ": a quoted field is not closed before the end of the file");
        }
        if (any || field.length() > 0) {
            cur.add(field.toString().strip());
            records.add(cur);
            starts.add(start);
        }
        if (records.isEmpty()) {
            throw new IOException(file + ": empty table (no header row)");
        }
        List<String> header = records.get(0);
        for (int r = 1; r < records.size(); r++) {
            if (records.get(r).size() != header.size()) {
                throw new IOException(file + ":" + starts.get(r) + ": " + records.get(r).size() + " fields, header has " + header.size());
            }
        }
        return new CsvTable(file, List.copyOf(header), List.copyOf(records.subList(1, records.size())),
                List.copyOf(starts.subList(1, starts.size())), false);
    }

    /** Where row {@code r} is, for error messages: {@code file:line} or {@code file: row n}. */
    String where(int r) {
        return file + (rowNumbers ? ": row " : ":") + lines.get(r);
    }

    /** Index of a column, or -1. */
    int column(String name) {
        return header.indexOf(name);
    }

    /** Index of a column that must be present. */
    int require(String name, String what) throws IOException {
        int c = header.indexOf(name);
        if (c < 0) {
            throw new IOException(file + ": no '" + name + "' column (" + what + "); header is " + header);
        }
        return c;
    }
}
