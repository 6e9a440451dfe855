package org.encodertraces.encoder.builtin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.encodertraces.data.DeadLeaves;
import org.encodertraces.encoder.Encoder;
import org.encodertraces.encoder.FloatTensorBatch;
import org.encodertraces.encoder.Preprocessor;
import org.encodertraces.image.RgbImage;
import org.encodertraces.process.ProcessingOp;
import org.junit.jupiter.api.Test;

/**
 * The reference encoders must do their job: read processing traces from pixels. Checked with a
 * nearest-centroid classifier with features weighted by their pooled within-class spread
 * (diagonal LDA; train on 8 scenes per operation, test on 8 others), weaker than the study's
 * linear probe, so these are lower bounds.
 */
class BuiltinEncodersTest {

    private static double nearestCentroidAccuracy(Encoder enc, List<String> ops, int seedOffset) {
        int d = enc.embeddingDim();
        int train = 8;
        int test = 8;
        double[][] centroid = new double[ops.size()][d];
        double[] sum = new double[d];
        double[] sumSq = new double[d];
        float[][][] testFeat = new float[ops.size()][test][];
        for (int k = 0; k < ops.size(); k++) {
            ProcessingOp op = ProcessingOp.parse(ops.get(k));
            for (int i = 0; i < train + test; i++) {
                DeadLeaves.SceneClass c = DeadLeaves.CLASSES.get(i % DeadLeaves.CLASSES.size());
                RgbImage img = DeadLeaves.render(c, i + seedOffset, 288, 272, 3);
                float[] f = embed(enc, op.apply(img, "img" + i, 0).image());
                if (i < train) {
                    for (int j = 0; j < d; j++) {
                        centroid[k][j] += f[j] / train;
                        sum[j] += f[j];
                        sumSq[j] += (double) f[j] * f[j];
                    }
                } else {
                    testFeat[k][i - train] = f;
                }
            }
        }
        // diagonal LDA: weigh each feature by its pooled within-class spread
        double[] scale = new double[d];
        int n = train * ops.size();
        for (int j = 0; j < d; j++) {
            double between = 0;
            for (double[] c : centroid) {
                between += c[j] * c[j] * train;
            }
            double within = Math.max(0, sumSq[j] - between) / n;
            scale[j] = 1 / Math.sqrt(within + 1e-6);
        }
        int correct = 0;
        for (int k = 0; k < ops.size(); k++) {
            for (float[] f : testFeat[k]) {
                int best = -1;
                double bestDist = Double.MAX_VALUE;
                for (int c = 0; c < ops.size(); c++) {
                    double dist = 0;
                    for (int j = 0; j < d; j++) {
                        double t = (f[j] - centroid[c][j]) * scale[j];
                        dist += t * t;
                    }
                    if (dist < bestDist) {
                        bestDist = dist;
                        best = c;
                    }
                }
                correct += best == k ? 1 : 0;
            }
        }
        return (double) correct / (ops.size() * test);
    }

    private static float[] embed(Encoder enc, RgbImage img) {
        float[] t = Preprocessor.tensor(img, enc.preprocessing());
        return enc.embed(new FloatTensorBatch(enc.preprocessing().tensorShape(1), t))[0];
    }

    @Test
    void jpegForensicReadsTheSixJpegSettings() {
        double acc = nearestCentroidAccuracy(new JpegForensicEncoder(), ProcessingOp.JPEG_TASK, 0);
        assertTrue(acc >= 0.9, "JPEG task accuracy " + acc + " (chance 0.167)");
    }

    @Test
    void lowLevelStatsReadsResizing() {
        double acc = nearestCentroidAccuracy(new LowLevelStatsEncoder(), ProcessingOp.RESIZING_TASK, 100);
        assertTrue(acc >= 0.8, "resizing task accuracy " + acc + " (chance 0.333)");
    }

    @Test
    void deterministicAndShapeChecked() {
        RgbImage img = DeadLeaves.render(DeadLeaves.CLASSES.get(0), 1, 300, 300, 0);
        for (Encoder e : new Encoder[] {new JpegForensicEncoder(), new LowLevelStatsEncoder()}) {
            float[] a = embed(e, img);
            assertArrayEquals(a, embed(e, img));
            assertEquals(e.embeddingDim(), a.length);
            for (float v : a) {
                assertTrue(Float.isFinite(v));
            }
            assertThrows(IllegalArgumentException.class, () -> e.embed(new FloatTensorBatch(new long[] {1, 3, 224, 224}, new float[3 * 224 * 224])));
        }
    }

    @Test
    void smallImagesArePaddedNotResampled() {
        RgbImage small = DeadLeaves.render(DeadLeaves.CLASSES.get(1), 2, 100, 80, 0);
        RgbImage crop = Preprocessor.resizeAndCrop(small, new JpegForensicEncoder().preprocessing());
        assertEquals(256, crop.width());
        assertEquals(small.rgb(99, 79), crop.rgb(99, 79));
        assertEquals(0, crop.rgb(150, 150));
        RgbImage big = DeadLeaves.render(DeadLeaves.CLASSES.get(1), 2, 300, 290, 0);
        RgbImage c2 = Preprocessor.resizeAndCrop(big, new JpegForensicEncoder().preprocessing());
        // offsets (300-256)/2 = 22 -> 16 and (290-256)/2 = 17 -> 16: multiples of 8
        assertEquals(big.rgb(16, 16), c2.rgb(0, 0));
    }
}
