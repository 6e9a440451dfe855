package org.encodertraces.embed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.encodertraces.data.Dataset;
import org.encodertraces.data.Sample;
import org.encodertraces.encoder.Encoder;
import org.encodertraces.encoder.PreprocessSpec;
import org.encodertraces.image.ImageDecoder;
import org.encodertraces.io.AtomicFiles;
import org.encodertraces.io.OutputLock;
import org.encodertraces.process.MemoryBudget;
import org.encodertraces.process.ProcessingOp;
import org.encodertraces.provenance.ArtifactProvenance;
import org.encodertraces.provenance.DatasetRef;

/**
 * Extracts one embedding set per (dataset, processing operation, model): decodes each image on a
 * pool of threads, applies the operations (steps before the encoder's crop, the crop, then
 * after-crop steps such as masks), batches the tensors into the encoder and writes
 * {@code OUT/<dataset>__<OP>__<model>.safetensors} with its JSON sidecar, a failures TSV and a
 * run log. This class plans and runs the job; the work on the images is the
 * {@link ExtractionPipeline}'s, and where the shards and sets live, what commits a set and what
 * may be reused is the {@link ShardStore}'s (by the one rule of {@link ReuseKey}).
 *
 * <p>Work is committed in shards of consecutive samples under {@code OUT/.work/}: a killed run,
 * re-run with the same arguments, redoes at most the shard in flight and ends with the same
 * bytes as an uninterrupted run (the timing lives in the separate {@code .run.json}). A sample
 * that fails to decode or process, or whose embedding is not finite, is recorded (id, file,
 * reason) and skipped; the good rows keep the dataset's order.
 *
 * <p>Reliability: the output folder is locked for the run ({@link OutputLock}); temporaries of
 * killed runs are removed on start; a set's failures TSV and run log are written before the set
 * itself, whose sidecar is moved into place last: that move is the set's one commit point. A
 * committed set is reused only when its recorded seed, processing chain, encoder identity
 * ({@link org.encodertraces.encoder.EncoderProvenance#identity()}) and dataset manifest hash equal
 * the job's ({@link ReuseKey}); otherwise the run refuses
 * ({@link ProvenanceMismatchException}) unless {@link Job#force()} asks to recompute. Images are
 * admitted against a {@link MemoryBudget} estimated from their headers, so large ones wait for
 * memory instead of exhausting it.
 */
public final class Extraction {
    /**
     * What to extract.
     *
     * @param memoryBudget heap bytes that images being decoded and processed may take together,
     *     tensors waiting for the encoder included (0: {@link MemoryBudget#defaultBytes()})
     * @param force recompute sets whose recorded provenance differs from this job's (otherwise refused)
     */
    public record Job(Dataset dataset, String modelName, Encoder encoder, List<ProcessingOp> ops, long seed, Path outDir,
                      int threads, int batchSize, int shardSize, ImageDecoder decoder, long memoryBudget, boolean force) {
        public Job {
            ops = List.copyOf(ops);
            if (threads < 1 || batchSize < 1 || shardSize < 1) {
                throw new IllegalArgumentException("threads, batch size and shard size must be positive");
            }
            if (memoryBudget < 0) {
                throw new IllegalArgumentException("memory budget must not be negative: " + memoryBudget);
            }
            if (!modelName.matches("[A-Za-z0-9._-]+")) {
                throw new IllegalArgumentException("model name for file names must be letters, digits, '.', '_' or '-': " + modelName);
            }
            checkTensorReserve(encoder.preprocessing(), threads, batchSize, memoryBudget);
        }

        /** A job with the default memory budget that refuses to replace sets made differently. */
        public Job(Dataset dataset, String modelName, Encoder encoder, List<ProcessingOp> ops, long seed, Path outDir,
                   int threads, int batchSize, int shardSize, ImageDecoder decoder) {
            this(dataset, modelName, encoder, ops, seed, outDir, threads, batchSize, shardSize, decoder, 0, false);
        }
    }

    /** One failed sample under one operation (or all operations when it could not be decoded). */
    public record Failure(String id, String file, String operation, String reason) {
    }

