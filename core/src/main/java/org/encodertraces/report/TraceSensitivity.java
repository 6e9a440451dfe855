package org.encodertraces.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The headline of a report for one encoder: how far above chance each probe task is, how much
 * sharing processing pulls kNN neighbours (the pos-same minus neg-same gap, mean over tasks),
 * and how much retrieval recall falls when distractors share the query's device. Differences
 * are in fraction units (0.05 = 5 percentage points); null where the experiment was not run.
 *
 * @param encoderId the encoder
 * @param probeAboveChance probe task to accuracy minus chance, in the report's task order
 * @param knnGap mean over kNN tasks of pos-same minus neg-same, or null
 * @param retrievalDrop recall@1 with other-device distractors minus with query-device distractors
 *     (the {@code overall} row, else the query-weighted mean of the per-class rows), or null
 */
public record TraceSensitivity(String encoderId, Map<String, Double> probeAboveChance, Double knnGap,
                               Double retrievalDrop) {
    /** Copies the map. */
    public TraceSensitivity {
        probeAboveChance = Collections.unmodifiableMap(new LinkedHashMap<>(probeAboveChance));
    }

    /**
     * Probe task names in first-seen order, processing tasks before acquisition tasks; contrast rows
     * ({@link ProbeRow#isContrast(String)}) are left out of the headline.
     */
    public static List<String> probeTasks(ReportData data) {
        LinkedHashSet<String> tasks = new LinkedHashSet<>();
        for (ProbeKind kind : ProbeKind.values()) {
            for (ProbeRow r : data.probes()) {
                if (r.kind() == kind && !ProbeRow.isContrast(r.task())) {
                    tasks.add(r.task());
                }
            }
        }
        return new ArrayList<>(tasks);
    }

    /** One headline row per encoder of the report, in its order. */
    public static List<TraceSensitivity> of(ReportData data) {
        List<TraceSensitivity> out = new ArrayList<>();
        for (EncoderInfo e : data.encoders()) {
            Map<String, Double> probes = new LinkedHashMap<>();
            for (String task : probeTasks(data)) {
                for (ProbeRow r : data.probes()) {
                    if (r.encoderId().equals(e.id()) && r.task().equals(task)) {
                        probes.put(task, r.aboveChance());
                    }
                }
            }
            double gapSum = 0;
            int gaps = 0;
            for (KnnRow r : data.knn()) {
                if (r.encoderId().equals(e.id())) {
                    gapSum += r.gap();
                    gaps++;
                }
            }
            Double drop = null;
            double dropSum = 0;
            int queries = 0;
            int rows = 0;
            for (RetrievalRow r : data.retrieval()) {
                if (!r.encoderId().equals(e.id())) {
                    continue;
                }
                if (RetrievalRow.OVERALL.equalsIgnoreCase(r.queryClass())) {
                    drop = r.drop();
                    break;
                }
                int w = Math.max(1, r.queries());
                dropSum += r.drop() * w;
                queries += w;
                rows++;
            }
            if (drop == null && rows > 0) {
                drop = dropSum / queries;
            }
            out.add(new TraceSensitivity(e.id(), probes, gaps == 0 ? null : gapSum / gaps, drop));
        }
        return out;
    }
}
