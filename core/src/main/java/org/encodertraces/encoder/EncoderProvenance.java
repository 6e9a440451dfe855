package org.encodertraces.encoder;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.encodertraces.provenance.Platform;
import org.encodertraces.provenance.ProvenanceJson;

/**
 * What produced an encoder's embeddings, as one typed value with one JSON writer: the runtime
 * that ran the model file (or the built-in feature definition), the file's sha256, the input and
 * embedding tensors, pooling and normalisation, the preprocessing, the platform, and the
 * encoder's description. Every artifact that records an encoder (embedding-set sidecars, results,
 * the report) writes it through {@link #toJson()}, whose keys are stable: tools compare recorded
 * sidecars by them, and reads it back through {@link #fromJson}.
 *
 * <p>What the embeddings depend on, and so whether two sets were made by the same encoder, is
 * {@link #identity()}: the one rule that the reuse of embedding sets, Spark's assembly of parts
 * and the erasers' check of which encoder they apply to all use.
 *
 * @param runtime the ONNX runtime set-up, or null for a built-in encoder
 * @param builtin the built-in feature definition, or null for an ONNX model
 * @param embeddingDim length of the embedding
 * @param preprocessing the preprocessing
 * @param platform where it ran
 * @param description what the encoder is, or null when nobody said (a bare {@link OnnxEncoder})
 */