    /**
     * One written embedding set.
     *
     * @param reused the set was already complete (same provenance) and was kept as it was
     * @param resumedShards shards committed by an earlier, interrupted run and reused
     */
    public record Output(ProcessingOp op, Path file, int rows, int failed, boolean reused, int resumedShards, int shards) {
    }

    /** Receives progress: images encoded so far across all operations, and the total. */
    public interface Listener {
        void progress(long done, long total);
    }

    /**
     * A complete set is in the output folder but was made differently (or is damaged): it is
     * neither reused nor silently replaced.
     */
    public static final class ProvenanceMismatchException extends IOException {
        ProvenanceMismatchException(Path file, String difference) {
            super(file + " already exists but " + difference + ": rerun with --force to recompute it,"
                    + " or choose another output folder to keep it");
        }
    }

    private Extraction() {
    }

    /** Tensors that may wait for the encoder: a batch, plus two per worker ahead of it (at least two per core). */
    static long tensorsInFlight(int threads, int batchSize) {
        return batchSize + 2L * Math.max(threads, Runtime.getRuntime().availableProcessors());
    }

    /**
     * Refuses settings whose tensors waiting for the encoder would take more than half of the memory
     * budget, before any work: otherwise every image fails "needs about 1 MiB, more than the budget of
     * 1 MiB" (what is left for images) without a word about the setting at fault, or the JVM runs out
     * of heap. The message names the cost (the input tensor's size) and the options that drive it.
     *
     * @param memoryBudget the job's budget (0: the default share of the heap)
     * @throws IllegalArgumentException naming the options to change
     */
    public static void checkTensorReserve(PreprocessSpec spec, int threads, int batchSize, long memoryBudget) {
        long budget = memoryBudget > 0 ? memoryBudget : MemoryBudget.defaultBytes();
        int crop = spec.cropSize();
        long tensorBytes = 4L * 3 * crop * crop;
        long inFlight = tensorsInFlight(threads, batchSize);
        long reserve = tensorBytes * inFlight;
        if (reserve <= budget / 2) {
            return;
        }
        int ahead = 2 * Math.max(threads, Runtime.getRuntime().availableProcessors());
        List<String> fixes = new ArrayList<>();
        if (tensorBytes * 8 > budget / 2) {
            fixes.add("a smaller --size (the model's input side, " + crop + " px)");
        }
        if (ahead >= batchSize && threads > Runtime.getRuntime().availableProcessors()) {
            fixes.add("fewer --threads (" + threads + ")");
        }
        if (batchSize > ahead || fixes.isEmpty()) {
            fixes.add("a smaller --batch-size (" + batchSize + ")");
        }
        throw new IllegalArgumentException("the input tensors waiting for the encoder would need " + MemoryBudget.human(reserve)
                + ": " + inFlight + " tensors (--batch-size " + batchSize + " plus " + ahead + " for the workers ahead of the encoder, 2 per"
                + " thread" + (threads < Runtime.getRuntime().availableProcessors() ? " and at least 2 per core" : "") + ") of 3x" + crop + "x"
                + crop + " floats (" + human(tensorBytes) + " each, from the model's input size), more than half of the memory budget of "
                + MemoryBudget.human(budget) + (memoryBudget > 0 ? " (--memory-budget)" : " (" + Math.round(MemoryBudget.DEFAULT_HEAP_SHARE * 100)
                + "% of the Java heap)") + ". Use " + String.join(" or ", fixes) + ", or raise the heap with TRACES_JAVA_OPTS=-Xmx<size>"
                + (memoryBudget > 0 ? " and --memory-budget" : ""));
    }

    private static String human(long bytes) {
        return bytes < 1L << 20 ? (bytes + 1023) / 1024 + " KiB" : MemoryBudget.human(bytes);
    }

    /** The base name of a set: {@code <dataset>__<OP>__<model>}. */
    public static String setName(String dataset, ProcessingOp op, String model) {
        return dataset + "__" + op.name().replace('+', '-') + "__" + model;
    }

