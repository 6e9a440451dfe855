package org.encodertraces.embed;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
import org.encodertraces.process.ProcessingOp;
import org.encodertraces.provenance.ToolInfo;

/**
 * Extracts one embedding set per (dataset, processing operation, model): decodes each image once
 * per shard on a pool of threads, applies each operation (steps before the encoder's crop, the
 * crop, then after-crop steps such as masks), batches the tensors into the encoder and writes
 * {@code OUT/<dataset>__<OP>__<model>.safetensors} with its JSON sidecar, a failures TSV and a
 * run log.
 *
 * <p>Work is committed in shards of consecutive samples under {@code OUT/.work/}: a killed run,
 * re-run with the same arguments, redoes at most the shard in flight and ends with the same
 * bytes as an uninterrupted run (the timing lives in the separate {@code .run.json}). A sample
 * that fails to decode or process is recorded (id, file, reason) and skipped; the good rows keep
 * the dataset's order.
 */
public final class Extraction {
    /** What to extract. */
    public record Job(Dataset dataset, String modelName, Encoder encoder, List<ProcessingOp> ops, long seed, Path outDir,
                      int threads, int batchSize, int shardSize, ImageDecoder decoder) {
        public Job {
            ops = List.copyOf(ops);
            if (threads < 1 || batchSize < 1 || shardSize < 1) {
                throw new IllegalArgumentException("threads, batch size and shard size must be positive");
            }
            if (!modelName.matches("[A-Za-z0-9._-]+")) {
                throw new IllegalArgumentException("model name for file names must be letters, digits, '.', '_' or '-': " + modelName);
            }
        }
    }

    /** One failed sample under one operation (or all operations when it could not be decoded). */
    public record Failure(String id, String file, String operation, String reason) {
    }

    /** One written embedding set. */
    public record Output(ProcessingOp op, Path file, int rows, int failed, boolean reused) {
    }

    /** Receives progress: images encoded so far across all operations, and the total. */
    public interface Listener {
        void progress(long done, long total);
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private Extraction() {
    }

    /** The base name of a set: {@code <dataset>__<OP>__<model>}. */
    public static String setName(String dataset, ProcessingOp op, String model) {
        return dataset + "__" + op.name().replace('+', '-') + "__" + model;
    }

