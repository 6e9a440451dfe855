package org.encodertraces.encoder;

import java.util.Objects;

/**
 * Which model tensor is the embedding and what is done to it: a graph output or an
 * intermediate tensor (promoted to an output by editing the model), then pooling, then
 * optional L2 normalisation.
 *
 * @param tensor name of a graph output or of a tensor some node produces
 * @param pooling how the tensor becomes one vector per image
 * @param l2Normalize whether each embedding is scaled to unit length
 */
public record EmbeddingSelection(String tensor, Pooling pooling, boolean l2Normalize) implements java.io.Serializable {
    /** Validates. */
    public EmbeddingSelection {
        Objects.requireNonNull(tensor, "tensor");
        Objects.requireNonNull(pooling, "pooling");
        if (tensor.isEmpty()) {
            throw new IllegalArgumentException("empty tensor name");
        }
    }

    /** A graph output taken as it is, without normalisation. */
    public static EmbeddingSelection output(String name) {
        return new EmbeddingSelection(name, Pooling.NONE, false);
    }
}
