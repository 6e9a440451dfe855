package org.encodertraces.report;

import java.util.Objects;

/**
 * The dataset a report was computed on, as a reader needs to know it.
 *
 * @param name a human name, such as {@code flowers17} or the manifest's file name
 * @param images number of images used
 * @param classes number of semantic classes (0 when the dataset has none)
 */
public record DatasetInfo(String name, int images, int classes) {
    /** Validates. */
    public DatasetInfo {
        Objects.requireNonNull(name, "dataset name");
        if (images < 0 || classes < 0) {
            throw new IllegalArgumentException("dataset images and classes must be non-negative: " + images + ", "
                    + classes);
        }
    }
}
