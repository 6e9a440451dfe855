package org.encodertraces.provenance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ArtifactProvenanceTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text.replace('\'', '"'));
    }

    @Test
    void aRecordWrittenAndReadBackIsTheSameRecord() {
        Map<String, Object> jpeg = new java.util.LinkedHashMap<>();
        jpeg.put("kind", "jpeg");
        jpeg.put("quality", 95);
        jpeg.put("subsampling", "4:4:4");
        jpeg.put("codec", "libjpeg-turbo");
        ProcessingChain sharpen = new ProcessingChain("SHARPEN_2", List.of(Map.of("kind", "sharpness"), jpeg));
        ArtifactProvenance p = ArtifactProvenance.between(Instant.parse("2026-12-01T10:00:00Z"), Instant.parse("2026-12-01T10:05:00.5Z"))
                .withDataset(new DatasetRef("photos", "/data/photos", 13, "ab".repeat(32), Map.of("label", List.of("leaf", "sky"))))
                .withProcessing(sharpen).withSeed(7L).withImageDecoder("Pillow-compatible").with("knn_scores", "float32")
                .with("counts", Map.of("a", 1L));
        JsonNode written = p.toJsonNode();
        assertEquals(p, ArtifactProvenance.fromJson(written));
        assertEquals(List.of("libjpeg-turbo"), p.codecs());
        assertEquals("2026-12-01T10:05:00.500Z", written.get("finished").asText());
        assertEquals(Platform.current().gitCommit(), written.get("git_commit").asText());
        assertEquals("{\"operation\":\"SHARPEN_2\",\"steps\":[{\"kind\":\"sharpness\"},{\"kind\":\"jpeg\",\"quality\":95,"
                + "\"subsampling\":\"4:4:4\",\"codec\":\"libjpeg-turbo\"}]}", sharpen.toString(), "steps' keys in the steps' order");
        Map<String, Object> sorted = new java.util.TreeMap<>(jpeg);
        assertEquals(sharpen, new ProcessingChain("SHARPEN_2", List.of(Map.of("kind", "sharpness"), sorted)), "order is not part of a chain");
        assertThrows(IllegalArgumentException.class, () -> p.with("seed", 3), "a field is not a detail");
    }

    @Test
    void formerNamesAndLayoutsReadAsTheFieldsTheyWere() throws Exception {
        // kNN results wrote start/end; dataset audits nested the platform besides repeating two of its keys
        ArtifactProvenance knn = ArtifactProvenance.fromJson(json("{'tool':'encoder-traces','tool_version':'0.1','knn_scores':'float32',"
                + "'start':'2026-12-01T10:00:00Z','end':'2026-12-01T10:01:00Z'}"));
        assertEquals(Instant.parse("2026-12-01T10:00:00Z"), knn.started());
        assertEquals(Instant.parse("2026-12-01T10:01:00Z"), knn.finished());
        assertEquals(Map.of("knn_scores", "float32"), knn.details());
        assertTrue(knn.toJsonNode().has("started") && !knn.toJsonNode().has("start"));
        ArtifactProvenance audit = ArtifactProvenance.fromJson(json("{'tool_version':'0.1','git_commit':'abc','platform':{'tool':"
                + "'encoder-traces','tool_version':'0.1','git_commit':'abc','java_version':'17','java_vendor':'Debian','os':'Linux',"
                + "'arch':'amd64'},'started':'2026-12-01T10:00:00Z','finished':'2026-12-01T10:00:01Z'}"));
        assertEquals(new Platform("encoder-traces", "0.1", "abc", "17", "Debian", "Linux", "amd64"), audit.platform());
        assertEquals(Map.of(), audit.details(), "the nested platform is read, not kept beside its keys");
        DatasetRef d = DatasetRef.fromJson(json("{'name':'x','manifestSha256':'cd','labelNames':{'label':['a','b']}}"));
        assertEquals(new DatasetRef("x", null, null, "cd", Map.of("label", List.of("a", "b"))), d);
    }

    @Test
    void keysThisVersionDoesNotKnowAreKeptInOrderAndWrittenBack() throws Exception {
        // a later version's field, and a 'processing' this version cannot read as a chain: both kept as they were
        JsonNode later = json("{'tool':'encoder-traces','seed':3,'processing':{'op':'JPEG75_420'},'gpu':{'name':'H100','count':1},"
                + "'z_first':true}");
        ArtifactProvenance p = ArtifactProvenance.fromJson(later);
        assertNull(p.processing());
        assertEquals(3L, p.seed());
        assertEquals(List.of("processing", "gpu", "z_first"), List.copyOf(p.details().keySet()));
        assertEquals(later, p.toJsonNode());
        assertEquals(ArtifactProvenance.fromJson(null), ArtifactProvenance.fromJson(json("[1,2]")), "not an object: an empty record");
    }
}
