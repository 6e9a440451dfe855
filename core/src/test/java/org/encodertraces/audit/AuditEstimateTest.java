package org.encodertraces.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * The plan's time estimate against audits timed on a quiet 2-core machine (README, 2026-12-02): the
 * demo, 1 min 35 s, and the flowers17 audit with three encoders, 5 min 15 s; within 30%. These
 * check the recorded costs, not this machine's speed: nothing here is timed.
 */
class AuditEstimateTest {
    @Test
    void demoEstimateIsNearItsMeasuredTime(@TempDir Path tmp) throws Exception {
        Dataset ds = Manifests.open(DemoData.generate(tmp, 16, 288, 256, 0));
        AuditConfig base = AuditConfig.defaults(List.of("builtin:jpeg-forensic", "builtin:lowlevel-stats", "mobilenetv2-int8"), 2);
        AuditConfig cfg = base.withProbe(base.probe().withBudget(8, 5));
        Audit.Plan plan = Audit.plan(ds, cfg);
        double s = plan.estimatedSeconds();
        assertTrue(s > 95 * 0.7 && s < 95 * 1.3, "demo estimate " + s + " s, measured 95 s");
        AuditEstimate.ImageSizes sizes = plan.estimate().sizes();
        assertEquals(160, sizes.read(), "every header of a small dataset is read");
        assertEquals(288 * 256 / 1e6, sizes.medianMegapixels(), 1e-9);
    }

    @Test
    void flowersEstimateIsNearItsMeasuredTime() throws Exception {
        Dataset ds = Datasets.open(TestData.shared().resolve("data/flowers17").toString()).dataset();
        AuditConfig cfg = AuditConfig.defaults(List.of("mobilenetv2-int8", "nsfwjs-mobilenetv2", "builtin:jpeg-forensic"), 2);
        Audit.Plan plan = Audit.plan(ds, cfg);
        double s = plan.estimatedSeconds();
        assertTrue(s > 315 * 0.7 && s < 315 * 1.3, "flowers17 estimate " + s + " s, measured 315 s");
        assertEquals(AuditEstimate.SIZE_SAMPLE, plan.estimate().sizes().read(), "a larger folder is sampled");
    }
}
