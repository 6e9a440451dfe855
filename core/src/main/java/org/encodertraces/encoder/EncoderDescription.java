package org.encodertraces.encoder;

import java.util.Objects;

/**
 * What an encoder says about itself: the id results are filed under, the name to show, its
 * family, the study's name for it when it is one of the study's encoders, the model file's
 * sha256 and its preprocessing. Reports and audits read this instead of inspecting model
 * strings.
 *
 * @param id the id in result rows (registry id, {@code builtin:...}, a file's stem, {@code id@stem} when declared)
 * @param displayName the name shown in charts and tables
 * @param family CVL, SUP, SSL, REF or OTHER
 * @param studyName the encoder's name in the study's tables, or null when the study did not evaluate it
 * @param modelSha256 sha256 of the model file, or null for encoders without one
 * @param preprocessing how images are preprocessed for it
 * @param embeddingDim length of the embedding
 * @param source where it came from (registry entry, file, Hub file, built-in), for provenance
 */
public record EncoderDescription(String id, String displayName, EncoderFamily family, String studyName,
                                 String modelSha256, PreprocessSpec preprocessing, int embeddingDim, String source) {
    /** Validates. */
    public EncoderDescription {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(family, id + ": family");
        Objects.requireNonNull(preprocessing, id + ": preprocessing");
        if (displayName == null || displayName.isBlank()) {
            displayName = id;
        }
    }

    /** Whether this is a built-in reference (yardstick) encoder. */
    public boolean isReference() {
        return family == EncoderFamily.REF;
    }
}
