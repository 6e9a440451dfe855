package org.encodertraces.encoder.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.encodertraces.embed.Safetensors;
import org.encodertraces.embed.Tensor;
import org.encodertraces.encoder.EmbeddingSelection;
import org.encodertraces.encoder.FloatTensorBatch;
import org.encodertraces.encoder.OnnxEncoder;
import org.encodertraces.encoder.OnnxEncoderOptions;
import org.encodertraces.encoder.PreprocessSpec;
import org.encodertraces.encoder.checkpoint.Checkpoint;
import org.encodertraces.encoder.checkpoint.CheckpointException;
import org.encodertraces.encoder.checkpoint.WeightTensor;
import org.encodertraces.image.ResampleFilter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ResNet builder against torch: tiny-resnet-moco.pth.tar is torchvision's ResNet-50 key layout
 * (depths 3, 4, 6, 3; Bottleneck blocks) at base width 8, random weights and batch-norm statistics,
 * nested as MoCo v3 publishes its checkpoints; torch's pooled features for a formula input are
 * beside it (tools/checkpoint-fixtures/make_checkpoint_fixtures.py). Tolerance: 1e-4 of the
 * largest |feature|.
 */
class ResNetGraphTest {
    static final String MOCO = "state_dict.module.base_encoder.";

    @TempDir
    Path tmp;

    static Path resource(Path dir, String name) throws IOException {
        Path f = dir.resolve(name);
        try (InputStream in = ResNetGraphTest.class.getResourceAsStream("/org/encodertraces/encoder/checkpoint/" + name)) {
            Files.write(f, in.readAllBytes());
        }
        return f;
    }

    /** x[n,c,h,w] = ((7n + 13c + 3h + 5w) mod 17) / 8 - 1, as the fixture script feeds torch. */
    static FloatTensorBatch formulaInput(int n, int c, int h, int w) {
        float[] x = new float[n * c * h * w];
        int i = 0;
        for (int a = 0; a < n; a++) {
            for (int b = 0; b < c; b++) {
                for (int y = 0; y < h; y++) {
                    for (int z = 0; z < w; z++) {
                        x[i++] = ((7 * a + 13 * b + 3 * y + 5 * z) % 17) / 8f - 1;
                    }
                }
            }
        }
        return new FloatTensorBatch(new long[] {n, c, h, w}, x);
    }

    /** Largest |ours - torch| over the largest |torch|. */
    static double relativeError(float[][] ours, JsonNode features) {
        int dim = features.get("shape").get(1).asInt();
        double maxDiff = 0;
        double maxAbs = 0;
        for (int i = 0; i < ours.length; i++) {
            assertEquals(dim, ours[i].length);
            for (int j = 0; j < dim; j++) {
                double t = features.get("values").get(i * dim + j).asDouble();
                maxDiff = Math.max(maxDiff, Math.abs(ours[i][j] - t));
                maxAbs = Math.max(maxAbs, Math.abs(t));
            }
        }
        assertTrue(maxAbs > 0.1, "torch's features are not degenerate");
        return maxDiff / maxAbs;
    }

    static float[][] run(Path onnx, FloatTensorBatch x) {
        PreprocessSpec spec = PreprocessSpec.study((int) x.shape()[2], ResampleFilter.BICUBIC, PreprocessSpec.IMAGENET_MEAN, PreprocessSpec.IMAGENET_STD);
        try (OnnxEncoder e = OnnxEncoder.open(OnnxEncoderOptions.cpu(onnx, EmbeddingSelection.output(ResNetGraph.EMBEDDING), spec)
                .withIntraOpThreads(1))) {
            return e.embed(x);
        }
    }

    @Test
    void aMocoStyleTorchCheckpointGivesTorchsPooledFeatures() throws Exception {
        Checkpoint c = Checkpoint.read(resource(tmp, "tiny-resnet-moco.pth.tar"), MOCO);
        Path onnx = Files.write(tmp.resolve("tiny.onnx"), ResNetGraph.build(c, ResNetGraph.RESNET50, "test", "tiny resnet"));
        JsonNode expected = new ObjectMapper().readTree(ResNetGraphTest.class.getResourceAsStream(
                "/org/encodertraces/encoder/checkpoint/tiny-resnet.expected.json"));
        double err = relativeError(run(onnx, formulaInput(2, 3, 64, 64)), expected.get("features"));
        assertTrue(err < 1e-4, "relative error " + err);
    }

