package org.encodertraces.validity;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.encodertraces.embed.EmbeddingSet;

/**
 * Who the rows of an embedding set are, for leakage checks (an image in its own training set,
 * database or eraser fit). A set with a sidecar names its samples (their ids, the paths relative to
 * the dataset); a set read without one (the study's release, say) only numbers its rows "0", "1",
 * ..., and those numbers say nothing across files: row 0 of a train file and row 0 of its val file
 * are different photos. Such a row is known by the file's sha256 and its row number instead, so the
 * same file given twice is caught and two different files are never confused.
 */
public final class SampleIdentity {
    private SampleIdentity() {
    }

    /**
     * Whether the set was read without a sidecar: its ids are only row numbers (the reader records
     * the source file's sha256 in the provenance then).
     */
    public static boolean anonymous(EmbeddingSet set) {
        return anonymous(set.provenance(), set.ids());
    }

    /** {@link #anonymous(EmbeddingSet)} of a set known by its provenance and ids (its rows read elsewhere). */
    public static boolean anonymous(org.encodertraces.embed.SetProvenance provenance, List<String> ids) {
        if (provenance.source() == null || provenance.dataset() != null
                || provenance.artifact().details().containsKey("dataset")) {
            return false;
        }
        for (int i = 0; i < ids.size(); i++) {
            if (!ids.get(i).equals(Integer.toString(i))) {
                return false;
            }
        }
        return true;
    }

    /** The identity of the sample with this id in the set: the id itself, or {@code sha256:<file>#<row>} for an anonymous set. */
    public static String key(EmbeddingSet set, String id) {
        return anonymous(set) ? prefix(set) + id : id;
    }

    private static String prefix(EmbeddingSet set) {
        return "sha256:" + set.provenance().source().sha256() + "#";
    }

    /** The identity of every row, in row order. */
    public static List<String> keys(EmbeddingSet set) {
        return keys(set.provenance(), set.ids());
    }

    /** {@link #keys(EmbeddingSet)} of a set known by its provenance and ids (its rows read elsewhere). */
    public static List<String> keys(org.encodertraces.embed.SetProvenance provenance, List<String> ids) {
        if (!anonymous(provenance, ids)) {
            return ids;
        }
        String prefix = "sha256:" + provenance.source().sha256() + "#";
        List<String> out = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            out.add(prefix + i);
        }
        return out;
    }

    /**
     * The identities of the samples with these ids in every one of the sets (for an eraser fitted on the
     * same images under several operations: one key per sample for sets with sidecars, one per file and
     * row for anonymous ones), in first-seen order.
     */
    public static List<String> keys(List<EmbeddingSet> sets, List<String> ids) {
        Set<String> out = new LinkedHashSet<>();
        for (EmbeddingSet s : sets) {
            String prefix = anonymous(s) ? prefix(s) : "";
            for (String id : ids) {
                out.add(prefix + id);
            }
        }
        return List.copyOf(out);
    }
}
