package org.encodertraces.encoder.graph;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.encodertraces.embed.Safetensors;
import org.encodertraces.embed.Tensor;
import org.encodertraces.encoder.checkpoint.Checkpoint;
import org.encodertraces.encoder.checkpoint.CheckpointException;
import org.encodertraces.encoder.checkpoint.WeightTensor;
import org.encodertraces.encoder.graph.ViTGraph.Activation;
import org.encodertraces.encoder.graph.ViTGraph.Config;
import org.encodertraces.encoder.graph.ViTGraph.Layout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ViT builder's parts for SigLIP2 and DINOv2 ViT-g/14 with registers, against torch reference
 * modules written by tools/checkpoint-fixtures/make_checkpoint_fixtures.py ({@code
 * vits_map_swiglu}): timm's SigLIP layout (no class token, positions on the patches only, final
 * norm then the MAP attention-pool head with a latent query), and DINOv2's own layout (class token,
 * four registers after it, LayerScale, SwiGLU MLP as {@code mlp.w12 / mlp.w3} or timm's packed
 * {@code mlp.fc1 / mlp.fc2}, a 37x37 positional grid resampled to the 16x16 grid of the input with
 * torch's antialiased bicubic). Width 32, 4 heads, depth 2, random weights and LayerNorm
 * parameters, inputs 2x3x32x32. Tolerance: 1e-4 of the largest |feature|.
 */
class ViTPoolingGraphTest {
    private static final String EXPECTED = "/org/encodertraces/encoder/checkpoint/tiny-vit-map-swiglu.expected.json";
    private static final Config SIGLIP = new Config(Layout.TIMM, 4, 1e-6f, Activation.GELU);
    private static final Config DINOV2_AT_32 = new Config(Layout.TIMM, 4, 1e-6f, Activation.GELU, 32);

    @TempDir
    Path tmp;

    private static JsonNode expected(String name) throws Exception {
        return new ObjectMapper().readTree(ViTPoolingGraphTest.class.getResourceAsStream(EXPECTED)).get("features").get(name);
    }

    private double error(Checkpoint c, Config cfg, String expectedName) throws Exception {
        Path onnx = Files.write(tmp.resolve(expectedName.replace(' ', '_') + ".onnx"), ViTGraph.build(c, cfg, "test", expectedName));
        return ResNetGraphTest.relativeError(ResNetGraphTest.run(onnx, ResNetGraphTest.formulaInput(2, 3, 32, 32)), expected(expectedName));
    }

    private Checkpoint fixture(String name) throws Exception {
        return Checkpoint.read(ResNetGraphTest.resource(tmp, name + ".safetensors"));
    }

    @Test
    void sigLipLayoutGivesTorchsAttentionPoolOutput() throws Exception {
        double err = error(fixture("tiny-vit-siglip"), SIGLIP, "tiny-vit-siglip");
        assertTrue(err < 1e-4, "relative error " + err);
    }

    @Test
    void dinov2LayoutWithSwiGluRegistersAndResampledPositionsGivesTorchsNormedClassToken() throws Exception {
        double err = error(fixture("tiny-vit-dinov2-reg"), DINOV2_AT_32, "tiny-vit-dinov2-reg");
        assertTrue(err < 1e-4, "relative error " + err);
        double packed = error(fixture("tiny-vit-dinov2-reg-packed"), DINOV2_AT_32, "tiny-vit-dinov2-reg-packed");
        assertTrue(packed < 1e-4, "timm's packed fc1/fc2 SwiGLU: relative error " + packed);
        // the tolerance tells antialiased resampling from plain bicubic: ours is torch's antialiased one
        double plain = ResNetGraphTest.relativeError(ResNetGraphTest.run(tmp.resolve("tiny-vit-dinov2-reg.onnx"),
                ResNetGraphTest.formulaInput(2, 3, 32, 32)), expected("tiny-vit-dinov2-reg without antialias"));
        assertTrue(plain > 1e-3, "torch without antialias differs from ours by " + plain);
    }

    @Test
    void layerTapsFindEachBlockAndTheAttentionPoolsResidual() throws Exception {
        byte[] siglip = ViTGraph.build(fixture("tiny-vit-siglip"), SIGLIP, "t", "d");
        // two blocks' ends, then the pool's y + mlp(norm(y)): --layers reads the pool as a last block
        java.util.List<org.encodertraces.encoder.onnx.OnnxLayers.Tap> taps = org.encodertraces.encoder.onnx.OnnxLayers.residualBlocks(siglip);
        assertTrue(taps.size() == 3 && taps.get(2).tensor().equals("attn_pool.out"), taps.toString());
        byte[] dinov2 = ViTGraph.build(fixture("tiny-vit-dinov2-reg"), DINOV2_AT_32, "t", "d");
        assertTrue(org.encodertraces.encoder.onnx.OnnxLayers.residualBlocks(dinov2).size() == 2,
                org.encodertraces.encoder.onnx.OnnxLayers.residualBlocks(dinov2).toString());
    }

