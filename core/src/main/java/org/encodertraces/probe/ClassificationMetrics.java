package org.encodertraces.probe;

/**
 * Test-set figures of a classifier, all derived from its confusion matrix.
 *
 * @param confusion            counts, rows = true class, columns = predicted class
 * @param accuracy             top-1 accuracy in [0, 1]
 * @param meanPerClassAccuracy mean of the per-class recalls over classes present in the test set
 * @param perClassAccuracy     recall of each class (NaN for a class absent from the test set)
 * @param support              test rows per true class
 * @param chance               1/K, the accuracy of guessing on a balanced test set
 * @param majorityRate         accuracy of always predicting the most frequent test class
 */
public record ClassificationMetrics(long[][] confusion, double accuracy, double meanPerClassAccuracy,
                                    double[] perClassAccuracy, long[] support, double chance, double majorityRate) {
    /** Metrics of predictions against truth, classes in [0, k). */
    public static ClassificationMetrics of(int[] truth, int[] predicted, int k) {
        if (truth.length != predicted.length) {
            throw new IllegalArgumentException("truth " + truth.length + " != predictions " + predicted.length);
        }
        long[][] m = new long[k][k];
        for (int i = 0; i < truth.length; i++) {
            m[truth[i]][predicted[i]]++;
        }
        return fromConfusion(m);
    }

    /** Metrics from a confusion matrix (for example one summed over seeds). */
    public static ClassificationMetrics fromConfusion(long[][] m) {
        int k = m.length;
        long total = 0;
        long correct = 0;
        long[] support = new long[k];
        double[] per = new double[k];
        double perSum = 0;
        int present = 0;
        long maxSupport = 0;
        for (int c = 0; c < k; c++) {
            for (int p = 0; p < k; p++) {
                support[c] += m[c][p];
            }
            total += support[c];
            correct += m[c][c];
            maxSupport = Math.max(maxSupport, support[c]);
            if (support[c] > 0) {
                per[c] = m[c][c] / (double) support[c];
                perSum += per[c];
                present++;
            } else {
                per[c] = Double.NaN;
            }
        }
        long[][] copy = new long[k][];
        for (int c = 0; c < k; c++) {
            copy[c] = m[c].clone();
        }
        return new ClassificationMetrics(copy, total == 0 ? Double.NaN : correct / (double) total,
                present == 0 ? Double.NaN : perSum / present, per, support, 1.0 / k,
                total == 0 ? Double.NaN : maxSupport / (double) total);
    }

    /** The confusion matrices of this and another run added up. */
    public ClassificationMetrics plus(ClassificationMetrics other) {
        int k = confusion.length;
        long[][] m = new long[k][k];
        for (int c = 0; c < k; c++) {
            for (int p = 0; p < k; p++) {
                m[c][p] = confusion[c][p] + other.confusion[c][p];
            }
        }
        return fromConfusion(m);
    }

    /** Number of test rows. */
    public long total() {
        long t = 0;
        for (long s : support) {
            t += s;
        }
        return t;
    }

    /** Rows predicted right (the trace of the confusion matrix). */
    public long correct() {
        long t = 0;
        for (int c = 0; c < confusion.length; c++) {
            t += confusion[c][c];
        }
        return t;
    }
}
