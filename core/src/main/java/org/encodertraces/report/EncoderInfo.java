package org.encodertraces.report;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Objects;
import org.encodertraces.encoder.RegistryEntry;

/**
 * One encoder as the report names it.
 *
 * @param id the id used in every result row (registry id, {@code builtin:...} or a file name)
 * @param displayName the name shown in charts and tables
 * @param family CVL, SUP, SSL or REF
 * @param studyName the encoder's name in the study's result tables, exactly as there; null when
 *     the study did not evaluate it, in which case no study figure is shown beside it
 * @param modelSha256 sha256 of the model file, or null for built-in encoders without one
 * @param embeddingDim length of the embedding
 */
public record EncoderInfo(String id, String displayName, EncoderGroup family, String studyName,
                          String modelSha256, int embeddingDim) {
    /** Validates. */
    public EncoderInfo {
        Objects.requireNonNull(id, "encoder id");
        Objects.requireNonNull(family, id + ": family");
        if (displayName == null || displayName.isBlank()) {
            displayName = id;
        }
        if (embeddingDim < 0) {
            throw new IllegalArgumentException(id + ": embeddingDim must be non-negative, got " + embeddingDim);
        }
    }

    /**
     * The report's view of a registry entry: its study name carries the mapping to the study's
     * tables; an entry outside the study is shown by its architecture and training data rather
     * than its id.
     */
    public static EncoderInfo of(RegistryEntry entry, String modelSha256) {
        String name = entry.studyName() != null ? entry.studyName()
                : entry.architecture() + ", " + entry.trainingData();
        return new EncoderInfo(entry.id(), name, EncoderGroup.of(entry.family()), entry.studyName(), modelSha256,
                entry.embeddingDim());
    }

    /** Whether this is a reference (yardstick) encoder. */
    @JsonIgnore
    public boolean isReference() {
        return family == EncoderGroup.REF;
    }
}
