package org.encodertraces.erase;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.encodertraces.embed.EmbeddingSet;
import org.encodertraces.embed.SetProvenance;
import org.encodertraces.encoder.EncoderProvenance;
import org.encodertraces.provenance.ProvenanceJson;

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

    /**
     * Reads the identity from a set's provenance: the model key of the encoder's identity
     * ({@link EncoderProvenance.Identity#modelKey()}, the rule every reader of sets shares), the
     * model name the set records (else the built-in encoder's id, else the model file's name).
     */
    public static EncoderIdentity of(EmbeddingSet set) {
        SetProvenance p = set.provenance();
        EncoderProvenance.Identity id = p.identity();
        JsonNode enc = p.encoderJson();
        String model = firstText(p.model(), id == null ? null : id.builtin(), ProvenanceJson.text(enc, "model_file"));
        return new EncoderIdentity(model, id == null ? "" : id.modelKey(), set.dim());
    }

    /** The form an eraser's sidecar records it in: {@code model}, {@code model_sha256}, {@code dim}. */
    public java.util.Map<String, Object> toJson() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("model", model);
        m.put("model_sha256", modelSha256);
        m.put("dim", dim);
        return m;
    }

    /** Reads {@link #toJson()}'s form; a missing name or sha256 reads as "" (unknown), a missing width as {@code dim}. */
    public static EncoderIdentity fromJson(JsonNode n, int dim) {
        String model = ProvenanceJson.text(n, "model");
        String sha = ProvenanceJson.text(n, "model_sha256");
        Long d = ProvenanceJson.whole(n, "dim");
        return new EncoderIdentity(model == null ? "" : model, sha == null ? "" : sha, d == null ? dim : d.intValue());
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

    private static String firstText(String... texts) {
        for (String t : texts) {
            if (t != null && !t.isEmpty()) {
                return t;
            }
        }
        return "";
    }
}
