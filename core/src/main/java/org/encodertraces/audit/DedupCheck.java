package org.encodertraces.audit;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.encodertraces.data.ContentDuplicates;
import org.encodertraces.data.Dataset;
import org.encodertraces.embed.EmbeddingSet;
import org.encodertraces.embed.EmbeddingSetIO;
import org.encodertraces.embed.Extraction;
import org.encodertraces.embed.OperationSets;
import org.encodertraces.encoder.Encoder;
import org.encodertraces.image.ImageDecoder;
import org.encodertraces.io.AtomicFiles;
import org.encodertraces.io.Csv;
import org.encodertraces.knn.DuplicateRetrieval;
import org.encodertraces.process.ProcessingOp;
import org.encodertraces.provenance.ArtifactProvenance;
import org.encodertraces.provenance.DatasetRef;
import org.encodertraces.report.DedupReport;
import org.encodertraces.report.Interval;
import org.encodertraces.report.html.DedupSection;
import org.encodertraces.result.ResultDocument;
import org.encodertraces.result.ResultFiles;

/**
 * {@code traces dedup-check}: embeds a folder of photos as they are and under each processing operation,
 * measures near-duplicate search with the processed copies as queries and the originals as the database
 * ({@link DuplicateRetrieval}), and writes {@code dedup.json}, {@code dedup.csv} (one row per operation),
 * {@code dedup-queries.csv} (one row per query) and {@code dedup.html} into the output folder, the
 * embedding sets under its {@code embeddings/}. Prints nothing; reports progress through the listener.
 */
public final class DedupCheck {
    /** The study's processing a check runs when the user names none: JPEG settings, resizing, sharpening. */
    public static final List<String> DEFAULT_OPERATIONS = List.of("JPEG75_420", "JPEG95_444", "RESIZE_HALF", "RESIZE_DOUBLE",
            "SHARPEN_2", "SHARPEN_4");

    /** Results file names. */
    public static final String JSON = "dedup.json";
    public static final String CSV = "dedup.csv";
    public static final String QUERIES_CSV = "dedup-queries.csv";

    /**
     * What to run.
     *
     * @param model the encoder's name as the user gave it; {@code fileName} its file-safe form
     */
    public record Job(Dataset dataset, String model, String fileName, List<ProcessingOp> operations, long seed, Path outDir,
                      int threads, int batchSize, ImageDecoder decoder) {
        public Job {
            operations = List.copyOf(operations);
            if (operations.isEmpty()) {
                throw new IllegalArgumentException("give at least one processing operation to check");
            }
            if (operations.stream().anyMatch(o -> o.name().equals("IDENTITY"))) {
                throw new IllegalArgumentException("IDENTITY is the database (the originals), not an operation to check: leave it out of --processing");
            }
        }
    }

    /** What a check measured and where it wrote it. */
    public record Outcome(DedupReport report, List<DuplicateRetrieval.OperationResult> results, long failedImages, Path json, Path csv,
                          Path queriesCsv, Path html) {
    }

    private DedupCheck() {
    }