    /** Runs the job; returns one output per operation. */
    public static List<Output> run(Job job, Listener listener) throws IOException, InterruptedException {
        return run(job, listener, "traces embed " + job.dataset().name() + " with " + job.modelName());
    }

    /**
     * Runs the job, recording {@code holder} in the output folder's lock, so that a run refused
     * meanwhile is told what holds the folder (e.g. {@code traces audit ...} rather than embed).
     */
    public static List<Output> run(Job job, Listener listener, String holder) throws IOException, InterruptedException {
        Files.createDirectories(job.outDir());
        try (OutputLock lock = OutputLock.acquire(job.outDir(), holder)) {
            // our temporaries live beside the sets and under .work/; the rest of the folder is not ours to walk
            AtomicFiles.cleanStale(job.outDir(), 1);
            AtomicFiles.cleanStale(job.outDir().resolve(".work"));
            return runLocked(job, listener);
        }
    }

    private static List<Output> runLocked(Job job, Listener listener) throws IOException, InterruptedException {
        List<Sample> samples = job.dataset().samples();
        int shards = (samples.size() + job.shardSize() - 1) / job.shardSize();
        String manifest = job.dataset().manifestSha256();
        List<ProcessingOp> todo = new ArrayList<>();
        List<Output> outputs = new ArrayList<>();
        Map<ProcessingOp, ShardStore> stores = new LinkedHashMap<>();
        Map<ProcessingOp, ReuseKey> keys = new LinkedHashMap<>();
        // every set is judged before any work: one made differently refuses the run with nothing touched
        for (ProcessingOp op : job.ops()) {
            ShardStore store = new ShardStore(job.outDir(), setName(job.dataset().name(), op, job.modelName()));
            ReuseKey key = new ReuseKey(job.seed(), op.chain(), manifest, job.encoder().provenanceRecord().identity());
            stores.put(op, store);
            keys.put(op, key);
            ShardStore.Existing existing = store.existing(key);
            if (existing instanceof ShardStore.Existing.Reusable r) {
                Integer failed = r.set().provenance().failed();
                outputs.add(new Output(op, store.setFile(), r.set().rows(), failed == null ? 0 : failed, true, 0, shards));
                store.deleteWork();
            } else if (existing instanceof ShardStore.Existing.Different d && !job.force()) {
                throw new ProvenanceMismatchException(store.setFile(), d.difference());
            } else {
                todo.add(op);
            }
        }
        for (ProcessingOp op : todo) {
            stores.get(op).openWork(keys.get(op));
        }
        long total = (long) samples.size() * todo.size();
        long[] done = {0};
        // shards an interrupted run committed count as done from the start, all at once, so that a
        // progress bar's rate and ETA measure only the work this run does
        for (int s = 0; s < shards; s++) {
            int size = Math.min(samples.size(), (s + 1) * job.shardSize()) - s * job.shardSize();
            for (ProcessingOp op : todo) {
                if (stores.get(op).hasShard(s)) {
                    done[0] += size;
                }
            }
        }
        if (!todo.isEmpty()) {
            listener.progress(done[0], total);
        }
        Instant start = Instant.now();
        Map<ProcessingOp, Integer> resumed = new LinkedHashMap<>();
        try (ExtractionPipeline pipeline = new ExtractionPipeline(job, todo.size())) {
            ExtractionPipeline.Progress progress = pairs -> {
                done[0] += pairs;
                listener.progress(done[0], total);
            };
            for (int s = 0; s < shards && !todo.isEmpty(); s++) {
                List<Sample> shard = samples.subList(s * job.shardSize(), Math.min(samples.size(), (s + 1) * job.shardSize()));
                List<ProcessingOp> missing = new ArrayList<>();
                for (ProcessingOp op : todo) {
                    if (stores.get(op).hasShard(s)) {
                        resumed.merge(op, 1, Integer::sum);
                    } else {
                        missing.add(op);
                    }
                }
                listener.progress(done[0], total);
                for (int g = 0; g < missing.size(); g += pipeline.group()) {
                    List<ProcessingOp> ops = missing.subList(g, Math.min(missing.size(), g + pipeline.group()));
                    List<EmbeddingSet> parts = pipeline.embed(ops, shard, progress);
                    for (int k = 0; k < ops.size(); k++) {
                        stores.get(ops.get(k)).writeShard(s, parts.get(k));
                    }
                }
            }
        }
        for (ProcessingOp op : todo) {
            outputs.add(assemble(job, op, stores.get(op), shards, resumed.getOrDefault(op, 0), start));
        }
        outputs.sort(Comparator.comparingInt(o -> job.ops().indexOf(o.op())));
        Path work = job.outDir().resolve(".work");
        if (Files.isDirectory(work)) {
            try (Stream<Path> rest = Files.list(work)) {
                if (rest.findAny().isEmpty()) {
                    Files.delete(work);
                }
            }
        }
        return outputs;
    }

