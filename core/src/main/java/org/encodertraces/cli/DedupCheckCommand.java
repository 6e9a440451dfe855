package org.encodertraces.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.encodertraces.audit.Audit;
import org.encodertraces.audit.DedupCheck;
import org.encodertraces.data.Dataset;
import org.encodertraces.encoder.Encoder;
import org.encodertraces.encoder.EncoderFactory;
import org.encodertraces.encoder.ExecutionProvider;
import org.encodertraces.encoder.ModelRef;
import org.encodertraces.image.ImageDecoder;
import org.encodertraces.io.OutputLock;
import org.encodertraces.process.ProcessingOp;
import org.encodertraces.report.DedupReport;
import org.encodertraces.report.ReportText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code traces dedup-check}: does near-duplicate search with this encoder survive the study's processing? */
@Command(name = "dedup-check", header = "Does embedding-based duplicate search survive recompression, resizing and sharpening?",
        mixinStandardHelpOptions = true,
        description = {"Each photo's processed copy is a query; the database is the originals of all photos, so the query's own"
                + " original is its only true duplicate (the processed copy itself is never in the database). Per operation:"
                + " recall@1/5 of the original with chance, the similarity of the true duplicate and of the nearest non-duplicate"
                + " (the margin), the similarity threshold fitted on half of the photos with its miss and false-alarm rates on the"
                + " other half, and how often a processed copy of a different photo (same operation) outranks the original."
                + " Every rate has its n and a 95% Wilson interval.",
                "Writes OUT/dedup.json, OUT/dedup.csv (one row per operation), OUT/dedup-queries.csv (one row per query, with"
                        + " its nearest non-duplicate) and OUT/dedup.html; embedding sets under OUT/embeddings (rerunning resumes"
                        + " and reuses them). Exit status: 0 done, 1 done but some photos failed to embed (left out, listed),"
                        + " 2 bad usage or input, 130 interrupted."})
public final class DedupCheckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--images", required = true, paramLabel = "DIR", description = "the photos: a folder (subfolders are read too), a manifest or a kind:path dataset spec")
    Path images;

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--processing", paramLabel = "OP[,OP...]",
            description = "operations whose copies are the queries (default: JPEG75_420, JPEG95_444, RESIZE_HALF, RESIZE_DOUBLE,"
                    + " SHARPEN_2, SHARPEN_4); chains such as RESIZE_HALF+JPEG75_420 are one operation")
    String processing;

    @Option(names = {"-o", "--out"}, converter = OptionValues.OutputPath.class, required = true, paramLabel = "OUT", description = "output folder")
    Path out;

    @Option(names = "--seed", defaultValue = "0", description = "seed of per-image random processing and of the threshold's fit/held-out halves (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--threads", converter = OptionValues.Threads.class, defaultValue = "0", description = "decode/processing threads and ONNX Runtime intra-op threads (0 = cores)")
    int threads;

    @Option(names = "--batch-size", defaultValue = "32", description = "images per encoder call (default ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--gpu", description = "use the CUDA execution provider (needs the build with -Pgpu)")
    boolean gpu;

    @Option(names = "--quiet", description = "no progress bar")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter o = spec.commandLine().getOut();
        Map<String, String> env = CliEnv.of(spec);
        int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        EncoderFactory.Prepared prepared;
        EncoderFactory.Settings settings;
        Dataset dataset;
        DedupCheck.Job job;
        try {
            CliErrors.checkOutputFolder("-o", out);
            List<ModelRef> refs = modelOptions.parse(env, List.of());
            if (refs.size() != 1) {
                throw new IllegalArgumentException("give one --model (a check is about one encoder's embeddings); got " + refs.size());
            }
            List<ProcessingOp> ops = ProcessingOp.parseList(processing == null ? String.join(",", DedupCheck.DEFAULT_OPERATIONS) : processing);
            settings = ModelOptions.settings(env, n, gpu ? ExecutionProvider.CUDA : ExecutionProvider.CPU, err, quiet);
            dataset = DatasetArgs.open(images, err);
            job = new DedupCheck.Job(dataset, refs.get(0).name(), refs.get(0).fileName(), ops, seed, out, n, batchSize,
                    new ImageDecoder(ImageDecoder.PILLOW_MAX_PIXELS, false));
            prepared = EncoderFactory.prepareAll(refs, settings).get(0);
        } catch (IllegalArgumentException | java.io.IOException e) {
            throw new UsageException(e);
        }
        DedupCheck.Outcome outcome;
        try (OutputLock lock = OutputLock.acquire(out, "traces dedup-check " + dataset.name() + " with " + job.model());
             Encoder encoder = EncoderFactory.open(prepared, settings);
             Progress progress = Progress.of(env, err, "dedup-check", 0, quiet);
             Interruption interruption = Interruption.announce(err, "traces dedup-check: interrupted; rerun the same command to resume"
                     + " (committed shards are kept)")) {
            outcome = DedupCheck.run(job, encoder, new Audit.Listener() {
                @Override
                public void stage(String message) {
                    if (!quiet) {
                        err.println("  " + message);
                        err.flush();
                    }
                    progress.stage(message);
                }

                @Override
                public void progress(String label, long done, long total) {
                    progress.set(done, total);
                }
            });
        } catch (IllegalArgumentException | java.io.IOException | org.encodertraces.encoder.EncoderException e) {
            throw new UsageException(e);
        }
        DedupReport r = outcome.report();
        o.printf("database: %s%n", r.database());
        o.printf(Locale.ROOT, "%-24s %5s %-22s %-22s %-10s %-22s %-22s %-22s%n", "operation", "n", "recall@1 [95%]", "recall@5 [95%]",
                "threshold", "missed (held out)", "false alarms (held out)", "outranked by processed");
        for (DedupReport.Row x : r.rows()) {
            o.printf(Locale.ROOT, "%-24s %5d %-22s %-22s %-10.4f %-22s %-22s %-22s%n", x.operation(), x.queries(),
                    cell(x.hitsAt1(), x.queries()), cell(x.hitsAt5(), x.queries()), x.threshold(), cell(x.misses(), x.heldOut()),
                    cell(x.falseAlarms(), x.heldOut()), cell(x.outranked(), x.queries()));
        }
        o.printf(Locale.ROOT, "chance recall@1 = 1/n, recall@5 = 5/n (%s and %s for n = %d)%n", ReportText.pct(r.rows().get(0).chance(1)),
                ReportText.pct(r.rows().get(0).chance(5)), r.rows().get(0).queries());
        for (String note : r.notes()) {
            o.println("note: " + note);
        }
        o.printf("wrote %s, %s, %s and %s%n", outcome.json(), outcome.csv(), outcome.queriesCsv(), outcome.html());
        o.flush();
        return outcome.failedImages() > 0 ? 1 : 0;
    }

    private static String cell(int count, int n) {
        return ReportText.pct((double) count / n) + " " + ReportText.ci(DedupReport.Row.interval(count, n));
    }
}