    /** Runs the check. */
    public static Outcome run(Job job, Encoder encoder, Audit.Listener listener) throws IOException, InterruptedException {
        Instant started = Instant.now();
        List<String> notes = new ArrayList<>();
        // a photo saved twice under two names would be its own non-duplicate
        ContentDuplicates.Result merged = ContentDuplicates.merge(job.dataset());
        Dataset ds = merged.dataset();
        notes.addAll(merged.notes());
        if (ds.samples().size() < DuplicateRetrieval.MIN_PHOTOS) {
            throw new IllegalArgumentException(ds.name() + ": " + ds.samples().size() + " distinct photo(s); the check needs at least "
                    + DuplicateRetrieval.MIN_PHOTOS + " (a threshold is fitted on half of them and judged on the other half)");
        }
        List<ProcessingOp> ops = new ArrayList<>();
        ops.add(ProcessingOp.parse("IDENTITY"));
        ops.addAll(job.operations());
        Path embDir = job.outDir().resolve("embeddings");
        listener.stage("embedding " + ds.samples().size() + " photos x " + ops.size() + " (original and " + job.operations().size()
                + " operation(s)) with " + job.model());
        List<Extraction.Output> extracted = Extraction.run(new Extraction.Job(ds, job.fileName(), encoder, ops, job.seed(), embDir,
                job.threads(), job.batchSize(), Audit.SHARD_SIZE, job.decoder()), (d, t) -> listener.progress("embed " + job.model(), d, t),
                "traces dedup-check " + ds.name() + " with " + job.model());
        long failed = 0;
        List<String> names = new ArrayList<>();
        List<EmbeddingSet> sets = new ArrayList<>();
        for (Extraction.Output x : extracted) {
            failed += x.failed();
            if (x.failed() > 0) {
                notes.add(x.failed() + " photo(s) failed to embed under " + x.op().name() + " (file and reason in embeddings/"
                        + x.file().getFileName().toString().replace(".safetensors", ".failures.tsv") + "); a photo missing under any"
                        + " operation is left out of every figure");
            }
            names.add(x.op().name());
            sets.add(EmbeddingSetIO.read(x.file()));
        }
        OperationSets common = OperationSets.common(names, sets);
        if (common.ids().size() < ds.samples().size()) {
            notes.add((ds.samples().size() - common.ids().size()) + " of " + ds.samples().size() + " photos are left out: they failed"
                    + " to embed as they are or under some operation");
        }
        List<float[][]> rows = common.rows();
        listener.stage(job.model() + ": duplicate retrieval over " + common.ids().size() + " photos");
        List<DuplicateRetrieval.OperationResult> results = new DuplicateRetrieval(job.seed()).run(common.ids(), rows.get(0),
                names.subList(1, names.size()), rows.subList(1, rows.size()));
        notes.add("photos of the folder that show the same scene (bursts, re-edits) count as non-duplicates of each other; the"
                + " per-query file names each query's nearest non-duplicate, to look at");
        Instant finished = Instant.now();
        DedupReport report = new DedupReport("Near-duplicate search under processing: " + job.model(), finished.toString(), ds.name(),
                job.model(), DuplicateRetrieval.DATABASE, DuplicateRetrieval.MIXED_DATABASE,
                results.stream().map(DedupCheck::row).toList(), notes);
        Path out = job.outDir();
        Path json = out.resolve(JSON);
        Path csv = out.resolve(CSV);
        Path queries = out.resolve(QUERIES_CSV);
        Path html = out.resolve(DedupSection.HTML);
        ArtifactProvenance prov = ArtifactProvenance.between(started, finished)
                .withDataset(new DatasetRef(ds.name(), ds.source(), ds.samples().size(), ds.manifestSha256(), null))
                .withOperations(ops.stream().map(ProcessingOp::chain).toList()).withSeed(job.seed())
                .withImageDecoder(ImageDecoder.decoderDescription())
                .with("encoder", new LinkedHashMap<>(encoder.provenance()));
        writeJson(json, report, results, failed, prov);
        AtomicFiles.writeString(csv, csv(report));
        AtomicFiles.writeString(queries, queriesCsv(results));
        AtomicFiles.writeString(html, DedupSection.page(report));
        return new Outcome(report, results, failed, json, csv, queries, html);
    }

    static DedupReport.Row row(DuplicateRetrieval.OperationResult r) {
        DuplicateRetrieval.Threshold t = r.threshold();
        return new DedupReport.Row(r.operation(), r.queries(), r.hitsAt1(), r.hitsAt5(), spread(r.trueSimilarity()),
                spread(r.nearestOtherSimilarity()), spread(r.margin()), r.negativeMargins(), t.threshold(), t.fitPhotos(), t.heldOutPhotos(),
                t.misses(), t.falseAlarms(), r.outrankedByProcessed(), r.mixedHitsAt1());
    }

    private static double[] spread(DuplicateRetrieval.Spread s) {
        return new double[] {s.p5(), s.median(), s.p95()};
    }

    /** Column names of {@code dedup.csv}. */
    static final List<String> CSV_COLUMNS = List.of("operation", "n", "recall_at_1", "recall_at_1_lo", "recall_at_1_hi", "recall_at_5",
            "recall_at_5_lo", "recall_at_5_hi", "chance_at_1", "chance_at_5", "true_similarity_p5", "true_similarity_median",
            "true_similarity_p95", "nearest_other_p5", "nearest_other_median", "nearest_other_p95", "margin_p5", "margin_median",
            "margin_p95", "non_positive_margins", "threshold", "threshold_fit_n", "held_out_n", "miss_rate", "miss_rate_lo",
            "miss_rate_hi", "false_alarm_rate", "false_alarm_rate_lo", "false_alarm_rate_hi", "outranked_by_processed",
            "outranked_lo", "outranked_hi", "recall_at_1_with_processed", "recall_at_1_with_processed_lo", "recall_at_1_with_processed_hi");

    static String csv(DedupReport r) {
        StringBuilder b = new StringBuilder(Csv.line(CSV_COLUMNS));
        for (DedupReport.Row x : r.rows()) {
            List<Object> v = new ArrayList<>();
            v.add(x.operation());
            v.add(x.queries());
            fraction(v, x.hitsAt1(), x.queries());
            fraction(v, x.hitsAt5(), x.queries());
            v.add(Csv.num(x.chance(1)));
            v.add(Csv.num(x.chance(5)));
            for (double[] s : List.of(x.trueSimilarity(), x.nearestOther(), x.margin())) {
                for (double d : s) {
                    v.add(Csv.num(d));
                }
            }
            v.add(x.negativeMargins());
            v.add(Csv.num(x.threshold()));
            v.add(x.fitPhotos());
            v.add(x.heldOut());
            fraction(v, x.misses(), x.heldOut());
            fraction(v, x.falseAlarms(), x.heldOut());
            fraction(v, x.outranked(), x.queries());
            fraction(v, x.mixedHitsAt1(), x.queries());
            b.append(Csv.line(v));
        }
        return b.toString();
    }

