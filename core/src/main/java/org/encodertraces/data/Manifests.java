package org.encodertraces.data;

import java.io.IOException;
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
 *
 * <p>The whole manifest is checked before anything is done with it, and every refusal names the
 * file and line: a header without {@code path} (a UTF-8 byte-order mark, as Excel's "CSV UTF-8"
 * writes, is skipped), a column named twice or not at all, a row with the wrong number of fields
 * or no path, a path listed twice, a manifest with no rows, and an integer label that is not a
 * class index ({@code -1} or {@code 0..}{@value #MAX_CLASS_INDEX}). A blank cell means "no
 * label" ({@code -1}), as in the FlickrExif tables; it is never a class of its own.
 */
public final class Manifests {
    /** The largest integer label a manifest may hold: labels are class indices, not ids or measurements. */
    public static final long MAX_CLASS_INDEX = 1_000_000;

    private static final java.util.regex.Pattern INTEGER = java.util.regex.Pattern.compile("-?\\d+");

    private Manifests() {
    }

    /** True when the path looks like a manifest (.csv or .tsv). */
    public static boolean isManifest(Path p) {
        String n = p.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        return Files.isRegularFile(p) && (n.endsWith(".csv") || n.endsWith(".tsv"));
    }

    /** Reads and checks a manifest; errors name the file and line. */
    public static Dataset open(Path manifest) throws IOException {
        CsvTable t = CsvTable.read(manifest);
        List<String> header = t.header();
        int pathCol = header.indexOf("path");
        if (pathCol < 0) {
            throw new IOException(manifest + ":1: header has no 'path' column: " + header);
        }
        for (int c = 0; c < header.size(); c++) {
            if (header.get(c).isEmpty()) {
                throw new IOException(manifest + ":1: header column " + (c + 1) + " has no name: " + header);
            }
            if (header.indexOf(header.get(c)) != c) {
                throw new IOException(manifest + ":1: header names column '" + header.get(c) + "' twice: " + header);
            }
        }
        Path base = manifest.toAbsolutePath().getParent();
        List<List<String>> rows = new ArrayList<>();
        List<Integer> lineOf = new ArrayList<>();
        for (int i = 0; i < t.rows().size(); i++) {
            List<String> r = t.rows().get(i);
            if (r.stream().allMatch(String::isEmpty)) {
                continue;
            }
            if (r.get(pathCol).isEmpty()) {
                throw new IOException(t.where(i) + ": the 'path' field is empty");
            }
            rows.add(r);
            lineOf.add(t.lines().get(i));
        }
        if (rows.isEmpty()) {
            throw new IOException(manifest + ": lists no images (a header and no rows)");
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
                String v = r.get(c);
                if (!v.isEmpty()) {
                    values.add(v);
                    integers &= INTEGER.matcher(v).matches();
                }
            }
            Map<String, Long> m = new HashMap<>();
            m.put("", -1L);
            if (integers) {
                for (int k = 0; k < rows.size(); k++) {
                    String v = rows.get(k).get(c);
                    if (!v.isEmpty() && !m.containsKey(v)) {
                        m.put(v, classIndex(v, manifest, lineOf.get(k), col));
                    }
                }
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
        for (int k = 0; k < rows.size(); k++) {
            List<String> r = rows.get(k);
            String p = r.get(pathCol);
            Path file = base.resolve(p).normalize();
            Integer first = seen.putIfAbsent(file, k);
            if (first != null) {
                String a = rows.get(first).get(pathCol);
                throw new IOException(manifest + ": lines " + lineOf.get(first) + " and " + lineOf.get(k) + " name the same file"
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

    /** An integer label as a class index: -1 (no label) or 0 to {@link #MAX_CLASS_INDEX}. */
    private static long classIndex(String v, Path manifest, int line, String column) throws IOException {
        String digits = v.startsWith("-") ? v.substring(1) : v;
        String trimmed = digits.replaceFirst("^0+(?=\\d)", "");
        long value = trimmed.length() > 7 ? Long.MAX_VALUE : Long.parseLong(trimmed) * (v.startsWith("-") ? -1 : 1);
        if (value < -1 || value > MAX_CLASS_INDEX) {
            throw new IOException(manifest + ":" + line + ": column '" + column + "' holds " + v + ": an integer label is a class"
                    + " index, 0 to " + MAX_CLASS_INDEX + ", or -1 or blank for no label (leave columns of ids or measurements out)");
        }
        return value;
    }
}
