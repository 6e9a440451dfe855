package org.encodertraces.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.encodertraces.image.ChromaSubsampling;
import org.encodertraces.image.ResampleFilter;
import org.encodertraces.image.RgbImage;
import org.junit.jupiter.api.Test;

class ProcessingOpTest {

    private static RgbImage gradient(int w, int h) {
        byte[] d = new byte[w * h * 3];
        for (int i = 0; i < w * h; i++) {
            d[3 * i] = (byte) (i % w * 255 / w);
            d[3 * i + 1] = (byte) (i / w * 255 / h);
            d[3 * i + 2] = (byte) ((i * 37) & 0xFF);
        }
        return new RgbImage(w, h, d);
    }

    @Test
    void namesParseToTheStudysChains() {
        assertEquals(List.of(new ProcessingStep.Jpeg(75, ChromaSubsampling.S420)), ProcessingOp.parse("JPEG75_420").steps());
        assertEquals(List.of(new ProcessingStep.Sharpen(2f), new ProcessingStep.Jpeg(95, ChromaSubsampling.S444)),
                ProcessingOp.parse("sharpen_2").steps());
        assertEquals(List.of(new ProcessingStep.Resize(0.5, 0, ResampleFilter.BILINEAR), new ProcessingStep.Jpeg(95, ChromaSubsampling.S444)),
                ProcessingOp.parse("RESIZE_HALF").steps());
        assertEquals(List.of(new ProcessingStep.Resize(1.0, 0.2, ResampleFilter.LANCZOS), new ProcessingStep.Jpeg(95, ChromaSubsampling.S444)),
                ProcessingOp.parse("INTERPOLATION_LANCZOS").steps());
        assertEquals(List.of(new ProcessingStep.Jpeg(95, ChromaSubsampling.S444), new ProcessingStep.Mask(0.9, false)),
                ProcessingOp.parse("MASK_90").steps());
        assertTrue(ProcessingOp.parse("MASK_95_KEEP_CENTER").hasAfterCropSteps());
        assertEquals(List.of(), ProcessingOp.parse("IDENTITY").steps());
        assertEquals(4, ProcessingOp.parse("SHARPEN_2+RESIZE_HALF").steps().size());
        assertEquals(List.of(new ProcessingStep.Jpeg(75, ChromaSubsampling.S420), new ProcessingStep.Mask(0.9, false)),
                ProcessingOp.parse("JPEG75_420+BORDER_90").steps());
        assertEquals(List.of(new ProcessingStep.Mask(0.95, true)), ProcessingOp.parse("CENTER_95").steps());
    }

    @Test
    void badNamesAreRefusedWithTheVocabulary() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ProcessingOp.parse("JPEG_FOO"));
        assertTrue(e.getMessage().contains("JPEG_FOO") && e.getMessage().contains("known"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ProcessingOp.parse("JPEG101_420"));
        assertThrows(IllegalArgumentException.class, () -> ProcessingOp.parse("MASK_100"));
        assertThrows(IllegalArgumentException.class, () -> ProcessingOp.parse("INTERPOLATION_FOO"));
        assertThrows(IllegalArgumentException.class, () -> ProcessingOp.parse("MASK_90+SHARPEN_2"), "mask must come last");
    }

    @Test
    void randomFactorDependsOnlyOnSeedIdAndOperation() {
        ProcessingStep.Resize r = (ProcessingStep.Resize) ProcessingOp.parse("INTERPOLATION_BICUBIC").steps().get(0);
        double a = r.factor(StepRandom.of(7, "img/001.jpg", "INTERPOLATION_BICUBIC", 0));
        double b = r.factor(StepRandom.of(7, "img/001.jpg", "INTERPOLATION_BICUBIC", 0));
        assertEquals(a, b);
        assertNotEquals(a, r.factor(StepRandom.of(8, "img/001.jpg", "INTERPOLATION_BICUBIC", 0)), "seed changes the draw");
        assertNotEquals(a, r.factor(StepRandom.of(7, "img/002.jpg", "INTERPOLATION_BICUBIC", 0)), "id changes the draw");
        // spread over [0.8, 1.2], no value outside
        double[] f = IntStream.range(0, 4000).mapToDouble(i -> r.factor(StepRandom.of(1, "id" + i, "INTERPOLATION_BICUBIC", 0))).toArray();
        double min = 9;
        double max = 0;
        double sum = 0;
        for (double v : f) {
            min = Math.min(min, v);
            max = Math.max(max, v);
            sum += v;
        }
        assertTrue(min >= 0.8 && max <= 1.2, min + ".." + max);
        assertTrue(min < 0.81 && max > 1.19, "covers the range: " + min + ".." + max);
        assertEquals(1.0, sum / f.length, 0.01, "uniform around 1");
    }

    @Test
    void parallelAndSequentialRunsGiveTheSamePixels() {
        ProcessingOp op = ProcessingOp.parse("INTERPOLATION_BILINEAR");
        RgbImage img = gradient(41, 33);
        List<String> ids = IntStream.range(0, 24).mapToObj(i -> "photo-" + i).toList();
        List<RgbImage> seq = ids.stream().map(id -> op.apply(img, id, 3).image()).toList();
        List<RgbImage> par = ids.parallelStream().map(id -> op.apply(img, id, 3).image()).toList();
        assertEquals(seq, par);
        Set<String> sizes = new HashSet<>();
        seq.forEach(i -> sizes.add(i.width() + "x" + i.height()));
        assertTrue(sizes.size() > 3, "different ids draw different factors: " + sizes);
    }

    @Test
    void maskMarginsRoundHalfToEvenAndComplementKeepsTheCentre() {
        ProcessingStep.Mask m = new ProcessingStep.Mask(0.25, false);
        // sqrt(0.25) = 0.5: margin (10 - 5) / 2 = 2.5 rounds to 2 (half to even), (14 - 7)/2 = 3.5 rounds to 4
        assertEquals(2, m.margin(10));
        assertEquals(4, m.margin(14));
        RgbImage white = new RgbImage(10, 14, filled(10 * 14 * 3));
        RgbImage border = m.apply(white, null);
        RgbImage centre = new ProcessingStep.Mask(0.25, true).apply(white, null);
        assertEquals(0, border.get(5, 7, 0));
        assertEquals(255, border.get(0, 0, 1));
        assertEquals(255, border.get(1, 3, 2));
        assertEquals(0, border.get(2, 4, 2));
        assertEquals(255, centre.get(5, 7, 0));
        assertEquals(0, centre.get(0, 0, 0));
        for (int i = 0; i < white.data().length; i++) {
            assertEquals(255, (border.data()[i] & 0xFF) + (centre.data()[i] & 0xFF), "complementary at " + i);
        }
    }

    @Test
    void provenanceRecordsStepsSeedAndDraw() {
        ProcessedImage p = ProcessingOp.parse("INTERPOLATION_BOX").apply(gradient(30, 20), "a.jpg", 11);
        assertEquals("INTERPOLATION_BOX", p.provenance().get("operation"));
        assertEquals(11L, p.provenance().get("seed"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> steps = (List<Map<String, Object>>) p.provenance().get("steps");
        assertEquals("resize", steps.get(0).get("kind"));
        double s = (Double) steps.get(0).get("drawn_scale");
        assertEquals((int) (30 * s), p.image().width());
        assertTrue(steps.get(1).get("codec").toString().contains("JPEG"));
        assertFalse(ProcessingOp.parse("JPEG95_444").hasAfterCropSteps());
    }

    private static byte[] filled(int n) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) 255);
        return b;
    }
}
