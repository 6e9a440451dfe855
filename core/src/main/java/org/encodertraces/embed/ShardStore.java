package org.encodertraces.embed;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.encodertraces.io.AtomicFiles;
import org.encodertraces.io.Tsv;

/**
 * Where one embedding set lives on disk while it is made and once it is done: the shards of the
 * run under {@code OUT/.work/<set>/} with the key they were made for ({@code job.json}), and the
 * committed set beside its companions in {@code OUT}.
 *
 * <p>The commit point: {@link #commit} writes the failures file, then the run record, then the
 * {@code .safetensors} and last its sidecar, whose atomic move commits the set; a set missing a
 * companion, or whose pair does not check out, is not complete ({@link #existing}). A complete set
 * is reused only when {@link ReuseKey} says so. Shards of an interrupted run are kept only when
 * its key equals this run's ({@link #openWork}); {@link #assemble} concatenates them in order.
 * The Spark job commits its sets through the same {@link #commit} and {@link #concat}.
 */
public final class ShardStore {
    /** A set's files, in the order {@link #commit} writes them: the sidecar's move, last, commits the set. */
    public static final List<String> COMMIT_ORDER = List.of(".failures.tsv", ".run.json", ".safetensors", ".json");

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private final Path outDir;
    private final String base;

    /** The store of set {@code base} ({@code <dataset>__<OP>__<model>}) in {@code outDir}. */
    public ShardStore(Path outDir, String base) {
        this.outDir = outDir;
        this.base = base;
    }

    /** The set's {@code .safetensors} file. */
    public Path setFile() {
        return outDir.resolve(base + ".safetensors");
    }

    /** The folder of the run's shards. */
    Path workDir() {
        return outDir.resolve(".work").resolve(base);
    }

    /** Shard {@code s}'s file. */
    Path shardFile(int s) {
        return workDir().resolve(String.format("shard-%06d.safetensors", s));
    }

    /** What is in the output folder under this set's name. */
    public sealed interface Existing {
        /** No sidecar: nothing was committed. */
        record Absent() implements Existing {
        }

        /** A sidecar, but a companion is missing or the pair is damaged: never finished, recomputed. */
        record Incomplete() implements Existing {
        }

        /** Complete and made as the key asks: reused as it is. */
        record Reusable(EmbeddingSet set) implements Existing {
        }

        /** Complete but made differently: {@code difference} says how. */
        record Different(String difference) implements Existing {
        }
    }

    /** What is committed under this set's name, judged by {@code key} ({@link ReuseKey#differenceFrom}). */
    public Existing existing(ReuseKey key) throws IOException {
        if (!Files.exists(EmbeddingSetIO.sidecarOf(setFile()))) {
            return new Existing.Absent();
        }
        for (String companion : List.of(".failures.tsv", ".run.json")) {
            if (!Files.exists(outDir.resolve(base + companion))) {
                return new Existing.Incomplete(); // as an older version killed at the wrong moment left it
            }
        }
        EmbeddingSet set;
        try {
            set = EmbeddingSetIO.read(setFile());
        } catch (EmbeddingFormatException e) {
            return new Existing.Incomplete();
        }
        String difference = key.differenceFrom(set.provenance());
        return difference == null ? new Existing.Reusable(set) : new Existing.Different(difference);
    }

    /**
     * Whether a complete set for {@code key} is committed, judged from its files' presence and its
     * sidecar alone (the data is neither hashed nor read): a plan's forecast of what a run reuses.
     */
    boolean committedFor(ReuseKey key) {
        for (String ext : COMMIT_ORDER) {
            if (!Files.isRegularFile(outDir.resolve(base + ext))) {
                return false;
            }
        }
        try {
            return key.differenceFrom(EmbeddingSetIO.readProvenance(setFile())) == null;
        } catch (IOException e) {
            return false; // unreadable: not complete
        }
    }

    /**
     * Opens the run's shard folder for {@code key}: shards an interrupted run left are kept when its
     * key (read typed, whichever version wrote it) equals this one, else the folder is emptied and
     * the key written.
     */
    void openWork(ReuseKey key) throws IOException {
        Path keyFile = workDir().resolve("job.json");
        if (!key.equals(readKey(keyFile))) {
            // shards of an interrupted run with other settings are not ours to finish
            AtomicFiles.deleteTree(workDir());
            AtomicFiles.writeString(keyFile, JSON.writeValueAsString(key.toJson()));
        }
    }

    /** The key of the shards in the folder, or null when there is none (or it cannot be read). */
    private static ReuseKey readKey(Path keyFile) {
        if (!Files.isRegularFile(keyFile)) {
            return null;
        }
        try {
            return ReuseKey.fromJson(JSON.readTree(keyFile.toFile()));
        } catch (IOException e) {
            return null;
        }
    }