    /**
     * What an earlier run left of one set in {@code outDir}, seen without an encoder: whether the set
     * is complete for this seed, processing and dataset, or else how many of its shards an
     * interrupted run with them committed. Why: a plan can say what it will reuse and estimate only
     * the rest. The encoder's identity is not compared here ({@link #run} still refuses a set made
     * by another model), so it is a forecast, not a promise.
     *
     * @param complete the set is there and was made with this seed, processing and dataset
     * @param shardsDone shards an interrupted run committed (0 when complete)
     * @param shards shards of the whole set at {@code shardSize}
     */
    public record Committed(boolean complete, int shardsDone, int shards) {
        /** Images of the set already done. */
        public long imagesDone(int images, int shardSize) {
            return complete ? images : Math.min(images, (long) shardsDone * shardSize);
        }
    }

    /** What an earlier run left of the set of {@code op} and {@code modelName} in {@code outDir} (see {@link Committed}). */
    public static Committed committed(Path outDir, Dataset dataset, ProcessingOp op, String modelName, long seed, int shardSize)
            throws IOException {
        int n = dataset.samples().size();
        int shards = (n + shardSize - 1) / shardSize;
        ShardStore store = new ShardStore(outDir, setName(dataset.name(), op, modelName));
        ReuseKey key = new ReuseKey(seed, op.chain(), dataset.manifestSha256(), null);
        if (store.committedFor(key)) {
            return new Committed(true, 0, shards);
        }
        return new Committed(false, store.shardsCommitted(key, shards), shards);
    }

    /** Assembles the committed shards of {@code op} into its set and commits it. */
    private static Output assemble(Job job, ProcessingOp op, ShardStore store, int shards, int resumed, Instant start) throws IOException {
        int dim = job.encoder().embeddingDim();
        ShardStore.Assembled a = store.assemble(shards, job.dataset().labelTensors(), dim);
        EmbeddingSet rows = a.rows();
        String base = setName(job.dataset().name(), op, job.modelName());
        EmbeddingSet set = new EmbeddingSet(rows.rows(), dim, rows.embeddings(), rows.labels(), rows.ids(),
                provenance(job, op, rows.rows(), a.failures().size()));
        RunRecord run = new RunRecord(store.setFile().getFileName().toString(), start, Instant.now(), job.batchSize(), job.shardSize(),
                resumed, Map.of("threads", job.threads()));
        ShardStore.commit(job.outDir(), base, set, ShardStore.failuresTsv(a.failures()), run);
        store.deleteWork();
        return new Output(op, store.setFile(), rows.rows(), a.failures().size(), false, resumed, shards);
    }

    /** The provenance a set of this job records: platform, dataset, processing, seed, image decoder, model, encoder, counts. */
    private static SetProvenance provenance(Job job, ProcessingOp op, int rows, int failed) {
        Dataset ds = job.dataset();
        ArtifactProvenance artifact = ArtifactProvenance.current()
                .withDataset(new DatasetRef(ds.name(), ds.source(), ds.samples().size(), ds.manifestSha256(), ds.labelNames()))
                .withProcessing(op.chain()).withSeed(job.seed()).withImageDecoder(ImageDecoder.decoderDescription());
        return new SetProvenance(artifact, job.modelName(), job.encoder().provenanceRecord(), rows, failed,
                setName(ds.name(), op, job.modelName()) + ".failures.tsv", List.of(), null, null);
    }
}
