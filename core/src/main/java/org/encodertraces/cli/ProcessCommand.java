package org.encodertraces.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.encodertraces.image.ImageDecoder;
import org.encodertraces.process.BatchProcessor;
import org.encodertraces.process.ProcessingOp;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code traces process}: apply the study's processing operations and write lossless PNGs. */
@Command(name = "process", header = "Apply the study's processing operations to images; write lossless PNGs with provenance.", mixinStandardHelpOptions = true,
        description = {"Apply processing operations (the study's names) to images and write the decoded results as lossless "
                        + "PNG, one per input and operation, under OUTDIR/<OP>/, plus OUTDIR/processing.json with provenance "
                        + "and failures.",
                "Existing outputs are kept, so an interrupted run resumes. Exit status: 0 all done, 1 some inputs "
                        + "failed, 2 bad usage."},
        footer = {"",
                "Operations: IDENTITY, JPEG75_420 .. JPEG95_444 (any JPEG<q>_<420|422|444>), SHARPEN_2, SHARPEN_4, "
                        + "RESIZE_HALF, RESIZE_DOUBLE, INTERPOLATION_BILINEAR|BICUBIC|LANCZOS|BOX, MASK_90, MASK_95 (any "
                        + "MASK_<r>), MASK_<r>_KEEP_CENTER; chain with '+', e.g. SHARPEN_2+RESIZE_HALF."})
public final class ProcessCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--op", required = true, paramLabel = "NAME[,NAME...]", description = "processing operations, comma-separated")
    String ops;

    @Option(names = "--seed", defaultValue = "0", description = "seed for per-image random draws (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = {"-o", "--out"}, converter = OptionValues.OutputPath.class, required = true, paramLabel = "OUTDIR", description = "output folder")
    Path out;

    @Option(names = "--threads", converter = OptionValues.Threads.class, defaultValue = "0", description = "worker threads (0 = number of cores)")
    int threads;

    @Option(names = "--max-pixels", defaultValue = "178956970",
            description = "refuse images with more pixels than this (decompression bombs; default Pillow's ${DEFAULT-VALUE})")
    long maxPixels;

    @Option(names = "--memory-budget", paramLabel = "SIZE", converter = ByteSize.class,
            description = "heap that images being decoded and processed may take together, e.g. 2g or 800m (default: 75%% of the Java heap; the heap is set by TRACES_JAVA_OPTS=-Xmx...)")
    long memoryBudget;

    @Parameters(paramLabel = "INPUT", arity = "1..*", description = "image files or folders (recursive)")
    List<Path> inputs;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter outw = spec.commandLine().getOut();
        List<ProcessingOp> parsed;
        try {
            parsed = ProcessingOp.parseList(ops);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e);
        }
        List<BatchProcessor.Input> list = new ArrayList<>();
        for (Path arg : inputs) {
            if (!Files.exists(arg)) {
                String link = Files.isSymbolicLink(arg) ? org.encodertraces.io.FileProblems.linkProblem(arg) : null;
                throw new UsageException(link != null ? arg + ": " + link : "no such file or folder: " + arg);
            }
            for (Path f : InputFiles.expand(List.of(arg))) {
                String id = Files.isDirectory(arg) ? arg.relativize(f).toString() : f.getFileName().toString();
                list.add(new BatchProcessor.Input(f, id));
            }
        }
        if (list.isEmpty()) {
            throw new UsageException("no image files found in " + inputs.stream().map(Path::toString).collect(java.util.stream.Collectors.joining(", ")));
        }
        try {
            CliErrors.checkOutputFolder("-o", out);
            org.encodertraces.io.OutputLock.checkFree(out);
        } catch (IllegalArgumentException | java.io.IOException e) {
            throw new UsageException(e);
        }
        int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        BatchProcessor.Result r;
        try (Progress progress = Progress.of(CliEnv.of(spec), err, "process", list.size(), false);
             Interruption interruption = Interruption.announce(err, "traces process: interrupted; rerun the same command to"
                     + " resume (finished outputs are kept)")) {
            r = new BatchProcessor(new ImageDecoder(maxPixels, true), n, memoryBudget).run(list, parsed, seed, out, progress::step);
        } catch (IllegalArgumentException | org.encodertraces.io.OutputLock.HeldException e) {
            throw new UsageException(e);
        } catch (BatchProcessor.OutputFullException e) {
            // the run stopped short of its inputs, through no fault of theirs: 1, as when inputs fail
            err.println("traces process: " + e.getMessage());
            return 1;
        }
        for (BatchProcessor.Failure f : r.failures()) {
            err.println("failed: " + f.file() + (f.operation().isEmpty() ? "" : " [" + f.operation() + "]") + ": " + f.reason());
        }
        outw.printf("%d inputs, %d operations: %d images written, %d already present, %d failures; provenance in %s%n",
                list.size(), parsed.size(), r.written(), r.skippedExisting(), r.failures().size(), r.provenanceFile());
        outw.flush();
        return r.failures().isEmpty() ? 0 : 1;
    }
}
