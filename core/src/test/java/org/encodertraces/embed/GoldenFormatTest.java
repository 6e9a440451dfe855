package org.encodertraces.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.encodertraces.TestData;
import org.encodertraces.data.Dataset;
import org.encodertraces.data.ImageFolders;
import org.encodertraces.encoder.Encoder;
import org.encodertraces.encoder.EncoderProvenance;
import org.encodertraces.encoder.builtin.BuiltinEncoders;
import org.encodertraces.erase.EncoderIdentity;
import org.encodertraces.erase.ErasedSets;
import org.encodertraces.erase.EraserFile;
import org.encodertraces.process.ProcessingOp;
import org.encodertraces.provenance.ProvenanceJson;
import org.junit.jupiter.api.Test;

/**
 * The artifacts of the last version before typed provenance (commit 3b9d983, committed under
 * {@code fixtures/golden/v0.1.0-3b9d983} by its {@code make.sh}) read with today's code and give the
 * same values, as Tribuo keeps models of earlier releases to read: embedding sets with their
 * sidecars, run records, an eraser, and the key of an interrupted run's shards. Rewriting a sidecar's
 * provenance changes only the keys renamed on purpose ({@link ProvenanceJson#FORMER_NAMES}).
 */
class GoldenFormatTest {
    static final String GOLDEN = "golden/v0.1.0-3b9d983";
    static final List<String> SETS = List.of("photos__IDENTITY__builtin_lowlevel-stats", "photos__SHARPEN_2__builtin_lowlevel-stats",
            "photos__IDENTITY__mobilenetv2-int8");
    private static final ObjectMapper JSON = new ObjectMapper();

    static Path golden(String relative) {
        return TestData.fixture(GOLDEN).resolve(relative);
    }

    private static JsonNode sidecarJson(String set) throws Exception {
        return JSON.readTree(golden("embed/" + set + ".json").toFile());
    }

    @Test
    void sidecarsOfTheLastVersionReadWithTheSameValues() throws Exception {
        List<String> ids = new ArrayList<>();
        for (String c : List.of("leaf", "sky")) {
            for (int i = 0; i < 6; i++) {
                ids.add(c + "/" + c + "_" + i + ".png");
            }
        }
        for (String name : SETS) {
            Path file = golden("embed/" + name + ".safetensors");
            EmbeddingSet set = EmbeddingSetIO.read(file);
            JsonNode side = sidecarJson(name);
            JsonNode p = side.get("provenance");
            assertEquals(12, set.rows(), name);
            assertEquals(side.get("dim").asInt(), set.dim(), name);
            assertEquals(ids, set.ids(), name);
            assertArrayEquals(new long[] {0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1}, set.label("label"), name);
            // the floats are the file's, read with or without its sidecar
            assertArrayEquals(EmbeddingSetIO.readWithoutSidecar(file).embeddings(), set.embeddings(), name);

            SetProvenance prov = set.provenance();
            assertEquals(p.get("seed").asLong(), prov.seed());
            assertEquals(p.at("/processing/operation").asText(), prov.processing().operation());
            assertEquals(p.at("/processing/steps").size(), prov.processing().steps().size());
            assertEquals(p.at("/dataset/name").asText(), prov.dataset().name());
            assertEquals(13, prov.dataset().samples());
            assertEquals(p.at("/dataset/manifest_sha256").asText(), prov.manifestSha256());
            assertEquals(List.of("leaf", "sky"), prov.dataset().classNames("label"));
            assertEquals(p.get("model").asText(), prov.model());
            assertEquals(12, prov.rows());
            assertEquals(1, prov.failed());
            assertEquals(name + ".failures.tsv", prov.failuresFile());
            assertEquals(p.get("image_decoder").asText(), prov.artifact().imageDecoder());
            assertEquals(p.get("git_commit").asText(), prov.artifact().platform().gitCommit());
            assertEquals("3b9d9838d6f323289de326fad75655ec22fc9837", prov.artifact().platform().gitCommit());
            assertTrue(prov.artifact().details().isEmpty(), "every key of the last version's sidecar is a known field: "
                    + prov.artifact().details().keySet());

            // the encoder block, camelCase preprocessing included, reads whole and typed
            EncoderProvenance enc = prov.encoder();
            assertNotNull(enc, name);
            JsonNode e = p.get("encoder");
            assertEquals(e.get("embedding_dim").asInt(), enc.embeddingDim());
            assertEquals(e.at("/preprocessing/cropSize").asInt(), enc.preprocessing().cropSize());
            assertEquals(e.at("/preprocessing/resizeSize").asInt(), enc.preprocessing().resizeSize());
            assertEquals(e.at("/preprocessing/resizeMode").asText(), enc.preprocessing().resizeMode().name());
            assertEquals(e.at("/preprocessing/maskAfterCrop").asBoolean(), enc.preprocessing().maskAfterCrop());
            assertEquals(e.get("display_name").asText(), enc.description().displayName());
            if (name.endsWith("mobilenetv2-int8")) {
                assertEquals("cc028fe6cae7bc11a4ff53cfc9b79c920e8be65ce33a904ec3e2a8f66d77f95f", enc.runtime().modelSha256());
                assertEquals(e.get("output_name").asText(), enc.runtime().embedding().tensor());
                assertEquals(e.get("model_edited").asText(), "output '" + enc.runtime().editedOutput() + "' appended");
                assertEquals(e.at("/platform/java_version").asText(), enc.platform().javaVersion());
            } else {
                assertEquals("builtin:lowlevel-stats", enc.builtin().id());
                assertEquals(1, enc.builtin().featureVersion());
            }
        }
    }

