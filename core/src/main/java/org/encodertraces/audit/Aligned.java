package org.encodertraces.audit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.encodertraces.embed.EmbeddingSet;

/**
 * Embedding sets of the same images under several operations, restricted to the images present
 * in every set (an image that failed under one operation is dropped from all) and put in the
 * same row order, so row i is the same photo everywhere.
 */
record Aligned(List<String> ids, List<float[][]> rows, Map<String, long[]> labels) {

    static Aligned of(List<EmbeddingSet> sets) {
        Set<String> common = new HashSet<>(sets.get(0).ids());
        for (EmbeddingSet s : sets) {
            common.retainAll(new HashSet<>(s.ids()));
        }
        List<String> ids = sets.get(0).ids().stream().filter(common::contains).toList();
        List<float[][]> rows = new ArrayList<>();
        for (EmbeddingSet s : sets) {
            Map<String, Integer> index = new HashMap<>();
            for (int i = 0; i < s.rows(); i++) {
                index.put(s.ids().get(i), i);
            }
            float[][] m = new float[ids.size()][];
            for (int i = 0; i < ids.size(); i++) {
                m[i] = s.row(index.get(ids.get(i)));
            }
            rows.add(m);
        }
        Map<String, long[]> labels = new HashMap<>();
        EmbeddingSet first = sets.get(0);
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < first.rows(); i++) {
            index.put(first.ids().get(i), i);
        }
        for (Map.Entry<String, long[]> e : first.labels().entrySet()) {
            long[] v = new long[ids.size()];
            for (int i = 0; i < ids.size(); i++) {
                v[i] = e.getValue()[index.get(ids.get(i))];
            }
            labels.put(e.getKey(), v);
        }
        return new Aligned(ids, rows, labels);
    }

    int[] labels(String name) {
        return Audit.toInt(labels.get(name));
    }
}
