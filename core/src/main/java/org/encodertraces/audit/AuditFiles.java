package org.encodertraces.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.encodertraces.data.SplitFile;
import org.encodertraces.embed.Extraction;
import org.encodertraces.knn.KnnResult;
import org.encodertraces.knn.KnnSetup;
import org.encodertraces.knn.RetrievalResult;
import org.encodertraces.knn.KnnDocuments;
import org.encodertraces.probe.ProbeResult;
import org.encodertraces.probe.ResultWriter;
import org.encodertraces.process.ProcessingOp;
import org.encodertraces.validity.Validity;
import org.encodertraces.report.Interval;
import org.encodertraces.report.Intervals;
import org.encodertraces.report.Note;
import org.encodertraces.result.ResultDocument;
import org.encodertraces.result.ResultFiles;

/**
 * Writes an audit's results as result documents ({@link ResultDocument}, through {@link ResultFiles}) under
 * {@code OUT/results/<model>/} (each with its inputs and their sha256, parameters, seeds,
 * metrics and provenance), and a plain-text summary table.
 */
public final class AuditFiles {
    private AuditFiles() {
    }

    /** Writes every result document; returns the files written. */
    public static List<Path> write(Audit.Outcome o, Path outDir) throws IOException {
        List<Path> written = new ArrayList<>();
        ResultWriter probeWriter = new ResultWriter();
        if (o.datasetAudit() != null) {
            Path f = outDir.resolve("results").resolve("dataset_audit.json");
            Files.createDirectories(f.getParent());
            org.encodertraces.data.DatasetAudit.write(o.datasetAudit(), f);
            written.add(f);
        }
        for (Map.Entry<String, SplitFile> e : o.acquisitionSplits().entrySet()) {
            Path f = outDir.resolve("results").resolve(ACQUISITION_SPLITS).resolve(SplitFile.fileName(e.getKey()));
            Files.createDirectories(f.getParent());
            e.getValue().write(f);
            written.add(f);
        }
        for (Audit.ModelRun run : o.runs()) {
            Path dir = outDir.resolve("results").resolve(run.fileName());
            Files.createDirectories(dir);
            for (Audit.TaskProbe p : run.probes()) {
                List<ResultDocument.Input> inputs = new ArrayList<>();
                for (String op : p.operations()) {
                    inputs.add(ResultDocument.Input.of(op, setFile(o, outDir, run, op)));
                }
                written.add(probeWriter.write(dir, "probe_" + slug(p.task()), p.task(), p.result(), inputs, o.started(), o.finished()));
            }
            for (Audit.TaskKnn k : run.knn()) {
                List<ResultDocument.Input> inputs = new ArrayList<>();
                for (String op : k.result().operations()) {
                    inputs.add(ResultDocument.Input.of(op, setFile(o, outDir, run, op)));
                }
                Path json = dir.resolve("knn_" + slug(k.task()) + ".json");
                KnnDocuments.writeKnn(k.result(), k.task(), inputs, 1, new KnnDocuments.RunTimes(o.started(), o.finished()), json,
                        dir.resolve("knn_" + slug(k.task()) + ".csv"));
                written.add(json);
            }
            if (run.retrieval() != null) {
                Path json = dir.resolve("retrieval.json");
                KnnDocuments.writeRetrieval(run.retrieval(), List.of(ResultDocument.Input.of("IDENTITY", setFile(o, outDir, run, "IDENTITY"))), 1,
                        new KnnDocuments.RunTimes(o.started(), o.finished()), json, dir.resolve("retrieval.csv"));
                written.add(json);
            }
            for (ErasureStage.Result e : run.erasures()) {
                written.add(writeErasure(dir, run, e, o));
            }
            if (o.nearDuplicates() != null && run == o.runs().get(0)) {
                written.add(writeNearDuplicates(o, outDir.resolve("results").resolve(NEAR_DUPLICATES)));
            }
            for (AcquisitionStage.AttributeProbe a : run.acquisition()) {
                String op = a.masked() ? maskOp(o) : "IDENTITY";
                written.add(probeWriter.write(dir, "acquisition_" + slug(a.attribute()) + (a.masked() ? "_masked" : ""), a.attribute(), a.result(),
                        List.of(ResultDocument.Input.of(op, setFile(o, outDir, run, op))), o.started(), o.finished()));
            }
        }
        return written;
    }

    /** Folder under {@code results/} of the acquisition splits, one FlickrExif-format file per attribute. */
    public static final String ACQUISITION_SPLITS = "acquisition_splits";

    /** File name of the near-duplicate groups under {@code results/}. */
    public static final String NEAR_DUPLICATES = "near_duplicates.json";

