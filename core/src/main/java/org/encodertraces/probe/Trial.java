package org.encodertraces.probe;

import java.util.Map;

/**
 * One hyper-parameter trial.
 *
 * @param number 0-based order of the trial
 * @param params the values tried
 * @param score  validation accuracy reached (higher is better)
 */
public record Trial(int number, Map<String, Double> params, double score) {
    public Trial {
        params = Map.copyOf(params);
    }
}
