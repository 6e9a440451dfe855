package org.encodertraces.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.encodertraces.encoder.EncoderDescription;
import org.encodertraces.knn.KnnResult;
import org.encodertraces.knn.KnnSetup;
import org.encodertraces.knn.RetrievalResult;
import org.encodertraces.probe.ProbeResult;
import org.encodertraces.process.ProcessingOp;
import org.encodertraces.provenance.ArtifactProvenance;
import org.encodertraces.provenance.DatasetRef;
import org.encodertraces.report.AuditRow;
import org.encodertraces.report.DatasetInfo;
import org.encodertraces.report.EncoderGroup;
import org.encodertraces.report.EncoderInfo;
import org.encodertraces.report.ErasureRow;
import org.encodertraces.report.KnnRow;
import org.encodertraces.report.Note;
import org.encodertraces.report.PaperResults;
import org.encodertraces.report.ProbeKind;
import org.encodertraces.report.ProbeRow;
import org.encodertraces.report.ReportData;
import org.encodertraces.report.ZeroShotRow;
import org.encodertraces.report.RetrievalRow;
import org.encodertraces.report.html.ReportWriter;

/**
 * Turns an audit's outcome into the report's data model and writes the HTML report beside the
 * results, with the study's published figures when the shared folder has them.
 */
public final class AuditReport {
    private AuditReport() {
    }

    /** Builds the report data of an outcome. */
    public static ReportData data(Audit.Outcome o) {
        List<AuditRow> datasetAudit = new ArrayList<>();
        if (o.datasetAudit() != null) {
            for (var t : o.datasetAudit().traces()) {
                if (t.notMeasurable() == null) {
                    datasetAudit.add(new AuditRow(t.trace(), t.association().v(), (int) t.association().n()));
                }
            }
        }
        List<EncoderInfo> encoders = new ArrayList<>();
        List<ProbeRow> probes = new ArrayList<>();
        List<KnnRow> knn = new ArrayList<>();
        List<RetrievalRow> retrieval = new ArrayList<>();
        List<Note> notes = new ArrayList<>(o.notes());
        List<ErasureRow> erasure = new ArrayList<>();
        List<ZeroShotRow> zeroShot = new ArrayList<>();
        List<Map<String, Object>> erasers = new ArrayList<>();
        if (o.datasetAudit() != null) {
            for (var t : o.datasetAudit().traces()) {
                if (t.notMeasurable() != null) {
                    notes.add(Note.audit("dataset audit: class vs " + t.trace() + " not measured: " + t.notMeasurable()));
                } else if (t.association().v() >= org.encodertraces.data.DatasetAudit.NOTABLE_V) {
                    notes.add(Note.audit(String.format(java.util.Locale.ROOT, "dataset audit: class vs %s, Cramér's V %.2f, is driven by %s",
                            t.trace(), t.association().v(), t.describeDrivers(3))));
                }
            }
        }
        var planned = o.plan().dataset();
        ArtifactProvenance artifact = ArtifactProvenance.between(o.started(), o.finished())
                .withDataset(new DatasetRef(planned.name(), planned.source(), planned.samples().size(), planned.manifestSha256(), null))
                .withOperations(o.plan().operations().stream().map(ProcessingOp::chain).toList())
                .with("knn_scores", org.encodertraces.linalg.TopK.arithmetic());
        Map<String, Object> encProv = new LinkedHashMap<>();
        for (Audit.ModelRun run : o.runs()) {
            encoders.add(encoderInfo(run));
            encProv.put(run.model(), run.encoder());
            for (Audit.TaskProbe p : run.probes()) {
                probes.add(probeRow(p.task(), ProbeKind.PROCESSING, run.model(), p.result()));
            }
            for (AcquisitionStage.AttributeProbe a : run.acquisition()) {
                probes.add(probeRow(a.attribute() + (a.masked() ? " masked" : ""), ProbeKind.ACQUISITION, run.model(), a.result()));
            }
            for (Audit.TaskKnn k : run.knn()) {
                KnnResult r = k.result();
                knn.add(KnnRow.of(k.task(), run.model(), r.k(), r.accuracy().get(KnnSetup.ALL_SAME), r.accuracy().get(KnnSetup.POS_SAME),
                        r.accuracy().get(KnnSetup.NEG_SAME), r.accuracy().get(KnnSetup.ALL_DIFF), r.accuracy().get(KnnSetup.UNIFORM),
                        r.queries(), r.chance()));
            }
            if (run.retrieval() != null) {
                RetrievalResult r = run.retrieval();
                List<String> classes = new ArrayList<>(r.deviceClasses());
                classes.add(0, "all");
                for (String c : classes) {
                    int queries = r.recalls().stream().filter(x -> x.queryClass().equals(c)).mapToInt(RetrievalResult.Recall::queries).findFirst().orElse(0);
                    retrieval.add(new RetrievalRow(run.model(), c.equals("all") ? RetrievalRow.OVERALL : c,
                            r.recall("negatives=query-device", c, 1), r.recall("negatives=query-device", c, 5),
                            r.recall("negatives=other-device", c, 1), r.recall("negatives=other-device", c, 5), queries,
                            r.subjects()));
                }
            }
            for (ZeroShotStage.Result z : run.zeroShot()) {
                List<List<Long>> confusion = new ArrayList<>();
                for (long[] row : z.readout().confusion()) {
                    confusion.add(java.util.Arrays.stream(row).boxed().toList());
                }
                zeroShot.add(new ZeroShotRow(z.task(), run.model(), z.readout().accuracy(), z.readout().correct(), z.readout().testRows(),
                        z.readout().chance(), z.probeAccuracy(), z.readout().classes(), confusion, z.readout().prompts()));
            }
            for (Note n : run.notes()) {
                notes.add(n.prefixed(run.model() + ": "));
            }
            for (ErasureStage.Result e : run.erasures()) {
                for (ErasureStage.Measure m : e.measures()) {
                    erasure.add(new ErasureRow(run.model(), e.eraser(), e.method(), String.join(",", e.concepts()), e.evaluatedImages(), m.name(),
                            m.erased(), m.chance(), m.before(), m.beforeStd(), m.after(), m.afterStd(), m.testSamples()));
                }
                Map<String, Object> ep = new LinkedHashMap<>();
                ep.put("encoder", run.model());
                ep.put("eraser", e.eraser());
                ep.put("method", e.method());
                ep.put("concepts", e.concepts());
                ep.put("rank", e.rank());
                if (!e.sha256().isEmpty()) {
                    ep.put("sha256", e.sha256());
                }
                ep.put("fitted", e.sha256().isEmpty() ? "inside the audit, on its training split" : e.transfer()
                        ? "on another dataset (transfer)" : "on " + e.fittedImages() + " images of this dataset, left out here");
                ep.put("evaluated_images", e.evaluatedImages());
                ep.put("checking_probe_seed_offset", ErasureStage.SEED_OFFSET);
                if (e.skipped() != null) {
                    ep.put("skipped", e.skipped());
                }
                erasers.add(ep);
            }
        }
        artifact = artifact.with("encoders", encProv);
        if (!erasers.isEmpty()) {
            artifact = artifact.with("erasers", erasers);
        }
        var ds = o.plan().dataset();
        int classes = ds.labelNames().containsKey("label") ? ds.labelNames().get("label").size() : 0;
        return ReportData.of("Trace audit of " + ds.name(), Instant.now(), new DatasetInfo(ds.name(), ds.samples().size(), classes),
                encoders, probes, knn, retrieval, datasetAudit, notes, artifact.toJson()).withErasure(erasure).withZeroShot(zeroShot);
    }

