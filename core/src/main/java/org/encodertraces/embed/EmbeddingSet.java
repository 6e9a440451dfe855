package org.encodertraces.embed;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The embeddings an encoder produced for a set of samples, with each sample's integer labels,
 * its id, and how the set was made.
 *
 * <p>This is what the experiments consume and what {@link EmbeddingSetIO} stores. Label tensors
 * follow the study's own release ({@code label}, {@code Flickr ID}, {@code subject},
 * {@code model}, ...) so that files travel both ways. The embedding and label arrays are not
 * copied (they can be gigabytes): do not change them after handing them over.
 *
 * @param rows       the number of samples, N
 * @param dim        the embedding width, D
 * @param embeddings N x D floats, row-major
 * @param labels     per-sample integer labels by tensor name, each N long, in a stable order
 * @param ids        the sample ids in row order (N of them)
 * @param provenance how the set was made (see the design's provenance rules); null reads as {@link SetProvenance#NONE}
 */
public record EmbeddingSet(int rows, int dim, float[] embeddings, Map<String, long[]> labels, List<String> ids,
                           SetProvenance provenance) {

    /** The tensor name of the embedding matrix, as in the study's release. */
    public static final String EMBEDDINGS = "image_embeddings";

    /** Checks that every part has N rows. */
    public EmbeddingSet {
        Objects.requireNonNull(embeddings, "embeddings");
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(ids, "ids");
        if (rows < 0 || dim < 0) {
            throw new IllegalArgumentException("Negative size " + rows + " x " + dim);
        }
        if ((long) rows * dim != embeddings.length) {
            throw new IllegalArgumentException("Embeddings hold " + embeddings.length + " floats, not " + rows + " x " + dim);
        }
        Map<String, long[]> copy = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : labels.entrySet()) {
            String name = Objects.requireNonNull(e.getKey(), "label name");
            if (name.isEmpty() || name.equals(EMBEDDINGS) || name.equals(Safetensors.METADATA_KEY)) {
                throw new IllegalArgumentException("'" + name + "' cannot name a label tensor");
            }
            long[] v = Objects.requireNonNull(e.getValue(), "label " + name);
            if (v.length != rows) {
                throw new IllegalArgumentException("Label '" + name + "' has " + v.length + " values for " + rows + " rows");
            }
            copy.put(name, v);
        }
        labels = Collections.unmodifiableMap(copy);
        ids = List.copyOf(ids);
        if (ids.size() != rows) {
            throw new IllegalArgumentException(ids.size() + " sample ids for " + rows + " rows");
        }
        provenance = provenance == null ? SetProvenance.NONE : provenance;
    }

    /** The set of these rows, in this order (labels and ids follow; the provenance is kept). */
    public EmbeddingSet select(int[] rowIndices) {
        float[] e = new float[rowIndices.length * dim];
        List<String> sel = new java.util.ArrayList<>(rowIndices.length);
        Map<String, long[]> lab = new LinkedHashMap<>();
        labels.forEach((name, v) -> lab.put(name, new long[rowIndices.length]));
        for (int r = 0; r < rowIndices.length; r++) {
            int i = Objects.checkIndex(rowIndices[r], rows);
            System.arraycopy(embeddings, i * dim, e, r * dim, dim);
            sel.add(ids.get(i));
            for (Map.Entry<String, long[]> l : lab.entrySet()) {
                l.getValue()[r] = labels.get(l.getKey())[i];
            }
        }
        return new EmbeddingSet(rowIndices.length, dim, e, lab, sel, provenance);
    }

    /** Row {@code i}'s embedding (a copy). */
    public float[] row(int i) {
        Objects.checkIndex(i, rows);
        return Arrays.copyOfRange(embeddings, i * dim, (i + 1) * dim);
    }

    /** The label tensor {@code name}, or an error listing the labels there are. */
    public long[] label(String name) {
        long[] v = labels.get(name);
        if (v == null) {
            throw new IllegalArgumentException("No label '" + name + "' (the set has " + labels.keySet() + ")");
        }
        return v;
    }

    /** Whether both sets hold the same numbers, labels, ids and provenance. */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof EmbeddingSet s) || s.rows != rows || s.dim != dim || !Arrays.equals(s.embeddings, embeddings)
                || !s.ids.equals(ids) || !s.provenance.equals(provenance) || !s.labels.keySet().equals(labels.keySet())) {
            return false;
        }
        for (Map.Entry<String, long[]> e : labels.entrySet()) {
            if (!Arrays.equals(e.getValue(), s.labels.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return Objects.hash(rows, dim, ids, labels.keySet());
    }

    /** Sizes and label names, not the numbers. */
    @Override
    public String toString() {
        return "EmbeddingSet[" + rows + " x " + dim + ", labels=" + labels.keySet() + "]";
    }
}
