package org.encodertraces.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.encodertraces.provenance.Hashes;

/**
 * Byte-identical files in a dataset: the same photo saved twice under two names (or two class
 * folders) would be two samples, and a seeded split could put one copy in training and the other
 * in test, where the experiment then recognises the photo rather than its trace. Each such file is
 * kept once, at its first place in the dataset's order, and a note names what was merged.
 *
 * <p>Only files of equal size are hashed (sha256), so a folder without copies costs one size
 * look-up per file. Files that cannot be read here are left as they are (the extraction records them).
 * The audit merges before it plans; {@code embed} keeps every file it is given (its sets are not split),
 * and the experiment commands catch a copy on both sides of their split by its identical embedding
 * ({@code validity.Overlap}).
 */
public final class ContentDuplicates {
    /**
     * The dataset with every copy after the first left out.
     *
     * @param dataset the merged dataset (the same object when nothing was merged)
     * @param removed samples left out as copies of an earlier one
     * @param notes   one line saying what was merged (empty when nothing was)
     */
    public record Result(Dataset dataset, int removed, List<String> notes) {
        public Result {
            notes = List.copyOf(notes);
        }
    }

    private ContentDuplicates() {
    }

    /** Merges byte-identical files of {@code ds}. */
    public static Result merge(Dataset ds) {
        Map<Long, List<Integer>> bySize = new HashMap<>();
        List<Sample> samples = ds.samples();
        for (int i = 0; i < samples.size(); i++) {
            Path f = samples.get(i).file();
            try {
                if (f != null && Files.isRegularFile(f)) {
                    bySize.computeIfAbsent(Files.size(f), s -> new ArrayList<>()).add(i);
                }
            } catch (IOException | UnsupportedOperationException e) {
                // unreadable: the extraction records it as a failure
            }
        }
        boolean[] drop = new boolean[samples.size()];
        Map<Integer, Integer> copyOf = new LinkedHashMap<>();
        for (List<Integer> group : bySize.values()) {
            if (group.size() < 2) {
                continue;
            }
            Map<String, Integer> firstByHash = new HashMap<>();
            for (int i : group) {
                String h;
                try {
                    h = Hashes.sha256(samples.get(i).file());
                } catch (IOException | RuntimeException e) {
                    continue;
                }
                Integer first = firstByHash.putIfAbsent(h, i);
                if (first != null) {
                    int keep = Math.min(first, i);
                    int gone = Math.max(first, i);
                    firstByHash.put(h, keep);
                    drop[gone] = true;
                    copyOf.put(gone, keep);
                }
            }
        }
        if (copyOf.isEmpty()) {
            return new Result(ds, 0, List.of());
        }
        List<Sample> kept = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            if (!drop[i]) {
                kept.add(samples.get(i));
            }
        }
        List<String> examples = new ArrayList<>();
        int differentLabels = 0;
        for (Map.Entry<Integer, Integer> e : new java.util.TreeMap<>(copyOf).entrySet()) {
            Sample gone = samples.get(e.getKey());
            Sample keep = samples.get(e.getValue());
            boolean relabel = !Objects.equals(gone.labels(), keep.labels());
            differentLabels += relabel ? 1 : 0;
            if (examples.size() < 5) {
                examples.add(gone.id() + " = " + keep.id() + (relabel ? " (labelled differently there: " + labelsText(ds, gone) + ")" : ""));
            }
        }
        String note = copyOf.size() + " file(s) are byte-identical copies of an earlier file and were left out, each photo kept once"
                + " (so no split can put one copy in training and the other in test): " + String.join("; ", examples)
                + (copyOf.size() > examples.size() ? "; ..." : "")
                + (differentLabels > 0 ? "; " + differentLabels + " of the copies carried other labels than the kept file" : "");
        return new Result(new Dataset(ds.name(), ds.source(), kept, ds.labelNames()), copyOf.size(), List.of(note));
    }

    private static String labelsText(Dataset ds, Sample s) {
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, Long> l : new java.util.TreeMap<>(s.labels()).entrySet()) {
            List<String> names = ds.labelNames().get(l.getKey());
            long v = l.getValue();
            parts.add(l.getKey() + " " + (names != null && v >= 0 && v < names.size() ? names.get((int) v) : Long.toString(v)));
        }
        return String.join(", ", parts);
    }
}
