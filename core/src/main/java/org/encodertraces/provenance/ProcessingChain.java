package org.encodertraces.provenance;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A processing operation as provenance records it: its name and its steps in order, each step its
 * kind and parameters ({@code {"kind": "jpeg", "quality": 95, "subsampling": "4:4:4", "codec": ...}}),
 * without per-image draws. The JPEG steps name the codec that ran, so a chain made with another
 * codec is another chain.
 *
 * <p>Steps stay parameter maps: each kind of step has its own parameters, and the chain is only
 * compared and shown, never re-run from here ({@code process.ProcessingOp} runs operations).
 *
 * @param operation the operation's name ({@code SHARPEN_4}, {@code JPEG75_420+BORDER_90})
 * @param steps each step's kind and parameters, normalised as read from JSON
 */
public record ProcessingChain(String operation, List<Map<String, Object>> steps) {
    /** Normalises the steps (numbers as read back from JSON) and copies them. */
    @SuppressWarnings("unchecked")
    public ProcessingChain {
        java.util.Objects.requireNonNull(operation, "operation");
        List<Map<String, Object>> copy = new ArrayList<>();
        for (Object s : (List<Object>) ProvenanceJson.plain(steps)) {
            copy.add(Collections.unmodifiableMap(new LinkedHashMap<>((Map<String, Object>) s)));
        }
        steps = Collections.unmodifiableList(copy);
    }

    /** The codecs the chain's steps name (a JPEG step's {@code codec}), in step order. */
    public List<String> codecs() {
        List<String> c = new ArrayList<>();
        for (Map<String, Object> s : steps) {
            if (s.get("codec") instanceof String name && !c.contains(name)) {
                c.add(name);
            }
        }
        return c;
    }

    /**
     * The one JSON form: {@code operation}, then {@code steps}, each step's keys in the order the
     * step gave them ({@code kind} first; sidecars before typed provenance sorted them, which reads the same).
     */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("operation", operation);
        m.put("steps", steps);
        return m;
    }

    /** The chain as compact JSON, as messages quote it. */
    @Override
    public String toString() {
        return ProvenanceJson.compact(toJson());
    }

    /**
     * Reads a chain: an object with a text {@code operation} and a {@code steps} array of objects;
     * null for anything else (the caller keeps such a value as it was, unread).
     */
    @SuppressWarnings("unchecked")
    public static ProcessingChain fromJson(JsonNode object) {
        String op = ProvenanceJson.text(object, "operation");
        JsonNode steps = ProvenanceJson.field(object, "steps");
        if (op == null || steps == null || !steps.isArray()) {
            return null;
        }
        List<Map<String, Object>> s = new ArrayList<>();
        for (JsonNode step : steps) {
            if (!step.isObject()) {
                return null;
            }
            s.add((Map<String, Object>) ProvenanceJson.plain(step));
        }
        return new ProcessingChain(op, s);
    }
}
