package org.encodertraces.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.encodertraces.data.Dataset;
import org.encodertraces.data.DemoData;
import org.encodertraces.data.Manifests;
import org.encodertraces.encoder.EncoderFactory;
import org.encodertraces.encoder.ExecutionProvider;
import org.encodertraces.encoder.Registry;
import org.encodertraces.knn.KnnSetup;
import org.encodertraces.probe.ProcessingTask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditTest {
    @Test
    void auditOnGeneratedCameraPhoneScenesMeasuresEveryExperiment(@TempDir Path tmp) throws Exception {
        Dataset ds = Manifests.open(DemoData.generate(tmp.resolve("data"), 6, 288, 256, 0));
        assertEquals(60, ds.samples().size());
        AuditConfig base = AuditConfig.defaults(List.of("builtin:jpeg-forensic"), 2);
        AuditConfig cfg = base.withTasks(List.of(ProcessingTask.JPEG, ProcessingTask.RESIZING))
                .withProbe(base.probe().withBudget(4, 3)).withK(5);
        Audit.Plan plan = Audit.plan(ds, cfg);
        assertEquals(6 + 2 + 6 + 1, plan.operations().size(), "JPEG (6), resizing (2 new), masked JPEG (6), IDENTITY for pairs");
        assertTrue(plan.notes().stream().anyMatch(n -> n.text().startsWith("acquisition probes skipped")), plan.notes().toString());
        EncoderFactory.Settings s = EncoderFactory.fromEnvironment(System.getenv(), 2, ExecutionProvider.CPU);
        Path out = tmp.resolve("out");
        Audit.Outcome o = Audit.run(plan, cfg, out, m -> EncoderFactory.open(m, Registry.builtIn(), s), new Audit.Listener() {
            @Override
            public void stage(String message) {
            }

            @Override
            public void progress(String label, long done, long total) {
            }
        });
        Audit.ModelRun run = o.runs().get(0);
        assertEquals(List.of("JPEG", "Resizing", "JPEG masked 90%"), run.probes().stream().map(Audit.TaskProbe::task).toList());
        Audit.TaskProbe jpeg = run.probes().get(0);
        assertTrue(jpeg.result().accuracyMean() > 0.5, "forensic encoder reads JPEG settings: " + jpeg.result().accuracyMean());
        assertEquals(3, jpeg.result().repeats().size());
        Audit.TaskProbe resizing = run.probes().get(1);
        assertTrue(resizing.result().accuracyMean() > 0.9, "resizing is obvious to it: " + resizing.result().accuracyMean());
        assertEquals(2, run.knn().size());
        double gap = run.knn().get(1).result().gapPosMinusNeg();
        assertTrue(gap > 0.3, "resizing traces pull neighbours: gap " + gap);
        assertTrue(run.knn().get(1).result().accuracy().containsKey(KnnSetup.UNIFORM));
        assertNotNull(run.retrieval());
        double hard = run.retrieval().recall("negatives=query-device", "all", 1);
        double easy = run.retrieval().recall("negatives=other-device", "all", 1);
        assertTrue(easy >= hard, "distractors from the query's own device are the hard case: " + hard + " vs " + easy);

        List<Path> files = AuditFiles.write(o, out);
        assertTrue(files.size() >= 6, files.toString());
        JsonNode probe = new ObjectMapper().readTree(out.resolve("results/builtin_jpeg-forensic/probe_jpeg.json").toFile());
        assertTrue(probe.toString().contains("sha256"), "inputs carry their hashes");
        String summary = AuditFiles.summary(o);
        assertTrue(summary.contains("probe JPEG") && summary.contains("retrieval R@1"), summary);
        assertTrue(Files.exists(out.resolve("embeddings").resolve("demo-scenes__JPEG75_420__builtin_jpeg-forensic.safetensors")));

        org.encodertraces.report.ReportData data = AuditReport.data(o);
        assertEquals(3, data.probes().size());
        assertEquals(2, data.knn().size());
        assertEquals(3, data.retrieval().size(), "overall, camera and phone rows");
        assertEquals(org.encodertraces.report.EncoderGroup.REF, data.encoders().get(0).family());
        Path html = AuditReport.write(o, tmp.resolve("no-shared"), out);
        String page = Files.readString(html);
        assertTrue(page.contains("<svg") && page.contains("JPEG forensics (built-in)"), "report drawn");
    }

    @Test
    void acquisitionPartOnTheSharedCameraPhotosSaysWhatItSkipped(@TempDir Path tmp) throws Exception {
        Path shared = org.encodertraces.TestData.shared();
        Dataset ds = org.encodertraces.data.Datasets.open("exif:" + shared.resolve("data/exif-photos")).dataset();
        AuditConfig base = AuditConfig.defaults(List.of("builtin:lowlevel-stats"), 2);
        AuditConfig cfg = base.withTasks(List.of()).withProbe(base.probe().withBudget(2, 2));
        Audit.Plan plan = Audit.plan(ds, cfg);
        assertEquals(List.of("IDENTITY", "MASK_90"), plan.operations().stream().map(org.encodertraces.process.ProcessingOp::name).toList());
        List<String> attrs = plan.steps().stream().filter(st -> st.kind().equals("acquisition")).map(Audit.Step::name).toList();
        assertTrue(attrs.contains("Make") && attrs.contains("Is Smartphone"), attrs.toString());
        assertTrue(plan.notes().stream().anyMatch(n -> n.text().startsWith("acquisition probe 'Model' skipped") && n.text().contains("photos labelled")),
                plan.notes().toString());
        EncoderFactory.Settings s = EncoderFactory.fromEnvironment(System.getenv(), 2, ExecutionProvider.CPU);
        Audit.Outcome o = Audit.run(plan, cfg, tmp, m -> EncoderFactory.open(m, Registry.builtIn(), s), new Audit.Listener() {
            @Override
            public void stage(String message) {
            }

            @Override
            public void progress(String label, long done, long total) {
            }
        });
        List<AcquisitionStage.AttributeProbe> acq = o.runs().get(0).acquisition().stream()
                .filter(a -> !a.attribute().endsWith(AcquisitionStage.UNGROUPED)).toList();
        assertEquals(2 * attrs.size(), acq.size(), "each attribute plain and masked (besides contrast figures on ungrouped splits)");
        for (AcquisitionStage.AttributeProbe a : acq) {
            assertTrue(a.result().testSize() >= 4, a.attribute() + " test size " + a.result().testSize());
            assertTrue(a.result().metrics().chance() > 0 && a.result().metrics().chance() <= 0.5, a.attribute());
        }
        String page = Files.readString(AuditReport.write(o, shared, tmp.resolve("report")));
        assertTrue(page.contains("Is Smartphone") && page.contains("skipped"), "the report names the probes and the skips");
    }
}
