package org.encodertraces.spark.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.encodertraces.embed.EmbeddingSet;
import org.encodertraces.embed.EmbeddingSetIO;

/** kNN inputs for the Spark tests: train/test embedding files per operation and the knn arguments that name them. */
final class KnnInputs {
    private KnnInputs() {
    }

    /**
     * Writes operations A, B and C into {@code dir}: {@code n} database rows (every tenth a copy of
     * the row five before it, so distances tie across partition boundaries), {@code nq} queries,
     * {@code d} dimensions, 4 classes ({@code row % 4}); returns {@code --train/--test} pairs and
     * {@code -k 5 --uniform-seeds 3 --threads 1}.
     */
    static List<String> write(Path dir, long seed, int n, int nq, int d) throws IOException {
        Random rnd = new Random(seed);
        List<String> args = new ArrayList<>();
        for (String op : new String[] {"A", "B", "C"}) {
            float[] tr = new float[n * d];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < d; j++) {
                    tr[i * d + j] = i % 10 == 9 ? tr[(i - 5) * d + j] : (float) rnd.nextGaussian();
                }
            }
            float[] te = new float[nq * d];
            for (int i = 0; i < te.length; i++) {
                te[i] = (float) rnd.nextGaussian();
            }
            Path ftr = dir.resolve("train-" + op + ".safetensors");
            Path fte = dir.resolve("test-" + op + ".safetensors");
            EmbeddingSetIO.write(ftr, new EmbeddingSet(n, d, tr, Map.of("label", labels(n)), ids("tr", n), null));
            EmbeddingSetIO.write(fte, new EmbeddingSet(nq, d, te, Map.of("label", labels(nq)), ids("te", nq), null));
            args.addAll(List.of("--train", op + "=" + ftr, "--test", op + "=" + fte));
        }
        args.addAll(List.of("-k", "5", "--uniform-seeds", "3", "--threads", "1"));
        return args;
    }

    private static long[] labels(int rows) {
        long[] y = new long[rows];
        for (int i = 0; i < rows; i++) {
            y[i] = i % 4;
        }
        return y;
    }

    private static List<String> ids(String prefix, int rows) {
        List<String> ids = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            ids.add(prefix + i);
        }
        return ids;
    }
}
