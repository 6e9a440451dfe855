package org.encodertraces.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.encodertraces.encoder.TinyOnnx;
import org.encodertraces.provenance.Hashes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code traces audit} on a user's own ONNX file, the three ways: with its options, declared as a
 * registry encoder (the report then carries the study's figures for it), and with the export
 * recipe's spec file beside it. The shared nsfwjs model and a tiny generated model stand in for a
 * user's export.
 */
@Timeout(120)
class AuditFileModelCliTest {
    @TempDir
    Path tmp;

    private Path shared;
    private Path images;
    private Map<String, String> env;

    @BeforeEach
    void setUp() throws IOException {
        shared = SmallFlowers.shared();
        images = SmallFlowers.copy(tmp.resolve("images"), 5);
        env = new HashMap<>(System.getenv());
        env.put("TRACES_SHARED", shared.toString());
        env.put("TRACES_CACHE", tmp.resolve("cache").toString());
        env.put("TRACES_OFFLINE", "1");
    }

    private CliRun audit(Path out, String... modelArgs) {
        List<String> a = new ArrayList<>(List.of("audit", "--images", images.toString(), "--tasks", "sharpening", "--mask", "0",
                "--trials", "1", "--seeds", "1", "--threads", "2", "--quiet", "-o", out.toString()));
        a.addAll(List.of(modelArgs));
        return CliRun.withEnv(env, a.toArray(String[]::new));
    }

    private static JsonNode encoder(Path out) throws IOException {
        JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        assertEquals(1, report.get("encoders").size(), report.toPrettyString());
        return report.get("encoders").get(0);
    }

    @Test
    void aFileWithItsOptions() throws IOException {
        Path mine = Files.copy(shared.resolve("models/nsfwjs-mobilenetv2-224.onnx"), tmp.resolve("my-encoder.onnx"));
        Path out = tmp.resolve("a");
        CliRun r = audit(out, "--model", mine.toString(), "--output", "embedding", "--mean", "0.5,0.5,0.5", "--std", "0.5,0.5,0.5");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(Files.isRegularFile(out.resolve("report.html")));
        JsonNode e = encoder(out);
        assertEquals("my-encoder", e.get("id").asText());
        assertEquals("OTHER", e.get("family").asText());
        assertEquals(Hashes.sha256(mine), e.get("model_sha256").asText());
    }

    @Test
    void aFileDeclaredAsTheStudysClipGetsTheStudysFigures() throws IOException {
        // a stand-in export with CLIP's interface: pixel_values [N,3,224,224] in, image_embeds out
        byte[] model = new TinyOnnx().input("pixel_values", TinyOnnx.FLOAT, -1, 3, 224, 224)
                .node("GlobalAveragePool", "pixel_values", "pooled").node("Flatten", "pooled", "image_embeds")
                .output("image_embeds", TinyOnnx.FLOAT, -1, 3).build();
        Path clip = Files.write(tmp.resolve("clip.onnx"), model);
        Path out = tmp.resolve("b");
        CliRun r = audit(out, "--model", "clip-vit-b32=" + clip);
        assertEquals(0, r.exit(), r.out() + r.err());
        JsonNode e = encoder(out);
        assertEquals("clip-vit-b32@clip", e.get("id").asText());
        assertEquals("CLIP (ViT-B/32, WIT)", e.get("study_name").asText());
        assertEquals("CVL", e.get("family").asText());
        assertEquals(Hashes.sha256(model), e.get("model_sha256").asText());
        String html = Files.readString(out.resolve("report.html"));
        // the study's ImageNet sharpening probe accuracy for CLIP ViT-B/32 (paper-results/probe_processing.csv)
        assertTrue(html.contains("<td class=\"num study\">68.7%</td>"), "the study's figure for CLIP (ViT-B/32, WIT) is shown");
        JsonNode prov = new ObjectMapper().readTree(out.resolve("report.json").toFile()).path("provenance").path("encoders")
                .path("clip-vit-b32@clip");
        assertEquals("pixel_values", prov.path("input_name").asText(), prov.toPrettyString());
        assertEquals(0.48145466, prov.path("preprocessing").path("mean").get(0).asDouble(), 0, "the registry's CLIP statistics apply");
    }

    @Test
    void aFileWithTheRecipesSpecBesideItNeedsNoFlags() throws IOException {
        Path export = Files.copy(shared.resolve("models/nsfwjs-mobilenetv2-224.onnx"), tmp.resolve("keras-mobilenet.onnx"));
        // what tools/export-onnx/export_onnx.py writes, with this model's input name
        Files.writeString(tmp.resolve("keras-mobilenet.spec.json"), """
                {"preprocessing": {"resizeSize": 224, "resizeMode": "SQUASH", "filter": "BILINEAR", "antialias": true,
                  "cropSize": 224, "scale": 0.00392156862745098, "mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5],
                  "channelOrder": "RGB", "layout": "NCHW", "maskAfterCrop": true},
                 "inputName": "input_1", "output": "embedding", "pooling": "NONE", "l2Normalize": false,
                 "embeddingDim": 1280, "onnx": "keras-mobilenet.onnx", "args": ["--library", "keras"]}
                """);
        Path out = tmp.resolve("c");
        CliRun r = audit(out, "--model", export.toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        JsonNode prov = new ObjectMapper().readTree(out.resolve("report.json").toFile()).path("provenance").path("encoders")
                .path("keras-mobilenet");
        assertEquals("SQUASH", prov.path("preprocessing").path("resize_mode").asText(), prov.toPrettyString());
        assertTrue(prov.path("model_source").asText().contains("spec file keras-mobilenet.spec.json"), prov.toPrettyString());
        assertEquals(1280, encoder(out).get("embedding_dim").asInt());
    }
}