    @Test
    void theGraphTakesTheConfiguredInputSizeAndRefusesOneOffThePatchGrid() throws Exception {
        Checkpoint c = fixture("tiny-vit-dinov2-reg");
        byte[] at32 = ViTGraph.build(c, DINOV2_AT_32, "t", "d");
        assertTrue(org.encodertraces.encoder.onnx.OnnxGraphInfo.read(at32).inputs().get(0).dims().contains(32L),
                org.encodertraces.encoder.onnx.OnnxGraphInfo.read(at32).inputs().toString());
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> ViTGraph.build(c, new Config(Layout.TIMM, 4, 1e-6f, Activation.GELU, 33), "t", "d"));
        assertTrue(e.getMessage().contains("input size 33 is not a multiple of the patch size 2"), e.getMessage());
    }

    /** The fixture's tensors with {@code edit} applied, written as a new safetensors file. */
    private Checkpoint edited(String name, Consumer<Map<String, Tensor>> edit) throws Exception {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (WeightTensor t : fixture(name).tensors().values()) {
            m.put(t.name(), Tensor.f32(t.shape(), t.values()));
        }
        edit.accept(m);
        Path f = tmp.resolve(name + "-edited-" + System.nanoTime() + ".safetensors");
        Safetensors.write(f, m, Map.of());
        return Checkpoint.read(f);
    }

    private static String refusal(Checkpoint c, Config cfg) {
        return assertThrows(CheckpointException.class, () -> ViTGraph.build(c, cfg, "t", "d")).getMessage();
    }

    @Test
    void aMissingUnexpectedOrMisshapenKeyIsRefusedByName() throws Exception {
        String m = refusal(edited("tiny-vit-siglip", t -> t.remove("attn_pool.kv.bias")), SIGLIP);
        assertTrue(m.contains("missing key 'attn_pool.kv.bias' of the timm ViT layout"), m);
        m = refusal(edited("tiny-vit-siglip", t -> t.put("attn_pool.q_norm.weight", Tensor.f32(new long[] {8}, new float[8]))), SIGLIP);
        assertTrue(m.contains("unexpected key 'attn_pool.q_norm.weight' for the timm ViT layout"), m);
        m = refusal(edited("tiny-vit-siglip", t -> t.put("attn_pool.latent", Tensor.f32(new long[] {1, 2, 32}, new float[64]))), SIGLIP);
        assertTrue(m.contains("key 'attn_pool.latent' has shape [1, 2, 32], the timm ViT layout needs [1, 1, 32]"), m);
        m = refusal(edited("tiny-vit-siglip", t -> t.remove("attn_pool.latent")), SIGLIP);
        assertTrue(m.contains("missing key 'cls_token'") && m.contains("attention-pool head ('attn_pool.latent')"), m);

        m = refusal(edited("tiny-vit-dinov2-reg", t -> t.remove("blocks.1.mlp.w3.weight")), DINOV2_AT_32);
        assertTrue(m.contains("missing key 'blocks.1.mlp.w3.weight' of the timm ViT layout"), m);
        m = refusal(edited("tiny-vit-dinov2-reg", t -> t.put("blocks.0.mlp.w3.weight", Tensor.f32(new long[] {32, 80}, new float[32 * 80]))),
                DINOV2_AT_32);
        assertTrue(m.contains("key 'blocks.0.mlp.w3.weight' has shape [32, 80], the timm ViT layout needs [32, 88]"), m);
        m = refusal(edited("tiny-vit-dinov2-reg", t -> t.put("blocks.0.mlp.w3.gamma", Tensor.f32(new long[] {32}, new float[32]))), DINOV2_AT_32);
        assertTrue(m.contains("unexpected key 'blocks.0.mlp.w3.gamma' for the timm ViT layout"), m);
    }

    @Test
    void resamplingAGridToItsOwnSizeKeepsItAndAConstantGridStaysConstant() {
        float[] grid = new float[5 * 5 * 2];
        for (int i = 0; i < grid.length; i++) {
            grid[i] = (float) Math.sin(i);
        }
        float[] same = PositionResize.resize(grid, 5, 5, 2);
        for (int i = 0; i < grid.length; i++) {
            assertTrue(Math.abs(same[i] - grid[i]) < 1e-6, i + ": " + same[i] + " vs " + grid[i]);
        }
        float[] constant = new float[37 * 37];
        java.util.Arrays.fill(constant, 0.25f);
        for (float v : PositionResize.resize(constant, 37, 16, 1)) {
            assertTrue(Math.abs(v - 0.25f) < 1e-6, "weights sum to one: " + v);
        }
    }
}
