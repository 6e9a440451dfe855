package org.encodertraces.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The shape of a trainable encoder: a residual CNN (CIFAR-style ResNet: a 3x3 stem, {@code stages}
 * stages of {@code depth} basic blocks each, width doubling and resolution halving from stage to
 * stage, global average pooling to the embedding, a linear classifier on top for training).
 *
 * <p>Why a record of its own: the same value builds the DJL network, names the ONNX export and
 * travels in the training provenance, so an encoder says exactly what it is.
 *
 * @param kind      the family; only {@code resnet} for now
 * @param width     channels of the stem and the first stage (later stages double it)
 * @param depth     basic blocks per stage
 * @param stages    number of stages (each after the first halves the resolution)
 * @param inputSize side of the square input in pixels (32 to 96)
 */
public record Architecture(String kind, int width, int depth, int stages, int inputSize) {
    public Architecture {
        if (!kind.equals("resnet")) {
            throw new IllegalArgumentException("unknown architecture '" + kind + "' (known: resnet)");
        }
        if (width < 1 || width > 512) {
            throw new IllegalArgumentException("width must be in 1..512, got " + width);
        }
        if (depth < 1 || depth > 16) {
            throw new IllegalArgumentException("depth (blocks per stage) must be in 1..16, got " + depth);
        }
        if (stages < 1 || stages > 4) {
            throw new IllegalArgumentException("stages must be in 1..4, got " + stages);
        }
        if (inputSize < 32 || inputSize > 96) {
            throw new IllegalArgumentException("input size must be in 32..96 pixels, got " + inputSize);
        }
    }

    /** Channels of the embedding (the last stage's width). */
    public int embeddingDim() {
        return width << (stages - 1);
    }

    /** Channels of stage {@code s}. */
    public int stageWidth(int s) {
        return width << s;
    }

    /** A short name such as {@code resnet-w16-d2-s3-32px}. */
    public String label() {
        return kind + "-w" + width + "-d" + depth + "-s" + stages + "-" + inputSize + "px";
    }

    /** For provenance. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", kind);
        m.put("width", width);
        m.put("depth", depth);
        m.put("stages", stages);
        m.put("inputSize", inputSize);
        m.put("embeddingDim", embeddingDim());
        return m;
    }
}
