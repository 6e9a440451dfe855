package org.encodertraces.embed;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Embedding sets of the same images under several processing operations, aligned: row i is the
 * same photo in every set. A processing probe, kNN under controlled processing and an erasure all
 * compare one image's embeddings across operations, so a row that is another image in one set
 * silently mixes images; this is the one place that alignment is made or checked.
 *
 * <p>Two ways to build it: {@link Builder} takes sets that must already hold the same images in
 * the same order (files a user names; a set that does not is refused, naming it), and
 * {@link #common} keeps the images present in every set, in the first set's order (an audit's
 * sets, where an image that failed under one operation is dropped from all).
 */
public final class OperationSets {
    private final List<String> operations;
    private final List<EmbeddingSet> sets;
    private final List<Path> files;
    private final List<String> ids;
    /** Per set, the row of each aligned image; null when the set is already aligned row for row. */
    private final List<int[]> rowsOf;

    private OperationSets(List<String> operations, List<EmbeddingSet> sets, List<Path> files, List<String> ids, List<int[]> rowsOf) {
        this.operations = List.copyOf(operations);
        this.sets = List.copyOf(sets);
        this.files = Collections.unmodifiableList(new ArrayList<>(files));
        this.ids = List.copyOf(ids);
        this.rowsOf = Collections.unmodifiableList(new ArrayList<>(rowsOf));
        if (new HashSet<>(operations).size() != operations.size()) {
            throw new IllegalArgumentException("an operation given twice among " + operations);
        }
    }

    /**
     * Collects sets that must hold the same images in the same order as the first one added.
     *
     * @param role how the sets are called in the refusal ("train", "test"), or null
     */
    public static Builder builder(String role) {
        return new Builder(role);
    }

    /** Adds sets one by one, refusing one whose sample ids differ from the first's. */
    public static final class Builder {
        private final String role;
        private final List<String> operations = new ArrayList<>();
        private final List<EmbeddingSet> sets = new ArrayList<>();
        private final List<Path> files = new ArrayList<>();

        private Builder(String role) {
            this.role = role;
        }

        /**
         * Adds the set of one operation.
         *
         * @param file where it was read from (named in the refusal), or null
         * @throws IllegalArgumentException when it does not hold the same images in the same order as the first set
         */
        public Builder add(String operation, Path file, EmbeddingSet set) {
            Objects.requireNonNull(set, "set");
            if (!sets.isEmpty() && !sets.get(0).ids().equals(set.ids())) {
                throw new IllegalArgumentException((file != null ? file : "the set") + " (" + operation + ") does not hold the same images"
                        + " in the same order as the " + operations.get(0) + (role == null ? "" : " " + role) + " set (sample ids differ)");
            }
            operations.add(operation);
            sets.add(set);
            files.add(file);
            return this;
        }

        /** Whether no set was added yet. */
        public boolean isEmpty() {
            return sets.isEmpty();
        }

        /** The aligned sets; at least one must have been added. */
        public OperationSets build() {
            if (sets.isEmpty()) {
                throw new IllegalArgumentException("no embedding set given");
            }
            List<int[]> identity = new ArrayList<>(Collections.nCopies(sets.size(), (int[]) null));
            return new OperationSets(operations, sets, files, sets.get(0).ids(), identity);
        }
    }

    /**
     * The images present in every set, in the first set's order, each set's rows picked to match.
     *
     * @param operations the operation of each set, in order
     */
    public static OperationSets common(List<String> operations, List<EmbeddingSet> sets) {
        if (sets.isEmpty() || operations.size() != sets.size()) {
            throw new IllegalArgumentException(operations.size() + " operations for " + sets.size() + " embedding sets");
        }
        Set<String> common = new HashSet<>(sets.get(0).ids());
        for (EmbeddingSet s : sets) {
            common.retainAll(new HashSet<>(s.ids()));
        }
        List<String> ids = sets.get(0).ids().stream().filter(common::contains).toList();
        List<int[]> rowsOf = new ArrayList<>();
        for (EmbeddingSet s : sets) {
            Map<String, Integer> index = new HashMap<>();
            for (int i = 0; i < s.rows(); i++) {
                index.put(s.ids().get(i), i);
            }
            int[] r = new int[ids.size()];
            boolean identity = r.length == s.rows();
            for (int i = 0; i < r.length; i++) {
                r[i] = index.get(ids.get(i));
                identity &= r[i] == i;
            }
            // a set already aligned row for row is used as it is, not copied
            rowsOf.add(identity ? null : r);
        }
        return new OperationSets(operations, sets, Collections.nCopies(sets.size(), null), ids, rowsOf);
    }

    /** The operations, in order. */
    public List<String> operations() {
        return operations;
    }

    /** The sample ids of the aligned images, in row order. */
    public List<String> ids() {
        return ids;
    }

    /** The number of aligned images. */
    public int images() {
        return ids.size();
    }

    /** The file the set of this operation was read from, or null. */
    public Path file(String operation) {
        return files.get(index(operation));
    }

    /** Whether there is a set for this operation. */
    public boolean has(String operation) {
        return operations.contains(operation);
    }

    /** The aligned set of this operation. */
    public EmbeddingSet set(String operation) {
        return aligned(index(operation));
    }

    /** The aligned set of the first operation. */
    public EmbeddingSet first() {
        return aligned(0);
    }

    /** The aligned sets, in operation order. */
    public List<EmbeddingSet> sets() {
        List<EmbeddingSet> out = new ArrayList<>();
        for (int i = 0; i < sets.size(); i++) {
            out.add(aligned(i));
        }
        return out;
    }

    /** The aligned sets by operation, in operation order. */
    public Map<String, EmbeddingSet> byOperation() {
        Map<String, EmbeddingSet> out = new LinkedHashMap<>();
        for (int i = 0; i < sets.size(); i++) {
            out.put(operations.get(i), aligned(i));
        }
        return Collections.unmodifiableMap(out);
    }

    /** Each operation's embeddings as rows (copies), aligned, in operation order: what the probes take. */
    public List<float[][]> rows() {
        List<float[][]> out = new ArrayList<>();
        for (int s = 0; s < sets.size(); s++) {
            EmbeddingSet set = sets.get(s);
            int[] r = rowsOf.get(s);
            float[][] m = new float[ids.size()][];
            for (int i = 0; i < m.length; i++) {
                m[i] = set.row(r == null ? i : r[i]);
            }
            out.add(m);
        }
        return out;
    }

    /** A label tensor of the aligned images, from the first set, or an error naming the labels there are. */
    public long[] label(String name) {
        long[] v = sets.get(0).label(name);
        int[] r = rowsOf.get(0);
        if (r == null) {
            return v;
        }
        long[] out = new long[r.length];
        for (int i = 0; i < r.length; i++) {
            out[i] = v[r[i]];
        }
        return out;
    }

    private int index(String operation) {
        int i = operations.indexOf(operation);
        if (i < 0) {
            throw new IllegalArgumentException("no embedding set for " + operation + " (got " + operations + ")");
        }
        return i;
    }

    private EmbeddingSet aligned(int i) {
        int[] r = rowsOf.get(i);
        return r == null ? sets.get(i) : sets.get(i).select(r);
    }
}
