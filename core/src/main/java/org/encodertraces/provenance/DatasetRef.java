package org.encodertraces.provenance;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which images an artifact was made from, as provenance records it: the dataset's name, where it
 * was read from, how many samples it listed, the hash of its manifest (ids, labels, file sizes)
 * and the class names behind each integer label.
 *
 * <p>The manifest hash is what a rerun compares: the same folder with an image added, removed,
 * relabelled or resized is another dataset. Fields a file does not hold read as null and are
 * left out when written again.
 *
 * @param name the dataset's short name (as in set file names)
 * @param source the folder, manifest or table it was read from
 * @param samples how many samples it listed, or null when not recorded
 * @param manifestSha256 sha256 of its manifest, or null when not recorded
 * @param labelNames per label tensor, the class name of each integer value, or null when not recorded
 */
public record DatasetRef(String name, String source, Integer samples, String manifestSha256, Map<String, List<String>> labelNames) {
    /** Copies the label names. */
    public DatasetRef {
        if (labelNames != null) {
            Map<String, List<String>> copy = new LinkedHashMap<>();
            labelNames.forEach((k, v) -> copy.put(k, List.copyOf(v)));
            labelNames = Collections.unmodifiableMap(copy);
        }
    }

    /** The class names of label tensor {@code label}, or null when the provenance does not name them. */
    public List<String> classNames(String label) {
        return labelNames == null ? null : labelNames.get(label);
    }

    /** A copy with another sample count and manifest hash (the whole dataset's, when parts of it were embedded apart). */
    public DatasetRef withSamples(int count, String manifest) {
        return new DatasetRef(name, source, count, manifest, labelNames);
    }

    /** The one JSON form (snake_case keys; null fields left out). */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        putIfSet(m, "name", name);
        putIfSet(m, "source", source);
        putIfSet(m, "samples", samples);
        putIfSet(m, "manifest_sha256", manifestSha256);
        if (labelNames != null) {
            // sorted by tensor name, as sidecars have always written them
            m.put("label_names", new java.util.TreeMap<>(labelNames));
        }
        return m;
    }

    /**
     * Reads a dataset block leniently: every field is optional, {@code manifestSha256} and
     * {@code labelNames} are read as well; null when {@code object} is not an object. Label names
     * that are not lists of text are left out (the set still reads; its classes are then unnamed).
     */
    public static DatasetRef fromJson(JsonNode object) {
        if (object == null || !object.isObject()) {
            return null;
        }
        Long samples = ProvenanceJson.whole(object, "samples");
        Map<String, List<String>> labels = null;
        JsonNode ln = ProvenanceJson.field(object, "label_names");
        if (ln != null && ln.isObject()) {
            labels = new LinkedHashMap<>();
            for (var it = ln.fields(); it.hasNext(); ) {
                var e = it.next();
                if (!e.getValue().isArray()) {
                    continue;
                }
                List<String> names = new ArrayList<>();
                e.getValue().forEach(n -> names.add(n.asText()));
                labels.put(e.getKey(), names);
            }
        }
        return new DatasetRef(ProvenanceJson.text(object, "name"), ProvenanceJson.text(object, "source"),
                samples == null ? null : samples.intValue(), ProvenanceJson.text(object, "manifest_sha256"), labels);
    }

    static void putIfSet(Map<String, Object> m, String key, Object value) {
        if (value != null) {
            m.put(key, value);
        }
    }
}
