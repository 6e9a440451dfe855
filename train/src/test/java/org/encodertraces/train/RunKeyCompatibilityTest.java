package org.encodertraces.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The run key of the configurations main@62624f8 trained (ResNet, cross-entropy, the four recipes)
 * stays the key that code computed, so runs it trained are reused by this code, not retrained.
 *
 * <p>The constants were computed by main@62624f8's {@code TrainedEncoder.runKey} on the same
 * generated data (whose manifest has no files, so it is the same on every machine); a field added
 * to {@link TrainConfig} must leave the key alone at its default value.
 */
class RunKeyCompatibilityTest {
    /** The key of each recipe of the lead's full ablation (resnet w16 d1 s3 32 px, 5 epochs, batch 128, lr 0.1, 1 thread), seed 1. */
    static final Map<String, String> KEYS_AT_62624F8 = new LinkedHashMap<>();

    static {
        KEYS_AT_62624F8.put("none", "66735ab22bd003a996a59582c1fc96327538326ae787ac9c2af4eee8a33b55f4");
        KEYS_AT_62624F8.put("crop-flip", "2ecc4ed6aedddf6f895c86227dfbf3b23ad5f1d1d4f7f1f465ecf68e4fda5d4f");
        KEYS_AT_62624F8.put("ssl", "9f341022c66ce100f9750744077c974d69fa5fcb5cf5108e645cd8049b80c3d2");
        KEYS_AT_62624F8.put("trace", "b53b74cf77f48c2ed36414f3308df40221263f1e10c34d9f4998e2f332eb3ef5");
        KEYS_AT_62624F8.put("crop-flip+trace", "d02bbdd1b46ba3f0b2c6d72066938c6cc5dc3db7f296ed9fd01882f335fde9ce");
    }

    @Test
    void runKeysOfMainsConfigurationsAreUnchanged() throws Exception {
        TrainingImages data = TinyData.images(8, 1);
        Map<String, String> now = new LinkedHashMap<>();
        for (String recipe : List.of("none", "crop-flip", "ssl", "trace", "crop-flip+trace")) {
            TrainConfig cfg = new TrainConfig(new Architecture("resnet", 16, 1, 3, 32), Recipe.parse(recipe), 5, 1, 128, 0.1, 0.9, 5e-4, 1);
            now.put(recipe, TrainedEncoder.runKey(cfg, data));
        }
        assertEquals(KEYS_AT_62624F8, now, "a run trained by main@62624f8 would no longer be recognised (and would be retrained)");
    }
}
