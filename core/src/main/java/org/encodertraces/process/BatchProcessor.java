package org.encodertraces.process;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.encodertraces.image.DecodedImage;
import org.encodertraces.image.ImageDecodeException;
import org.encodertraces.image.ImageDecoder;
import org.encodertraces.image.PngIo;
import org.encodertraces.io.AtomicFiles;
import org.encodertraces.io.FileProblems;
import org.encodertraces.io.OutputLock;
import org.encodertraces.provenance.ArtifactProvenance;

/**
 * Applies processing operations to many files on a pool of threads and writes each result as a
 * lossless PNG ({@code OUT/<OP>/<relative name>.png}) plus {@code OUT/processing.json} with the
 * provenance of every output and every failure. A file that cannot be decoded or processed is
 * recorded with the reason and the batch goes on. Outputs are written atomically, and an output
 * that already exists is kept, so an interrupted run resumes where it stopped.
 *
 * <p>The output folder is locked for the run ({@link OutputLock}); temporaries of a killed run are
 * removed on start. Workers admit images against a {@link MemoryBudget} estimated from each
 * header, so large images wait for memory; one that alone exceeds it, or that runs out of memory
 * anyway, is recorded as failed and the batch goes on.
 */
public final class BatchProcessor {
    /** One input: the file and its id (a stable relative name, also used for per-image draws). */
    public record Input(Path file, String id) {
    }

    /** One failed (input, operation) or input: the file and the reason. */
    public record Failure(String file, String operation, String reason) {
    }

    /**
     * The output's file system is full (or over quota): the batch stopped, the outputs written so
     * far are kept (each is complete: written to a temporary and moved into place), and a rerun
     * after freeing space resumes. The message says where it happened and what is kept.
     */
    public static final class OutputFullException extends IOException {
        private static final long serialVersionUID = 1L;

        OutputFullException(String message) {
            super(message);
        }
    }

    /** What a batch did. */
    public record Result(int written, int skippedExisting, List<Failure> failures, Path provenanceFile) {
        public Result {
            failures = List.copyOf(failures);
        }
    }

    private final ImageDecoder decoder;
    private final int threads;
    private final long memoryBudget;

    /** A processor whose memory budget is the default share of the heap ({@link MemoryBudget#fromHeap()}). */
    public BatchProcessor(ImageDecoder decoder, int threads) {
        this(decoder, threads, 0);
    }

