package org.encodertraces.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.encodertraces.image.RgbImage;
import org.junit.jupiter.api.Test;

/** Recipes: names, composition, and draws that depend only on (seed, image id, epoch). */
class RecipeTest {
    static RgbImage image() {
        return TinyData.images(1, 4).images().get(0);
    }

    @Test
    void namesParseAndUnknownNamesListTheVocabulary() {
        assertEquals("none", Recipe.parse("none").name());
        assertEquals("crop-flip+trace", Recipe.parse(" crop-flip + trace ").name());
        assertEquals("ssl", Recipe.parse("none+ssl").name());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Recipe.parse("ssl+jitter"));
        assertTrue(e.getMessage().contains("'jitter'") && e.getMessage().contains("crop-flip"), e.getMessage());
    }

    @Test
    void noneLeavesThePixelsAlone() {
        RgbImage in = image();
        assertEquals(in, Recipe.parse("none").apply(in, 1, "a.jpg", 0));
    }

    @Test
    void drawsDependOnSeedIdAndEpochOnlyNotOnThreads() throws Exception {
        Recipe r = Recipe.parse("ssl+trace");
        RgbImage in = image();
        RgbImage a = r.apply(in, 5, "cat/1.jpg", 2);
        assertEquals(a, r.apply(in, 5, "cat/1.jpg", 2));
        assertNotEquals(a, r.apply(in, 5, "cat/1.jpg", 3), "another epoch, another draw");
        assertNotEquals(a, r.apply(in, 6, "cat/1.jpg", 2), "another seed, another draw");
        assertNotEquals(a, r.apply(in, 5, "cat/2.jpg", 2), "another image, another draw");
        // 64 draws on 4 threads in any order equal the sequential ones
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<RgbImage>> fs = new java.util.ArrayList<>();
            for (int i = 63; i >= 0; i--) {
                int k = i;
                fs.add(pool.submit(() -> r.apply(in, 5, "img" + k, 1)));
            }
            for (int i = 0; i < 64; i++) {
                assertEquals(r.apply(in, 5, "img" + (63 - i), 1), fs.get(i).get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void traceResizesAboutHalfTheImagesAndAltersAlmostAll() {
        RgbImage in = image();
        int resized = 0;
        int changed = 0;
        for (int i = 0; i < 40; i++) {
            RgbImage out = Recipe.parse("trace").apply(in, 9, "x" + i, 0);
            resized += out.width() != in.width() ? 1 : 0;
            changed += !out.equals(in) ? 1 : 0;
        }
        assertTrue(resized > 8 && resized < 32, "resize drawn with p = 0.5: " + resized + "/40");
        assertTrue(changed >= 36, "p(no resize, no sharpening, no JPEG) = 0.05: " + changed + "/40 changed");
    }

    @Test
    void cropFlipKeepsTheSizeAndShiftsAtMostFourPixels() {
        RgbImage in = image();
        for (int i = 0; i < 20; i++) {
            RgbImage out = Recipe.parse("crop-flip").apply(in, 1, "x" + i, 0);
            assertEquals(32, out.width());
            assertEquals(32, out.height());
        }
    }
}
