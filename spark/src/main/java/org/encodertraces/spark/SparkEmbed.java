package org.encodertraces.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.encodertraces.data.Dataset;
import org.encodertraces.data.Sample;
import org.encodertraces.embed.EmbeddingSet;
import org.encodertraces.embed.EmbeddingSetIO;
import org.encodertraces.embed.Extraction;
import org.encodertraces.embed.ReuseKey;
import org.encodertraces.embed.RunRecord;
import org.encodertraces.embed.SetProvenance;
import org.encodertraces.embed.ShardStore;
import org.encodertraces.encoder.Encoder;
import org.encodertraces.encoder.EncoderProvenance;
import org.encodertraces.image.ImageDecoder;
import org.encodertraces.io.AtomicFiles;
import org.encodertraces.io.OutputLock;
import org.encodertraces.process.ProcessingOp;

/**
 * {@code traces embed} on a Spark cluster: the dataset's samples are cut into partitions of whole
 * shards (by position, so by id order), each partition runs our own {@link Extraction} on its
 * samples on an executor and leaves a partial embedding set under {@code OUT/.work/spark/}, and the
 * driver concatenates the parts into the set one machine would have written.
 *
 * <p>Why it is byte-identical: a partition starts on a shard boundary of the whole dataset and
 * uses the same shard and batch sizes, so every encoder call sees the same batch of images as in
 * a single-machine run; the parts' rows, label tensors, ids and failures are concatenated in
 * partition order ({@link ShardStore#concat}), and the provenance is the parts' with the whole
 * dataset's sample count, manifest hash, row and failure counts and the driver's view of the
 * encoder. Only the run record ({@code .run.json}) says it ran on Spark. A finished set is reused
 * by the same rule as on one machine ({@link ReuseKey}) and committed through the same
 * {@link ShardStore#commit}.
 *
 * <p>Reliability: a bad image is a recorded failure inside its partition, never a task failure.
 * A task that dies is retried by Spark (as often as the master allows: {@code local[N,F]},
 * {@code spark.task.maxFailures}); on a local or mounted output folder the retry resumes from the
 * shards its first attempt committed, and a rerun of the whole job reuses every finished part.
 * On another file system ({@code hdfs:}, {@code s3a:}) finished parts are uploaded, reused on a
 * rerun, and a task works in the executor's temporary folder. The model is opened on each
 * executor from the file the driver prepared (the same path, or a copy shipped once with
 * {@code SparkContext.addFile}): never downloaded per task.
 */
public final class SparkEmbed {
    /** Opens the dataset on an executor (the same listing the driver made). */
    public interface DatasetSource extends Serializable {
        /** The dataset. */
        Dataset open() throws IOException;
    }

    /** Opens the encoder on an executor. */
    public interface EncoderSource extends Serializable {
        /** The encoder, with {@code threads} ONNX Runtime intra-op threads. */
        Encoder open(int threads) throws IOException;
    }

    /**
     * What to extract.
     *
     * @param operations processing operations, comma-separated as {@code --processing} takes them
     * @param partitions the most partitions to cut the dataset into (each is a run of whole shards)
     * @param failPartition test hook: the partition whose first {@code failAttempts} attempts fail
     *     after committing its first shard (a killed task), or -1
     */
    public record Config(DatasetSource dataset, EncoderSource encoder, String modelName, String operations, long seed,
                         HadoopFiles out, int threads, int batchSize, int shardSize, long maxPixels, long memoryBudget,
                         boolean force, int partitions, int failPartition, int failAttempts) implements Serializable {
        private static final long serialVersionUID = 1L;

        /** Validates. */
        public Config {
            if (threads < 1 || batchSize < 1 || shardSize < 1 || partitions < 1) {
                throw new IllegalArgumentException("threads, batch size, shard size and partitions must be positive");
            }
        }
    }

    /** One partition's samples: positions {@code [from, to)}, with the first and last id the driver saw. */
    record Part(int index, int from, int to, String firstId, String lastId, int total) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /**
     * What one partition's task did.
     *
     * @param reused the part was complete from an earlier run
     * @param resumedShards shards its attempt found committed by an earlier attempt
     */
    public record PartResult(int partition, int attempt, boolean reused, int resumedShards) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** One assembled embedding set. */
    public record Output(ProcessingOp op, String file, int rows, int failed, boolean reused, int partitions,
                         int resumedPartitions, int resumedShards) {
    }

    /** Receives progress on the driver: partitions finished, and the total. */
    public interface Listener {
        void progress(long done, long total);
    }