    /**
     * @param memoryBudget heap bytes that images being decoded and processed may take together
     *     (0: {@link MemoryBudget#defaultBytes()})
     */
    public BatchProcessor(ImageDecoder decoder, int threads, long memoryBudget) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1: " + threads);
        }
        if (memoryBudget < 0) {
            throw new IllegalArgumentException("memory budget must not be negative: " + memoryBudget);
        }
        this.decoder = decoder;
        this.threads = threads;
        this.memoryBudget = memoryBudget;
    }

    /**
     * The output path of an input under an operation: {@code OUT/<OP>/<id without extension>.png},
     * or {@code <id>.png} (extension kept) when {@code keepExtension} is set because two inputs
     * share a name but not an extension (photo.jpg and photo.png).
     */
    public static Path outputFor(Path outDir, ProcessingOp op, String id, boolean keepExtension) {
        return outDir.resolve(op.name()).resolve(outputName(id, keepExtension));
    }

    /** {@link #outputFor(Path, ProcessingOp, String, boolean)} for ids with unique stems. */
    public static Path outputFor(Path outDir, ProcessingOp op, String id) {
        return outputFor(outDir, op, id, false);
    }

    private static String outputName(String id, boolean keepExtension) {
        // a backslash separates folders only where the platform says so; on Linux it is part of a name
        // ("back\\slash.jpg" must not become back/slash.png, the output of another input)
        String rel = java.io.File.separatorChar == '\\' ? id.replace('\\', '/') : id;
        int dot = rel.lastIndexOf('.');
        int slash = rel.lastIndexOf('/');
        String stem = dot > slash && !keepExtension ? rel.substring(0, dot) : rel;
        return stem + ".png";
    }

    /**
     * Runs every operation on every input. {@code onInputDone} is called once per input with
     * whether all its operations succeeded (for progress display).
     */
    public Result run(List<Input> inputs, List<ProcessingOp> ops, long seed, Path outDir, Consumer<Boolean> onInputDone)
            throws IOException, InterruptedException {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("no input images to process");
        }
        Map<String, String> names = outputNames(inputs);
        try (OutputLock lock = OutputLock.acquire(outDir, "traces process")) {
            // our temporaries live beside processing.json and under the operations' folders
            AtomicFiles.cleanStale(outDir, 1);
            for (ProcessingOp op : ops) {
                AtomicFiles.cleanStale(outDir.resolve(op.name()));
            }
            return runLocked(inputs, ops, seed, outDir, onInputDone, names);
        }
    }

    private Result runLocked(List<Input> inputs, List<ProcessingOp> ops, long seed, Path outDir, Consumer<Boolean> onInputDone,
            Map<String, String> names) throws IOException, InterruptedException {
        MemoryBudget budget = MemoryBudget.ofOrDefault(memoryBudget);
        Instant start = Instant.now();
        List<Map<String, Object>> records = Collections.synchronizedList(new ArrayList<>());
        List<Failure> failures = Collections.synchronizedList(new ArrayList<>());
        int[] counts = new int[2];
        // set by the first write that finds the disk full: every later write would fail the same way
        AtomicReference<String> full = new AtomicReference<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Input in : inputs) {
                futures.add(pool.submit(() -> {
                    boolean ok = full.get() == null
                            && processOne(in, names.get(in.id()), ops, seed, outDir, records, failures, counts, budget, full);
                    onInputDone.accept(ok);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof InterruptedException ie) {
                        throw ie;
                    }
                    throw new IllegalStateException("processing worker failed unexpectedly", e.getCause());
                }
            }
        } finally {
            pool.shutdownNow();
        }
        records.sort((a, b) -> (a.get("input") + "\u0000" + a.get("operation")).compareTo(b.get("input") + "\u0000" + b.get("operation")));
        List<Failure> sortedFailures = new ArrayList<>(failures);
        sortedFailures.sort((a, b) -> (a.file() + a.operation()).compareTo(b.file() + b.operation()));
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("provenance", provenance(ops, seed, start));
        doc.put("inputs", inputs.size());
        doc.put("written", counts[0]);
        doc.put("skipped_existing", counts[1]);
        doc.put("failed", sortedFailures.size());
        doc.put("outputs", records);
        doc.put("failures", sortedFailures);
        Path prov = outDir.resolve("processing.json");
        if (full.get() != null) {
            String provenance;
            try {
                writeJson(prov, doc);
                provenance = "; " + prov + " lists them";
            } catch (IOException e) {
                provenance = "; " + prov + " could not be written either (" + FileProblems.describe(prov, e) + ")";
            }
            throw new OutputFullException("the output disk is full: " + full.get() + ". Stopped; the " + counts[0]
                    + " output(s) written are complete and kept, none is half-written" + provenance
                    + ". Free some space (or choose another output folder) and rerun the same command to resume.");
        }
        try {
            writeJson(prov, doc);
        } catch (IOException e) {
            if (FileProblems.isOutOfSpace(e)) {
                throw new OutputFullException("the output disk is full: no space left writing " + prov + ". The " + counts[0]
                        + " image output(s) are complete and kept, none is half-written, but " + prov.getFileName()
                        + " was not written. Free some space (or choose another output folder) and rerun the same command.");
            }
            throw e;
        }
        return new Result(counts[0], counts[1], sortedFailures, prov);
    }

    private boolean processOne(Input in, String outName, List<ProcessingOp> ops, long seed, Path outDir,
            List<Map<String, Object>> records, List<Failure> failures, int[] counts, MemoryBudget budget,
            AtomicReference<String> full) throws InterruptedException {
        List<ProcessingOp> todo = new ArrayList<>();
        for (ProcessingOp op : ops) {
            if (Files.exists(outDir.resolve(op.name()).resolve(outName))) {
                synchronized (counts) {
                    counts[1]++;
                }
            } else {
                todo.add(op);
            }
        }
        if (todo.isEmpty()) {
            return true;
        }
        long cost;
        try {
            cost = ImageFootprint.estimate(in.file(), todo, decoder.maxPixels());
        } catch (IOException e) {
            cost = 0; // unreadable: the decoder says why
        }
        try {
            budget.acquire(cost, cost > budget.total() ? ImageFootprint.describe(in.file()) : "");
        } catch (MemoryBudget.TooLargeException e) {
            failures.add(new Failure(in.file().toString(), "", e.getMessage()));
            return false;
        }
        try {
            return decodeAndProcess(in, outName, todo, seed, outDir, records, failures, counts, full);
        } catch (OutOfMemoryError e) {
            failures.add(new Failure(in.file().toString(), "", "ran out of memory (estimated " + MemoryBudget.human(cost)
                    + ", budget " + MemoryBudget.human(budget.total()) + "): raise the heap with TRACES_JAVA_OPTS=-Xmx<size>"));
            return false;
        } finally {
            budget.release(cost);
        }
    }

    private boolean decodeAndProcess(Input in, String outName, List<ProcessingOp> todo, long seed, Path outDir,
            List<Map<String, Object>> records, List<Failure> failures, int[] counts, AtomicReference<String> full) {
        DecodedImage decoded;
        try {
            decoded = decoder.decode(in.file());
        } catch (ImageDecodeException e) {
            if (MemoryBudget.causedByOutOfMemory(e)) {
                throw new OutOfMemoryError("while decoding"); // the decoder caught it: report it as what it is
            }
            failures.add(new Failure(in.file().toString(), "", e.reason()));
            return false;
        }
        boolean ok = true;
        for (ProcessingOp op : todo) {
            Path out = outDir.resolve(op.name()).resolve(outName);
            try {
                ProcessedImage p = op.apply(decoded.image(), in.id(), seed);
                PngIo.write(p.image(), out);
                Map<String, Object> rec = new LinkedHashMap<>();
                rec.put("input", in.file().toString());
                rec.put("id", in.id());
                rec.put("operation", op.name());
                rec.put("output", outDir.relativize(out).toString());
                rec.put("source_format", decoded.format());
                rec.put("source_mode", decoded.sourceMode());
                rec.put("source_orientation", decoded.orientation());
                rec.put("size", List.of(p.image().width(), p.image().height()));
                rec.put("processing", p.provenance());
                records.add(rec);
                synchronized (counts) {
                    counts[0]++;
                }
            } catch (IOException | RuntimeException e) {
                if (FileProblems.isOutOfSpace(e)) {
                    // not this input's fault: the run stops (OutputFullException) instead of failing every input after it
                    full.compareAndSet(null, "no space left writing " + out);
                    return false;
                }
                failures.add(new Failure(in.file().toString(), op.name(), String.valueOf(e.getMessage())));
                ok = false;
            }
        }
        return ok;
    }

    /** Output names per id: extension dropped unless two ids would then collide. */
    private static Map<String, String> outputNames(List<Input> inputs) {
        Map<String, Integer> stems = new HashMap<>();
        for (Input in : inputs) {
            stems.merge(outputName(in.id(), false), 1, Integer::sum);
        }
        Map<String, String> names = new HashMap<>();
        for (Input in : inputs) {
            boolean clash = stems.get(outputName(in.id(), false)) > 1;
            String name = outputName(in.id(), clash);
            if (names.containsKey(in.id()) || names.containsValue(name)) {
                throw new IllegalArgumentException("input " + in.id() + " is given twice or would overwrite another output (" + name + ")");
            }
            names.put(in.id(), name);
        }
        return names;
    }

    private static Map<String, Object> provenance(List<ProcessingOp> ops, long seed, Instant start) {
        return ArtifactProvenance.between(start, Instant.now()).withOperations(ops.stream().map(ProcessingOp::chain).toList())
                .withSeed(seed).withImageDecoder(ImageDecoder.decoderDescription()).with("command", "process").toJson();
    }

    static void writeJson(Path file, Object doc) throws IOException {
        ObjectMapper om = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .disable(com.fasterxml.jackson.core.JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        AtomicFiles.write(file, out -> om.writeValue(out, doc));
    }
}
