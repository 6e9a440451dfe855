package org.encodertraces.data;

import java.nio.file.Path;
import java.util.Map;

/**
 * One image of a dataset: a stable id (its path relative to the dataset root), the file, and its
 * integer labels by name ({@code label} for the class folder).
 */
public record Sample(String id, Path file, Map<String, Long> labels) {
    public Sample {
        labels = Map.copyOf(labels);
    }
}