    private static ProbeRow probeRow(String task, ProbeKind kind, String encoder, ProbeResult r) {
        List<List<Long>> confusion = new ArrayList<>();
        for (long[] row : r.metrics().confusion()) {
            confusion.add(java.util.Arrays.stream(row).boxed().toList());
        }
        return new ProbeRow(task, kind, encoder, r.accuracyMean(), r.repeats().size() > 1 ? r.accuracyStd() : null, r.repeats().size(),
                r.chanceLevel(), r.metrics().meanPerClassAccuracy(), r.testSize(), r.classNames(), confusion);
    }

    private static EncoderInfo encoderInfo(Audit.ModelRun run) {
        EncoderDescription d = run.info();
        return new EncoderInfo(run.model(), d.displayName(), EncoderGroup.of(d.family()), d.studyName(), d.modelSha256(), run.dim());
    }

    /** Writes report.html (and its JSON, CSV, Markdown) into {@code outDir}; returns the HTML path. */
    public static Path write(Audit.Outcome o, Path sharedDir, Path outDir) throws IOException {
        PaperResults paper = null;
        Path paperDir = sharedDir == null ? null : sharedDir.resolve("reference").resolve("paper-results");
        if (paperDir != null && Files.isDirectory(paperDir)) {
            paper = PaperResults.load(paperDir);
        }
        return ReportWriter.write(data(o), paper, outDir).html();
    }
}
