package org.encodertraces.probe;

import java.util.List;
import java.util.Map;

/**
 * Zero-shot readout of a processing task: each class (operation) is described by text prompts, its
 * text embedding is the mean of its prompts' L2-normalised embeddings, normalised again (CLIP's prompt
 * ensembling), and an image embedding is given the class whose text embedding has the highest cosine
 * similarity. Nothing is fitted, so it is measured on exactly the linear probe's test rows (images the
 * probe never trained on) and compared with it there. Ties go to the lower class index.
 */
public final class ZeroShot {
    private ZeroShot() {
    }

    /**
     * One task's readout.
     *
     * @param classes the operations, in label order
     * @param prompts each class's prompts
     * @param testRows rows scored (test images x operations)
     * @param correct rows whose predicted class is the operation applied
     * @param confusion counts, rows = true class, columns = predicted class
     */
    public record Result(String task, List<String> classes, Map<String, List<String>> prompts, int testRows, int correct,
                         long[][] confusion) {
        public double accuracy() {
            return testRows == 0 ? Double.NaN : (double) correct / testRows;
        }

        /** Chance: one class in {@code classes().size()}, the test rows being balanced over the operations. */
        public double chance() {
            return 1.0 / classes.size();
        }
    }

    /** The class embedding: the mean of the L2-normalised prompt embeddings, L2-normalised. */
    public static float[] classEmbedding(float[][] promptEmbeddings) {
        int d = promptEmbeddings[0].length;
        double[] sum = new double[d];
        for (float[] p : promptEmbeddings) {
            if (p.length != d) {
                throw new IllegalArgumentException("prompt embeddings of different dimensions: " + p.length + " and " + d);
            }
            double n = norm(p);
            for (int k = 0; k < d; k++) {
                sum[k] += n > 0 ? p[k] / n : 0;
            }
        }
        double n = 0;
        for (double v : sum) {
            n += v * v;
        }
        n = Math.sqrt(n);
        float[] out = new float[d];
        for (int k = 0; k < d; k++) {
            out[k] = (float) (n > 0 ? sum[k] / n : 0);
        }
        return out;
    }

    /**
     * Scores the test rows.
     *
     * @param rows          per class (operation, label order), one embedding per image
     * @param testImages    the images to score (the linear probe's test split)
     * @param classEmbeddings per class, its text embedding ({@link #classEmbedding})
     */
    public static Result run(String task, List<String> classes, Map<String, List<String>> prompts, List<float[][]> rows,
                             int[] testImages, float[][] classEmbeddings) {
        int c = classes.size();
        if (rows.size() != c || classEmbeddings.length != c) {
            throw new IllegalArgumentException(task + ": " + c + " classes, " + rows.size() + " embedding sets, " + classEmbeddings.length
                    + " class text embeddings");
        }
        int d = classEmbeddings[0].length;
        long[][] confusion = new long[c][c];
        int correct = 0;
        for (int truth = 0; truth < c; truth++) {
            for (int img : testImages) {
                float[] x = rows.get(truth)[img];
                if (x.length != d) {
                    throw new IllegalArgumentException(task + ": image embeddings have dimension " + x.length + ", the text tower's " + d
                            + ": the text and image towers do not share one space");
                }
                int best = 0;
                double bestScore = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < c; k++) {
                    double s = 0;
                    for (int j = 0; j < d; j++) {
                        s += (double) x[j] * classEmbeddings[k][j];
                    }
                    // the image's norm is the same for every class, so the dot product ranks as the cosine does
                    if (s > bestScore) {
                        bestScore = s;
                        best = k;
                    }
                }
                confusion[truth][best]++;
                correct += best == truth ? 1 : 0;
            }
        }
        return new Result(task, List.copyOf(classes), prompts, testImages.length * c, correct, confusion);
    }

    private static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return Math.sqrt(s);
    }
}
