package org.encodertraces.erase;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.encodertraces.embed.EmbeddingSet;

/**
 * Which encoder made an embedding set, as far as its provenance tells: the model name, the model
 * file's sha256 (for built-in encoders, their id and feature version) and the embedding width.
 *
 * <p>An eraser is a map on one encoder's embedding space; applied to another encoder's embeddings
 * it is meaningless even when the widths agree, so {@link #requireSame} refuses that.
 *
 * @param model      the model name the set records ({@code mobilenetv2-int8}), or "" when unknown
 * @param modelSha256 the model file's sha256, {@code builtin:ID@features-vN} for a built-in encoder, or "" when unknown
 * @param dim        the embedding width D
 */
public record EncoderIdentity(String model, String modelSha256, int dim) {

    /** Reads the identity from a set's provenance (the {@code encoder} block written by extraction). */
    public static EncoderIdentity of(EmbeddingSet set) {
        JsonNode p = set.provenance();
        JsonNode enc = p.path("encoder");
        String sha = firstText(enc.path("model_sha256"), enc.path("sha256"), p.path("model_sha256"));
        if (sha.isEmpty() && enc.has("feature_version") && enc.path("encoder").isTextual()) {
            sha = enc.path("encoder").asText() + "@features-v" + enc.path("feature_version").asText();
        }
        String model = firstText(p.path("model"), enc.path("encoder"), enc.path("model_file"));
        return new EncoderIdentity(model, sha, set.dim());
    }

    /** Whether the model sha256 is known. */
    public boolean known() {
        return !modelSha256.isEmpty();
    }

    /**
     * Refuses a set made by another encoder than this identity (the eraser's): another width, another
     * model sha256, or, when this identity knows its model, a set that does not say which model made it.
     *
     * @param eraserFile the eraser, for the message
     * @param setFile    the set, for the message
     * @throws IllegalArgumentException naming both files and the difference
     */
    public void requireSame(EncoderIdentity set, Path eraserFile, Path setFile) {
        if (set.dim != dim) {
            throw new IllegalArgumentException(setFile + " holds " + set.dim + "-dimensional embeddings" + by(set) + ", but the eraser "
                    + eraserFile + " was fitted on " + dim + "-dimensional embeddings" + by(this)
                    + ": an eraser applies only to embeddings of the encoder it was fitted on");
        }
        if (known() && !set.known()) {
            throw new IllegalArgumentException(setFile + " does not say which encoder made it (no model sha256 in its provenance), and the eraser "
                    + eraserFile + " was fitted on embeddings" + by(this) + ": refusing to apply it to embeddings of unknown origin");
        }
        if (known() && !modelSha256.equals(set.modelSha256)) {
            throw new IllegalArgumentException(setFile + " was made by another encoder" + by(set) + " than the one the eraser " + eraserFile
                    + " was fitted on" + by(this) + ": an eraser applies only to embeddings of the encoder it was fitted on");
        }
    }

    private static String by(EncoderIdentity e) {
        String name = e.model.isEmpty() ? "an unnamed model" : e.model;
        return " of " + name + (e.known() ? " (sha256 " + e.modelSha256 + ")" : "");
    }

    private static String firstText(JsonNode... nodes) {
        for (JsonNode n : nodes) {
            if (n.isTextual() && !n.asText().isEmpty()) {
                return n.asText();
            }
        }
        return "";
    }
}
