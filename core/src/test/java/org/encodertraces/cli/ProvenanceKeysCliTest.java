package org.encodertraces.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every provenance block the tool writes uses one key convention (issue 24): snake_case, the times
 * {@code started}/{@code finished} (the kNN results wrote {@code start}/{@code end}), the platform's keys
 * beside the others (the dataset audit nested them in a {@code platform} object besides repeating two of
 * them), the encoder's preprocessing spec in snake_case (sidecars wrote {@code cropSize}, {@code resizeMode},
 * {@code channelOrder}, {@code maskAfterCrop}). Checked on what {@code process}, {@code embed}, {@code probe},
 * {@code knn} and {@code datasets audit} write for a small folder.
 */
class ProvenanceKeysCliTest {
    /** Objects whose keys are names of things (label tensors, models), not field names. */
    private static final Set<String> NAMES_INSIDE = Set.of("label_names", "encoders", "safetensors_metadata");

    private static void keys(JsonNode n, String path, Set<String> bad) {
        keys(n, path, bad, NAMES_INSIDE);
    }

    /** Adds to {@code bad} every key under {@code n} not in snake_case, not looking inside objects keyed by names ({@code namesInside}). */
    static void keys(JsonNode n, String path, Set<String> bad, Set<String> namesInside) {
        if (n.isObject()) {
            n.fields().forEachRemaining(e -> {
                if (!e.getKey().matches("[a-z0-9_]+")) {
                    bad.add(path + "/" + e.getKey());
                }
                if (!namesInside.contains(e.getKey())) {
                    keys(e.getValue(), path + "/" + e.getKey(), bad, namesInside);
                }
            });
        } else if (n.isArray()) {
            n.forEach(x -> keys(x, path + "[]", bad, namesInside));
        }
    }

    /**
     * Embeds {@code data} (a folder named {@code s}) with builtin:lowlevel-stats under the sharpening task's three
     * operations into {@code emb}; the {@code --set OP=FILE} arguments of the three sets.
     */
    static List<String> sharpeningSets(Path data, Path emb) {
        CliRun e = CliRun.of("embed", "--images", data.toString(), "--model", "builtin:lowlevel-stats", "--processing",
                "JPEG95_444,SHARPEN_2,SHARPEN_4", "--quiet", "-o", emb.toString());
        assertEquals(0, e.exit(), e.err());
        List<String> sets = new ArrayList<>();
        for (String op : List.of("JPEG95_444", "SHARPEN_2", "SHARPEN_4")) {
            sets.add("--set");
            sets.add(op + "=" + emb.resolve("s__" + op + "__builtin_lowlevel-stats.safetensors"));
        }
        return sets;
    }

    @Test
    void everyProvenanceTheToolWritesIsSnakeCaseWithOneNameForEachField(@TempDir Path tmp) throws Exception {
        Path data = ReliabilityCliTest.scenes(tmp.resolve("s"), 8, false);
        CliRun p = CliRun.of("process", "--op", "SHARPEN_2", data.toString(), "-o", tmp.resolve("proc").toString());
        assertEquals(0, p.exit(), p.err());
        Path emb = tmp.resolve("emb");
        List<String> sets = sharpeningSets(data, emb);
        List<String> probe = new ArrayList<>(List.of("probe", "--task", "sharpening", "--trainer", "lbfgs", "--trials", "1",
                "--repeats", "1", "-o", tmp.resolve("probe").toString()));
        probe.addAll(sets);
        CliRun pr = CliRun.of(probe.toArray(String[]::new));
        assertEquals(0, pr.exit(), pr.err());
        List<String> knn = new ArrayList<>(List.of("knn", "-o", tmp.resolve("knn").toString()));
        knn.addAll(sets);
        CliRun k = CliRun.of(knn.toArray(String[]::new));
        assertEquals(0, k.exit(), k.err());
        CliRun a = CliRun.of("datasets", "audit", "--images", data.toString(), "--json", tmp.resolve("audit.json").toString());
        assertEquals(0, a.exit(), a.err());

        ObjectMapper json = new ObjectMapper();
        Set<String> bad = new TreeSet<>();
        int provenances = 0;
        try (Stream<Path> files = Files.walk(tmp)) {
            for (Path f : files.filter(x -> x.toString().endsWith(".json")).sorted().toList()) {
                JsonNode prov = json.readTree(f.toFile()).get("provenance");
                if (prov == null) {
                    continue;
                }
                provenances++;
                keys(prov, tmp.relativize(f) + ":/provenance", bad);
                assertFalse(prov.has("start") || prov.has("end"), f + ": times are started/finished: " + prov);
                assertFalse(prov.has("platform"), f + ": the platform's keys stand beside the others: " + prov);
            }
        }
        // processing.json, 3 sidecars, probe, knn, dataset audit
        assertEquals(7, provenances);
        assertTrue(bad.isEmpty(), "keys not in snake_case: " + bad);
        JsonNode knnProv = json.readTree(tmp.resolve("knn/knn.json").toFile()).get("provenance");
        assertTrue(knnProv.get("started").isTextual() && knnProv.get("finished").isTextual(), knnProv.toString());
        JsonNode side = json.readTree(emb.resolve("s__SHARPEN_2__builtin_lowlevel-stats.json").toFile());
        assertEquals(256, side.at("/provenance/encoder/preprocessing/crop_size").asInt(), side.toString());
    }
}
