package org.encodertraces.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a run minimises: softmax cross-entropy on the class labels (the default), or SimCLR's
 * NT-Xent on two augmented views of each image (labels unused), through a linear projection head.
 *
 * <p>Why a value of its own: the objective decides the head the network trains (classifier or
 * projection), how the run's accuracy is measured (the classifier, or kNN on the embeddings) and
 * enters the run key only when it is not the default, so runs of earlier versions stay reusable.
 *
 * @param kind          {@code cross-entropy} or {@code simclr}
 * @param temperature   NT-Xent temperature (simclr only)
 * @param projectionDim output size of the projection head (simclr only)
 */
public record Objective(String kind, double temperature, int projectionDim) {
    /** The objective names. */
    public static final List<String> KINDS = List.of("cross-entropy", "simclr");
    /** Neighbours of the kNN accuracy a contrastive run reports. */
    public static final int KNN_K = 20;

    public Objective {
        if (!KINDS.contains(kind)) {
            throw new IllegalArgumentException("unknown objective '" + kind + "' (known: " + String.join(", ", KINDS) + ")");
        }
        if (kind.equals("simclr")) {
            if (!(temperature > 0) || temperature > 10) {
                throw new IllegalArgumentException("temperature must be in (0, 10], got " + temperature);
            }
            if (projectionDim < 2 || projectionDim > 4096) {
                throw new IllegalArgumentException("projection size must be in 2..4096, got " + projectionDim);
            }
        }
    }

    /** Cross-entropy on the class labels. */
    public static Objective crossEntropy() {
        return new Objective("cross-entropy", 0, 0);
    }

    /** SimCLR's NT-Xent at a temperature, through a linear projection to {@code projectionDim} dimensions. */
    public static Objective simclr(double temperature, int projectionDim) {
        return new Objective("simclr", temperature, projectionDim);
    }

    /** True for the contrastive objective. */
    public boolean contrastive() {
        return kind.equals("simclr");
    }

    /** Outputs of the trained head: the class count, or the projection size. */
    public int headSize(int classes) {
        return contrastive() ? projectionDim : classes;
    }

    /** For provenance (and the run key, where only a non-default objective appears). */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", kind);
        if (contrastive()) {
            m.put("temperature", temperature);
            m.put("projectionDim", projectionDim);
            m.put("views", 2);
            m.put("accuracy", "kNN (k = " + KNN_K + ", cosine, majority vote) on the embeddings of the unaugmented training images; "
                    + "the training accuracy leaves each image out");
        }
        return m;
    }
}