public record EncoderProvenance(Runtime runtime, Builtin builtin, int embeddingDim, PreprocessSpec preprocessing,
                                Platform platform, EncoderDescription description) {
    /** Validates: exactly one of runtime and built-in. */
    public EncoderProvenance {
        Objects.requireNonNull(preprocessing, "preprocessing");
        Objects.requireNonNull(platform, "platform");
        if ((runtime == null) == (builtin == null)) {
            throw new IllegalArgumentException("exactly one of runtime and builtin");
        }
    }

    /**
     * An ONNX model run by ONNX Runtime.
     *
     * @param version ONNX Runtime's version
     * @param provider execution provider
     * @param cudaDevice CUDA device, or null on CPU
     * @param intraOpThreads intra-op threads; 0 = ONNX Runtime's default
     * @param modelFile the model file's name
     * @param modelSha256 its sha256
     * @param editedOutput the tensor appended as an output (the model was edited), or null
     * @param inputName the input fed
     * @param embedding the embedding tensor, pooling and normalisation
     */
    public record Runtime(String version, ExecutionProvider provider, Integer cudaDevice, int intraOpThreads, String modelFile,
                          String modelSha256, String editedOutput, String inputName, EmbeddingSelection embedding) {
    }

    /**
     * A built-in encoder computing hand-made features.
     *
     * @param id its id
     * @param featureVersion version of the feature definition
     * @param definition one-line description of the features
     */
    public record Builtin(String id, int featureVersion, String definition) {
    }

    /** A copy with the encoder's description. */
    public EncoderProvenance describedAs(EncoderDescription d) {
        return new EncoderProvenance(runtime, builtin, embeddingDim, preprocessing, platform, d);
    }

    /** A copy with the embedding length. */
    public EncoderProvenance withEmbeddingDim(int dim) {
        return new EncoderProvenance(runtime, builtin, dim, preprocessing, platform, description);
    }

    /** The one JSON form (snake_case keys, stable order; the keys sidecars have always carried). */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (runtime != null) {
            m.put("runtime", "onnxruntime");
            m.put("onnxruntime_version", runtime.version());
            m.put("execution_provider", runtime.provider().name());
            if (runtime.cudaDevice() != null) {
                m.put("cuda_device", runtime.cudaDevice());
            }
            m.put("intra_op_threads", runtime.intraOpThreads() == 0 ? "default" : runtime.intraOpThreads());
            m.put("model_file", runtime.modelFile());
            m.put("model_sha256", runtime.modelSha256());
            m.put("model_edited", runtime.editedOutput() != null ? "output '" + runtime.editedOutput() + "' appended" : "no");
            m.put("input_name", runtime.inputName());
            m.put("output_name", runtime.embedding().tensor());
            m.put("pooling", runtime.embedding().pooling().name());
            m.put("l2_normalize", runtime.embedding().l2Normalize());
            m.put("preprocessing", preprocessing.toJson());
            m.put("platform", platform.toJson());
            m.put("embedding_dim", embeddingDim);
        } else {
            m.put("encoder", builtin.id());
            m.put("kind", "built-in pixel statistics (no weights)");
            m.put("feature_version", builtin.featureVersion());
            m.put("description", builtin.definition());
            m.put("embedding_dim", embeddingDim);
            m.put("preprocessing", preprocessing.toJson());
            m.put("tool_version", platform.toolVersion());
        }
        if (description != null) {
            m.put("encoder_id", description.id());
            m.put("display_name", description.displayName());
            m.put("family", description.family().name());
            m.put("study_name", description.studyName());
            m.put("model_source", description.source());
        }
        return m;
    }

    /** What the embeddings depend on: {@link Identity#of(EncoderProvenance)}. */
    public Identity identity() {
        return Identity.of(this);
    }

    /**
     * Which encoder computed a set of embeddings, as far as the numbers depend on it: the model
     * file's sha256 (for a built-in encoder its id and feature version), the preprocessing, the
     * input and output tensors, pooling, L2 normalisation, whether the model was edited, and the
     * embedding length. Where the model ran (runtime version, provider, threads, platform) and what
     * it is called are not part of it. Two sets whose identities are equal were made by the same
     * encoder; a field a recorded block does not hold is null and compares as such.
     *
     * @param modelSha256 the ONNX model file's sha256, or null
     * @param builtin a built-in encoder's id, or null
     * @param featureVersion a built-in encoder's feature version, or null
     * @param preprocessing the preprocessing, or null when not recorded (or not readable)
     * @param inputName the input tensor fed, or null
     * @param outputName the embedding tensor, or null
     * @param pooling the pooling's name, or null
     * @param l2Normalize whether embeddings are L2-normalised, or null
     * @param modelEdited {@code output 'T' appended} or {@code no}, or null
     * @param embeddingDim the embedding length, or null
     */
    public record Identity(String modelSha256, String builtin, Integer featureVersion, PreprocessSpec preprocessing,
                           String inputName, String outputName, String pooling, Boolean l2Normalize, String modelEdited,
                           Integer embeddingDim) {

        /** The identity of an encoder's provenance: exactly what its JSON form records of these fields. */
        public static Identity of(EncoderProvenance p) {
            Runtime r = p.runtime();
            if (r != null) {
                return new Identity(r.modelSha256(), null, null, p.preprocessing(), r.inputName(), r.embedding().tensor(),
                        r.embedding().pooling().name(), r.embedding().l2Normalize(),
                        r.editedOutput() != null ? "output '" + r.editedOutput() + "' appended" : "no", p.embeddingDim());
            }
            return new Identity(null, p.builtin().id(), p.builtin().featureVersion(), p.preprocessing(), null, null, null, null, null,
                    p.embeddingDim());
        }

        /**
         * The identity a recorded encoder block states, read leniently from any version's sidecar (a
         * preprocessing spec in camelCase, a partial block written by another tool): each field is what
         * the block holds, or null.
         */
        public static Identity fromJson(JsonNode encoder) {
            Long dim = ProvenanceJson.whole(encoder, "embedding_dim");
            Long features = ProvenanceJson.whole(encoder, "feature_version");
            JsonNode pre = ProvenanceJson.field(encoder, "preprocessing");
            String sha = ProvenanceJson.text(encoder, "model_sha256");
            return new Identity(sha != null ? sha : ProvenanceJson.text(encoder, "sha256"), ProvenanceJson.text(encoder, "encoder"),
                    features == null ? null : features.intValue(), pre == null ? null : PreprocessSpec.fromJson(pre),
                    ProvenanceJson.text(encoder, "input_name"), ProvenanceJson.text(encoder, "output_name"),
                    ProvenanceJson.text(encoder, "pooling"), ProvenanceJson.bool(encoder, "l2_normalize"),
                    ProvenanceJson.text(encoder, "model_edited"), dim == null ? null : dim.intValue());
        }

        /**
         * The model's key, as erasers record it: the model file's sha256, for a built-in encoder
         * {@code builtin:ID@features-vN}, or "" when the identity names no model.
         */
        public String modelKey() {
            if (modelSha256 != null && !modelSha256.isEmpty()) {
                return modelSha256;
            }
            if (builtin != null && featureVersion != null) {
                return builtin + "@features-v" + featureVersion;
            }
            return "";
        }

        /** The identity's fields that are set, snake_case as in the encoder block. */
        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            put(m, "model_sha256", modelSha256);
            put(m, "encoder", builtin);
            put(m, "feature_version", featureVersion);
            put(m, "preprocessing", preprocessing == null ? null : preprocessing.toJson());
            put(m, "input_name", inputName);
            put(m, "output_name", outputName);
            put(m, "pooling", pooling);
            put(m, "l2_normalize", l2Normalize);
            put(m, "model_edited", modelEdited);
            put(m, "embedding_dim", embeddingDim);
            return m;
        }

        /** Compact JSON of the fields that are set, as messages quote an identity. */
        @Override
        public String toString() {
            return ProvenanceJson.compact(toJson());
        }

        private static void put(Map<String, Object> m, String k, Object v) {
            if (v != null) {
                m.put(k, v);
            }
        }
    }

    /**
     * Reads an encoder block as {@link #toJson()} wrote it, in this or an earlier version (the
     * preprocessing spec in camelCase before typed provenance); null when the block is not a whole
     * one this build can read (a partial block another tool wrote, an unknown runtime): the caller
     * keeps such a block as it was, and {@link Identity#fromJson} still reads what it states.
     */
    public static EncoderProvenance fromJson(JsonNode n) {
        if (n == null || !n.isObject()) {
            return null;
        }
        PreprocessSpec pre = PreprocessSpec.fromJson(ProvenanceJson.field(n, "preprocessing"));
        Long dim = ProvenanceJson.whole(n, "embedding_dim");
        if (pre == null || dim == null) {
            return null;
        }
        EncoderProvenance p;
        try {
            if ("onnxruntime".equals(ProvenanceJson.text(n, "runtime"))) {
                String version = ProvenanceJson.text(n, "onnxruntime_version");
                String provider = ProvenanceJson.text(n, "execution_provider");
                Long cuda = ProvenanceJson.whole(n, "cuda_device");
                JsonNode threads = ProvenanceJson.field(n, "intra_op_threads");
                String edited = ProvenanceJson.text(n, "model_edited");
                String output = ProvenanceJson.text(n, "output_name");
                String pooling = ProvenanceJson.text(n, "pooling");
                Boolean l2 = ProvenanceJson.bool(n, "l2_normalize");
                Platform platform = Platform.fromJson(ProvenanceJson.field(n, "platform"));
                if (version == null || provider == null || threads == null || edited == null || output == null || pooling == null
                        || l2 == null || platform == null) {
                    return null;
                }
                int intra;
                if (threads.isIntegralNumber()) {
                    intra = threads.intValue();
                } else if ("default".equals(threads.asText())) {
                    intra = 0;
                } else {
                    return null;
                }
                String editedOutput = null;
                if (!edited.equals("no")) {
                    if (!edited.startsWith("output '") || !edited.endsWith("' appended")) {
                        return null;
                    }
                    editedOutput = edited.substring("output '".length(), edited.length() - "' appended".length());
                }
                Runtime r = new Runtime(version, ExecutionProvider.valueOf(provider), cuda == null ? null : cuda.intValue(), intra,
                        ProvenanceJson.text(n, "model_file"), ProvenanceJson.text(n, "model_sha256"), editedOutput,
                        ProvenanceJson.text(n, "input_name"), new EmbeddingSelection(output, Pooling.valueOf(pooling), l2));
                p = new EncoderProvenance(r, null, dim.intValue(), pre, platform, null);
            } else {
                String id = ProvenanceJson.text(n, "encoder");
                Long features = ProvenanceJson.whole(n, "feature_version");
                if (id == null || features == null || ProvenanceJson.has(n, "runtime")) {
                    return null;
                }
                p = new EncoderProvenance(null, new Builtin(id, features.intValue(), ProvenanceJson.text(n, "description")), dim.intValue(),
                        pre, Platform.ofToolVersion(ProvenanceJson.text(n, "tool_version")), null);
            }
            String describedId = ProvenanceJson.text(n, "encoder_id");
            String family = ProvenanceJson.text(n, "family");
            if (describedId != null && family != null) {
                p = p.describedAs(new EncoderDescription(describedId, ProvenanceJson.text(n, "display_name"), EncoderFamily.valueOf(family),
                        ProvenanceJson.text(n, "study_name"), p.runtime() == null ? null : p.runtime().modelSha256(), pre, dim.intValue(),
                        ProvenanceJson.text(n, "model_source")));
            }
            return p;
        } catch (IllegalArgumentException | NullPointerException e) {
            return null; // an unknown provider, pooling or family, or a missing required name
        }
    }
}
