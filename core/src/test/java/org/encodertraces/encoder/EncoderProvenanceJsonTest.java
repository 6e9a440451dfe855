package org.encodertraces.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.encodertraces.encoder.builtin.BuiltinEncoders;
import org.encodertraces.image.ResampleFilter;
import org.encodertraces.provenance.ProvenanceJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An encoder's provenance reads back from its JSON (this version's and the camelCase preprocessing
 * of the last one), and {@link EncoderProvenance#identity()} is the same whether taken from the
 * encoder, from the JSON it wrote, or from the last version's JSON: the one identity rule that
 * reuse, Spark's assembly and erasers share.
 */
class EncoderProvenanceJsonTest {
    private static final PreprocessSpec SPEC = PreprocessSpec.study(224, ResampleFilter.BICUBIC, PreprocessSpec.IMAGENET_MEAN,
            PreprocessSpec.IMAGENET_STD);

    /** The JSON as the last version wrote it: the preprocessing spec with its record's camelCase field names. */
    private static JsonNode asLastVersionWroteIt(EncoderProvenance p) {
        ObjectNode n = ProvenanceJson.object(p.toJson());
        n.set("preprocessing", new ObjectMapper().valueToTree(p.preprocessing()));
        return n;
    }

    private static void readsBackWithOneIdentity(EncoderProvenance p) {
        JsonNode now = ProvenanceJson.object(p.toJson());
        JsonNode before = asLastVersionWroteIt(p);
        assertTrue(before.toString().contains("\"cropSize\":224") || before.toString().contains("\"cropSize\":256"), before.toString());
        EncoderProvenance read = EncoderProvenance.fromJson(now);
        assertEquals(now, ProvenanceJson.object(read.toJson()), "written back as read");
        assertEquals(now, ProvenanceJson.object(EncoderProvenance.fromJson(before).toJson()), "the former names read as today's");
        EncoderProvenance.Identity id = p.identity();
        assertEquals(id, read.identity());
        assertEquals(id, EncoderProvenance.Identity.fromJson(now));
        assertEquals(id, EncoderProvenance.Identity.fromJson(before));
    }

    @Test
    void builtinEncodersReadBackWithTheSameIdentity() {
        for (String b : BuiltinEncoders.IDS) {
            try (Encoder e = BuiltinEncoders.open(b)) {
                readsBackWithOneIdentity(e.provenanceRecord());
                assertEquals(b + "@features-v" + e.provenanceRecord().builtin().featureVersion(), e.provenanceRecord().identity().modelKey());
            }
        }
    }

    @Test
    void onnxEncodersReadBackWithTheSameIdentityEditedOrNot(@TempDir Path tmp) throws Exception {
        Path m = tmp.resolve("tiny.onnx");
        Files.write(m, new TinyOnnx().input("x", TinyOnnx.FLOAT, -1, 3, 224, 224)
                .node("Relu", "x", "r").node("GlobalAveragePool", "r", "g").node("Flatten", "g", "f")
                .output("f", TinyOnnx.FLOAT, -1, 3).build());
        try (OnnxEncoder graph = OnnxEncoder.open(OnnxEncoderOptions.cpu(m, EmbeddingSelection.output("f"), SPEC).withIntraOpThreads(1));
             OnnxEncoder edited = OnnxEncoder.open(OnnxEncoderOptions.cpu(m, new EmbeddingSelection("r", Pooling.GLOBAL_AVERAGE, true),
                     SPEC))) {
            readsBackWithOneIdentity(graph.provenanceRecord());
            EncoderDescription d = new EncoderDescription("tiny", "Tiny", EncoderFamily.SUP, null, graph.provenanceRecord().runtime()
                    .modelSha256(), SPEC, 3, "file tiny.onnx");
            readsBackWithOneIdentity(graph.provenanceRecord().describedAs(d));
            readsBackWithOneIdentity(edited.provenanceRecord());
            assertNotEquals(graph.provenanceRecord().identity(), edited.provenanceRecord().identity(), "another tensor, pooled: another encoder");
            assertEquals(graph.provenanceRecord().identity().modelKey(), edited.provenanceRecord().identity().modelKey(), "the same file");
            // where it ran is not what it computes
            EncoderProvenance.Runtime r = graph.provenanceRecord().runtime();
            EncoderProvenance elsewhere = new EncoderProvenance(new EncoderProvenance.Runtime("9.9", ExecutionProvider.CUDA, 0, 8,
                    r.modelFile(), r.modelSha256(), r.editedOutput(), r.inputName(), r.embedding()), null, 3, SPEC,
                    graph.provenanceRecord().platform(), null);
            assertEquals(graph.provenanceRecord().identity(), elsewhere.identity());
        }
    }

    @Test
    void aPartialBlockAnotherToolWroteIsNoProvenanceButStatesAnIdentity() throws Exception {
        JsonNode partial = new ObjectMapper().readTree("{\"model_sha256\": \"ab12\", \"embedding_dim\": 16}");
        assertNull(EncoderProvenance.fromJson(partial));
        EncoderProvenance.Identity id = EncoderProvenance.Identity.fromJson(partial);
        assertEquals("ab12", id.modelKey());
        assertEquals(16, id.embeddingDim());
        assertEquals(List.of("model_sha256", "embedding_dim"), List.copyOf(id.toJson().keySet()));
    }
}
