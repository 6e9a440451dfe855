package org.encodertraces.embed;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.encodertraces.data.Sample;
import org.encodertraces.encoder.Encoder;
import org.encodertraces.encoder.EncoderException;
import org.encodertraces.encoder.FloatTensorBatch;
import org.encodertraces.encoder.PreprocessSpec;
import org.encodertraces.encoder.Preprocessor;
import org.encodertraces.image.ImageDecodeException;
import org.encodertraces.image.RgbImage;
import org.encodertraces.process.ImageFootprint;
import org.encodertraces.process.MemoryBudget;
import org.encodertraces.process.ProcessingOp;

/**
 * The extraction pipeline for one job: decode each image once on a pool of workers, apply the
 * processing operations (steps before the encoder's crop, the crop, then after-crop steps such as
 * masks), turn each result into the encoder's input tensor, and feed batches of consecutive images
 * to the encoder. Its unit of work is a shard: {@link #embed} returns, per operation, the shard's
 * embeddings with the images that failed; where they are kept is the {@link ShardStore}'s job.
 *
 * <p>Memory: images are admitted against the job's {@link MemoryBudget} from their headers (large
 * ones wait); a quarter of it is reserved for tensors waiting for the encoder, and the operations
 * of one decode are grouped ({@link #group()}) so that reserve holds. Workers run at most two
 * images per thread ahead of the encoder.
 */
final class ExtractionPipeline implements AutoCloseable {
    /** Receives the number of (image, operation) pairs done since the last call. */
    interface Progress {
        void advance(int pairs) throws InterruptedException;
    }

    /** Share of the memory budget for tensors waiting for the encoder; the rest is for images. */
    private static final double TENSOR_SHARE = 0.25;

    private final Extraction.Job job;
    private final PreprocessSpec spec;
    private final int per;
    private final int dim;
    private final int window;
    private final int group;
    private final MemoryBudget images;
    private final ExecutorService pool;

    /** The pipeline of {@code job} for {@code operations} operations to compute. */
    ExtractionPipeline(Extraction.Job job, int operations) {
        this.job = job;
        this.spec = job.encoder().preprocessing();
        this.per = 3 * spec.cropSize() * spec.cropSize();
        this.dim = job.encoder().embeddingDim();
        MemoryBudget budget = MemoryBudget.ofOrDefault(job.memoryBudget());
        long tensorBytes = 4L * per;
        this.window = 2 * job.threads();
        // the tensors' reserve depends on the machine, not on --threads, so the budget (and its
        // messages) are the same for any number of workers
        int reserveWindow = (int) (Extraction.tensorsInFlight(job.threads(), 0));
        // operations per decode: their tensors waiting for the encoder stay within the tensor share of the budget
        this.group = (int) Math.max(1, Math.min(operations,
                (long) (budget.total() * TENSOR_SHARE) / (tensorBytes * (job.batchSize() + reserveWindow))));
        this.images = new MemoryBudget(Math.max(1, budget.total() - (long) group * (job.batchSize() + reserveWindow) * tensorBytes));
        this.pool = Executors.newFixedThreadPool(job.threads());
    }

    /** Operations computed per decode of an image. */
    int group() {
        return group;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }

    /** One sample after decoding and processing under a group of operations. */
    private record Prepared(String decodeError, float[][] tensors, String[] errors) {
    }

    /** One operation's shard as it fills up. */
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
     * Processes and embeds the samples of one shard under {@code ops} (at most {@link #group()}).
     * Workers decode each image once and prepare its tensors for every operation, at most a window
     * of images ahead of this thread, which feeds each operation's batch to the encoder as soon as
     * it is full, so inference overlaps the preparation of the next images. Batches are runs of
     * consecutive good images, the same whichever thread finishes first.
     *
     * @return per operation, the shard's good rows (labels, ids) with the failed images as its provenance
     */
    List<EmbeddingSet> embed(List<ProcessingOp> ops, List<Sample> shard, Progress progress) throws InterruptedException {
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
                prepared.set(submitted, pool.submit(() -> prepare(ops, sm)));
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
                    flush(st);
                }
            }
            progress.advance(ops.size());
        }
        List<EmbeddingSet> out = new ArrayList<>();
        for (int k = 0; k < ops.size(); k++) {
            out.add(shardSet(ops.get(k), shard, states.get(k)));
        }
        return out;
    }

    private Prepared prepare(List<ProcessingOp> ops, Sample sm) throws InterruptedException {
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

    /** Embeds the pending tensors of one operation; a row that is not finite fails its image. */
    private void flush(ShardState st) {
        float[] e = embedBatch(job.encoder(), st.pending);
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
                st.rows.add(Arrays.copyOfRange(e, j * dim, (j + 1) * dim));
            }
        }
        st.pending.clear();
        st.pendingIndex.clear();
    }

    private float[] embedBatch(Encoder encoder, List<float[]> tensors) {
        int n = tensors.size();
        float[] batch = new float[n * per];
        for (int j = 0; j < n; j++) {
            System.arraycopy(tensors.get(j), 0, batch, j * per, per);
        }
        float[][] out = encoder.embed(new FloatTensorBatch(spec.tensorShape(n), batch));
        if (out.length != n) {
            throw new EncoderException("encoder " + encoder.info().id() + " returned " + out.length
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

    /** One operation's shard as a set: the good rows in order, the failed images (id, file, operation, reason) as its provenance. */
    private EmbeddingSet shardSet(ProcessingOp op, List<Sample> shard, ShardState st) {
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
        List<Extraction.Failure> failures = new ArrayList<>();
        for (int i = 0; i < shard.size(); i++) {
            if (st.error[i] != null) {
                failures.add(new Extraction.Failure(shard.get(i).id(), shard.get(i).file().toString(),
                        st.decodeFailed[i] ? "" : op.name(), st.error[i]));
            }
        }
        return new EmbeddingSet(good.size(), dim, emb, labels, ids, SetProvenance.ofShard(failures));
    }
}
