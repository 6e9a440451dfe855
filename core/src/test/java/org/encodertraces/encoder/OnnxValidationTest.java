package org.encodertraces.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.encodertraces.Requirements;
import org.encodertraces.encoder.onnx.OnnxGraphInfo;
import org.encodertraces.encoder.onnx.OnnxModelEditor;
import org.encodertraces.image.ResampleFilter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Model checks before any image is read, on tiny models the test writes itself. */
class OnnxValidationTest {
    private static final PreprocessSpec SPEC = PreprocessSpec.study(224, ResampleFilter.BICUBIC,
            PreprocessSpec.IMAGENET_MEAN, PreprocessSpec.IMAGENET_STD);

    @TempDir
    Path dir;

    private Path write(String name, byte[] model) throws IOException {
        return Files.write(dir.resolve(name), model);
    }

    private EncoderException openFails(Path model, String tensor) {
        return assertThrows(EncoderException.class, () -> OnnxEncoder.open(OnnxEncoderOptions.cpu(model,
                EmbeddingSelection.output(tensor), SPEC).withIntraOpThreads(1)).close());
    }

    /** x[N,3,224,224] -> Relu -> r -> GlobalAveragePool -> g[N,3,1,1] -> Flatten -> f[N,3]; only f is an output. */
    private static byte[] reluPoolModel() {
        return new TinyOnnx().input("x", TinyOnnx.FLOAT, -1, 3, 224, 224)
                .node("Relu", "x", "r").node("GlobalAveragePool", "r", "g").node("Flatten", "g", "f")
                .output("f", TinyOnnx.FLOAT, -1, 3).build();
    }

    @Test
    void readsWhatItWrote() {
        OnnxGraphInfo g = OnnxGraphInfo.read(reluPoolModel());
        assertEquals(1, g.inputs().size());
        assertEquals("x", g.inputs().get(0).name());
        assertEquals(List.of(-1L, 3L, 224L, 224L), g.inputs().get(0).dims());
        assertEquals(List.of("f"), g.outputNames());
        assertEquals(List.of("r", "g", "f"), g.nodeOutputs());
        OnnxGraphInfo edited = OnnxGraphInfo.read(OnnxModelEditor.appendOutput(reluPoolModel(), "r", 1));
        assertEquals(List.of("f", "r"), edited.outputNames());
        assertEquals(g.inputs(), edited.inputs());
    }

    @Test
    void wrongRankIsRejected() throws IOException {
        Path m = write("rank3.onnx", new TinyOnnx().input("x", TinyOnnx.FLOAT, 1, 224, 224)
                .node("Identity", "x", "y").output("y", TinyOnnx.FLOAT, 1, 224, 224).build());
        EncoderException e = openFails(m, "y");
        assertTrue(e.getMessage().contains("rank3.onnx") && e.getMessage().contains("rank is 3"), e.getMessage());
    }

    @Test
    void wrongChannelCountIsRejected() throws IOException {
        Path m = write("gray.onnx", new TinyOnnx().input("x", TinyOnnx.FLOAT, 1, 1, 224, 224)
                .node("GlobalAveragePool", "x", "y").output("y", TinyOnnx.FLOAT, 1, 1, 1, 1).build());
        EncoderException e = openFails(m, "y");
        assertTrue(e.getMessage().contains("gray.onnx") && e.getMessage().contains("1 channels"), e.getMessage());
    }

    @Test
    void wrongDtypeIsRejected() throws IOException {
        Path m = write("int64.onnx", new TinyOnnx().input("x", TinyOnnx.INT64, 1, 3, 224, 224)
                .node("Identity", "x", "y").output("y", TinyOnnx.INT64, 1, 3, 224, 224).build());
        EncoderException e = openFails(m, "y");
        assertTrue(e.getMessage().contains("int64.onnx") && e.getMessage().contains("dtype is INT64"), e.getMessage());
    }