    /** The near-duplicate groups (ids, how far apart), the method and threshold, and the photos that could not be hashed. */
    private static Path writeNearDuplicates(Audit.Outcome o, Path f) throws IOException {
        var r = o.nearDuplicates();
        com.fasterxml.jackson.databind.ObjectMapper om = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode doc = om.createObjectNode();
        doc.put("experiment", "near-duplicates");
        doc.put("dataset", o.plan().dataset().name());
        doc.put("manifest_sha256", o.plan().dataset().manifestSha256());
        doc.put("method", org.encodertraces.data.NearDuplicates.METHOD);
        doc.put("max_distance_bits", r.maxDistance());
        doc.put("photos_hashed", r.hashes().size());
        doc.put("groups_count", r.groups().size());
        doc.put("photos_in_groups", r.photos());
        com.fasterxml.jackson.databind.node.ArrayNode gs = doc.putArray("groups");
        for (var g : r.groups()) {
            com.fasterxml.jackson.databind.node.ObjectNode n = gs.addObject();
            n.put("size", g.ids().size());
            n.put("max_link_distance_bits", g.maxDistance());
            n.set("ids", om.valueToTree(g.ids()));
        }
        com.fasterxml.jackson.databind.node.ArrayNode fs = doc.putArray("not_hashed");
        r.failures().forEach(x -> fs.addObject().put("file", x.file().toString()).put("reason", x.reason()));
        doc.set("provenance", org.encodertraces.provenance.ArtifactProvenance.current().toJsonNode());
        ResultFiles.write(ResultDocument.fromJson(doc, f.toString()), f);
        return f;
    }

    /** {@code erasure_<eraser>.json}: the eraser, where it was fitted, the images, and each measure raw and erased. */
    private static Path writeErasure(Path dir, Audit.ModelRun run, ErasureStage.Result e, Audit.Outcome o) throws IOException {
        com.fasterxml.jackson.databind.ObjectMapper om = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode doc = om.createObjectNode();
        doc.put("experiment", "after-erasure");
        doc.put("model", run.model());
        doc.put("eraser", e.eraser());
        doc.put("method", e.method());
        doc.set("concepts", om.valueToTree(e.concepts()));
        doc.put("rank", e.rank());
        if (!e.sha256().isEmpty()) {
            doc.put("eraser_sha256", e.sha256());
        }
        doc.put("fitted_inside_audit", e.sha256().isEmpty());
        doc.put("transfer", e.transfer());
        doc.put("fitted_images_of_this_dataset", e.fittedImages());
        doc.put("evaluated_images", e.evaluatedImages());
        doc.put("checking_probe_seed_offset", ErasureStage.SEED_OFFSET);
        if (e.skipped() != null) {
            doc.put("skipped", e.skipped());
        }
        com.fasterxml.jackson.databind.node.ArrayNode ms = doc.putArray("measures");
        for (ErasureStage.Measure m : e.measures()) {
            ms.add(om.valueToTree(m));
        }
        doc.set("provenance", org.encodertraces.provenance.ArtifactProvenance.between(o.started(), o.finished()).toJsonNode());
        Path f = dir.resolve("erasure_" + slug(e.eraser()) + ".json");
        ResultFiles.write(ResultDocument.fromJson(doc, f.toString()), f);
        return f;
    }

    /** One probe's line: accuracy, spread over seeds, chance, test rows, and the small-sample mark. */
    private static void probeLine(StringBuilder sb, String model, String experiment, ProbeResult r) {
        sb.append(String.format(Locale.ROOT, "%-28s %-36s %8.1f%% %8.1f %7.1f%% %6d%s%n", model, experiment, 100 * r.accuracyMean(),
                100 * r.accuracyStd(), 100 * r.metrics().chance(), r.testSize(), Validity.smallSample(r.testSize()) ? "   small sample" : ""));
    }

    static String maskOp(Audit.Outcome o) {
        return o.plan().operations().stream().map(ProcessingOp::name).filter(n -> n.startsWith("MASK_")).findFirst().orElse("MASK_90");
    }

    private static Path setFile(Audit.Outcome o, Path outDir, Audit.ModelRun run, String op) {
        return outDir.resolve("embeddings").resolve(Extraction.setName(o.plan().dataset().name(), ProcessingOp.parse(op), run.fileName()) + ".safetensors");
    }

    static String slug(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_|_$", "");
    }

    /**
     * One acquisition probe for the terminal: accuracy with its 95% interval from the test count
     * (its final fits all refit one split, so the spread over seeds is not an uncertainty and is not
     * shown), chance, and the number of test photos n.
     */
    static String acquisitionLine(String model, AcquisitionStage.AttributeProbe a) {
        ProbeResult r = a.result();
        Interval ci = Intervals.withSeeds(r.accuracyMean(), r.testSize(), r.accuracyStd());
        return String.format(Locale.ROOT, "%-28s %-36s %8.1f%% %8s %7.1f%% %6d   [%.1f, %.1f] 95%% interval, %d classes%s%n", model,
                "acquisition " + a.attribute() + (a.masked() ? " (masked)" : ""), 100 * r.accuracyMean(), "", 100 * r.chanceLevel(),
                r.testSize(), 100 * ci.lo(), 100 * ci.hi(), r.classNames().size(), Validity.smallSample(r.testSize()) ? "; small sample" : "");
    }