    /** The injected failure of the test hook ({@link Config#failPartition()}): a task dying mid-partition. */
    static final class InjectedFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InjectedFailure(int partition) {
            super("injected failure of partition " + partition + " (test hook), after its first shard was committed");
        }
    }

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private SparkEmbed() {
    }

    /**
     * Runs the job on {@code sc}; returns one output per operation, in order.
     *
     * @param dataset the dataset as the driver opened it (executors open it again through the config and must see the same)
     * @param driverEncoder the encoder as the driver opened it: its provenance is the one recorded
     */
    public static List<Output> run(JavaSparkContext sc, Config c, Dataset dataset, Encoder driverEncoder, Listener listener)
            throws IOException {
        List<ProcessingOp> ops = ProcessingOp.parseList(c.operations());
        List<Sample> samples = dataset.samples();
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("dataset " + dataset.source() + " has no images");
        }
        Instant start = Instant.now();
        OutputLock lock = c.out().isLocal()
                ? OutputLock.acquire(c.out().localPath(), "traces spark embed " + dataset.name() + " with " + c.modelName()) : null;
        Path tmp = Files.createTempDirectory("traces-spark-");
        try {
            String manifest = dataset.manifestSha256();
            EncoderProvenance encoder = driverEncoder.provenanceRecord();
            List<Output> outputs = new ArrayList<>();
            List<ProcessingOp> todo = new ArrayList<>();
            for (ProcessingOp op : ops) {
                String base = Extraction.setName(dataset.name(), op, c.modelName());
                String why = existing(c.out(), base, new ReuseKey(c.seed(), op.chain(), manifest, encoder.identity()));
                if (why == null) {
                    EmbeddingSet set = readSet(c.out(), "", base, tmp);
                    Integer failed = set.provenance().failed();
                    outputs.add(new Output(op, c.out().resolve(base + ".safetensors").toString(), set.rows(),
                            failed == null ? 0 : failed, true, 0, 0, 0));
                } else if (why.isEmpty() || c.force()) {
                    todo.add(op);
                } else {
                    throw new IOException(c.out().resolve(base + ".safetensors") + " already exists but " + why
                            + ": rerun with --force to recompute it, or choose another output folder to keep it");
                }
            }
            if (todo.isEmpty()) {
                return outputs;
            }
            int shards = (samples.size() + c.shardSize() - 1) / c.shardSize();
            int perPart = (shards + Math.min(shards, c.partitions()) - 1) / Math.min(shards, c.partitions());
            List<Part> parts = new ArrayList<>();
            for (int from = 0, i = 0; from < samples.size(); from += perPart * c.shardSize(), i++) {
                int to = Math.min(samples.size(), from + perPart * c.shardSize());
                parts.add(new Part(i, from, to, samples.get(from).id(), samples.get(to - 1).id(), samples.size()));
            }
            // the parts of an interrupted run are reused only if it cut the same partitions with the same settings
            Map<String, Object> key = new LinkedHashMap<>();
            key.put("seed", c.seed());
            key.put("operations", c.operations());
            key.put("shard_size", c.shardSize());
            key.put("batch_size", c.batchSize());
            key.put("manifest_sha256", manifest);
            key.put("encoder", encoder.identity().toJson());
            key.put("partitions", parts.stream().map(p -> List.of(p.from(), p.to())).toList());
            String keyText = JSON.writeValueAsString(key);
            String keyRel = workDir(dataset.name(), c.modelName()) + "/job.json";
            if (c.out().exists(keyRel) ? !readText(c.out(), keyRel, tmp).equals(keyText) : c.out().exists(workDir(dataset.name(), c.modelName()))) {
                c.out().delete(workDir(dataset.name(), c.modelName()));
            }
            Path keyFile = tmp.resolve("job.json");
            Files.writeString(keyFile, keyText, StandardCharsets.UTF_8);
            if (c.out().isLocal()) {
                AtomicFiles.writeString(c.out().localPath().resolve(keyRel), keyText);
            } else {
                c.out().upload(keyFile, keyRel);
            }
            String todoOps = String.join(",", todo.stream().map(ProcessingOp::name).toList());
            Config job = new Config(c.dataset(), c.encoder(), c.modelName(), todoOps, c.seed(), c.out(), c.threads(),
                    c.batchSize(), c.shardSize(), c.maxPixels(), c.memoryBudget(), c.force(), c.partitions(), c.failPartition(),
                    c.failAttempts());
            AtomicInteger finished = new AtomicInteger();
            SparkListener progress = new SparkListener() {
                @Override
                public void onTaskEnd(SparkListenerTaskEnd end) {
                    if (end.taskInfo().successful()) {
                        listener.progress(finished.incrementAndGet(), parts.size());
                    }
                }
            };
            sc.sc().addSparkListener(progress);
            List<PartResult> results;
            try {
                sc.setJobDescription("traces spark embed " + dataset.name() + " with " + c.modelName());
                results = sc.parallelize(parts, parts.size()).map(p -> runPart(job, p)).collect();
            } finally {
                sc.sc().removeSparkListener(progress);
            }
            int reusedParts = (int) results.stream().filter(PartResult::reused).count();
            int resumedShards = results.stream().mapToInt(PartResult::resumedShards).sum();
            for (ProcessingOp op : todo) {
                outputs.add(assemble(sc, job, op, dataset, parts, manifest, encoder, start, reusedParts, resumedShards, tmp));
            }
            c.out().delete(workDir(dataset.name(), c.modelName()));
            c.out().deleteIfEmpty(".work/spark");
            c.out().deleteIfEmpty(".work");
            outputs.sort(java.util.Comparator.comparingInt(o -> ops.indexOf(o.op())));
            return outputs;
        } finally {
            AtomicFiles.deleteTree(tmp);
            if (lock != null) {
                lock.close();
            }
        }
    }

    private static String workDir(String dataset, String model) {
        return ".work/spark/" + dataset + "__" + model;
    }

    private static String partDir(String dataset, String model, int part) {
        return workDir(dataset, model) + String.format("/part-%05d", part);
    }

    /** On an executor: extracts one partition's samples with the library's pipeline. */
    static PartResult runPart(Config c, Part p) throws IOException, InterruptedException {
        TaskContext task = TaskContext.get();
        int attempt = task == null ? 0 : task.attemptNumber();
        Dataset full = c.dataset().open();
        List<Sample> all = full.samples();
        if (all.size() != p.total() || !all.get(p.from()).id().equals(p.firstId()) || !all.get(p.to() - 1).id().equals(p.lastId())) {
            throw new IOException("the executor lists the dataset " + full.source() + " differently from the driver (" + all.size()
                    + " samples, the driver " + p.total() + "): the images must be at the same paths on every machine");
        }
        Dataset part = new Dataset(full.name(), full.source(), all.subList(p.from(), p.to()), full.labelNames());
        List<ProcessingOp> ops = ProcessingOp.parseList(c.operations());
        String rel = partDir(full.name(), c.modelName(), p.index());
        boolean local = c.out().isLocal();
        if (!local && ops.stream().allMatch(op -> existsQuietly(c.out(), rel + "/" + Extraction.setName(full.name(), op, c.modelName()) + ".json"))) {
            return new PartResult(p.index(), attempt, true, 0);
        }
        Path dir = local ? c.out().localPath().resolve(rel)
                : Path.of(System.getProperty("java.io.tmpdir"), "traces-spark-" + Integer.toHexString(c.out().uri().hashCode()), rel);
        List<Extraction.Output> outs;
        try (Encoder encoder = c.encoder().open(c.threads())) {
            Extraction.Job job = new Extraction.Job(part, c.modelName(), encoder, ops, c.seed(), dir, c.threads(), c.batchSize(),
                    c.shardSize(), new ImageDecoder(c.maxPixels(), false), c.memoryBudget(), true);
            long afterFirstShard = (long) Math.min(c.shardSize(), part.samples().size()) * ops.size();
            boolean inject = c.failPartition() == p.index() && attempt < c.failAttempts() && part.samples().size() > c.shardSize();
            outs = Extraction.run(job, (done, total) -> {
                if (inject && done > afterFirstShard) {
                    throw new InjectedFailure(p.index());
                }
            });
        }
        if (!local) {
            for (Extraction.Output o : outs) {
                String base = o.file().getFileName().toString().replaceFirst("\\.safetensors$", "");
                for (String ext : new String[] {".failures.tsv", ".safetensors", ".json"}) { // the sidecar last: it marks the part done
                    c.out().upload(o.file().resolveSibling(base + ext), rel + "/" + base + ext);
                }
            }
            AtomicFiles.deleteTree(dir);
        }
        boolean reused = outs.stream().allMatch(Extraction.Output::reused);
        return new PartResult(p.index(), attempt, reused, outs.stream().mapToInt(Extraction.Output::resumedShards).max().orElse(0));
    }

    private static boolean existsQuietly(HadoopFiles out, String rel) {
        try {
            return out.exists(rel);
        } catch (IOException e) {
            return false;
        }
    }

    /** Reads the set {@code base} in folder {@code rel} of {@code out} (copied to {@code tmp} first when not local). */
    private static EmbeddingSet readSet(HadoopFiles out, String rel, String base, Path tmp) throws IOException {
        String prefix = rel.isEmpty() ? "" : rel + "/";
        if (out.isLocal()) {
            return EmbeddingSetIO.read(out.localPath().resolve(prefix + base + ".safetensors"));
        }
        Path dir = tmp.resolve(prefix.isEmpty() ? "final" : rel);
        for (String ext : new String[] {".safetensors", ".json"}) {
            out.download(prefix + base + ext, dir.resolve(base + ext));
        }
        return EmbeddingSetIO.read(dir.resolve(base + ".safetensors"));
    }

    private static String readText(HadoopFiles out, String rel, Path tmp) throws IOException {
        if (out.isLocal()) {
            return Files.readString(out.localPath().resolve(rel), StandardCharsets.UTF_8);
        }
        Path f = tmp.resolve("text-" + System.nanoTime());
        out.download(rel, f);
        return Files.readString(f, StandardCharsets.UTF_8);
    }

    /**
     * Why the finished set {@code base} in the output folder cannot be reused for {@code key} (the
     * rule of one machine, {@link ReuseKey#differenceFrom}): null when it can, "" when there is none
     * (or it was never completely written), else the difference.
     */
    private static String existing(HadoopFiles out, String base, ReuseKey key) throws IOException {
        for (String ext : ShardStore.COMMIT_ORDER) {
            if (!out.exists(base + ext)) {
                return "";
            }
        }
        SetProvenance prov;
        Path tmp = Files.createTempDirectory("traces-spark-");
        try {
            prov = readSet(out, "", base, tmp).provenance();
        } catch (org.encodertraces.embed.EmbeddingFormatException e) {
            return "";
        } finally {
            AtomicFiles.deleteTree(tmp);
        }
        return key.differenceFrom(prov);
    }

    private static Output assemble(JavaSparkContext sc, Config c, ProcessingOp op, Dataset dataset, List<Part> parts, String manifest,
                                   EncoderProvenance encoder, Instant start, int reusedParts, int resumedShards, Path tmp) throws IOException {
        String base = Extraction.setName(dataset.name(), op, c.modelName());
        List<EmbeddingSet> sets = new ArrayList<>();
        StringBuilder tsv = new StringBuilder(ShardStore.FAILURES_HEADER);
        for (Part p : parts) {
            String rel = partDir(dataset.name(), c.modelName(), p.index());
            sets.add(readSet(c.out(), rel, base, tmp));
            String part = readText(c.out(), rel + "/" + base + ".failures.tsv", tmp);
            tsv.append(part, part.indexOf('\n') + 1, part.length());
        }
        EmbeddingSet first = sets.get(0);
        int dim = first.dim();
        EncoderProvenance.Identity identity = encoder.identity();
        int failed = 0;
        for (int i = 0; i < sets.size(); i++) {
            SetProvenance prov = sets.get(i).provenance();
            if (!java.util.Objects.equals(prov.artifact().imageDecoder(), first.provenance().artifact().imageDecoder())
                    || !identity.equals(prov.identity()) || sets.get(i).dim() != dim) {
                throw new IOException("partition " + i + " of " + base + " was computed differently (image decoder "
                        + prov.artifact().imageDecoder() + ", encoder " + prov.identity() + "; expected "
                        + first.provenance().artifact().imageDecoder() + ", " + identity
                        + "): every executor must run the same build, codecs and model");
            }
            failed += prov.failed() == null ? 0 : prov.failed();
        }
        EmbeddingSet rows = ShardStore.concat(sets, dataset.labelTensors(), dim);
        SetProvenance p = first.provenance();
        SetProvenance prov = p.withArtifact(p.artifact().withDataset(p.dataset().withSamples(dataset.samples().size(), manifest)))
                .withEncoder(encoder).withCounts(rows.rows(), failed);
        RunRecord run = new RunRecord(base + ".safetensors", start, Instant.now(), c.batchSize(), c.shardSize(), resumedShards, Map.of())
                .with("engine", "spark " + sc.version()).with("master", sc.master()).with("application_id", sc.sc().applicationId())
                .with("partitions", parts.size()).with("threads_per_task", c.threads()).with("reused_partitions", reusedParts);
        EmbeddingSet set = new EmbeddingSet(rows.rows(), dim, rows.embeddings(), rows.labels(), rows.ids(), prov);
        // as on one machine: the failures and the run log first, the set (its sidecar last) commits
        if (c.out().isLocal()) {
            ShardStore.commit(c.out().localPath(), base, set, tsv, run);
        } else {
            Path dir = tmp.resolve("out");
            ShardStore.commit(dir, base, set, tsv, run);
            for (String ext : ShardStore.COMMIT_ORDER) {
                c.out().upload(dir.resolve(base + ext), base + ext);
            }
        }
        return new Output(op, c.out().resolve(base + ".safetensors").toString(), rows.rows(), failed, false, parts.size(), reusedParts,
                resumedShards);
    }
}
