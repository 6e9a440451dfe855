package org.encodertraces.provenance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The key convention and the lenient reading rules every provenance record shares.
 *
 * <p>Keys are snake_case everywhere. A key an earlier version wrote under another name is still
 * read ({@link #FORMER_NAMES} lists each one), and a field a later version adds reads as absent
 * (null) here, as Tribuo reads provenance written by older releases. Values are normalised
 * through JSON text, so that a record built in memory equals the same record read from a file
 * (an {@code int} and a {@code long} 5 are the same number once written).
 */
public final class ProvenanceJson {
    /**
     * Keys renamed when provenance became one typed record (the former name -> the name written
     * now); readers accept both. {@code start}/{@code end} were the kNN and retrieval results'
     * times, the camelCase keys the preprocessing spec inside sidecars' encoder block.
     */
    public static final Map<String, String> FORMER_NAMES = Collections.unmodifiableMap(formerNames());

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ProvenanceJson() {
    }

    private static Map<String, String> formerNames() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("start", "started");
        m.put("end", "finished");
        m.put("manifestSha256", "manifest_sha256");
        m.put("labelNames", "label_names");
        m.put("resizeSize", "resize_size");
        m.put("resizeMode", "resize_mode");
        m.put("cropSize", "crop_size");
        m.put("channelOrder", "channel_order");
        m.put("maskAfterCrop", "mask_after_crop");
        return m;
    }

    /** The mapper the records read and write with (plain: no naming strategy, keys as the records give them). */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * The value of {@code name} in {@code object}, else of the first former name of it that is
     * present ({@link #FORMER_NAMES}); null when none is (or {@code object} is not an object).
     */
    public static JsonNode field(JsonNode object, String name) {
        if (object == null || !object.isObject()) {
            return null;
        }
        JsonNode v = object.get(name);
        if (v != null) {
            return v;
        }
        for (Map.Entry<String, String> e : FORMER_NAMES.entrySet()) {
            if (e.getValue().equals(name) && object.has(e.getKey())) {
                return object.get(e.getKey());
            }
        }
        return null;
    }

    /** Whether {@code object} holds {@code name} under it or a former name. */
    public static boolean has(JsonNode object, String name) {
        return field(object, name) != null;
    }

    /** A text field (or former name), null when absent, JSON null or not text. */
    public static String text(JsonNode object, String name) {
        JsonNode v = field(object, name);
        return v != null && v.isTextual() ? v.textValue() : null;
    }

    /** A whole-number field, null when absent or not a whole number. */
    public static Long whole(JsonNode object, String name) {
        JsonNode v = field(object, name);
        return v != null && v.isIntegralNumber() && v.canConvertToLong() ? v.longValue() : null;
    }

    /** A boolean field, null when absent or not a boolean. */
    public static Boolean bool(JsonNode object, String name) {
        JsonNode v = field(object, name);
        return v != null && v.isBoolean() ? v.booleanValue() : null;
    }

    /**
     * A list field read element by element with {@code reader}: null when absent, not an array, or
     * when any element reads as null (a list is read whole or kept as it was).
     */
    public static <T> java.util.List<T> list(JsonNode object, String name, java.util.function.Function<JsonNode, T> reader) {
        JsonNode v = field(object, name);
        if (v == null || !v.isArray()) {
            return null;
        }
        java.util.List<T> out = new java.util.ArrayList<>();
        for (JsonNode n : v) {
            T t = reader.apply(n);
            if (t == null) {
                return null;
            }
            out.add(t);
        }
        return out;
    }

    /** A time stamp field ({@link Instant#toString()} form), null when absent or unreadable. */
    public static Instant instant(JsonNode object, String name) {
        String t = text(object, name);
        if (t == null) {
            return null;
        }
        try {
            return Instant.parse(t);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /**
     * {@code value} as plain Java data read back from its JSON text: maps (in key order), lists,
     * strings, booleans, null, and numbers as JSON readers see them (Integer, Long or Double).
     */
    public static Object plain(Object value) {
        try {
            return MAPPER.readValue(MAPPER.writeValueAsString(value), Object.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not representable as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** {@code value} as a JSON tree, normalised the same way as {@link #plain}. */
    public static JsonNode tree(Object value) {
        try {
            return MAPPER.readTree(MAPPER.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not representable as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** A record's {@code toJson()} map as a JSON object tree, to set into a document built with Jackson nodes. */
    public static ObjectNode object(Map<String, ?> json) {
        return (ObjectNode) tree(json);
    }

    /** {@code value} as compact JSON text (how messages quote a recorded value). */
    public static String compact(Object value) {
        return tree(value).toString();
    }
}
