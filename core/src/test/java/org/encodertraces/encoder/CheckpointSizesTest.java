package org.encodertraces.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The computed checkpoint sizes against parameter counts published independently: torchvision's
 * model documentation lists resnet50 25,557,032, vit_b_16 86,567,656 and convnext_tiny 28,589,128
 * parameters (same shapes as timm's models with a 1000-class head); BatchNorm's running mean and
 * variance (26,560 channels in ResNet-50) are buffers, not parameters, but are in the file.
 */
class CheckpointSizesTest {
    @Test
    void theShapeFormulasGiveThePublishedParameterCounts() {
        assertEquals(25_557_032L + 2 * 26_560, CheckpointSizes.resnet50(true));
        assertEquals(86_567_656L, CheckpointSizes.timmVit(768, 12, 16, 224, 3072, 1000));
        assertEquals(28_589_128L, CheckpointSizes.convnext(new long[] {96, 192, 384, 768}, new int[] {3, 3, 9, 3}) + 768 * 1000 + 1000);
    }

    @Test
    void everyBuiltRegistryEntryHasASizeAndMocoOnlyALowerBound() {
        Registry r = Registry.builtIn();
        for (String id : CheckpointModels.ids()) {
            CheckpointSizes.Size s = CheckpointSizes.of(r.get(id)).orElseThrow(() -> new AssertionError(id + " has no size"));
            assertEquals(id.startsWith("mocov3"), s.lowerBound(), id);
            assertTrue(s.bytes() > 50_000_000L, id + " " + s.bytes());
        }
        // the three past 2 GB are the ones written with external data
        assertTrue(CheckpointSizes.of(r.get("vit-in21k-h14")).orElseThrow().bytes() > 2_000_000_000L);
        assertTrue(CheckpointSizes.of(r.get("openclip-laion2b-vit-g14")).orElseThrow().bytes() > 2_000_000_000L);
        assertTrue(CheckpointSizes.of(r.get("openclip-laion2b-convnext-xxl")).orElseThrow().bytes() > 2_000_000_000L);
        assertEquals("102", CheckpointSizes.of(r.get("resnet50-in1k")).orElseThrow().label());
    }
}
