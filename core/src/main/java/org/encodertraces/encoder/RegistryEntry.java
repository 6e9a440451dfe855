package org.encodertraces.encoder;

import java.util.Objects;

/**
 * One encoder of the registry: its stable id, the name the study's tables give it, what it is,
 * how to preprocess for it, which tensor is its embedding, and where its ONNX file comes from.
 *
 * @param id stable id, lowercase letters, digits and dashes
 * @param studyName the encoder's name in the paper's result tables, or null for models outside the study
 * @param family CVL, SUP or SSL
 * @param architecture backbone, such as {@code ViT-B/16} or {@code RN50x4}
 * @param trainingData pre-training data, such as {@code WIT} or {@code LAION-2B}
 * @param embeddingDim length of the embedding
 * @param inputName the image input of the ONNX file, or null when it has only one input
 * @param embedding which tensor is the embedding and how it is pooled
 * @param preprocessing the study's preprocessing for it (resize size equal to crop size)
 * @param nativeResizeSize the resize size of the model library's own evaluation transform (its
 *     {@code crop_pct}), for runs that want it instead of the study's; null when the same
 * @param preprocessingSource where the preprocessing values come from (file and constant)
 * @param source where the ONNX file comes from
 * @param notes caveats, or null
 */
public record RegistryEntry(String id, String studyName, EncoderFamily family, String architecture,
                            String trainingData, int embeddingDim, String inputName, EmbeddingSelection embedding,
                            PreprocessSpec preprocessing, Integer nativeResizeSize, String preprocessingSource,
                            ModelSource source, String notes) implements java.io.Serializable {
    /** Validates. */
    public RegistryEntry {
        Objects.requireNonNull(id, "id");
        if (!id.matches("[a-z0-9][a-z0-9-]*")) {
            throw new IllegalArgumentException("registry id must be lowercase letters, digits and dashes: " + id);
        }
        Objects.requireNonNull(family, id + ": family");
        Objects.requireNonNull(architecture, id + ": architecture");
        Objects.requireNonNull(trainingData, id + ": trainingData");
        Objects.requireNonNull(embedding, id + ": embedding");
        Objects.requireNonNull(preprocessing, id + ": preprocessing");
        Objects.requireNonNull(preprocessingSource, id + ": preprocessingSource");
        Objects.requireNonNull(source, id + ": source");
        if (embeddingDim <= 0) {
            throw new IllegalArgumentException(id + ": embeddingDim must be positive, got " + embeddingDim);
        }
        if (nativeResizeSize != null && nativeResizeSize < preprocessing.cropSize()) {
            throw new IllegalArgumentException(id + ": nativeResizeSize " + nativeResizeSize + " below crop size "
                    + preprocessing.cropSize());
        }
    }

    /** Whether the entry is one of the study's encoders. */
    public boolean inStudy() {
        return studyName != null;
    }
}
