package org.encodertraces.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Datasets from a CSV or TSV manifest: a header row with a {@code path} column (relative to the
 * manifest's folder, or absolute) and any number of label columns. Each label column becomes an
 * integer label tensor of the same name; its values are mapped to indices in sorted order (the
 * names are kept), or used as they are when every value is an integer. Rows keep file order.
 */
public final class Manifests {
    private Manifests() {
    }

    /** True when the path looks like a manifest (.csv or .tsv). */
    public static boolean isManifest(Path p) {
        String n = p.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        return Files.isRegularFile(p) && (n.endsWith(".csv") || n.endsWith(".tsv"));
    }

    /** Reads a manifest; errors name the file and line. */
    public static Dataset open(Path manifest) throws IOException {
        List<String> lines = Files.readAllLines(manifest, StandardCharsets.UTF_8);
        if (lines.isEmpty()) {
            throw new IOException(manifest + ": empty manifest");
        }
        char sep = manifest.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".tsv") ? '\t' : ',';
        List<String> header = split(lines.get(0), sep);
        int pathCol = header.indexOf("path");
        if (pathCol < 0) {
            throw new IOException(manifest + ": header has no 'path' column: " + header);
        }
        Path base = manifest.toAbsolutePath().getParent();
        List<List<String>> rows = new ArrayList<>();
        List<Integer> lineNumbers = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            List<String> r = split(lines.get(i), sep);
            if (r.size() != header.size()) {
                throw new IOException(manifest + ":" + (i + 1) + ": " + r.size() + " fields, header has " + header.size());
            }
            rows.add(r);
            lineNumbers.add(i + 1);
        }
        Map<String, List<String>> names = new LinkedHashMap<>();
        Map<String, Map<String, Long>> codes = new HashMap<>();
        for (int c = 0; c < header.size(); c++) {
            if (c == pathCol) {
                continue;
            }
            String col = header.get(c);
            TreeSet<String> values = new TreeSet<>();
            boolean integers = true;
            for (List<String> r : rows) {
                values.add(r.get(c));
                integers &= r.get(c).matches("-?\\d{1,18}");
            }
            Map<String, Long> m = new HashMap<>();
            if (integers) {
                values.forEach(v -> m.put(v, Long.parseLong(v)));
            } else {
                List<String> sorted = new ArrayList<>(values);
                for (int k = 0; k < sorted.size(); k++) {
                    m.put(sorted.get(k), (long) k);
                }
                names.put(col, sorted);
            }
            codes.put(col, m);
        }
        List<Sample> samples = new ArrayList<>();
        // one file under two spellings (imgs/a.jpg, ./imgs/a.jpg, an absolute path) would become two samples
        // that a split can put on both sides: the same file is refused, naming both lines
        Map<Path, Integer> seen = new HashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            List<String> r = rows.get(i);
            String p = r.get(pathCol);
            Path file = base.resolve(p).normalize();
            Integer first = seen.putIfAbsent(file, i);
            if (first != null) {
                String a = rows.get(first).get(pathCol);
                throw new IOException(manifest + ": lines " + lineNumbers.get(first) + " and " + lineNumbers.get(i) + " name the same file"
                        + (a.equals(p) ? " (" + p + ", path listed twice)" : " (" + a + " and " + p + ")")
                        + ": list each photo once, or a split could put it on both sides");
            }
            Map<String, Long> labels = new LinkedHashMap<>();
            for (int c = 0; c < header.size(); c++) {
                if (c != pathCol) {
                    labels.put(header.get(c), codes.get(header.get(c)).get(r.get(c)));
                }
            }
            samples.add(new Sample(sampleId(p), file, labels));
        }
        String name = manifest.getFileName().toString().replaceFirst("\\.[^.]*$", "");
        return new Dataset(Dataset.sanitize(name), manifest.toString(), samples, names);
    }

    /** The sample id of a manifest path: as written, with '/' separators and a relative path's "./" and "x/.." steps removed. */
    static String sampleId(String p) {
        String s = p.replace('\\', '/');
        if (s.startsWith("/") || s.matches("[A-Za-z]:/.*")) {
            return s;
        }
        String n = Path.of(s).normalize().toString().replace('\\', '/');
        return n.isEmpty() ? s : n;
    }

    /** Splits one line; double quotes may enclose a field containing the separator ("" is a quote). */
    static List<String> split(String line, char sep) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    cur.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == sep) {
                out.add(cur.toString().trim());
                cur.setLength(0);
            } else {
                cur.append(ch);
            }
        }
        out.add(cur.toString().trim());
        return out;
    }
}
