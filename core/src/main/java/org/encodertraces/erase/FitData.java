package org.encodertraces.erase;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.encodertraces.embed.EmbeddingSet;

/**
 * The rows an eraser is fitted on: the chosen images' embeddings, stacked over the sets, with their
 * concept labels and the image each row shows.
 *
 * <p>For a processing concept the sets are the same images under each operation of a task and a
 * row's label is the operation of its set (as the processing probe labels rows); a label concept
 * is an integer label tensor of the sets (an acquisition attribute, say). Rows are set-major: set
 * 0's chosen images, then set 1's, and so on.
 *
 * @param x        N x D rows, row-major
 * @param rows     N
 * @param dim      D
 * @param concepts the concepts, each with N labels
 * @param image    per row, the position of its image in {@code imageIds}
 * @param imageIds the ids of the chosen images (each appears once per set)
 */
public record FitData(float[] x, int rows, int dim, List<Concept> concepts, int[] image, List<String> imageIds) {

    /**
     * Stacks the chosen images of the sets.
     *
     * @param operations   the operation of each set for a processing concept named {@code task}, or null for none
     * @param task         the processing concept's name ({@code jpeg}), or null
     * @param sets         the embedding sets (the same images in the same order when there are several)
     * @param labelTensors label tensors to erase as concepts of their own
     * @param images       the row indices of the images to fit on (ascending), or null for all
     */
    public static FitData of(List<String> operations, String task, List<EmbeddingSet> sets, List<String> labelTensors, int[] images) {
        if (sets.isEmpty()) {
            throw new IllegalArgumentException("no embedding set to fit on");
        }
        EmbeddingSet first = sets.get(0);
        int d = first.dim();
        for (EmbeddingSet s : sets) {
            if (s.dim() != d || s.rows() != first.rows() || !s.ids().equals(first.ids())) {
                throw new IllegalArgumentException("the sets do not hold the same images in the same order (" + s + " vs " + first + ")");
            }
        }
        int[] chosen = images != null ? images.clone() : range(first.rows());
        int k = chosen.length;
        int n = k * sets.size();
        float[] x = new float[Math.multiplyExact(n, d)];
        int[] image = new int[n];
        for (int s = 0; s < sets.size(); s++) {
            float[] e = sets.get(s).embeddings();
            for (int i = 0; i < k; i++) {
                System.arraycopy(e, chosen[i] * d, x, (s * k + i) * d, d);
                image[s * k + i] = i;
            }
        }
        List<Concept> concepts = new ArrayList<>();
        if (task != null) {
            if (operations == null || operations.size() != sets.size() || sets.size() < 2) {
                throw new IllegalArgumentException("a processing concept needs one set per operation and at least two operations");
            }
            int[] y = new int[n];
            for (int i = 0; i < n; i++) {
                y[i] = i / k;
            }
            concepts.add(new Concept(task, "processing", y, operations));
        }
        for (String name : labelTensors) {
            int[] y = new int[n];
            long max = -1;
            for (int s = 0; s < sets.size(); s++) {
                long[] l = sets.get(s).label(name);
                for (int i = 0; i < k; i++) {
                    long v = l[chosen[i]];
                    if (v < -1 || v > 1_000_000) {
                        throw new IllegalArgumentException("label '" + name + "' value " + v + " at row " + chosen[i] + " is not a class index");
                    }
                    y[s * k + i] = (int) v;
                    max = Math.max(max, v);
                }
            }
            concepts.add(new Concept(name, "label", y, classNames(first, name, (int) max + 1)));
        }
        if (concepts.isEmpty()) {
            throw new IllegalArgumentException("no concept to erase: give a processing task or a label tensor");
        }
        List<String> ids = new ArrayList<>(k);
        for (int i : chosen) {
            ids.add(first.ids().get(i));
        }
        return new FitData(x, n, d, concepts, image, ids);
    }

    private static List<String> classNames(EmbeddingSet set, String label, int classes) {
        List<String> names = set.provenance().dataset() == null ? null : set.provenance().dataset().classNames(label);
        List<String> out = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            out.add(names != null && c < names.size() ? names.get(c) : Integer.toString(c));
        }
        return out;
    }

    private static int[] range(int n) {
        int[] r = new int[n];
        Arrays.setAll(r, i -> i);
        return r;
    }
}
