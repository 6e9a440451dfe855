package org.encodertraces.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The built-in registry loads, is consistent, and names the study's encoders exactly as its tables do. */
class RegistryTest {
    private final Registry registry = Registry.builtIn();

    @Test
    void allEntriesLoadWithUniqueIds() {
        assertEquals(49, registry.entries().size());
        assertEquals(47, registry.studyEntries().size());
        Set<String> ids = new HashSet<>();
        for (RegistryEntry e : registry.entries()) {
            assertTrue(ids.add(e.id()), "duplicate id " + e.id());
            assertEquals(e, registry.get(e.id()));
        }
    }

    @Test
    void studyEntriesResizeStraightToTheCropSize() {
        for (RegistryEntry e : registry.studyEntries()) {
            assertEquals(e.preprocessing().cropSize(), e.preprocessing().resizeSize(), e.id());
            assertTrue(e.source() instanceof ModelSource.Recipe || e.source() instanceof ModelSource.HubFile, e.id());
            if (e.source() instanceof ModelSource.Recipe r) {
                assertEquals("tools/export-onnx/export_onnx.py", r.script());
                assertTrue(Files.isRegularFile(Path.of(r.script())), "recipe script missing: " + r.script());
                assertEquals("embedding", e.embedding().tensor(), e.id());
            }
        }
    }

    @Test
    void studyNamesMatchThePaperTables() throws IOException {
        Path dir = SharedData.root().resolve("reference/paper-results");
        Set<String> paper = new TreeSet<>();
        for (String f : List.of("probe_processing.csv", "probe_acquisition.csv", "knn_influence.csv",
                "paircams_retrieval.csv")) {
            Path csv = SharedData.require("reference/paper-results/" + f);
            List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
            List<String> header = List.of(lines.get(0).split(","));
            int groupCol = header.indexOf("group");
            for (String line : lines.subList(1, lines.size())) {
                // model names are quoted and contain commas: "CLIP (ViT-B/16, WIT)"
                int q1 = line.indexOf('"');
                int q2 = line.indexOf('"', q1 + 1);
                String model = line.substring(q1 + 1, q2);
                String group = List.of(line.substring(0, q1).split(",")).get(groupCol);
                paper.add(group + "|" + model);
            }
        }
        assertEquals(47, paper.size(), "distinct (group, model) rows in " + dir);
        Set<String> ours = new TreeSet<>();
        for (RegistryEntry e : registry.studyEntries()) {
            ours.add(e.family() + "|" + e.studyName());
        }
        assertEquals(paper, ours);
    }

    @Test
    void localModelsPointAtTheSharedFiles() {
        RegistryEntry mobilenet = registry.get("mobilenetv2-int8");
        assertFalse(mobilenet.inStudy());
        assertEquals(new ModelSource.SharedFile("models/mobilenetv2-12-int8.onnx",
                "cc028fe6cae7bc11a4ff53cfc9b79c920e8be65ce33a904ec3e2a8f66d77f95f"), mobilenet.source());
        assertEquals(new EmbeddingSelection("627", Pooling.GLOBAL_AVERAGE, false), mobilenet.embedding());
        RegistryEntry nsfw = registry.get("nsfwjs-mobilenetv2");
        assertEquals("embedding", nsfw.embedding().tensor());
        assertEquals(PreprocessSpec.HALF, nsfw.preprocessing().mean());
    }

    @Test
    void registryEntryOpensAsAnEncoder() {
        RegistryEntry e = registry.get("mobilenetv2-int8");
        ModelSource.SharedFile f = (ModelSource.SharedFile) e.source();
        Path model = SharedData.require(f.path());
        try (OnnxEncoder enc = OnnxEncoder.open(new OnnxEncoderOptions(model, e.inputName(), e.embedding(),
                e.preprocessing(), ExecutionProvider.CPU, 0, 1, false))) {
            assertEquals(e.embeddingDim(), enc.embeddingDim());
            assertEquals(f.sha256(), enc.provenance().get("model_sha256"));
        }
    }

    @Test
    void unknownIdListsTheKnownOnes() {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> registry.get("clip-vit-z99"));
        assertTrue(ex.getMessage().contains("clip-vit-b16"), ex.getMessage());
    }

    @Test
    void badRegistriesAreRejectedWithTheEntryNamed() {
        String entry = "{\"id\":\"x\",\"studyName\":null,\"family\":\"SUP\",\"architecture\":\"a\",\"trainingData\":\"d\","
                + "\"embeddingDim\":4,\"inputName\":null,\"embedding\":{\"tensor\":\"y\",\"pooling\":\"NONE\",\"l2Normalize\":false},"
                + "\"preprocessing\":{\"resizeSize\":224,\"resizeMode\":\"SHORTER_SIDE\",\"filter\":\"BICUBIC\",\"antialias\":true,"
                + "\"cropSize\":%d,\"scale\":0.00392156862745098,\"mean\":[0.5,0.5,0.5],\"std\":[0.5,0.5,0.5],"
                + "\"channelOrder\":\"RGB\",\"layout\":\"NCHW\",\"maskAfterCrop\":true},\"nativeResizeSize\":null,"
                + "\"preprocessingSource\":\"s\",\"source\":{\"kind\":\"recipe\",\"script\":\"s.py\",\"args\":[]},\"notes\":null}";
        String good = String.format(entry, 224);
        IOException dup = assertThrows(IOException.class, () -> Registry.load(json("{\"entries\":[" + good + "," + good + "]}")));
        assertTrue(dup.getMessage().contains("duplicate registry id: x"), dup.getMessage());
        IOException crop = assertThrows(IOException.class, () -> Registry.load(json("{\"entries\":[" + String.format(entry, 300) + "]}")));
        assertTrue(crop.getMessage().contains("entry x") && crop.getMessage().contains("cropSize 300 exceeds"), crop.getMessage());
    }

    private static ByteArrayInputStream json(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }
}
