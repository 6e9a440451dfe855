package org.encodertraces.probe;

/**
 * How one fit went: the model plus what the optimiser says about it.
 *
 * @param model      the fitted classifier
 * @param objective  final value of the trainer's objective (for L-BFGS: summed cross-entropy plus
 *                   0.5/C ||W||^2, scikit-learn's; for SGD: mean cross-entropy of the last epoch)
 * @param iterations optimiser iterations (L-BFGS) or epochs (SGD)
 * @param converged  whether a convergence criterion was met (rather than an iteration limit)
 * @param stop       the optimiser's stop message
 */
public record FitReport(LinearModel model, double objective, int iterations, boolean converged, String stop) {
}
