package org.encodertraces.embed;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * An embedding set without its embedding matrix: what a job needs to know about a set whose rows
 * are read elsewhere, in row ranges ({@link EmbeddingSetIO#readRows}), by the workers of a cluster.
 * Read by {@link EmbeddingSetIO#readIndex}, with every check {@link EmbeddingSetIO#read} makes except
 * those on the matrix's values (finite, sane magnitude), which {@code readRows} makes on the rows it reads.
 *
 * @param file       the safetensors file
 * @param rows       N
 * @param dim        D
 * @param labels     the label tensors by name, one value per row
 * @param ids        the sample ids, one per row (row numbers for a file without a sidecar)
 * @param provenance the sidecar's provenance, or the source file's for a file without one
 */
public record EmbeddingIndex(Path file, int rows, int dim, Map<String, long[]> labels, List<String> ids, SetProvenance provenance) {
    /** Copies the lists. */
    public EmbeddingIndex {
        labels = Map.copyOf(labels);
        ids = List.copyOf(ids);
    }
}
