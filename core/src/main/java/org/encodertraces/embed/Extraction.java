package org.encodertraces.embed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.encodertraces.data.Dataset;
import org.encodertraces.data.Sample;
import org.encodertraces.encoder.Encoder;
import org.encodertraces.encoder.FloatTensorBatch;
import org.encodertraces.encoder.PreprocessSpec;
import org.encodertraces.encoder.Preprocessor;
import org.encodertraces.image.ImageDecodeException;
import org.encodertraces.image.ImageDecoder;
import org.encodertraces.image.RgbImage;
import org.encodertraces.io.AtomicFiles;
import org.encodertraces.io.OutputLock;
import org.encodertraces.io.Tsv;
import org.encodertraces.process.ImageFootprint;
import org.encodertraces.process.MemoryBudget;
import org.encodertraces.process.ProcessingOp;
import org.encodertraces.provenance.ToolInfo;

/**
 * Extracts one embedding set per (dataset, processing operation, model): decodes each image on a
 * pool of threads, applies the operations (steps before the encoder's crop, the crop, then
 * after-crop steps such as masks), batches the tensors into the encoder and writes
 * {@code OUT/<dataset>__<OP>__<model>.safetensors} with its JSON sidecar, a failures TSV and a
 * run log.
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
 * committed set is reused only when its recorded seed, processing chain, encoder (model sha256,
 * preprocessing, output) and dataset manifest hash equal the job's; otherwise the run refuses
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

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    /** Fields of the encoder's provenance that identify what it computes (not where it ran). */
    private static final List<String> ENCODER_IDENTITY = List.of("model_sha256", "encoder", "feature_version", "preprocessing",
            "input_name", "output_name", "pooling", "l2_normalize", "model_edited", "embedding_dim");
    /** Share of the memory budget for tensors waiting for the encoder; the rest is for images. */
    private static final double TENSOR_SHARE = 0.25;

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
        List<ProcessingOp> todo = new ArrayList<>();
        List<Output> outputs = new ArrayList<>();
        String manifest = job.dataset().manifestSha256();
        for (ProcessingOp op : job.ops()) {
            Path file = setFile(job, op);
            ObjectNode key = reuseKey(job, op, manifest);
            if (Files.exists(EmbeddingSetIO.sidecarOf(file))) {
                String difference = difference(file, key);
                if (difference == INCOMPLETE) {
                    todo.add(op); // not a finished set: nothing to keep
                    continue;
                }
                if (difference == null) {
                    EmbeddingSet existing = EmbeddingSetIO.read(file);
                    outputs.add(new Output(op, file, existing.rows(), existing.provenance().path("failed").asInt(0), true, 0, shards));
                    deleteWork(job, op);
                    continue;
                }
                if (!job.force()) {
                    throw new ProvenanceMismatchException(file, difference);
                }
            }
            todo.add(op);
        }
        int[] resumed = new int[job.ops().size()];
        for (ProcessingOp op : todo) {
            Path keyFile = workDir(job, op).resolve("job.json");
            String key = JSON.writeValueAsString(reuseKey(job, op, manifest));
            if (!Files.exists(keyFile) || !Files.readString(keyFile, StandardCharsets.UTF_8).equals(key)) {
                // shards of an interrupted run with other settings (or of an older version) are not ours to finish
                AtomicFiles.deleteTree(workDir(job, op));
                AtomicFiles.writeString(keyFile, key);
            }
        }
        long total = (long) samples.size() * todo.size();
        long[] done = {0};
        // shards an interrupted run committed count as done from the start, all at once, so that a
        // progress bar's rate and ETA measure only the work this run does
        for (int s = 0; s < shards; s++) {
            int size = Math.min(samples.size(), (s + 1) * job.shardSize()) - s * job.shardSize();
            for (ProcessingOp op : todo) {
                if (Files.exists(shardFile(job, op, s))) {
                    done[0] += size;
                }
            }
        }
        if (!todo.isEmpty()) {
            listener.progress(done[0], total);
        }
        Instant start = Instant.now();
        MemoryBudget budget = MemoryBudget.ofOrDefault(job.memoryBudget());
        PreprocessSpec spec = job.encoder().preprocessing();
        long tensorBytes = 4L * 3 * spec.cropSize() * spec.cropSize();
        int window = 2 * job.threads();
        // the tensors' reserve depends on the machine, not on --threads, so the budget (and its
        // messages) are the same for any number of workers
        int reserveWindow = (int) (tensorsInFlight(job.threads(), 0));
        // operations per decode: their tensors waiting for the encoder stay within the tensor share of the budget
        int group = (int) Math.max(1, Math.min(todo.size(),
                (long) (budget.total() * TENSOR_SHARE) / (tensorBytes * (job.batchSize() + reserveWindow))));
        MemoryBudget images = new MemoryBudget(Math.max(1, budget.total() - (long) group * (job.batchSize() + reserveWindow) * tensorBytes));
        ExecutorService pool = Executors.newFixedThreadPool(job.threads());
        try {
            for (int s = 0; s < shards && !todo.isEmpty(); s++) {
                List<Sample> shard = samples.subList(s * job.shardSize(), Math.min(samples.size(), (s + 1) * job.shardSize()));
                List<ProcessingOp> missing = new ArrayList<>();
                for (ProcessingOp op : todo) {
                    if (Files.exists(shardFile(job, op, s))) {
                        resumed[job.ops().indexOf(op)]++;
                    } else {
                        missing.add(op);
                    }
                }
                listener.progress(done[0], total);
                for (int g = 0; g < missing.size(); g += group) {
                    List<ProcessingOp> ops = missing.subList(g, Math.min(missing.size(), g + group));
                    writeShards(job, ops, s, shard, pool, images, window, done, total, listener);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        for (ProcessingOp op : todo) {
            outputs.add(assemble(job, op, shards, resumed[job.ops().indexOf(op)], start));
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
        String base = setName(dataset.name(), op, modelName);
        Path file = outDir.resolve(base + ".safetensors");
        JsonNode processing = JSON.readTree(JSON.writeValueAsString(op.describe()));
        String manifest = dataset.manifestSha256();
        Path sidecar = EmbeddingSetIO.sidecarOf(file);
        if (Files.isRegularFile(sidecar) && Files.isRegularFile(file) && Files.exists(outDir.resolve(base + ".failures.tsv"))
                && Files.exists(outDir.resolve(base + ".run.json"))) {
            try {
                JsonNode prov = JSON.readTree(sidecar.toFile()).path("provenance");
                if (prov.path("seed").asLong(Long.MIN_VALUE) == seed && prov.path("processing").equals(processing)
                        && prov.path("dataset").path("manifest_sha256").asText().equals(manifest)) {
                    return new Committed(true, 0, shards);
                }
            } catch (IOException e) {
                // unreadable: not complete
            }
        }
        Path work = outDir.resolve(".work").resolve(base);
        Path keyFile = work.resolve("job.json");
        int done = 0;
        if (Files.isRegularFile(keyFile)) {
            try {
                JsonNode key = JSON.readTree(keyFile.toFile());
                if (key.path("seed").asLong(Long.MIN_VALUE) == seed && key.path("processing").equals(processing)
                        && key.path("manifest_sha256").asText().equals(manifest)) {
                    for (int sh = 0; sh < shards; sh++) {
                        if (Files.exists(work.resolve(String.format("shard-%06d.safetensors", sh)))) {
                            done++;
                        }
                    }
                }
            } catch (IOException e) {
                // unreadable: nothing reusable
            }
        }
        return new Committed(false, done, shards);
    }

    private static Path setFile(Job job, ProcessingOp op) {
        return job.outDir().resolve(setName(job.dataset().name(), op, job.modelName()) + ".safetensors");
    }

    /** What a set must have been made with to be reused: seed, processing chain, encoder identity, dataset manifest. */
    private static ObjectNode reuseKey(Job job, ProcessingOp op, String manifest) throws IOException {
        ObjectNode k = JsonNodeFactory.instance.objectNode();
        k.put("seed", job.seed());
        k.set("processing", JSON.valueToTree(op.describe()));
        k.set("encoder", encoderIdentity(JSON.valueToTree(job.encoder().provenance())));
        k.put("manifest_sha256", manifest);
        // through text and back, so numbers compare as they will when read from a sidecar
        return (ObjectNode) JSON.readTree(JSON.writeValueAsString(k));
    }

    private static ObjectNode encoderIdentity(JsonNode encoder) {
        ObjectNode id = JsonNodeFactory.instance.objectNode();
        for (String f : ENCODER_IDENTITY) {
            if (encoder.has(f)) {
                id.set(f, encoder.get(f));
            }
        }
        return id;
    }

    /** {@link #difference}'s answer for a set that was never completely written. */
    private static final String INCOMPLETE = new String("incomplete");

    /**
     * Why the set at {@code file} cannot be reused for {@code key}: null when it can,
     * {@link #INCOMPLETE} when it was never finished (a companion file missing, as an older
     * version killed at the wrong moment left it, or the pair damaged), else the difference.
     */
    private static String difference(Path file, ObjectNode key) throws IOException {
        String base = file.getFileName().toString().replaceFirst("\\.safetensors$", "");
        for (String companion : new String[] {".failures.tsv", ".run.json"}) {
            if (!Files.exists(file.resolveSibling(base + companion))) {
                return INCOMPLETE;
            }
        }
        JsonNode prov;
        try {
            prov = EmbeddingSetIO.read(file).provenance();
        } catch (EmbeddingFormatException e) {
            return INCOMPLETE;
        }
        if (prov.path("seed").asLong(Long.MIN_VALUE) != key.get("seed").asLong()) {
            return "it was made with seed " + prov.path("seed") + ", this run uses seed " + key.get("seed");
        }
        if (!prov.path("processing").equals(key.get("processing"))) {
            return "it was made with processing " + prov.path("processing") + ", this run uses " + key.get("processing");
        }
        if (!prov.path("dataset").path("manifest_sha256").asText().equals(key.get("manifest_sha256").asText())) {
            return "it was made from a different dataset (manifest sha256 " + prov.path("dataset").path("manifest_sha256").asText()
                    + ", now " + key.get("manifest_sha256").asText() + ": images added, removed, relabelled or resized)";
        }
        ObjectNode recorded = encoderIdentity(prov.path("encoder"));
        ObjectNode now = (ObjectNode) key.get("encoder");
        if (!recorded.equals(now)) {
            String sha = recorded.path("model_sha256").asText("");
            String shaNow = now.path("model_sha256").asText("");
            if (!sha.equals(shaNow)) {
                return "it was made with a different model (sha256 " + (sha.isEmpty() ? "none" : sha) + ", this run's model has "
                        + (shaNow.isEmpty() ? "none" : shaNow) + ")";
            }
            return "it was made with different encoder settings (" + recorded + ", this run " + now + ")";
        }
        return null;
    }

    private static void deleteWork(Job job, ProcessingOp op) throws IOException {
        AtomicFiles.deleteTree(workDir(job, op));
    }

    /** One sample after decoding and processing under a group of operations. */
    private record Prepared(String decodeError, float[][] tensors, String[] errors) {
    }

    private static Prepared prepare(Job job, List<ProcessingOp> ops, Sample sm, MemoryBudget images) throws InterruptedException {
        long cost;
        try {
            cost = ImageFootprint.estimate(sm.file(), ops, job.decoder().maxPixels());
        } catch (IOException e) {
            cost = 0; // unreadable: the decoder says why
        }
        try {
            images.acquire(cost, cost > images.total() ? ImageFootprint.describe(sm.file()) : "");
        } catch (MemoryBudget.TooLargeException e) {
            return new Prepared(e.getMessage(), null, null);
        }
        try {
            RgbImage image;
            try {
                image = job.decoder().decode(sm.file()).image();
            } catch (ImageDecodeException e) {
                if (MemoryBudget.causedByOutOfMemory(e)) {
                    throw new OutOfMemoryError("while decoding"); // the decoder caught it: report it as what it is
                }
                return new Prepared(e.reason(), null, null);
            } catch (RuntimeException e) {
                return new Prepared("decoding failed: " + e, null, null);
            }
            PreprocessSpec spec = job.encoder().preprocessing();
            int per = 3 * spec.cropSize() * spec.cropSize();
            float[][] tensors = new float[ops.size()][];
            String[] errors = new String[ops.size()];
            for (int k = 0; k < ops.size(); k++) {
                ProcessingOp op = ops.get(k);
                try {
                    RgbImage img = op.applyBeforeCrop(image, sm.id(), job.seed()).image();
                    RgbImage cropped = Preprocessor.resizeAndCrop(img, spec);
                    if (op.hasAfterCropSteps()) {
                        cropped = op.applyAfterCrop(cropped, sm.id(), job.seed());
                    }
                    float[] t = new float[per];
                    Preprocessor.writeTensor(cropped, spec, t, 0);
                    tensors[k] = t;
                } catch (RuntimeException e) {
                    errors[k] = "processing " + op.name() + " failed: " + e.getMessage();
                }
            }
            return new Prepared(null, tensors, errors);
        } catch (OutOfMemoryError e) {
            return new Prepared("ran out of memory (estimated " + MemoryBudget.human(cost) + ", budget "
                    + MemoryBudget.human(images.total()) + "): raise the heap with TRACES_JAVA_OPTS=-Xmx<size>", null, null);
        } finally {
            images.release(cost);
        }
    }

    private static <T> T await(Future<T> f) throws InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof InterruptedException ie) {
                throw ie;
            }
            throw new IllegalStateException("worker failed unexpectedly: " + e.getCause(), e.getCause());
        }
    }

    private static float[] embedBatch(Encoder encoder, PreprocessSpec spec, List<float[]> tensors, int per, int dim) {
        int n = tensors.size();
        float[] batch = new float[n * per];
        for (int j = 0; j < n; j++) {
            System.arraycopy(tensors.get(j), 0, batch, j * per, per);
        }
        float[][] out = encoder.embed(new FloatTensorBatch(spec.tensorShape(n), batch));
        if (out.length != n) {
            throw new org.encodertraces.encoder.EncoderException("encoder " + encoder.info().id() + " returned " + out.length
                    + " embeddings for a batch of " + n + " images: it must return one per image, in order");
        }
        float[] flat = new float[n * dim];
        for (int j = 0; j < n; j++) {
            if (out[j].length != dim) {
                throw new IllegalStateException("encoder returned " + out[j].length + " values, declared " + dim);
            }
            System.arraycopy(out[j], 0, flat, j * dim, dim);
        }
        return flat;
    }

    private static Path workDir(Job job, ProcessingOp op) {
        return job.outDir().resolve(".work").resolve(setName(job.dataset().name(), op, job.modelName()));
    }

    private static Path shardFile(Job job, ProcessingOp op, int shard) {
        return workDir(job, op).resolve(String.format("shard-%06d.safetensors", shard));
    }

    /** One shard under one operation as it fills up. */
    private static final class ShardState {
        final String[] error;
        final boolean[] decodeFailed;
        final List<Integer> good = new ArrayList<>();
        final List<float[]> rows = new ArrayList<>();
        final List<Integer> pendingIndex = new ArrayList<>();
        final List<float[]> pending = new ArrayList<>();

        ShardState(int n) {
            error = new String[n];
            decodeFailed = new boolean[n];
        }
    }

    /**
     * Processes, embeds and writes one shard under a group of operations. Workers decode each
     * image once and prepare its tensors for every operation of the group, at most a window of
     * images ahead of this thread, which feeds each operation's batch to the encoder as soon as
     * it is full, so inference overlaps the preparation of the next images. Batches are runs of
     * consecutive good images, the same whichever thread finishes first.
     */
    private static void writeShards(Job job, List<ProcessingOp> ops, int s, List<Sample> shard, ExecutorService pool,
            MemoryBudget images, int window, long[] done, long total, Listener listener) throws IOException, InterruptedException {
        PreprocessSpec spec = job.encoder().preprocessing();
        int per = 3 * spec.cropSize() * spec.cropSize();
        int dim = job.encoder().embeddingDim();
        List<ShardState> states = new ArrayList<>();
        ops.forEach(op -> states.add(new ShardState(shard.size())));
        List<Future<Prepared>> prepared = new ArrayList<>(shard.size());
        for (int i = 0; i < shard.size(); i++) {
            prepared.add(null);
        }
        int submitted = 0;
        for (int i = 0; i < shard.size(); i++) {
            while (submitted < shard.size() && submitted <= i + window) {
                Sample sm = shard.get(submitted);
                prepared.set(submitted, pool.submit(() -> prepare(job, ops, sm, images)));
                submitted++;
            }
            Prepared p = await(prepared.get(i));
            prepared.set(i, null);
            for (int k = 0; k < ops.size(); k++) {
                ShardState st = states.get(k);
                if (p.decodeError() != null) {
                    st.error[i] = p.decodeError();
                    st.decodeFailed[i] = true;
                } else if (p.tensors()[k] == null) {
                    st.error[i] = p.errors()[k];
                } else {
                    st.pending.add(p.tensors()[k]);
                    st.pendingIndex.add(i);
                }
                if (st.pending.size() == job.batchSize() || (i == shard.size() - 1 && !st.pending.isEmpty())) {
                    flush(job, spec, st, per, dim, shard);
                }
            }
            done[0] += ops.size();
            listener.progress(done[0], total);
        }
        for (int k = 0; k < ops.size(); k++) {
            writeShard(job, ops.get(k), s, shard, states.get(k), dim);
        }
    }

    /** Embeds the pending tensors of one operation; a row that is not finite fails its image. */
    private static void flush(Job job, PreprocessSpec spec, ShardState st, int per, int dim, List<Sample> shard) {
        float[] e = embedBatch(job.encoder(), spec, st.pending, per, dim);
        for (int j = 0; j < st.pending.size(); j++) {
            int i = st.pendingIndex.get(j);
            String bad = null;
            for (int d = 0; d < dim; d++) {
                float v = e[j * dim + d];
                if (!Float.isFinite(v)) {
                    bad = "the encoder returned a non-finite embedding (" + v + " at dimension " + d + "): not written";
                    break;
                }
            }
            if (bad != null) {
                st.error[i] = bad;
            } else {
                st.good.add(i);
                st.rows.add(java.util.Arrays.copyOfRange(e, j * dim, (j + 1) * dim));
            }
        }
        st.pending.clear();
        st.pendingIndex.clear();
    }

    private static void writeShard(Job job, ProcessingOp op, int s, List<Sample> shard, ShardState st, int dim) throws IOException {
        List<Integer> good = st.good;
        float[] emb = new float[good.size() * dim];
        for (int j = 0; j < good.size(); j++) {
            System.arraycopy(st.rows.get(j), 0, emb, j * dim, dim);
        }
        Map<String, long[]> labels = new LinkedHashMap<>();
        for (String name : job.dataset().labelTensors()) {
            long[] v = new long[good.size()];
            for (int j = 0; j < good.size(); j++) {
                v[j] = shard.get(good.get(j)).labels().get(name);
            }
            labels.put(name, v);
        }
        List<String> ids = good.stream().map(i -> shard.get(i).id()).toList();
        ObjectNode prov = JsonNodeFactory.instance.objectNode();
        ArrayNode failures = prov.putArray("failures");
        for (int i = 0; i < shard.size(); i++) {
            if (st.error[i] != null) {
                ObjectNode f = failures.addObject();
                f.put("id", shard.get(i).id());
                f.put("file", shard.get(i).file().toString());
                f.put("operation", st.decodeFailed[i] ? "" : op.name());
                f.put("reason", st.error[i]);
            }
        }
        EmbeddingSetIO.write(shardFile(job, op, s), new EmbeddingSet(good.size(), dim, emb, labels, ids, prov));
    }

    private static Output assemble(Job job, ProcessingOp op, int shards, int resumed, Instant start) throws IOException {
        List<EmbeddingSet> parts = new ArrayList<>();
        for (int s = 0; s < shards; s++) {
            parts.add(EmbeddingSetIO.read(shardFile(job, op, s)));
        }
        int dim = job.encoder().embeddingDim();
        int rows = parts.stream().mapToInt(EmbeddingSet::rows).sum();
        float[] emb = new float[rows * dim];
        Map<String, long[]> labels = new LinkedHashMap<>();
        for (String name : job.dataset().labelTensors()) {
            labels.put(name, new long[rows]);
        }
        List<String> ids = new ArrayList<>();
        List<Failure> failures = new ArrayList<>();
        int r = 0;
        for (EmbeddingSet p : parts) {
            System.arraycopy(p.embeddings(), 0, emb, r * dim, p.rows() * dim);
            for (Map.Entry<String, long[]> e : labels.entrySet()) {
                System.arraycopy(p.label(e.getKey()), 0, e.getValue(), r, p.rows());
            }
            ids.addAll(p.ids());
            p.provenance().get("failures").forEach(f -> failures.add(new Failure(f.get("id").asText(), f.get("file").asText(),
                    f.get("operation").asText(), f.get("reason").asText())));
            r += p.rows();
        }
        String base = setName(job.dataset().name(), op, job.modelName());
        Path file = job.outDir().resolve(base + ".safetensors");
        StringBuilder tsv = new StringBuilder("id\tfile\toperation\treason\n");
        for (Failure f : failures) {
            tsv.append(Tsv.line(f.id(), f.file(), f.operation(), f.reason()));
        }
        // the failures and the run log first; the set's sidecar, moved into place last, commits the set
        AtomicFiles.writeString(job.outDir().resolve(base + ".failures.tsv"), tsv);
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("set", file.getFileName().toString());
        run.put("started", start.toString());
        run.put("finished", Instant.now().toString());
        run.put("threads", job.threads());
        run.put("batch_size", job.batchSize());
        run.put("shard_size", job.shardSize());
        run.put("resumed_shards", resumed);
        AtomicFiles.writeString(job.outDir().resolve(base + ".run.json"), JSON.writeValueAsString(run));
        EmbeddingSetIO.write(file, new EmbeddingSet(rows, dim, emb, labels, ids, provenance(job, op, rows, failures.size())));
        deleteWork(job, op);
        return new Output(op, file, rows, failures.size(), false, resumed, shards);
    }

    private static ObjectNode provenance(Job job, ProcessingOp op, int rows, int failed) {
        ObjectNode p = JsonNodeFactory.instance.objectNode();
        ToolInfo.platform().forEach(p::put);
        ObjectNode ds = p.putObject("dataset");
        ds.put("name", job.dataset().name());
        ds.put("source", job.dataset().source());
        ds.put("samples", job.dataset().samples().size());
        ds.put("manifest_sha256", job.dataset().manifestSha256());
        ds.set("label_names", JSON.valueToTree(job.dataset().labelNames()));
        p.set("processing", JSON.valueToTree(op.describe()));
        p.put("seed", job.seed());
        p.put("model", job.modelName());
        p.set("encoder", JSON.valueToTree(job.encoder().provenance()));
        p.put("image_decoder", ImageDecoder.decoderDescription());
        p.put("rows", rows);
        p.put("failed", failed);
        p.put("failures_file", setName(job.dataset().name(), op, job.modelName()) + ".failures.tsv");
        return p;
    }
}