    /** A JSON tree with every key renamed as {@link ProvenanceJson#FORMER_NAMES} says. */
    private static JsonNode renamed(JsonNode n) {
        if (n.isObject()) {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            n.fields().forEachRemaining(e -> o.set(ProvenanceJson.FORMER_NAMES.getOrDefault(e.getKey(), e.getKey()), renamed(e.getValue())));
            return o;
        }
        if (n.isArray()) {
            ArrayNode a = JsonNodeFactory.instance.arrayNode();
            n.forEach(x -> a.add(renamed(x)));
            return a;
        }
        return n;
    }

    @Test
    void rewritingAProvenanceChangesOnlyTheKeysRenamedOnPurpose() throws Exception {
        for (String name : SETS) {
            JsonNode recorded = sidecarJson(name).get("provenance");
            JsonNode rewritten = SetProvenance.fromJson(recorded).toJsonNode();
            assertEquals(renamed(recorded), rewritten, name);
            assertTrue(recorded.toString().contains("\"cropSize\""), "the golden file is of the former format");
            // and a rewritten one reads back to the same record
            assertEquals(SetProvenance.fromJson(recorded), SetProvenance.fromJson(rewritten), name);
        }
        // the interrupted run's shard: its failures, nothing else
        JsonNode shard = JSON.readTree(golden("interrupted/.work/photos__IDENTITY__builtin_lowlevel-stats/shard-000000.json").toFile());
        SetProvenance sp = SetProvenance.fromJson(shard.get("provenance"));
        assertEquals(List.of(), sp.failures());
        assertEquals(shard.get("provenance"), sp.toJsonNode());
    }

    @Test
    void runRecordsOfTheLastVersionRead() throws Exception {
        for (String name : SETS) {
            JsonNode raw = JSON.readTree(golden("embed/" + name + ".run.json").toFile());
            RunRecord r = RunRecord.read(golden("embed/" + name + ".run.json"));
            assertEquals(name + ".safetensors", r.set());
            assertEquals(raw.get("started").asText(), r.started().toString());
            assertTrue(!r.finished().isBefore(r.started()));
            assertEquals(32, r.batchSize());
            assertEquals(128, r.shardSize());
            assertEquals(0, r.resumedShards());
            assertEquals(Map.of("threads", raw.get("threads").asInt()), r.details());
            assertEquals(raw, ProvenanceJson.tree(r.toJson()), "written back as it was");
        }
    }

