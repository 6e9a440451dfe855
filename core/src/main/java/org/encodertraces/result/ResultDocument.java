package org.encodertraces.result;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.encodertraces.provenance.ArtifactProvenance;
import org.encodertraces.provenance.Hashes;

/**
 * One experiment run's result, the one document type every experiment writes (probe, kNN, pair
 * retrieval, erasure evaluation, the audit's own documents, the training module's ablation): its
 * {@code experiment} kind, the input files with their sha256, the parameters, the metrics (each
 * figure with its n and chance where the experiment has them), per-class figures where it has
 * them, the experiment's further fields, and its provenance ({@link ArtifactProvenance}).
 *
 * <p>The document keeps its top-level keys in the order the experiment set them, so that each
 * experiment's JSON reads as it always did; {@link ResultFiles} writes it (JSON and CSV,
 * atomically) and {@link #read} reads any of them back. Reading is lenient: a key a later version
 * adds is kept and written back, a key an earlier version did not write reads as absent (the
 * typed accessors then give their default), and only a document without a textual
 * {@code experiment} kind is refused. The kind decides how the body is read ({@link ResultKind}).
 */
public final class ResultDocument {
    /** The key naming the experiment kind; every result document has it first. */
    public static final String EXPERIMENT = "experiment";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String experiment;
    private final Map<String, JsonNode> fields;

    private ResultDocument(String experiment, Map<String, JsonNode> fields) {
        this.experiment = Objects.requireNonNull(experiment, "experiment");
        this.fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /**
     * An input file of a run.
     *
     * @param role   what it is (e.g. "embeddings", "train OP_A", "split")
     * @param path   the path as given
     * @param sha256 hex digest of its bytes
     */
    public record Input(String role, String path, String sha256) {
        /** Describes a file, hashing its bytes. */
        public static Input of(String role, Path file) throws IOException {
            return new Input(role, file.toString(), Hashes.sha256(file));
        }
    }

    /** A new document of the given kind; its fields are set in the order they will be written. */
    public static Builder builder(String experiment) {
        return new Builder(experiment);
    }

    /** Sets a document's fields in order. */
    public static final class Builder {
        private final String experiment;
        private final Map<String, JsonNode> fields = new LinkedHashMap<>();

        private Builder(String experiment) {
            this.experiment = Objects.requireNonNull(experiment, "experiment");
            fields.put(EXPERIMENT, JsonNodeFactory.instance.textNode(experiment));
        }

        /**
         * Sets a field: a JSON tree as it is, anything else (maps in their order, lists, strings,
         * numbers, booleans, null) as Jackson writes it.
         */
        public Builder field(String key, Object value) {
            if (EXPERIMENT.equals(key)) {
                throw new IllegalArgumentException("the experiment kind is set when the document is begun");
            }
            fields.put(key, value instanceof JsonNode n ? n : MAPPER.valueToTree(value));
            return this;
        }

        /** The input files, each with role, path and sha256. */
        public Builder inputs(List<Input> inputs) {
            ArrayNode a = JsonNodeFactory.instance.arrayNode();
            for (Input i : inputs) {
                a.addObject().put("role", i.role()).put("path", i.path()).put("sha256", i.sha256());
            }
            return field(ResultKind.INPUTS, a);
        }

        /** The parameters. */
        public Builder parameters(Object parameters) {
            return field(ResultKind.PARAMETERS, parameters);
        }

        /** The metrics. */
        public Builder metrics(Object metrics) {
            return field(ResultKind.METRICS, metrics);
        }

        /** The provenance. */
        public Builder provenance(ArtifactProvenance provenance) {
            return field(ResultKind.PROVENANCE, provenance.toJsonNode());
        }

        /** The document. */
        public ResultDocument build() {
            return new ResultDocument(experiment, fields);
        }
    }

    /** The experiment kind as written (the audit's probe documents write their task here). */
    public String experiment() {
        return experiment;
    }

    /** How the body is read. */
    public ResultKind kind() {
        return ResultKind.of(this);
    }

    /** The top-level keys in order. */
    public List<String> keys() {
        return List.copyOf(fields.keySet());
    }

    /** A top-level field, or null when absent. */
    public JsonNode field(String key) {
        return fields.get(key);
    }

    /** The task, or null when the document has none. */
    public String task() {
        JsonNode t = fields.get("task");
        return t != null && t.isTextual() ? t.textValue() : null;
    }

    /** The input files (empty when none were recorded); entries missing a part read it as an empty string. */
    public List<Input> inputs() {
        List<Input> out = new ArrayList<>();
        JsonNode a = fields.get(ResultKind.INPUTS);
        if (a != null && a.isArray()) {
            for (JsonNode n : a) {
                out.add(new Input(n.path("role").asText(""), n.path("path").asText(""), n.path("sha256").asText("")));
            }
        }
        return out;
    }

    /** The parameters (an empty object when absent). */
    public JsonNode parameters() {
        JsonNode p = fields.get(ResultKind.PARAMETERS);
        return p == null ? JsonNodeFactory.instance.objectNode() : p;
    }

    /** The metrics as written (an empty object when absent); {@link #figures()} reads them. */
    public JsonNode metrics() {
        JsonNode m = fields.get(ResultKind.METRICS);
        return m == null ? JsonNodeFactory.instance.objectNode() : m;
    }

    /** The per-class figures (under the key the kind uses), or null when the document has none. */
    public JsonNode perClass() {
        String k = kind().perClassKey();
        return k == null ? null : fields.get(k);
    }

    /** The provenance read leniently, or null when the document carries none. */
    public ArtifactProvenance provenance() {
        JsonNode p = fields.get(ResultKind.PROVENANCE);
        return p == null || !p.isObject() ? null : ArtifactProvenance.fromJson(p);
    }

    /** The headline figures, each with its n and chance where the experiment records them. */
    public List<Figure> figures() {
        return kind().figures(this);
    }

    /** The document as a JSON tree, keys in order. */
    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        fields.forEach(o::set);
        return o;
    }

