package org.encodertraces.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.encodertraces.image.ResampleFilter;
import org.junit.jupiter.api.Test;

/**
 * The encoder on the two real models in the shared folder. Inputs are seeded pseudo-random
 * tensors in the normalised range; no image code is involved.
 */
class OnnxEncoderRealModelTest {
    static final String MOBILENET = "models/mobilenetv2-12-int8.onnx";
    static final String NSFWJS = "models/nsfwjs-mobilenetv2-224.onnx";
    /** Largest |difference| allowed between a batch of 3 and three batches of 1 (kernels may block differently). */
    static final float BATCH_TOLERANCE = 1e-4f;

    static final PreprocessSpec IMAGENET = PreprocessSpec.study(224, ResampleFilter.BILINEAR,
            PreprocessSpec.IMAGENET_MEAN, PreprocessSpec.IMAGENET_STD);
    static final PreprocessSpec NSFWJS_SPEC = new PreprocessSpec(224, PreprocessSpec.ResizeMode.SQUASH,
            ResampleFilter.BILINEAR, true, 224, 1.0 / 255.0, PreprocessSpec.HALF, PreprocessSpec.HALF,
            PreprocessSpec.ChannelOrder.RGB, PreprocessSpec.Layout.NCHW, true);

    static FloatTensorBatch randomBatch(int n, long seed) {
        Random rnd = new Random(seed);
        float[] x = new float[n * 3 * 224 * 224];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rnd.nextDouble() * 4 - 2);
        }
        return new FloatTensorBatch(new long[] {n, 3, 224, 224}, x);
    }

    static OnnxEncoder open(Path model, EmbeddingSelection sel, PreprocessSpec spec) {
        return OnnxEncoder.open(OnnxEncoderOptions.cpu(model, sel, spec).withIntraOpThreads(2));
    }

    static float maxAbsDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        float m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    static void assertBatchEqualsSingles(Encoder enc, FloatTensorBatch batch, float[][] batched) {
        for (int i = 0; i < batch.batchSize(); i++) {
            float[] single = enc.embed(batch.item(i))[0];
            float d = maxAbsDiff(batched[i], single);
            assertTrue(d <= BATCH_TOLERANCE, "image " + i + ": batch vs single max |diff| " + d);
        }
    }

    @Test
    void mobilenetFeatureMapMeanIsTheEmbedding() {
        Path model = SharedData.require(MOBILENET);
        FloatTensorBatch batch = randomBatch(3, 1);
        try (OnnxEncoder pooled = open(model, new EmbeddingSelection("627", Pooling.GLOBAL_AVERAGE, false), IMAGENET);
             OnnxEncoder raw = open(model, new EmbeddingSelection("627", Pooling.NONE, false), IMAGENET);
             OnnxEncoder logits = open(model, EmbeddingSelection.output("output"), IMAGENET)) {
            assertEquals(1280, pooled.embeddingDim());
            assertEquals(1280 * 7 * 7, raw.embeddingDim());
            assertEquals(1000, logits.embeddingDim());
            assertEquals("cc028fe6cae7bc11a4ff53cfc9b79c920e8be65ce33a904ec3e2a8f66d77f95f",
                    pooled.provenance().get("model_sha256"));

            float[][] emb = pooled.embed(batch);
            assertEquals(3, emb.length);
            assertEquals(1280, emb[0].length);
            float[][] again = pooled.embed(batch);
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(emb[i], again[i], "same input twice must give identical floats");
            }
            assertBatchEqualsSingles(pooled, batch, emb);

            // The spatial mean of the raw 1280x7x7 map, computed here, is the pooled embedding.
            float[][] map = raw.embed(batch);
            for (int i = 0; i < 3; i++) {
                float[] mean = new float[1280];
                for (int c = 0; c < 1280; c++) {
                    double s = 0;
                    for (int k = 0; k < 49; k++) {
                        s += map[i][c * 49 + k];
                    }
                    mean[c] = (float) (s / 49);
                }
                assertArrayEquals(mean, emb[i], 1e-6f);
            }

            // Appending 627 as an output leaves the classifier untouched.
            Map<String, OutputTensor> both = pooled.run(batch, List.of("output", "627"));
            assertArrayEquals(new long[] {3, 1000}, both.get("output").shape());
            assertArrayEquals(new long[] {3, 1280, 7, 7}, both.get("627").shape());
            float[][] plain = logits.embed(batch);
            for (int i = 0; i < 3; i++) {
                float[] edited = java.util.Arrays.copyOfRange(both.get("output").data(), i * 1000, (i + 1) * 1000);
                assertArrayEquals(plain[i], edited, "logits of the edited and the original model must be identical");
            }
        }
    }

    @Test
    void mobilenetUnknownTensorNamesTheCandidates() {
        Path model = SharedData.require(MOBILENET);
        EncoderException e = assertThrows(EncoderException.class,
                () -> open(model, EmbeddingSelection.output("pool5"), IMAGENET).close());
        assertTrue(e.getMessage().contains("mobilenetv2-12-int8.onnx") && e.getMessage().contains("[output]")
                && e.getMessage().contains("627"), e.getMessage());
    }

    @Test
    void nsfwjsEmbeddingAndSoftmax() {
        Path model = SharedData.require(NSFWJS);
        FloatTensorBatch batch = randomBatch(3, 2);
        try (OnnxEncoder enc = open(model, EmbeddingSelection.output("embedding"), NSFWJS_SPEC)) {
            assertEquals(1280, enc.embeddingDim());
            assertEquals("5e216ac7bf38618e33db3c98e24068c76374a19a3b1d8e88200e6b3ca84c92ed",
                    enc.provenance().get("model_sha256"));
            assertEquals("input_1", enc.provenance().get("input_name"));
            float[][] emb = enc.embed(batch);
            float[][] again = enc.embed(batch);
            for (int i = 0; i < 3; i++) {
                assertEquals(1280, emb[i].length);
                assertArrayEquals(emb[i], again[i], "same input twice must give identical floats");
            }
            assertBatchEqualsSingles(enc, batch, emb);

            OutputTensor probs = enc.run(batch, List.of("dense_3")).get("dense_3");
            assertArrayEquals(new long[] {3, 5}, probs.shape());
            for (int i = 0; i < 3; i++) {
                double sum = 0;
                for (int k = 0; k < 5; k++) {
                    float p = probs.data()[i * 5 + k];
                    assertTrue(p >= 0 && p <= 1, "probability out of range: " + p);
                    sum += p;
                }
                assertEquals(1.0, sum, 1e-5, "softmax row " + i + " sums to 1");
            }
        }
    }

    @Test
    void l2NormalisedEmbeddingsHaveUnitLength() {
        Path model = SharedData.require(NSFWJS);
        try (OnnxEncoder enc = open(model, new EmbeddingSelection("embedding", Pooling.NONE, true), NSFWJS_SPEC)) {
            for (float[] row : enc.embed(randomBatch(2, 3))) {
                double ss = 0;
                for (float v : row) {
                    ss += v * v;
                }
                assertEquals(1.0, Math.sqrt(ss), 1e-5);
            }
            assertEquals(true, enc.provenance().get("l2_normalize"));
        }
    }
}
