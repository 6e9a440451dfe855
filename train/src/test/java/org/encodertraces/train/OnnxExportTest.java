package org.encodertraces.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.encodertraces.encoder.Encoder;
import org.encodertraces.encoder.FloatTensorBatch;
import org.encodertraces.encoder.Preprocessor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exported ONNX model, run by ONNX Runtime, gives DJL's embeddings of the trained weights. */
class OnnxExportTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void engine() {
        Libtorch.start(1, Libtorch.defaultCache(System.getenv()));
    }

    @Test
    void onnxRuntimeEmbeddingsEqualDjlWithin1e5() throws Exception {
        // two stages with a projection shortcut and 2 blocks per stage; trained briefly so the
        // batch-norm statistics are not the identity
        Architecture arch = new Architecture("resnet", 8, 2, 2, 32);
        TrainConfig cfg = new TrainConfig(arch, Recipe.parse("crop-flip"), 1, 5, 16, 0.05, 0.9, 5e-4, 1);
        TrainingImages data = TinyData.images(32, 3);
        Training.Result r = Training.run(cfg, data, tmp.resolve("c.ckpt"), "k", TrainingTest.QUIET, 0);
        TrainedEncoder.write(tmp, cfg, data, r.weights(), Map.of("djl", "test"), r.epochs(), Map.of(), java.time.Instant.now());

        TrainingImages probe = TinyData.images(4, 9);
        int n = probe.size();
        int per = 3 * 32 * 32;
        float[] x = new float[n * per];
        for (int i = 0; i < n; i++) {
            Preprocessor.writeTensor(probe.images().get(i), Training.preprocessing(32), x, i * per);
        }
        float[] djl = Evaluation.embed(arch, 2, r.weights(), x, n);
        float[][] ort;
        try (Encoder enc = TrainedEncoder.open(tmp, 32, 1)) {
            assertEquals(arch.embeddingDim(), enc.embeddingDim());
            ort = enc.embed(new FloatTensorBatch(new long[] {n, 3, 32, 32}, x));
        }
        double maxDiff = 0;
        double maxAbs = 0;
        int d = arch.embeddingDim();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                maxDiff = Math.max(maxDiff, Math.abs(ort[i][j] - djl[i * d + j]));
                maxAbs = Math.max(maxAbs, Math.abs(djl[i * d + j]));
            }
        }
        assertTrue(maxAbs > 0.01, "embeddings are not trivially zero: " + maxAbs);
        // float32 kernels of two libraries (oneDNN in libtorch, MLAS in ONNX Runtime) sum in other orders
        assertTrue(maxDiff <= 1e-5 * Math.max(1, maxAbs), "max |ORT - DJL| = " + maxDiff + " (largest value " + maxAbs + ")");
    }
}
