package org.encodertraces.encoder.graph;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.encodertraces.encoder.checkpoint.Checkpoint;
import org.encodertraces.encoder.checkpoint.CheckpointException;
import org.encodertraces.encoder.graph.ViTGraph.Activation;
import org.encodertraces.encoder.graph.ViTGraph.Config;
import org.encodertraces.encoder.graph.ViTGraph.Layout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ViT builder against torch reference modules with timm's and OpenCLIP's key layouts (width
 * 32, 4 heads, depth 2, patch 8 on 32x32 inputs; random weights and LayerNorm parameters; written
 * by tools/checkpoint-fixtures/make_checkpoint_fixtures.py). Tolerance: 1e-4 of the largest
 * |feature|.
 */
class ViTGraphTest {
    @TempDir
    Path tmp;

    private double error(String name, String prefix, Config cfg) throws Exception {
        Checkpoint c = Checkpoint.read(ResNetGraphTest.resource(tmp, name + ".safetensors"), prefix);
        Path onnx = Files.write(tmp.resolve(name + ".onnx"), ViTGraph.build(c, cfg, "test", name));
        JsonNode expected = new ObjectMapper().readTree(ViTGraphTest.class.getResourceAsStream(
                "/org/encodertraces/encoder/checkpoint/tiny-vit.expected.json")).get("features").get(name);
        return ResNetGraphTest.relativeError(ResNetGraphTest.run(onnx, ResNetGraphTest.formulaInput(2, 3, 32, 32)), expected);
    }

    @Test
    void timmLayoutGivesTorchsNormedClassToken() throws Exception {
        double err = error("tiny-vit-timm", null, new Config(Layout.TIMM, 4, 1e-6f, Activation.GELU));
        assertTrue(err < 1e-4, "relative error " + err);
    }

    @Test
    void registersAfterTheClassTokenAndLayerScaleAsDinov2HasThem() throws Exception {
        double err = error("tiny-vit-timm-reg", null, new Config(Layout.TIMM, 4, 1e-6f, Activation.GELU));
        assertTrue(err < 1e-4, "relative error " + err);
    }

    @Test
    void openClipLayoutGivesTorchsProjectedEmbeddingWithQuickGeluOrGelu() throws Exception {
        double quick = error("tiny-vit-openclip", "visual.", new Config(Layout.OPENCLIP, 4, 1e-5f, Activation.QUICK_GELU));
        assertTrue(quick < 1e-4, "relative error " + quick);
        double gelu = error("tiny-vit-openclip-gelu", "visual.", new Config(Layout.OPENCLIP, 4, 1e-5f, Activation.GELU));
        assertTrue(gelu < 1e-4, "relative error " + gelu);
        // the wrong activation is not within tolerance: the test can tell them apart
        double wrong = error("tiny-vit-openclip-gelu", "visual.", new Config(Layout.OPENCLIP, 4, 1e-5f, Activation.QUICK_GELU));
        assertTrue(wrong > 1e-3, "QuickGELU on a GELU model differs: " + wrong);
    }

    @Test
    void theTextTowerOrTheWrongLayoutIsNamed() throws Exception {
        Path f = ResNetGraphTest.resource(tmp, "tiny-vit-openclip.safetensors");
        Checkpoint whole = Checkpoint.read(f);
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> ViTGraph.build(whole, new Config(Layout.OPENCLIP, 4, 1e-5f, Activation.QUICK_GELU), "t", "d"));
        assertTrue(e.getMessage().contains("missing key 'conv1.weight' of the OpenCLIP ViT layout")
                && e.getMessage().contains("visual.conv1.weight"), e.getMessage());
        Checkpoint visual = Checkpoint.read(f, "visual.");
        e = assertThrows(CheckpointException.class, () -> ViTGraph.build(visual, new Config(Layout.TIMM, 4, 1e-6f, Activation.GELU), "t", "d"));
        assertTrue(e.getMessage().contains("missing key 'patch_embed.proj.weight' of the timm ViT layout"), e.getMessage());
        Checkpoint timm = Checkpoint.read(ResNetGraphTest.resource(tmp, "tiny-vit-timm.safetensors"));
        e = assertThrows(CheckpointException.class, () -> ViTGraph.build(timm, new Config(Layout.TIMM, 5, 1e-6f, Activation.GELU), "t", "d"));
        assertTrue(e.getMessage().contains("width 32 is not divisible by 5 heads"), e.getMessage());
    }
}
