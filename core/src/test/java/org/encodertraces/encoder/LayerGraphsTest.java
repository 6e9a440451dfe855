package org.encodertraces.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.encodertraces.Requirements;
import org.encodertraces.encoder.onnx.OnnxLayers;
import org.encodertraces.image.ResampleFilter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --layers auto} finds the residual blocks of each architecture from the graph alone: tiny
 * randomly initialised torchvision ViT, ResNet and ConvNeXt graphs ({@code tools/layer-fixtures/
 * make_layer_graphs.py}, exported by torch's ONNX exporter, which names tensors after the modules) and
 * the shared MobileNetV2s (INT8 QOperator and float). Bias additions, the position embedding, GELU's
 * {@code + 1} and shape arithmetic are not blocks; a transformer block ends at its second addition; a
 * ResNet block at the ReLU after its addition. The depths then run in ONNX Runtime with the right pooling.
 */
class LayerGraphsTest {
    @TempDir
    Path dir;

    private Path fixture(String name) throws IOException {
        Path p = dir.resolve(name);
        try (InputStream in = LayerGraphsTest.class.getResourceAsStream("onnx/layers/" + name)) {
            Files.copy(in, p);
        }
        return p;
    }

    private static List<String> blocks(Path model) throws IOException {
        return OnnxLayers.residualBlocks(Files.readAllBytes(model)).stream().map(OnnxLayers.Tap::tensor).toList();
    }

    @Test
    void vitBlocksEndAtTheirSecondAddition() throws IOException {
        assertEquals(List.of("/encoder/layers/encoder_layer_0/Add_1_output_0", "/encoder/layers/encoder_layer_1/Add_1_output_0",
                "/encoder/layers/encoder_layer_2/Add_1_output_0"), blocks(fixture("vit.onnx")));
    }

    @Test
    void resnetBlocksIncludingProjectionShortcutsEndAtTheirRelu() throws IOException {
        assertEquals(List.of("/3/relu_1/Relu_output_0", "/4/relu_1/Relu_output_0", "/5/relu_1/Relu_output_0"), blocks(fixture("resnet.onnx")));
    }

    @Test
    void convnextBlocks() throws IOException {
        assertEquals(List.of("/features/features.1/features.1.0/Add_output_0", "/features/features.1/features.1.1/Add_output_0",
                "/features/features.3/features.3.0/Add_output_0"), blocks(fixture("convnext.onnx")));
    }

    @Test
    void sharedMobileNetV2sHaveTenInvertedResiduals() throws IOException {
        List<OnnxLayers.Tap> int8 = OnnxLayers.residualBlocks(Files.readAllBytes(Requirements.shared("models/mobilenetv2-12-int8.onnx")));
        assertEquals(List.of("339", "356", "365", "382", "391", "400", "417", "426", "443", "452"),
                int8.stream().map(t -> t.tensor().replace("_quantized", "")).toList());
        assertTrue(int8.stream().allMatch(OnnxLayers.Tap::quantized), "INT8 adds are read through DequantizeLinear");
        assertEquals(List.of("block_2_add", "block_4_add", "block_5_add", "block_7_add", "block_8_add", "block_9_add", "block_11_add",
                "block_12_add", "block_14_add", "block_15_add"), blocks(Requirements.shared("models/nsfwjs-mobilenetv2-224.onnx")));
    }

    @Test
    void depthsRunInOnePassPooledByTheirShape() throws IOException {
        PreprocessSpec pre = PreprocessSpec.study(32, ResampleFilter.BILINEAR, List.of(0.5, 0.5, 0.5), List.of(0.5, 0.5, 0.5));
        float[] pixels = new float[2 * 3 * 32 * 32];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) Math.sin(i * 0.37);
        }
        FloatTensorBatch batch = new FloatTensorBatch(pre.tensorShape(2), pixels);
        // ViT: token sequences [N, 5, 16] read at the class token (the encoder takes the pooled logits as they are)
        try (LayerEncoder vit = LayerEncoder.open(OnnxEncoderOptions.cpu(fixture("vit.onnx"), EmbeddingSelection.output("logits"), pre),
                List.of(LayerEncoder.AUTO))) {
            assertEquals(List.of(16, 16, 16, 10), vit.layers().stream().map(LayerEncoder.Layer::dim).toList());
            assertEquals(List.of(Pooling.CLS_TOKEN, Pooling.CLS_TOKEN, Pooling.CLS_TOKEN, Pooling.NONE),
                    vit.layers().stream().map(LayerEncoder.Layer::pooling).toList());
            float[][] rows = vit.embed(batch);
            assertEquals(2, rows.length);
            assertEquals(58, rows[0].length);
        }
        // ResNet: feature maps [N, C, H, W] by their global average
        try (LayerEncoder resnet = LayerEncoder.open(OnnxEncoderOptions.cpu(fixture("resnet.onnx"), EmbeddingSelection.output("logits"), pre),
                List.of(LayerEncoder.AUTO))) {
            assertEquals(List.of(8, 16, 32, 10), resnet.layers().stream().map(LayerEncoder.Layer::dim).toList());
            assertEquals(Pooling.GLOBAL_AVERAGE, resnet.layers().get(0).pooling());
            float[][] rows = resnet.embed(batch);
            assertEquals(66, rows[1].length);
            // a ReLU output: a global average of non-negative values
            for (int j = 0; j < 8; j++) {
                assertTrue(rows[1][j] >= 0, "depth 1 column " + j + " is " + rows[1][j]);
            }
        }
    }
}
