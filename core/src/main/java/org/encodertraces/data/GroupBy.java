package org.encodertraces.data;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A user's grouping of the photos (a camera, a session, a scene) that splits must respect, parsed
 * once from {@code --group-by}:
 * <ul>
 *   <li>{@code folder}: the folder a photo is in (its whole path below the dataset root);</li>
 *   <li>{@code folder:N}: the first N folders of that path ({@code folder:1}: the top-level folder);</li>
 *   <li>{@code exif:FIELD}, {@code column:NAME} or a bare {@code NAME}: a label tensor of the dataset,
 *       such as an EXIF attribute of an {@code exif:} folder ({@code Model}, {@code Make}) or a column
 *       of a manifest ({@code session}).</li>
 * </ul>
 * A photo with no value (label -1, unknown) is in no group, and so is a photo at the dataset root
 * under {@code folder:N}.
 *
 * @param spec  what the user wrote
 * @param level folder depth (0: the whole folder path), or -1 for a label tensor
 * @param label the label tensor, or null for a folder
 */
public record GroupBy(String spec, int level, String label) {
    /** Parses a spec; errors say what is accepted. */
    public static GroupBy parse(String spec) {
        String s = spec == null ? "" : spec.trim();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("--group-by needs a value: folder, folder:N, or the name of a label (an EXIF field such as"
                    + " Model, or a manifest column)");
        }
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.equals("folder")) {
            return new GroupBy(s, 0, null);
        }
        if (lower.startsWith("folder:")) {
            String n = s.substring(7);
            if (!n.matches("[1-9]\\d{0,2}")) {
                throw new IllegalArgumentException("--group-by " + s + ": the folder level must be a whole number from 1 (the top-level folder)");
            }
            return new GroupBy(s, Integer.parseInt(n), null);
        }
        for (String prefix : List.of("exif:", "column:", "label:")) {
            if (lower.startsWith(prefix)) {
                String name = s.substring(prefix.length()).trim();
                if (name.isEmpty()) {
                    throw new IllegalArgumentException("--group-by " + s + ": name the " + prefix.substring(0, prefix.length() - 1) + " field");
                }
                return new GroupBy(s, -1, name);
            }
        }
        return new GroupBy(s, -1, s);
    }

    /** The groups of a dataset's samples, keyed by sample id; a label the dataset lacks is an error naming the labels it has. */
    public SplitGroups groups(Dataset ds) {
        Map<String, String> key = new LinkedHashMap<>();
        if (label == null) {
            for (Sample x : ds.samples()) {
                String[] parts = x.id().replace('\\', '/').split("/");
                int folders = parts.length - 1;
                if (level == 0) {
                    key.put(x.id(), String.join("/", java.util.Arrays.copyOf(parts, folders)));
                } else if (folders >= level) {
                    key.put(x.id(), String.join("/", java.util.Arrays.copyOf(parts, level)));
                } else {
                    key.put(x.id(), null);
                }
            }
            return SplitGroups.byKey(key);
        }
        String tensor = tensor(ds);
        List<String> names = ds.labelNames().get(tensor);
        for (Sample x : ds.samples()) {
            Long v = x.labels().get(tensor);
            key.put(x.id(), v == null || v < 0 ? null : names != null && v < names.size() ? names.get(v.intValue()) : Long.toString(v));
        }
        return SplitGroups.byKey(key);
    }

    /** The label tensor this spec names in the dataset (exact name first, then ignoring case). */
    String tensor(Dataset ds) {
        List<String> have = ds.labelTensors();
        if (have.contains(label)) {
            return label;
        }
        for (String t : have) {
            if (t.equalsIgnoreCase(label)) {
                return t;
            }
        }
        throw new IllegalArgumentException("--group-by " + spec + ": the dataset has no label '" + label + "'; it has "
                + (have.isEmpty() ? "none" : String.join(", ", have)) + " (or group by folder, folder:N)");
    }

    /** In words, for notes: {@code the folder level 1}, {@code Model}. */
    public String describe() {
        return label != null ? "'" + label + "'" : level == 0 ? "folder" : "top " + level + " folder level" + (level > 1 ? "s" : "");
    }
}
