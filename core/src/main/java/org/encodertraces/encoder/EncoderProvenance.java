package org.encodertraces.encoder;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.encodertraces.provenance.Platform;

/**
 * What produced an encoder's embeddings, as one typed value with one JSON writer: the runtime
 * that ran the model file (or the built-in feature definition), the file's sha256, the input and
 * embedding tensors, pooling and normalisation, the preprocessing, the platform, and the
 * encoder's description. Every artifact that records an encoder (embedding-set sidecars, results,
 * the report) writes it through {@link #toJson()}, whose keys are stable: tools compare recorded
 * sidecars by them.
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
            m.put("preprocessing", preprocessing);
            m.put("platform", platform.toJson());
            m.put("embedding_dim", embeddingDim);
        } else {
            m.put("encoder", builtin.id());
            m.put("kind", "built-in pixel statistics (no weights)");
            m.put("feature_version", builtin.featureVersion());
            m.put("description", builtin.definition());
            m.put("embedding_dim", embeddingDim);
            m.put("preprocessing", preprocessing);
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
}