    @Test
    void fixedSizeConflictingWithCropIsRejected() throws IOException {
        Path m = write("fixed256.onnx", new TinyOnnx().input("x", TinyOnnx.FLOAT, 1, 3, 256, 256)
                .node("GlobalAveragePool", "x", "y").output("y", TinyOnnx.FLOAT, 1, 3, 1, 1).build());
        EncoderException e = openFails(m, "y");
        assertTrue(e.getMessage().contains("fixed256.onnx") && e.getMessage().contains("256x256 conflicts with crop size 224"),
                e.getMessage());
    }

    @Test
    void unknownTensorListsTheNames() throws IOException {
        Path m = write("relu.onnx", reluPoolModel());
        EncoderException e = openFails(m, "features");
        assertTrue(e.getMessage().contains("relu.onnx") && e.getMessage().contains("'features'")
                && e.getMessage().contains("graph outputs are [f]")
                && e.getMessage().contains("intermediate tensors are [r, g]"), e.getMessage());
    }

    @Test
    void missingAndCorruptFilesAreNamed() throws IOException {
        EncoderException missing = openFails(dir.resolve("absent.onnx"), "y");
        assertTrue(missing.getMessage().contains("absent.onnx") && missing.getMessage().contains("not found"));
        Path junk = write("junk.onnx", new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
        EncoderException corrupt = openFails(junk, "y");
        assertTrue(corrupt.getMessage().contains("junk.onnx") && corrupt.getMessage().contains("not a valid ONNX model"),
                corrupt.getMessage());
    }

    @Test
    void intermediateTensorPooledEqualsTheGraphsOwnPooling() throws IOException {
        Path m = write("relu.onnx", reluPoolModel());
        Random rnd = new Random(7);
        float[] x = new float[2 * 3 * 224 * 224];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        FloatTensorBatch batch = new FloatTensorBatch(new long[] {2, 3, 224, 224}, x);
        try (OnnxEncoder viaGraph = OnnxEncoder.open(OnnxEncoderOptions.cpu(m, EmbeddingSelection.output("f"), SPEC));
             OnnxEncoder viaRelu = OnnxEncoder.open(OnnxEncoderOptions.cpu(m,
                     new EmbeddingSelection("r", Pooling.GLOBAL_AVERAGE, false), SPEC))) {
            assertEquals(3, viaGraph.embeddingDim());
            assertEquals(3, viaRelu.embeddingDim());
            float[][] a = viaGraph.embed(batch);
            float[][] b = viaRelu.embed(batch);
            for (int i = 0; i < 2; i++) {
                assertArrayEquals(a[i], b[i], 1e-6f);
                assertTrue(a[i][0] > 0.3 && a[i][0] < 0.5, "mean of relu(N(0,1)) is about 0.399: " + a[i][0]);
            }
            assertEquals("output 'r' appended", viaRelu.provenance().get("model_edited"));
            assertEquals("no", viaGraph.provenance().get("model_edited"));
        }
    }

    @Test
    void wrongBatchShapeIsRejected() throws IOException {
        Path m = write("relu.onnx", reluPoolModel());
        try (OnnxEncoder enc = OnnxEncoder.open(OnnxEncoderOptions.cpu(m, EmbeddingSelection.output("f"), SPEC))) {
            assertThrows(IllegalArgumentException.class,
                    () -> enc.embed(new FloatTensorBatch(new long[] {1, 3, 200, 200}, new float[3 * 200 * 200])));
        }
    }

    @Test
    void cudaRequestedWithoutCudaGivesAClearError() throws IOException {
        Requirements.skipUnless(!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA),
                "this ONNX Runtime build has CUDA; the error path cannot be shown here");
        Path m = write("relu.onnx", reluPoolModel());
        EncoderException e = assertThrows(EncoderException.class, () -> OnnxEncoder.open(
                OnnxEncoderOptions.cpu(m, EmbeddingSelection.output("f"), SPEC).withProvider(ExecutionProvider.CUDA, 0)));
        assertTrue(e.getMessage().contains("CUDA") && e.getMessage().contains("gpu"), e.getMessage());
    }
}