    /** Shards of {@code shards} committed for {@code key} by an interrupted run (seen without touching them). */
    int shardsCommitted(ReuseKey key, int shards) {
        ReuseKey recorded = readKey(workDir().resolve("job.json"));
        if (recorded == null || !(key.encoder() == null ? recorded.withoutEncoder() : recorded).equals(key)) {
            return 0;
        }
        int done = 0;
        for (int s = 0; s < shards; s++) {
            done += hasShard(s) ? 1 : 0;
        }
        return done;
    }

    /**
     * Whether shard {@code s} is committed: its sidecar, moved into place after the data, is the
     * commit. A run killed between the two moves leaves the data alone; that shard is computed
     * again (and its files replaced), not refused on resume.
     */
    boolean hasShard(int s) {
        return Files.exists(EmbeddingSetIO.sidecarOf(shardFile(s)));
    }

    /** Commits shard {@code s}: its rows, and its failed images in its provenance. */
    void writeShard(int s, EmbeddingSet shard) throws IOException {
        EmbeddingSetIO.write(shardFile(s), shard);
    }

    /** The committed shards {@code 0 .. shards-1} as one set (its provenance is the caller's to give), and their failures. */
    Assembled assemble(int shards, List<String> labelTensors, int dim) throws IOException {
        List<EmbeddingSet> parts = new ArrayList<>();
        List<Extraction.Failure> failures = new ArrayList<>();
        for (int s = 0; s < shards; s++) {
            EmbeddingSet part = EmbeddingSetIO.read(shardFile(s));
            parts.add(part);
            if (part.provenance().failures() != null) {
                failures.addAll(part.provenance().failures());
            }
        }
        return new Assembled(concat(parts, labelTensors, dim), failures);
    }

    /** Shards put together: the rows in order, and the images that failed. */
    record Assembled(EmbeddingSet rows, List<Extraction.Failure> failures) {
    }

    /** Deletes the run's shards (after the commit, or when the set is reused). */
    void deleteWork() throws IOException {
        AtomicFiles.deleteTree(workDir());
    }

    /**
     * Parts of one set, in order, as one set: their rows, label tensors and ids concatenated; no
     * provenance (the caller gives the whole set's).
     */
    public static EmbeddingSet concat(List<EmbeddingSet> parts, List<String> labelTensors, int dim) {
        int rows = parts.stream().mapToInt(EmbeddingSet::rows).sum();
        float[] emb = new float[rows * dim];
        Map<String, long[]> labels = new LinkedHashMap<>();
        for (String name : labelTensors) {
            labels.put(name, new long[rows]);
        }
        List<String> ids = new ArrayList<>(rows);
        int r = 0;
        for (EmbeddingSet p : parts) {
            if (p.dim() != dim && p.rows() > 0) {
                throw new IllegalArgumentException("a part of " + p.dim() + " dimensions in a set of " + dim);
            }
            System.arraycopy(p.embeddings(), 0, emb, r * dim, p.rows() * dim);
            for (Map.Entry<String, long[]> e : labels.entrySet()) {
                System.arraycopy(p.label(e.getKey()), 0, e.getValue(), r, p.rows());
            }
            ids.addAll(p.ids());
            r += p.rows();
        }
        return new EmbeddingSet(rows, dim, emb, labels, ids, null);
    }

    /** The failures file's text: a header and one row per failed image. */
    public static String failuresTsv(List<Extraction.Failure> failures) {
        StringBuilder tsv = new StringBuilder(FAILURES_HEADER);
        for (Extraction.Failure f : failures) {
            tsv.append(Tsv.line(f.id(), f.file(), f.operation(), f.reason()));
        }
        return tsv.toString();
    }

    /** The failures file's header line. */
    public static final String FAILURES_HEADER = "id\tfile\toperation\treason\n";

    /**
     * Commits set {@code base} in {@code dir}, in the order of {@link #COMMIT_ORDER}: the failures
     * file ({@code failuresTsv}, header included), the run record, then the set, whose sidecar is
     * moved into place last.
     */
    public static void commit(Path dir, String base, EmbeddingSet set, CharSequence failuresTsv, RunRecord run) throws IOException {
        AtomicFiles.writeString(dir.resolve(base + ".failures.tsv"), failuresTsv);
        AtomicFiles.writeString(dir.resolve(base + ".run.json"), JSON.writeValueAsString(run.toJson()));
        EmbeddingSetIO.write(dir.resolve(base + ".safetensors"), set);
    }
}
