package org.encodertraces.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.encodertraces.embed.EmbeddingSet;
import org.encodertraces.embed.EmbeddingSetIO;
import org.encodertraces.linalg.FloatMatrix;

/** Reads embedding sets for the experiment commands: with the sidecar when there is one, else the bare safetensors file. */
final class EmbeddingInputs {
    private EmbeddingInputs() {
    }

    static EmbeddingSet read(Path file) throws IOException {
        return Files.exists(EmbeddingSetIO.sidecarOf(file)) ? EmbeddingSetIO.read(file) : EmbeddingSetIO.readWithoutSidecar(file);
    }

    static FloatMatrix matrix(EmbeddingSet set) {
        return new FloatMatrix(set.rows(), set.dim(), set.embeddings());
    }

    /** A label tensor of a set, or an error naming the file and the tensors it has. */
    static long[] labels(EmbeddingSet set, String name, Path file) throws IOException {
        if (!set.labels().containsKey(name)) {
            throw new IOException(file + ": no label tensor named " + name + " (has " + set.labels().keySet() + ")");
        }
        return set.labels().get(name);
    }

    static int[] ints(EmbeddingSet set, String name, Path file) throws IOException {
        return ints(set.labels(), name, file);
    }

    static int[] ints(java.util.Map<String, long[]> labels, String name, Path file) throws IOException {
        if (!labels.containsKey(name)) {
            throw new IOException(file + ": no label tensor named " + name + " (has " + labels.keySet() + ")");
        }
        long[] l = labels.get(name);
        int[] r = new int[l.length];
        for (int i = 0; i < r.length; i++) {
            if (l[i] != (int) l[i]) {
                throw new IOException(file + ": " + name + " value " + l[i] + " at row " + i + " does not fit an int");
            }
            r[i] = (int) l[i];
        }
        return r;
    }
}