    /** Runs the job; returns one output per operation. */
    public static List<Output> run(Job job, Listener listener) throws IOException, InterruptedException {
        Files.createDirectories(job.outDir());
        List<Sample> samples = job.dataset().samples();
        int shards = (samples.size() + job.shardSize() - 1) / job.shardSize();
        List<ProcessingOp> todo = new ArrayList<>();
        List<Output> outputs = new ArrayList<>();
        for (ProcessingOp op : job.ops()) {
            Path file = job.outDir().resolve(setName(job.dataset().name(), op, job.modelName()) + ".safetensors");
            if (Files.exists(file) && Files.exists(EmbeddingSetIO.sidecarOf(file))) {
                EmbeddingSet existing = EmbeddingSetIO.read(file);
                outputs.add(new Output(op, file, existing.rows(), samples.size() - existing.rows(), true));
            } else {
                todo.add(op);
            }
        }
        long total = (long) samples.size() * todo.size();
        long[] done = {0};
        Instant start = Instant.now();
        ExecutorService pool = Executors.newFixedThreadPool(job.threads());
        try {
            for (int s = 0; s < shards && !todo.isEmpty(); s++) {
                List<Sample> shard = samples.subList(s * job.shardSize(), Math.min(samples.size(), (s + 1) * job.shardSize()));
                List<ProcessingOp> missing = new ArrayList<>();
                for (ProcessingOp op : todo) {
                    if (Files.exists(shardFile(job, op, s))) {
                        done[0] += shard.size();
                    } else {
                        missing.add(op);
                    }
                }
                listener.progress(done[0], total);
                if (missing.isEmpty()) {
                    continue;
                }
                // decoding is queued first, so a processing task that waits for its image never
                // waits on a task queued behind it
                List<Future<Decoded>> decoded = new ArrayList<>(shard.size());
                for (Sample sm : shard) {
                    decoded.add(pool.submit(() -> decode(job, sm)));
                }
                for (ProcessingOp op : missing) {
                    writeShard(job, op, s, shard, decoded, pool);
                    done[0] += shard.size();
                    listener.progress(done[0], total);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        for (ProcessingOp op : todo) {
            outputs.add(assemble(job, op, shards, start));
        }
        outputs.sort(Comparator.comparingInt(o -> job.ops().indexOf(o.op())));
        return outputs;
    }

    /** A decoded image, or why it could not be decoded. */
    private record Decoded(RgbImage image, String error) {
    }

    private static Decoded decode(Job job, Sample sm) {
        try {
            return new Decoded(job.decoder().decode(sm.file()).image(), null);
        } catch (ImageDecodeException e) {
            return new Decoded(null, e.reason());
        } catch (RuntimeException e) {
            return new Decoded(null, "decoding failed: " + e);
        }
    }

    private static <T> T await(Future<T> f) throws InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
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

    /**
     * Processes, embeds and writes one shard under one operation. Workers prepare the images'
     * tensors in row order while this thread feeds each batch to the encoder as soon as its images
     * are ready, so inference overlaps the preparation of the next batches. Batches are runs of
     * consecutive good images, the same whichever thread finishes first.
     */
    private static void writeShard(Job job, ProcessingOp op, int s, List<Sample> shard, List<Future<Decoded>> decoded,
            ExecutorService pool) throws IOException, InterruptedException {
        PreprocessSpec spec = job.encoder().preprocessing();
        int per = 3 * spec.cropSize() * spec.cropSize();
        List<Future<float[]>> prepared = new ArrayList<>(shard.size());
        String[] error = new String[shard.size()];
        boolean[] decodeFailed = new boolean[shard.size()];
        for (int i = 0; i < shard.size(); i++) {
            int k = i;
            Sample sm = shard.get(i);
            prepared.add(pool.submit(() -> {
                Decoded d = await(decoded.get(k));
                if (d.image() == null) {
                    error[k] = d.error();
                    decodeFailed[k] = true;
                    return null;
                }
                try {
                    RgbImage img = op.applyBeforeCrop(d.image(), sm.id(), job.seed()).image();
                    RgbImage cropped = Preprocessor.resizeAndCrop(img, spec);
                    if (op.hasAfterCropSteps()) {
                        cropped = op.applyAfterCrop(cropped, sm.id(), job.seed());
                    }
                    float[] t = new float[per];
                    Preprocessor.writeTensor(cropped, spec, t, 0);
                    return t;
                } catch (RuntimeException e) {
                    error[k] = "processing " + op.name() + " failed: " + e.getMessage();
                    return null;
                }
            }));
        }
        int dim = job.encoder().embeddingDim();
        List<Integer> good = new ArrayList<>();
        List<float[]> embeddings = new ArrayList<>();
        List<float[]> pending = new ArrayList<>();
        for (int i = 0; i < shard.size(); i++) {
            float[] t = await(prepared.get(i));
            prepared.set(i, null); // the tensor lives on in the batch only
            if (t != null) {
                good.add(i);
                pending.add(t);
            }
            if (pending.size() == job.batchSize() || (i == shard.size() - 1 && !pending.isEmpty())) {
                embeddings.add(embedBatch(job.encoder(), spec, pending, per, dim));
                pending.clear();
            }
        }
        float[] emb = new float[good.size() * dim];
        int at = 0;
        for (float[] e : embeddings) {
            System.arraycopy(e, 0, emb, at, e.length);
            at += e.length;
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
            if (error[i] != null) {
                ObjectNode f = failures.addObject();
                f.put("id", shard.get(i).id());
                f.put("file", shard.get(i).file().toString());
                f.put("operation", decodeFailed[i] ? "" : op.name());
                f.put("reason", error[i]);
            }
        }
        EmbeddingSetIO.write(shardFile(job, op, s), new EmbeddingSet(good.size(), dim, emb, labels, ids, prov));
    }

    private static Output assemble(Job job, ProcessingOp op, int shards, Instant start) throws IOException {
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
        EmbeddingSetIO.write(file, new EmbeddingSet(rows, dim, emb, labels, ids, provenance(job, op, rows, failures.size())));
        StringBuilder tsv = new StringBuilder("id\tfile\toperation\treason\n");
        for (Failure f : failures) {
            tsv.append(f.id()).append('\t').append(f.file()).append('\t').append(f.operation()).append('\t')
                    .append(f.reason().replace('\t', ' ').replace('\n', ' ')).append('\n');
        }
        writeAtomically(job.outDir().resolve(base + ".failures.tsv"), tsv.toString());
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("set", file.getFileName().toString());
        run.put("started", start.toString());
        run.put("finished", Instant.now().toString());
        run.put("threads", job.threads());
        run.put("batch_size", job.batchSize());
        run.put("shard_size", job.shardSize());
        writeAtomically(job.outDir().resolve(base + ".run.json"), JSON.writeValueAsString(run));
        deleteTree(workDir(job, op));
        return new Output(op, file, rows, failures.size(), false);
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

    private static void writeAtomically(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
        Path parent = dir.getParent();
        try (Stream<Path> rest = Files.list(parent)) {
            if (rest.findAny().isEmpty()) {
                Files.delete(parent);
            }
        }
    }
}
