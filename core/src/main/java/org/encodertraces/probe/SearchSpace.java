package org.encodertraces.probe;

import java.util.List;

/**
 * The hyper-parameters a search explores, each on a log scale between two positive bounds.
 *
 * @param dimensions the parameters, in a fixed order
 */
public record SearchSpace(List<Dimension> dimensions) {
    public SearchSpace {
        dimensions = List.copyOf(dimensions);
        if (dimensions.isEmpty()) {
            throw new IllegalArgumentException("empty search space");
        }
    }

    /**
     * One log-scale parameter.
     *
     * @param name parameter name as results record it
     * @param low  smallest value (> 0)
     * @param high largest value (>= low)
     */
    public record Dimension(String name, double low, double high) {
        public Dimension {
            if (!(low > 0) || !(high >= low)) {
                throw new IllegalArgumentException("bad log-scale range for " + name + ": [" + low + ", " + high + "]");
            }
        }
    }
}
