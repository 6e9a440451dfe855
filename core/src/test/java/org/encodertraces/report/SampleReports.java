package org.encodertraces.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.encodertraces.encoder.Registry;

/** Realistic report inputs for tests: three study encoders from the registry, a local file model and the forensic yardstick. */
final class SampleReports {
    static final String NASTY_ID = "local:my<model>&co.onnx";

    private SampleReports() {
    }

    static ReportData full() {
        Registry reg = Registry.builtIn();
        List<EncoderInfo> enc = List.of(
                EncoderInfo.of(reg.get("clip-vit-b16"), "a".repeat(64)),
                EncoderInfo.of(reg.get("resnet50-in1k"), "b".repeat(64)),
                EncoderInfo.of(reg.get("dinov2-reg-vitb14"), "c".repeat(64)),
                new EncoderInfo(NASTY_ID, "My <b>model</b> & co", EncoderGroup.SUP, null, "d".repeat(64), 1280),
                new EncoderInfo("builtin:jpeg-forensic", "JPEG forensic (built-in)", EncoderGroup.REF, null, null, 926));
        String[] ids = {"clip-vit-b16", "resnet50-in1k", "dinov2-reg-vitb14", NASTY_ID};
        String[] tasks = {"JPEG", "Sharpening", "Resizing", "Interpolation"};
        double[] chance = {0.125, 1 / 3.0, 1 / 3.0, 0.2};
        double[][] acc = {{0.61, 0.66, 0.74, 0.39}, {0.33, 0.52, 0.58, 0.31}, {0.27, 0.49, 0.44, 0.28},
            {0.22, 0.45, 0.47, 0.25}};
        List<ProbeRow> probes = new ArrayList<>();
        for (int t = 0; t < tasks.length; t++) {
            for (int e = 0; e < ids.length; e++) {
                probes.add(new ProbeRow(tasks[t], ProbeKind.PROCESSING, ids[e], acc[e][t], 0.008 + 0.003 * e, 5,
                        chance[t], acc[e][t] - 0.01, 1020));
            }
        }
        probes.add(new ProbeRow("JPEG", ProbeKind.PROCESSING, "builtin:jpeg-forensic", 0.97, 0.004, 5, 0.125, 0.97,
                1020, List.of("q75 4:2:0", "q75 4:4:4", "q85 4:2:0", "q85 4:4:4", "q95 4:2:0", "q95 4:4:4", "q90 4:2:0",
                    "q90 4:4:4"), confusion(8, 5 * 1020 / 8, 0.97)));
        probes.add(new ProbeRow("Resizing", ProbeKind.PROCESSING, "builtin:jpeg-forensic", 0.71, 0.012, 5, 1 / 3.0,
                0.70, 1020));
        double[][] acq = {{0.26, 0.74}, {0.19, 0.66}, {0.17, 0.61}, {0.15, 0.58}};
        for (int e = 0; e < ids.length; e++) {
            probes.add(new ProbeRow("Make", ProbeKind.ACQUISITION, ids[e], acq[e][0], 0.02, 5, 0.1, acq[e][0] - 0.03,
                    60));
            probes.add(new ProbeRow("Phone vs camera", ProbeKind.ACQUISITION, ids[e], acq[e][1], 0.03, 5, 0.5, null,
                    60));
        }
        List<KnnRow> knn = new ArrayList<>();
        double[] base = {0.93, 0.89, 0.97, 0.86};
        double[] gap = {0.085, 0.025, 0.004, 0.02};
        for (String task : new String[] {"JPEG", "Resizing"}) {
            for (int e = 0; e < ids.length; e++) {
                double u = base[e];
                knn.add(new KnnRow(task, ids[e], 10, u + 0.001, u + gap[e] / 2, u - gap[e] / 2, u - 0.002, u,
                        0.004, 0.005, 0.006, 0.004, 0.003, 1020));
            }
        }
        List<RetrievalRow> ret = new ArrayList<>();
        double[][] r1 = {{0.99, 0.87}, {0.98, 0.95}, {0.99, 0.975}, {0.96, 0.90}};
        for (int e = 0; e < ids.length; e++) {
            ret.add(new RetrievalRow(ids[e], RetrievalRow.OVERALL, r1[e][1], Math.min(1, r1[e][1] + 0.08), r1[e][0],
                    1.0, 200, 100));
            ret.add(new RetrievalRow(ids[e], "phone", r1[e][1] - 0.02, null, r1[e][0], null, 100, 100));
            ret.add(new RetrievalRow(ids[e], "camera", r1[e][1] + 0.02, null, r1[e][0], null, 100, 100));
        }
        List<AuditRow> audit = List.of(new AuditRow("Make", 0.42, 180), new AuditRow("Phone vs camera", 0.18, 180),
                new AuditRow("JPEG quality (as shipped)", 0.07, 510));
        Map<String, Object> prov = new LinkedHashMap<>();
        prov.put("command", "traces audit --data ../shared/data/flowers17 --models clip-vit-b16,...");
        prov.put("seeds", List.of(0, 1, 2, 3, 4));
        prov.put("probe", Map.of("classifier", "logistic regression", "C_grid", List.of(0.01, 0.1, 1.0, 10.0)));
        prov.put("codec", Map.of("jpeg", "org.encodertraces.image.JpegCodec (libjpeg-turbo tables)", "decoder",
                "ImageIO + TwelveMonkeys"));
        prov.put("dataset_manifest_sha256", "e".repeat(64));
        prov.put("path_with_markup", "/tmp/<script>alert(1)</script>&x");
        return ReportData.of("Trace audit <flowers17> & friends", java.time.Instant.parse("2025-06-01T12:00:00Z"),
                new DatasetInfo("flowers17", 510, 17), enc, probes, knn, ret, audit,
                List.of(Note.acquisition("Acquisition probes on 60 photos only: exif-photos has 200 files, 60 with Make in the top 10")),
                prov);
    }

    /** A confusion matrix of k classes, {@code perClass} test rows each, with accuracy about {@code acc}. */
    static List<List<Long>> confusion(int k, int perClass, double acc) {
        List<List<Long>> m = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            List<Long> row = new ArrayList<>();
            long right = Math.round(perClass * acc);
            for (int j = 0; j < k; j++) {
                row.add(i == j ? right : j == (i + 1) % k ? perClass - right : 0L);
            }
            m.add(row);
        }
        return m;
    }

    /** Only processing probes; kNN, retrieval and audit skipped with reasons. */
    static ReportData probesOnly() {
        ReportData f = full();
        return new ReportData(f.title(), f.created(), f.dataset(), f.encoders(),
                f.probes().stream().filter(p -> p.kind() == ProbeKind.PROCESSING).toList(), List.of(), List.of(),
                List.of(), List.of(Note.knn("kNN skipped: --knn not given"), Note.retrieval("Retrieval skipped: no PairCams-style"
                        + " pairs in the dataset"), Note.acquisition("Acquisition probes skipped: only 12 photos with Make")), f.provenance());
    }
}
