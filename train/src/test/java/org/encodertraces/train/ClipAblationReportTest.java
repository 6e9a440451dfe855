package org.encodertraces.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The CLIP ablation's per-mode verdict: stated as measured, whichever way, with the seed ranges. */
class ClipAblationReportTest {
    static ClipAblationReport.Row row(String mode, String recipe, long seed, double jpeg, double sharp, double gap) {
        Map<String, Double> probes = new LinkedHashMap<>(Map.of("JPEG", jpeg));
        probes.put("Sharpening", sharp);
        Map<String, Double> recall = new LinkedHashMap<>();
        Map<String, Double> chance = new LinkedHashMap<>();
        Map<String, Integer> n = new LinkedHashMap<>();
        for (String k : ClipAblationReport.RECALL_KEYS) {
            recall.put(k, 0.1);
            chance.put(k, 0.01);
            n.put(k, 100);
        }
        return new ClipAblationReport.Row(mode, recipe, seed, null, recall, chance, n, probes, Map.of("JPEG", 1 / 6.0, "Sharpening", 1 / 3.0),
                Map.of("JPEG", 60, "Sharpening", 30), Map.of("JPEG", gap), Map.of("JPEG", 20), Map.of(), Map.of(), Map.of(), 1);
    }

    @Test
    void eachRecipeIsComparedWithNoneInItsOwnModeBySeedRanges() {
        List<ClipAblationReport.Row> rows = List.of(
                row("scratch", "none", 0, 0.50, 0.70, 0.10), row("scratch", "none", 1, 0.52, 0.72, 0.12),
                row("scratch", "ssl", 0, 0.30, 0.40, 0.01), row("scratch", "ssl", 1, 0.32, 0.44, 0.03),
                row("finetune", "none", 0, 0.50, 0.70, 0.10), row("finetune", "none", 1, 0.60, 0.80, 0.10),
                row("finetune", "ssl", 0, 0.55, 0.75, 0.10), row("finetune", "ssl", 1, 0.70, 0.90, 0.10));
        List<String> v = ClipAblationReport.verdicts(rows);
        assertEquals(2, v.size(), v.toString());
        // scratch: ssl's seeds (35.0%, 38.0%) all below none's (60.0%, 62.0%)
        assertTrue(v.get(0).startsWith("scratch: ssl lowered trace sensitivity against none: mean processing-probe accuracy over the tasks 36.5% "
                + "(seeds 35.0-38.0, n = 2) against 61.0% (60.0-62.0, n = 2), the seed ranges do not overlap; mean kNN gap +2.0 against +11.0 points."),
                v.get(0));
        // finetune: ranges (65.0-80.0) and (60.0-70.0) overlap
        assertTrue(v.get(1).startsWith("finetune: ssl did not clearly change trace sensitivity"), v.get(1));
        // a raise is reported as a raise
        List<String> up = ClipAblationReport.verdicts(List.of(row("scratch", "none", 0, 0.3, 0.3, 0), row("scratch", "trace", 0, 0.6, 0.6, 0)));
        assertTrue(up.get(0).startsWith("scratch: trace raised trace sensitivity") && up.get(0).endsWith("(one seed: no spread to judge by)."), up.get(0));
        String md = ClipAblationReport.markdown(rows, "Set-up: test.");
        assertTrue(md.contains("| scratch | ssl | 2 | 31.0 (30.0-32.0) | 42.0 (40.0-44.0) | 36.5 (35.0-38.0) |"), md);
        assertTrue(md.contains("JPEG (chance 16.7, n = 60)"), md);
    }
}