    /**
     * A fixed-width text table of the headline numbers, for the terminal: every figure with its chance
     * level and its test count n (test rows for probes, queries for kNN), marked when n is a small
     * sample or a kNN figure sits at its ceiling.
     */
    public static String summary(Audit.Outcome o) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-28s %-36s %9s %8s %8s %6s%n", "model", "experiment", "accuracy", "+/-", "chance", "n"));
        for (Audit.ModelRun run : o.runs()) {
            for (Audit.TaskProbe p : run.probes()) {
                probeLine(sb, run.model(), "probe " + p.task(), p.result());
            }
            for (Audit.TaskKnn k : run.knn()) {
                KnnResult r = k.result();
                List<String> marks = new ArrayList<>();
                if (Validity.smallSample(r.queries())) {
                    marks.add("small sample");
                }
                if (r.atCeiling()) {
                    marks.add("ceiling: every set-up >= " + Math.round(100 * Validity.CEILING) + "%, the gap says nothing");
                }
                sb.append(String.format(Locale.ROOT, "%-28s %-36s %8.1f%% %8s %7.1f%% %6d   pos-same %.1f%%, neg-same %.1f%%, gap %+.1f points%s%n",
                        run.model(), "kNN " + k.task() + " all-same", 100 * r.accuracy().get(KnnSetup.ALL_SAME), "", 100 * r.chance(), r.queries(),
                        100 * r.accuracy().get(KnnSetup.POS_SAME), 100 * r.accuracy().get(KnnSetup.NEG_SAME), 100 * r.gapPosMinusNeg(),
                        marks.isEmpty() ? "" : "; " + String.join("; ", marks)));
            }
            if (run.retrieval() != null) {
                // chance: 1 / candidates (the pair and the other subjects' photos); n: the queries
                int queries = run.retrieval().recalls().stream().filter(x -> x.queryClass().equals("all")).mapToInt(RetrievalResult.Recall::queries)
                        .findFirst().orElse(0);
                sb.append(String.format(Locale.ROOT, "%-28s %-36s %8.1f%% %8s %7.1f%% %6d   (negatives=query-device); %.1f%% (negatives=other-device)%s%n",
                        run.model(), "retrieval R@1", 100 * run.retrieval().recall("negatives=query-device", "all", 1), "",
                        100.0 / Math.max(1, run.retrieval().subjects()), queries, 100 * run.retrieval().recall("negatives=other-device", "all", 1),
                        Validity.smallSample(queries) ? "; small sample" : ""));
            }
            for (ZeroShotStage.Result z : run.zeroShot()) {
                sb.append(String.format(Locale.ROOT, "%-28s %-36s %8.1f%% %8s %7.1f%% %6d   (%d/%d; linear probe %.1f%% on the same rows)%s%n",
                        run.model(), "zero-shot " + z.task(), 100 * z.readout().accuracy(), "", 100 * z.readout().chance(), z.readout().testRows(),
                        z.readout().correct(), z.readout().testRows(), 100 * z.probeAccuracy(),
                        Validity.smallSample(z.readout().testRows()) ? "; small sample" : ""));
            }
            for (AcquisitionStage.AttributeProbe a : run.acquisition()) {
                sb.append(acquisitionLine(run.model(), a));
            }
            for (ErasureStage.Result e : run.erasures()) {
                for (ErasureStage.Measure m : e.measures()) {
                    boolean signed = m.name().startsWith("kNN gap") || m.name().endsWith("change");
                    sb.append(String.format("%-28s %-36s %8.1f%s -> %.1f%s%s%n", run.model(), "erased " + e.eraser(), 100 * m.before(),
                            signed ? " pp" : "%", 100 * m.after(), signed ? " pp" : "%", "   " + m.name() + (m.erased() ? " (erased)" : "")
                                    + (m.chance() == null ? "" : String.format(", chance %.1f%%", 100 * m.chance()))));
                }
            }
            for (Note n : run.notes()) {
                sb.append("  note: ").append(n.text()).append('\n');
            }
        }
        if (o.datasetAudit() != null) {
            for (var t : o.datasetAudit().traces()) {
                if (t.notMeasurable() != null) {
                    sb.append(String.format("%-28s %-36s not measured: %s%n", "dataset", "class vs " + t.trace(), t.notMeasurable()));
                } else {
                    sb.append(String.format("%-28s %-36s Cramer's V %.3f (n=%d)%s%n", "dataset", "class vs " + t.trace(),
                            t.association().v(), t.association().n(), t.association().v() >= org.encodertraces.data.DatasetAudit.NOTABLE_V
                                    ? "; driven by " + t.describeDrivers(3) : ""));
                }
            }
        }
        for (Note n : o.notes()) {
            sb.append("note: ").append(n.text()).append('\n');
        }
        return sb.toString();
    }
}
