package org.encodertraces.probe;

/**
 * The inner kernel of {@link MultinomialObjective}: the summed cross-entropy and its gradient
 * over one block of rows, in two implementations (a portable one and one on the incubator
 * Vector API) that agree to rounding but not bit for bit.
 *
 * <p>Each kernel is deterministic: the same block, weights and kernel give the same bits every
 * time, whatever thread runs it, so {@link MultinomialObjective}'s block-ordered sums stay
 * bit-identical across thread counts. The vector kernel's results depend on its lane count
 * (the JVM's preferred species on this machine), so they can differ in the last bits between
 * machines with different vector widths, and from the portable kernel's.
 */
interface ObjectiveKernel {
    /** Doubles of per-block scratch this kernel needs for k classes and d features. */
    int scratchSize(int k, int d);

    /**
     * Sum of the cross-entropy over rows {@code rows[from..to)} of {@code x} (or rows
     * {@code from..to} when {@code rows} is null), with its gradient written into {@code g}
     * (overwritten; K x D weights then K biases, like {@code w}). {@code z} is scratch of
     * {@link #scratchSize} doubles.
     */
    double block(float[][] x, int[] y, int k, double[] w, int[] rows, int from, int to, double[] g, double[] z);

    /** The fastest kernel this JVM can run: the Vector API one when jdk.incubator.vector is loaded. */
    static ObjectiveKernel best() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            // the only reference to the vector class: it is loaded (and its module linked) only here
            return VectorObjectiveKernel.create();
        }
        return new ScalarObjectiveKernel();
    }

    /**
     * Turns the logits in {@code z[at..at+k)} into softmax minus the one-hot label, in place, and
     * returns the row's loss {@code logsumexp(z) - z[label]}.
     */
    static double softmaxResidual(double[] z, int at, int k, int label) {
        double m = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < k; c++) {
            m = Math.max(m, z[at + c]);
        }
        double s = 0;
        for (int c = 0; c < k; c++) {
            double e = Math.exp(z[at + c] - m);
            z[at + c] = e;
            s += e;
        }
        double zy = Math.log(z[at + label]);  // z_y - m
        double loss = Math.log(s) - zy;
        double inv = 1.0 / s;
        for (int c = 0; c < k; c++) {
            z[at + c] *= inv;
        }
        z[at + label] -= 1.0;
        return loss;
    }
}
