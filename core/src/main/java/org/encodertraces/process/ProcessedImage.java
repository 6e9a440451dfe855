package org.encodertraces.process;

import java.util.Map;
import org.encodertraces.image.RgbImage;

/**
 * The result of a processing operation: the pixels and how they were made (operation, steps
 * with parameters and any per-image draw, seed, image id, codec).
 */
public record ProcessedImage(RgbImage image, Map<String, Object> provenance) {
    public ProcessedImage {
        provenance = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(provenance));
    }
}