    private Path asSafetensors(Checkpoint c, String name, java.util.function.UnaryOperator<WeightTensor> edit) throws IOException {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (WeightTensor t : c.tensors().values()) {
            WeightTensor e = edit.apply(t);
            if (e != null) {
                m.put(e.name(), Tensor.f32(e.shape(), e.values()));
            }
        }
        Path f = tmp.resolve(name);
        Safetensors.write(f, m, Map.of());
        return f;
    }

    @Test
    void theSameWeightsAsSafetensorsGiveTheSameGraph() throws Exception {
        Checkpoint c = Checkpoint.read(resource(tmp, "tiny-resnet-moco.pth.tar"), MOCO);
        Checkpoint st = Checkpoint.read(asSafetensors(c, "tiny.safetensors", t -> t));
        assertEquals(c.tensors().keySet(), st.tensors().keySet());
        byte[] a = ResNetGraph.build(c, ResNetGraph.RESNET50, "test", "doc");
        byte[] b = ResNetGraph.build(st, ResNetGraph.RESNET50, "test", "doc");
        assertTrue(java.util.Arrays.equals(a, b), "same weights, same model bytes");
    }

    @Test
    void aMissingMisshapenOrUnexpectedKeyIsNamed() throws Exception {
        Path pth = resource(tmp, "tiny-resnet-moco.pth.tar");
        Checkpoint c = Checkpoint.read(pth, MOCO);
        Checkpoint noPrefix = Checkpoint.read(pth, "state_dict.");
        CheckpointException e = assertThrows(CheckpointException.class, () -> ResNetGraph.build(noPrefix, ResNetGraph.RESNET50, "t", "d"));
        assertTrue(e.getMessage().contains("missing key 'conv1.weight' of the torchvision/timm ResNet layout")
                && e.getMessage().contains("module.base_encoder.conv1.weight"), e.getMessage());

        Checkpoint missing = Checkpoint.read(asSafetensors(c, "missing.safetensors", t -> t.name().equals("layer3.2.bn2.running_var") ? null : t));
        e = assertThrows(CheckpointException.class, () -> ResNetGraph.build(missing, ResNetGraph.RESNET50, "t", "d"));
        assertTrue(e.getMessage().contains("missing key 'layer3.2.bn2.running_var'"), e.getMessage());
        assertTrue(e.getMessage().startsWith(tmp.resolve("missing.safetensors").toString()), e.getMessage());

        Checkpoint misshapen = Checkpoint.read(asSafetensors(c, "misshapen.safetensors",
                t -> t.name().equals("layer2.0.conv2.weight") ? new WeightTensor(t.name(), "F32", new long[] {16, 8, 3, 3}, new float[16 * 8 * 9]) : t));
        e = assertThrows(CheckpointException.class, () -> ResNetGraph.build(misshapen, ResNetGraph.RESNET50, "t", "d"));
        assertTrue(e.getMessage().contains("key 'layer2.0.conv2.weight' has shape [16, 8, 3, 3], the torchvision/timm ResNet layout needs [16, 16, 3, 3]"),
                e.getMessage());

        Checkpoint withPredictor = Checkpoint.read(pth, "state_dict.module.");
        Checkpoint extra = Checkpoint.read(asSafetensors(withPredictor, "extra.safetensors",
                t -> t.name().startsWith("base_encoder.") ? t.renamed(t.name().substring("base_encoder.".length())) : t));
        e = assertThrows(CheckpointException.class, () -> ResNetGraph.build(extra, ResNetGraph.RESNET50, "t", "d"));
        assertTrue(e.getMessage().contains("unexpected key 'predictor.0.weight'"), e.getMessage());
    }
}
