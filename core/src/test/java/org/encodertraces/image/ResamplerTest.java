package org.encodertraces.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link Resampler} against Pillow 9.4's golden outputs (bit-exact), plus edge cases. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResamplerTest {
    private final TestImages.ParityStats stats = new TestImages.ParityStats();

    Stream<Arguments> pillowCases() {
        return TestImages.cases("resize").stream().map(c -> Arguments.of(c.get("id").asText(), c));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pillowCases")
    void matchesPillowBitExactly(String id, JsonNode c) {
        RgbImage in = TestImages.fixture(c.get("input").asText());
        RgbImage expected = TestImages.fixture(c.get("output").asText());
        ResampleFilter filter = ResampleFilter.valueOf(c.get("filter").asText());
        int w = c.get("size").get(0).asInt();
        int h = c.get("size").get(1).asInt();
        assertEquals(w, expected.width(), "golden width");
        assertEquals(h, expected.height(), "golden height");

        JsonNode box = c.get("box");
        RgbImage actual = box == null || box.isNull()
                ? Resampler.resize(in, w, h, filter)
                : Resampler.resize(in, w, h, filter, (float) box.get(0).asDouble(), (float) box.get(1).asDouble(),
                        (float) box.get(2).asDouble(), (float) box.get(3).asDouble());

        assertEquals(w, actual.width());
        assertEquals(h, actual.height());
        String op = "resize " + filter + (box == null || box.isNull() ? "" : " (box)");
        stats.add(op, expected, actual);
        int max = expected.maxAbsDiff(actual);
        assertEquals(0, max, () -> id + ": max abs diff " + max + ", mean " + expected.meanAbsDiff(actual)
                + "; " + TestImages.firstDifference(expected, actual));
    }

    /**
     * The windowed resize of preprocessing equals resize-then-crop exactly (0 difference), for every
     * filter, shrinking and enlarging, one axis unchanged, and windows at every edge; the full resize
     * itself is pinned to Pillow by the cases above.
     */
    @ParameterizedTest
    @EnumSource(ResampleFilter.class)
    void resizeAndCropEqualsResizeThenCrop(ResampleFilter filter) {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(7);
        int[][] sizes = {{61, 47, 29, 23}, {61, 47, 130, 99}, {61, 47, 61, 20}, {61, 47, 15, 47}, {33, 80, 224, 543}, {9, 9, 3, 3}};
        for (int[] sz : sizes) {
            byte[] px = new byte[sz[0] * sz[1] * 3];
            for (int i = 0; i < px.length; i++) {
                px[i] = (byte) rnd.nextInt(256);
            }
            RgbImage in = new RgbImage(sz[0], sz[1], px);
            RgbImage full = Resampler.resize(in, sz[2], sz[3], filter);
            for (int t = 0; t < 12; t++) {
                int cw = t == 0 ? sz[2] : 1 + rnd.nextInt(sz[2]);
                int ch = t == 0 ? sz[3] : 1 + rnd.nextInt(sz[3]);
                int left = t == 1 ? 0 : t == 2 ? sz[2] - cw : rnd.nextInt(sz[2] - cw + 1);
                int top = t == 1 ? 0 : t == 2 ? sz[3] - ch : rnd.nextInt(sz[3] - ch + 1);
                RgbImage expected = full.crop(left, top, cw, ch);
                RgbImage actual = Resampler.resizeAndCrop(in, sz[2], sz[3], filter, left, top, cw, ch);
                String what = filter + " " + sz[0] + "x" + sz[1] + " -> " + sz[2] + "x" + sz[3] + ", crop " + cw + "x" + ch
                        + " at " + left + "," + top;
                assertEquals(cw, actual.width(), what);
                assertEquals(ch, actual.height(), what);
                assertEquals(0, expected.maxAbsDiff(actual), what);
            }
        }
        RgbImage small = new RgbImage(4, 4, new byte[48]);
        assertThrows(IllegalArgumentException.class, () -> Resampler.resizeAndCrop(small, 8, 8, filter, 1, 0, 8, 8));
        assertThrows(IllegalArgumentException.class, () -> Resampler.resizeAndCrop(small, 8, 8, filter, -1, 0, 2, 2));
    }

    /** The fixtures must cover every filter, upscaling, downscaling and the box variant. */
    @Test
    void fixturesCoverEveryFilter() {
        List<JsonNode> cases = TestImages.cases("resize");
        assertTrue(cases.size() >= 100, "only " + cases.size() + " resize cases in the manifest");
        Set<ResampleFilter> seen = EnumSet.noneOf(ResampleFilter.class);
        Set<ResampleFilter> seenWithBox = EnumSet.noneOf(ResampleFilter.class);
        for (JsonNode c : cases) {
            ResampleFilter f = ResampleFilter.valueOf(c.get("filter").asText());
            seen.add(f);
            if (c.hasNonNull("box")) {
                seenWithBox.add(f);
            }
        }
        assertEquals(EnumSet.allOf(ResampleFilter.class), seen);
        assertEquals(EnumSet.allOf(ResampleFilter.class), seenWithBox);
        assertTrue(TestImages.manifest().get("pillow_version").asText().startsWith("9.4."),
                "fixtures not made with Pillow 9.4");
    }

    @AfterAll
    void writeReport() throws IOException {
        stats.write("resample-parity.tsv");
    }

    // ------------------------------------------------------------------ edge cases

    @ParameterizedTest
    @EnumSource(ResampleFilter.class)
    void upscalingOnePixelRepeatsIt(ResampleFilter filter) {
        RgbImage one = new RgbImage(1, 1, new byte[] {(byte) 200, 17, (byte) 255});
        RgbImage out = Resampler.resize(one, 5, 3, filter);
        assertEquals(5, out.width());
        assertEquals(3, out.height());
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 5; x++) {
                assertEquals(0xC811FF, out.rgb(x, y), filter + " at " + x + "," + y);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ResampleFilter.class)
    void downToOnePixelAndOneColumn(ResampleFilter filter) {
        RgbImage in = TestImages.random(9, 7, 3);
        RgbImage pixel = Resampler.resize(in, 1, 1, filter);
        assertEquals(1, pixel.width());
        assertEquals(1, pixel.height());
        RgbImage column = Resampler.resize(in, 1, 7, filter);
        assertEquals(1, column.width());
        assertEquals(7, column.height());
        RgbImage fromColumn = Resampler.resize(column, 4, 11, filter);
        assertEquals(4, fromColumn.width());
        assertEquals(11, fromColumn.height());
    }

    @Test
    void boxDownscaleAveragesWithRoundingHalfUp() {
        // 4x1 -> 2x1 with BOX: each output is (a + b) / 2 rounded half up in fixed point.
        RgbImage in = new RgbImage(4, 1, new byte[] {0, 1, 10, 1, 2, 20, 100, (byte) 200, 7, 101, (byte) 255, 8});
        RgbImage out = Resampler.resize(in, 2, 1, ResampleFilter.BOX);
        assertArrayEquals(new byte[] {1, 2, 15, 101, (byte) 228, 8}, out.data());
        // 4x4 -> 1x1: weights 1/4 per axis, each pass rounds: row means 19.5, 71.5, 123.5, 175.5
        // become 20, 72, 124, 176, whose mean is 98.
        byte[] data = new byte[48];
        for (int i = 0; i < 16; i++) {
            data[3 * i] = (byte) (i * 13);
        }
        RgbImage mean = Resampler.resize(new RgbImage(4, 4, data), 1, 1, ResampleFilter.BOX);
        assertEquals(98, mean.get(0, 0, 0));
    }

    @Test
    void bilinearUpscaleUsesPillowsSupportWindows() {
        // Worked by hand from precompute_coeffs: the first and last outputs have a single tap.
        RgbImage in = new RgbImage(2, 1, new byte[] {0, 0, 0, (byte) 255, (byte) 255, (byte) 255});
        RgbImage out = Resampler.resize(in, 4, 1, ResampleFilter.BILINEAR);
        int[] r = new int[4];
        for (int x = 0; x < 4; x++) {
            r[x] = out.get(x, 0, 0);
        }
        assertArrayEquals(new int[] {0, 64, 191, 255}, r);
    }

    @Test
    void nearestHalvingTakesOddColumnsAndRows() {
        RgbImage in = TestImages.random(6, 4, 11);
        RgbImage out = Resampler.resize(in, 3, 2, ResampleFilter.NEAREST);
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                assertEquals(in.rgb(2 * x + 1, 2 * y + 1), out.rgb(x, y), "at " + x + "," + y);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ResampleFilter.class)
    void sameSizeIsACopy(ResampleFilter filter) {
        RgbImage in = TestImages.random(7, 5, 1);
        RgbImage out = Resampler.resize(in, 7, 5, filter);
        assertEquals(in, out);
        assertNotSame(in.data(), out.data());
    }

    @Test
    void wholePixelBoxOfOutputSizeIsACrop() {
        RgbImage in = TestImages.random(10, 8, 2);
        RgbImage out = Resampler.resize(in, 4, 3, ResampleFilter.LANCZOS, 2f, 5f, 6f, 8f);
        assertEquals(in.crop(2, 5, 4, 3), out);
    }

    @Test
    void invalidSizesAreRejectedClearly() {
        RgbImage in = TestImages.random(4, 4, 5);
        for (int[] size : new int[][] {{0, 4}, {4, 0}, {-3, 2}, {2, -1}}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Resampler.resize(in, size[0], size[1], ResampleFilter.BICUBIC));
            assertTrue(e.getMessage().contains("must be > 0") && e.getMessage().contains(size[0] + "x" + size[1]),
                    e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Resampler.resize(in, 0, 0, ResampleFilter.NEAREST));
    }

    @Test
    void invalidBoxesAreRejectedClearly() {
        RgbImage in = TestImages.random(4, 4, 5);
        String negative = assertThrows(IllegalArgumentException.class,
                () -> Resampler.resize(in, 2, 2, ResampleFilter.BILINEAR, -1f, 0f, 4f, 4f)).getMessage();
        assertTrue(negative.contains("negative"), negative);
        String beyond = assertThrows(IllegalArgumentException.class,
                () -> Resampler.resize(in, 2, 2, ResampleFilter.BILINEAR, 0f, 0f, 4.5f, 4f)).getMessage();
        assertTrue(beyond.contains("exceed"), beyond);
        String empty = assertThrows(IllegalArgumentException.class,
                () -> Resampler.resize(in, 2, 2, ResampleFilter.NEAREST, 3f, 0f, 2f, 4f)).getMessage();
        assertTrue(empty.contains("empty"), empty);
    }
}
