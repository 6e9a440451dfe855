package org.encodertraces.audit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.encodertraces.TestData;
import org.encodertraces.data.Dataset;
import org.encodertraces.data.Datasets;
import org.encodertraces.data.DemoData;
import org.encodertraces.data.Manifests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plan's time estimate against the two audits timed on a quiet 2-core machine (issue 13): the
 * demo, 1 min 52 s, and the flowers17 audit with three encoders, 6 min 56 s; within 30%.
 */
class AuditEstimateTest {
    @Test
    void demoEstimateIsNearItsMeasuredTime(@TempDir Path tmp) throws Exception {
        Dataset ds = Manifests.open(DemoData.generate(tmp, 16, 288, 256, 0));
        AuditConfig base = AuditConfig.defaults(List.of("builtin:jpeg-forensic", "builtin:lowlevel-stats", "mobilenetv2-int8"), 2);
        AuditConfig cfg = base.withProbe(base.probe().withBudget(8, 5));
        double s = Audit.plan(ds, cfg).estimatedSeconds();
        assertTrue(s > 112 * 0.7 && s < 112 * 1.3, "demo estimate " + s + " s, measured 112 s");
    }

    @Test
    void flowersEstimateIsNearItsMeasuredTime() throws Exception {
        Dataset ds = Datasets.open(TestData.shared().resolve("data/flowers17").toString()).dataset();
        AuditConfig cfg = AuditConfig.defaults(List.of("mobilenetv2-int8", "nsfwjs-mobilenetv2", "builtin:jpeg-forensic"), 2);
        double s = Audit.plan(ds, cfg).estimatedSeconds();
        assertTrue(s > 416 * 0.7 && s < 416 * 1.3, "flowers17 estimate " + s + " s, measured 416 s");
    }
}
