package org.encodertraces.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link Enhance} against Pillow 9.4's golden outputs (bit-exact), plus edge cases. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EnhanceTest {
    private final TestImages.ParityStats stats = new TestImages.ParityStats();

    Stream<Arguments> pillowCases() {
        return TestImages.cases("smooth", "sharpness", "blend").stream()
                .map(c -> Arguments.of(c.get("id").asText(), c));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pillowCases")
    void matchesPillowBitExactly(String id, JsonNode c) {
        RgbImage in = TestImages.fixture(c.get("input").asText());
        RgbImage expected = TestImages.fixture(c.get("output").asText());
        String op = c.get("op").asText();
        RgbImage actual;
        String label;
        switch (op) {
            case "smooth" -> {
                actual = Enhance.smooth(in);
                label = "smooth";
            }
            case "sharpness" -> {
                double factor = c.get("factor").asDouble();
                actual = Enhance.sharpness(in, (float) factor);
                label = "sharpness " + factor;
            }
            case "blend" -> {
                double alpha = c.get("alpha").asDouble();
                actual = Enhance.blend(in, TestImages.fixture(c.get("input2").asText()), (float) alpha);
                label = "blend " + alpha;
            }
            default -> throw new IllegalStateException("unknown op " + op);
        }
        stats.add(label, expected, actual);
        int max = expected.maxAbsDiff(actual);
        assertEquals(0, max, () -> id + ": max abs diff " + max + ", mean " + expected.meanAbsDiff(actual)
                + "; " + TestImages.firstDifference(expected, actual));
    }

    @Test
    void fixturesCoverTheRequiredOperations() {
        Set<String> seen = new TreeSet<>();
        for (JsonNode c : TestImages.cases("smooth", "sharpness", "blend")) {
            String op = c.get("op").asText();
            seen.add(op.equals("smooth") ? op
                    : op + " " + c.get(op.equals("blend") ? "alpha" : "factor").asDouble());
        }
        assertTrue(seen.containsAll(List.of("smooth", "sharpness 2.0", "sharpness 4.0", "sharpness 0.5",
                "blend 0.3", "blend 1.7")), seen.toString());
    }

    @AfterAll
    void writeReport() throws IOException {
        stats.write("enhance-parity.tsv");
    }

    // ------------------------------------------------------------------ edge cases

    @Test
    void smoothLeavesTheOuterFrameUntouched() {
        RgbImage in = TestImages.random(9, 6, 42);
        RgbImage out = Enhance.smooth(in);
        for (int x = 0; x < 9; x++) {
            assertEquals(in.rgb(x, 0), out.rgb(x, 0));
            assertEquals(in.rgb(x, 5), out.rgb(x, 5));
        }
        for (int y = 0; y < 6; y++) {
            assertEquals(in.rgb(0, y), out.rgb(0, y));
            assertEquals(in.rgb(8, y), out.rgb(8, y));
        }
        assertTrue(in.maxAbsDiff(out) > 0, "interior of random noise must change");
    }

    @Test
    void smoothOfTooSmallImagesIsACopy() {
        for (int[] size : new int[][] {{1, 1}, {2, 9}, {9, 2}}) {
            RgbImage in = TestImages.random(size[0], size[1], 7);
            RgbImage out = Enhance.smooth(in);
            assertEquals(in, out);
            assertNotSame(in.data(), out.data());
        }
    }

    @Test
    void smoothOfAFlatImageIsFlat() {
        byte[] data = new byte[5 * 4 * 3];
        java.util.Arrays.fill(data, (byte) 173);
        RgbImage flat = new RgbImage(5, 4, data);
        assertEquals(flat, Enhance.smooth(flat));
    }

    @Test
    void smoothCentrePixelByHand() {
        // 3x3 with a single 255 in the centre: only the centre is filtered, 255*5/13 + 0.5 = 98.6.
        byte[] data = new byte[27];
        data[12] = (byte) 255;
        data[13] = 13;
        RgbImage out = Enhance.smooth(new RgbImage(3, 3, data));
        assertEquals(98, out.get(1, 1, 0));
        assertEquals(5, out.get(1, 1, 1)); // 13 * 5/13 = 5 (+0.5, truncated)
        assertEquals(0, out.get(1, 1, 2));
    }

    @Test
    void blendTruncatesAndClamps() {
        RgbImage a = new RgbImage(1, 1, new byte[] {0, 100, (byte) 200});
        RgbImage b = new RgbImage(1, 1, new byte[] {(byte) 255, 101, 0});
        // 0 + 0.3*255 = 76.5 -> 76; 100 + 0.3 = 100.3 -> 100; 200 - 60 = 140
        assertArrayEquals(new byte[] {76, 100, (byte) 140}, Enhance.blend(a, b, 0.3f).data());
        // extrapolation: 1.7*255 = 433.5 -> 255; 101.7 -> 101; 200 - 340 -> 0
        assertArrayEquals(new byte[] {(byte) 255, 101, 0}, Enhance.blend(a, b, 1.7f).data());
        // negative: -0.4*255 -> 0; 100 - 0.4 = 99.6 -> 99; 200 + 80 = 280 -> 255
        assertArrayEquals(new byte[] {0, 99, (byte) 255}, Enhance.blend(a, b, -0.4f).data());
        assertEquals(a, Enhance.blend(a, b, 0f));
        assertEquals(b, Enhance.blend(a, b, 1f));
        assertNotSame(b.data(), Enhance.blend(a, b, 1f).data());
    }

    @Test
    void blendRejectsDifferentSizes() {
        String msg = assertThrows(IllegalArgumentException.class,
                () -> Enhance.blend(TestImages.random(2, 3, 1), TestImages.random(3, 2, 1), 0.5f)).getMessage();
        assertTrue(msg.contains("do not match"), msg);
    }

    @Test
    void sharpnessOneIsIdentityAndZeroIsSmooth() {
        RgbImage in = TestImages.random(8, 7, 9);
        assertEquals(in, Enhance.sharpness(in, 1f));
        assertEquals(Enhance.smooth(in), Enhance.sharpness(in, 0f));
    }
}
