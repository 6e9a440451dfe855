package org.encodertraces.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A zero-shot readout of one processing task on one encoder with a text tower: each class named by text
 * prompts, accuracy on the linear probe's test rows, beside that probe's accuracy. Fractions in [0, 1].
 *
 * @param task the task group, as the probe row names it ({@code JPEG}, {@code Sharpening}, ...)
 * @param encoderId the encoder's id in {@link ReportData#encoders()}
 * @param accuracy correct / testRows
 * @param correct test rows read out as the operation applied
 * @param testRows rows scored: the probe's test images x the task's operations
 * @param chance one class in the number of classes (the rows are balanced over the operations)
 * @param probeAccuracy the linear probe's accuracy on the same rows (mean over its restarts)
 * @param classNames the operations in label order
 * @param confusion counts, rows = true class, columns = predicted class
 * @param prompts each class's prompts, as scored
 */
public record ZeroShotRow(String task, String encoderId, double accuracy, int correct, int testRows, double chance, double probeAccuracy,
                          List<String> classNames, List<List<Long>> confusion, Map<String, List<String>> prompts) {
    public ZeroShotRow {
        Objects.requireNonNull(task, "zero-shot task");
        Objects.requireNonNull(encoderId, "zero-shot encoderId");
        String w = "zero-shot " + task + "/" + encoderId + ": ";
        Checks.fraction(accuracy, w + "accuracy");
        Checks.fraction(chance, w + "chance");
        Checks.fraction(probeAccuracy, w + "probeAccuracy");
        if (correct < 0 || correct > testRows) {
            throw new IllegalArgumentException(w + correct + " correct of " + testRows + " test rows");
        }
        classNames = List.copyOf(classNames);
        List<List<Long>> m = new ArrayList<>();
        for (List<Long> row : confusion) {
            m.add(List.copyOf(row));
        }
        confusion = List.copyOf(m);
        Map<String, List<String>> p = new LinkedHashMap<>();
        prompts.forEach((k, v) -> p.put(k, List.copyOf(v)));
        prompts = java.util.Collections.unmodifiableMap(p);
    }

    /** The accuracy's 95% Wilson interval on the test rows. */
    public Interval interval() {
        return Intervals.wilson(accuracy, testRows);
    }

    /** The probe's 95% Wilson interval on the same rows. */
    public Interval probeInterval() {
        return Intervals.wilson(probeAccuracy, testRows);
    }
}