    @Test
    void theLastVersionsEraserReadsAndStillAppliesOnlyToItsEncodersSets() throws Exception {
        Path eraserFile = golden("eraser/leaf-sky.safetensors");
        EraserFile eraser = EraserFile.read(eraserFile);
        assertEquals(new EncoderIdentity("builtin_lowlevel-stats", "builtin:lowlevel-stats@features-v1", 156), eraser.encoder());
        assertEquals(12, eraser.fittedIds().size());
        assertEquals("d7062ce0dbfe09192745330150fcab1cc26eb3bc909bfce143657cc674535508", eraser.datasetSha256());
        assertEquals(List.of("label"), eraser.conceptNames());
        assertEquals(1, eraser.eraser().rank());
        JsonNode prov = eraser.description().get("provenance");
        assertEquals("3b9d9838d6f323289de326fad75655ec22fc9837", prov.get("git_commit").asText());

        Path setFile = golden("embed/photos__SHARPEN_2__builtin_lowlevel-stats.safetensors");
        EmbeddingSet set = EmbeddingSetIO.read(setFile);
        // the set's encoder identity, read typed, is the one the eraser recorded
        assertEquals(eraser.encoder().modelSha256(), EncoderIdentity.of(set).modelSha256());
        EmbeddingSet erased = ErasedSets.apply(eraser, eraserFile, set, setFile);
        assertEquals(1, erased.provenance().erasures().size());
        assertEquals(12, ErasedSets.fittedAmong(eraser, set, set.ids()));
        Path other = golden("embed/photos__IDENTITY__mobilenetv2-int8.safetensors");
        assertThrows(IllegalArgumentException.class, () -> ErasedSets.apply(eraser, eraserFile, EmbeddingSetIO.read(other), other));
    }

    @Test
    void theKeyOfTheLastVersionsInterruptedRunIsThisVersionsKeyForTheSameJob() throws Exception {
        Dataset photos = ImageFolders.open(golden("photos"));
        JsonNode recorded = JSON.readTree(golden("interrupted/.work/photos__IDENTITY__builtin_lowlevel-stats/job.json").toFile());
        assertTrue(recorded.toString().contains("\"cropSize\""), "the golden key is of the former format");
        try (Encoder enc = BuiltinEncoders.open("builtin:lowlevel-stats")) {
            ReuseKey now = new ReuseKey(0, ProcessingOp.parse("IDENTITY").chain(), photos.manifestSha256(),
                    enc.provenanceRecord().identity());
            assertEquals(now, ReuseKey.fromJson(recorded));
            assertEquals(now, ReuseKey.fromJson(ProvenanceJson.tree(now.toJson())));
            ShardStore store = new ShardStore(golden("interrupted"), "photos__IDENTITY__builtin_lowlevel-stats");
            assertEquals(1, store.shardsCommitted(now, 4));
            assertEquals(0, store.shardsCommitted(new ReuseKey(1, now.processing(), now.manifestSha256(), now.encoder()), 4),
                    "another seed's shards are not this job's");
            // and every complete set of the last version is reusable for the job that made it
            for (String name : List.of("photos__IDENTITY__builtin_lowlevel-stats")) {
                ShardStore.Existing e = new ShardStore(golden("embed"), name).existing(now);
                assertTrue(e instanceof ShardStore.Existing.Reusable, name + ": " + e);
            }
            ShardStore.Existing seven = new ShardStore(golden("embed"), "photos__IDENTITY__builtin_lowlevel-stats")
                    .existing(new ReuseKey(7, now.processing(), now.manifestSha256(), now.encoder()));
            assertEquals(new ShardStore.Existing.Different("it was made with seed 0, this run uses seed 7"), seven);
        }
        try (Stream<Path> s = Files.list(golden("interrupted"))) {
            assertEquals(List.of(".work"), s.map(p -> p.getFileName().toString()).toList(), "the test only read the fixture");
        }
        assertNull(ReuseKey.fromJson(JSON.readTree("{\"seed\": 0}")), "not a key");
    }
}