    private static void fraction(List<Object> v, int count, int n) {
        Interval ci = DedupReport.Row.interval(count, n);
        v.add(Csv.num(n == 0 ? Double.NaN : (double) count / n));
        v.add(Csv.num(ci.lo()));
        v.add(Csv.num(ci.hi()));
    }

    static String queriesCsv(List<DuplicateRetrieval.OperationResult> results) {
        StringBuilder b = new StringBuilder(Csv.line("operation", "id", "rank", "true_similarity", "nearest_other_similarity",
                "nearest_other_id", "margin", "nearest_processed_similarity", "nearest_processed_id", "outranked_by_processed"));
        for (DuplicateRetrieval.OperationResult r : results) {
            for (DuplicateRetrieval.Query q : r.perQuery()) {
                b.append(Csv.line(r.operation(), q.id(), q.rank(), Csv.num(q.trueSimilarity()), Csv.num(q.nearestOtherSimilarity()),
                        q.nearestOtherId(), Csv.num(q.margin()), Csv.num(q.nearestProcessedSimilarity()), q.nearestProcessedId(),
                        q.outrankedByProcessed()));
            }
        }
        return b.toString();
    }

    private static void writeJson(Path json, DedupReport report, List<DuplicateRetrieval.OperationResult> results, long failed,
                                  ArtifactProvenance prov) throws IOException {
        ResultDocument.Builder doc = ResultDocument.builder("dedup-check")
                .field("dataset", report.dataset())
                .field("model", report.model());
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("database", report.database());
        params.put("mixed_database", report.mixedDatabase());
        params.put("similarity", "cosine of L2-normalised float32 embeddings, accumulated in double");
        params.put("rank_ties", "a non-duplicate scoring equal to the true duplicate ranks above it");
        params.put("threshold", "duplicate when similarity >= threshold; fitted on a seeded half of the photos (fewest misses plus"
                + " false alarms against each photo's nearest non-duplicate), error rates on the other half");
        params.put("intervals", "95% Wilson score intervals on the counts");
        doc.parameters(params)
                .field("failed_images", failed)
                .field("notes", report.notes());
        List<Object> rows = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            DuplicateRetrieval.OperationResult r = results.get(i);
            DedupReport.Row x = report.rows().get(i);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("operation", r.operation());
            m.put("n", r.queries());
            m.put("recall_at_1", fraction(r.hitsAt1(), r.queries()));
            m.put("recall_at_5", fraction(r.hitsAt5(), r.queries()));
            m.put("chance_at_1", x.chance(1));
            m.put("chance_at_5", x.chance(5));
            m.put("true_similarity", spreadJson(r.trueSimilarity()));
            m.put("nearest_other_similarity", spreadJson(r.nearestOtherSimilarity()));
            m.put("margin", spreadJson(r.margin()));
            m.put("non_positive_margins", r.negativeMargins());
            DuplicateRetrieval.Threshold t = r.threshold();
            Map<String, Object> th = new LinkedHashMap<>();
            th.put("threshold", t.threshold());
            th.put("fit_n", t.fitPhotos());
            th.put("fit_errors", t.fitErrors());
            th.put("held_out_n", t.heldOutPhotos());
            th.put("miss_rate", fraction(t.misses(), t.heldOutPhotos()));
            th.put("false_alarm_rate", fraction(t.falseAlarms(), t.heldOutPhotos()));
            m.put("threshold", th);
            m.put("outranked_by_processed", fraction(r.outrankedByProcessed(), r.queries()));
            m.put("recall_at_1_with_processed", fraction(r.mixedHitsAt1(), r.queries()));
            rows.add(m);
        }
        doc.metrics(Map.of("operations", rows)).provenance(prov);
        ResultFiles.write(doc.build(), json);
    }

    private static Map<String, Object> fraction(int count, int n) {
        Interval ci = DedupReport.Row.interval(count, n);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("value", n == 0 ? null : (double) count / n);
        m.put("count", count);
        m.put("n", n);
        m.put("interval", List.of(ci.lo(), ci.hi()));
        return m;
    }

    private static Map<String, Object> spreadJson(DuplicateRetrieval.Spread s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("min", s.min());
        m.put("p5", s.p5());
        m.put("p25", s.p25());
        m.put("median", s.median());
        m.put("p75", s.p75());
        m.put("p95", s.p95());
        m.put("max", s.max());
        return m;
    }
}