    /**
     * The document in {@code json}.
     *
     * @param where the file it came from, for the error
     * @throws IllegalArgumentException when it is not an object with a textual {@code experiment} kind
     */
    public static ResultDocument fromJson(JsonNode json, String where) {
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException(where + ": not a result document (not a JSON object)");
        }
        String kind = kindOf(json);
        if (kind == null) {
            throw new IllegalArgumentException(where + ": not a result document (no \"experiment\" kind)");
        }
        Map<String, JsonNode> f = new LinkedHashMap<>();
        json.fields().forEachRemaining(x -> f.put(x.getKey(), x.getValue()));
        return new ResultDocument(kind, f);
    }

    /**
     * The experiment kind of a JSON value, or null when it is not a result document: the non-blank
     * text under {@code experiment}, or {@code ablation} for an ablation written before the one
     * document (it named itself under {@code kind}, the only document that did).
     */
    public static String kindOf(JsonNode json) {
        if (json == null || !json.isObject()) {
            return null;
        }
        JsonNode e = json.get(EXPERIMENT);
        if (e != null && e.isTextual() && !e.textValue().isBlank()) {
            return e.textValue();
        }
        if (e == null && "ablation".equals(json.path("kind").asText(null)) && json.has("runs")) {
            return "ablation";
        }
        return null;
    }

    /**
     * Reads a result document.
     *
     * @throws IOException naming the file when it cannot be read, is not JSON, or is not a result document
     */
    public static ResultDocument read(Path file) throws IOException {
        JsonNode n;
        try {
            n = MAPPER.readTree(Files.readString(file));
        } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
            throw new IOException(file + ": not a result document (not JSON: " + ex.getOriginalMessage() + ")", ex);
        } catch (java.nio.charset.MalformedInputException ex) {
            throw new IOException(file + ": not a result document (not UTF-8 text)", ex);
        }
        try {
            return fromJson(n, file.toString());
        } catch (IllegalArgumentException ex) {
            throw new IOException(ex.getMessage(), ex);
        }
    }
}
