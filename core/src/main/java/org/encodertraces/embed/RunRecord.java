package org.encodertraces.embed;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.encodertraces.provenance.ProvenanceJson;

/**
 * How one embedding set was computed, as its {@code .run.json} records it: when, with how many
 * threads, batch and shard sizes, how many shards an interrupted run had already committed, and
 * on Spark the engine, master and partitions. The timing lives here, not in the sidecar, so that
 * the set and its sidecar are byte-identical between runs.
 *
 * @param set the set's file name
 * @param started when the run started
 * @param finished when the set was assembled
 * @param batchSize images per encoder call
 * @param shardSize images per committed shard
 * @param resumedShards shards reused from an interrupted run
 * @param details the rest in file order: {@code threads} on one machine; {@code engine}, {@code master},
 *     {@code application_id}, {@code partitions}, {@code threads_per_task}, {@code reused_partitions} on Spark;
 *     any key a later version adds
 */
public record RunRecord(String set, Instant started, Instant finished, int batchSize, int shardSize, int resumedShards,
                        Map<String, Object> details) {
    /** Normalises the details. */
    @SuppressWarnings("unchecked")
    public RunRecord {
        details = Collections.unmodifiableMap(new LinkedHashMap<>((Map<String, Object>) ProvenanceJson.plain(
                details == null ? Map.of() : details)));
    }

    /** A copy with one more detail. */
    public RunRecord with(String key, Object value) {
        Map<String, Object> d = new LinkedHashMap<>(details);
        d.put(key, value);
        return new RunRecord(set, started, finished, batchSize, shardSize, resumedShards, d);
    }

    /** The one JSON form, keys sorted (as run records have always been written). */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new TreeMap<>(details);
        m.put("set", set);
        m.put("started", started == null ? null : started.toString());
        m.put("finished", finished == null ? null : finished.toString());
        m.put("batch_size", batchSize);
        m.put("shard_size", shardSize);
        m.put("resumed_shards", resumedShards);
        return m;
    }

    /** Reads a run record of this or an earlier version; missing counts read as 0, missing times as null. */
    public static RunRecord fromJson(JsonNode n) {
        Map<String, Object> d = new LinkedHashMap<>();
        if (n != null && n.isObject()) {
            n.fields().forEachRemaining(e -> {
                if (!java.util.Set.of("set", "started", "finished", "batch_size", "shard_size", "resumed_shards").contains(e.getKey())) {
                    d.put(e.getKey(), ProvenanceJson.plain(e.getValue()));
                }
            });
        }
        return new RunRecord(ProvenanceJson.text(n, "set"), ProvenanceJson.instant(n, "started"), ProvenanceJson.instant(n, "finished"),
                count(n, "batch_size"), count(n, "shard_size"), count(n, "resumed_shards"), d);
    }

    /** Reads a {@code .run.json} file. */
    public static RunRecord read(Path file) throws IOException {
        return fromJson(ProvenanceJson.mapper().readTree(file.toFile()));
    }

    private static int count(JsonNode n, String key) {
        Long v = ProvenanceJson.whole(n, key);
        return v == null ? 0 : v.intValue();
    }
}
