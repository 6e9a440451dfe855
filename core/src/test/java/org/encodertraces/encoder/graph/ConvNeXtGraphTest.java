package org.encodertraces.encoder.graph;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.encodertraces.encoder.checkpoint.Checkpoint;
import org.encodertraces.encoder.checkpoint.CheckpointException;
import org.encodertraces.encoder.graph.ConvNeXtGraph.Layout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ConvNeXt builder against torch reference modules with timm's key layout and OpenCLIP's
 * tower around it (stage widths 8-64, depths 1, 1, 2, 1, 64x64 inputs, random weights and
 * LayerNorm parameters; tools/checkpoint-fixtures/make_checkpoint_fixtures.py). Tolerance: 1e-4
 * of the largest |feature|.
 */
class ConvNeXtGraphTest {
    @TempDir
    Path tmp;

    private double error(String name, String prefix, Layout layout, float eps) throws Exception {
        Checkpoint c = Checkpoint.read(ResNetGraphTest.resource(tmp, name + ".safetensors"), prefix);
        Path onnx = Files.write(tmp.resolve(name + ".onnx"), ConvNeXtGraph.build(c, layout, eps, "test", name));
        JsonNode expected = new ObjectMapper().readTree(ConvNeXtGraphTest.class.getResourceAsStream(
                "/org/encodertraces/encoder/checkpoint/tiny-convnext.expected.json")).get("features").get(name);
        return ResNetGraphTest.relativeError(ResNetGraphTest.run(onnx, ResNetGraphTest.formulaInput(2, 3, 64, 64)), expected);
    }

    @Test
    void timmLayoutGivesTorchsPooledNormedFeatures() throws Exception {
        double err = error("tiny-convnext-timm", null, Layout.TIMM, 1e-6f);
        assertTrue(err < 1e-4, "relative error " + err);
    }

    @Test
    void openClipTowersWithALinearOrMlpHeadGiveTorchsProjection() throws Exception {
        double linear = error("tiny-convnext-openclip-linear", "visual.", Layout.OPENCLIP, 1e-6f);
        assertTrue(linear < 1e-4, "relative error " + linear);
        double mlp = error("tiny-convnext-openclip-mlp-eps5", "visual.", Layout.OPENCLIP, 1e-5f);
        assertTrue(mlp < 1e-4, "relative error " + mlp);
    }

    @Test
    void aTimmCheckpointAsAnOpenClipTowerIsNamed() throws Exception {
        Checkpoint timm = Checkpoint.read(ResNetGraphTest.resource(tmp, "tiny-convnext-timm.safetensors"));
        CheckpointException e = assertThrows(CheckpointException.class, () -> ConvNeXtGraph.build(timm, Layout.OPENCLIP, 1e-6f, "t", "d"));
        assertTrue(e.getMessage().contains("missing key 'trunk.stem.0.weight' of the OpenCLIP ConvNeXt layout"), e.getMessage());
    }
}
