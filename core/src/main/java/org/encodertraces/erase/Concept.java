package org.encodertraces.erase;

import java.util.List;
import java.util.Objects;

/**
 * One concept to erase: a class label per fitting row ({@code -1} where unknown) and the class
 * names in label order.
 *
 * @param name    what the concept is, e.g. {@code jpeg} (a processing task) or {@code Make}
 * @param kind    {@code processing} (the label is the operation of the row's set) or {@code label}
 *                (an integer label tensor of the sets)
 * @param labels  per-row class index in [0, classes), or -1 when unknown (such rows are left out of the fit)
 * @param classes class names in label order (at least two)
 */
public record Concept(String name, String kind, int[] labels, List<String> classes) {
    /** Checks the labels lie in range. */
    public Concept {
        Objects.requireNonNull(name, "name");
        classes = List.copyOf(classes);
        if (classes.size() < 2) {
            throw new IllegalArgumentException("concept '" + name + "' has " + classes.size() + " class(es); erasing needs at least 2");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < -1 || labels[i] >= classes.size()) {
                throw new IllegalArgumentException("concept '" + name + "': label " + labels[i] + " at row " + i + " is outside [-1, "
                        + classes.size() + ")");
            }
        }
    }
}
