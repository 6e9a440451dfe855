/**
 * The study's linear probes on frozen embeddings: how well a linear classifier reads a trace. The
 * processing protocol ({@link org.encodertraces.probe.ProcessingProbe}: each training image seen under
 * one of the task's K operations, drawn with the run's seed; every test image under all K) and the
 * acquisition protocol on a FlickrExif-style split ({@link org.encodertraces.probe.AcquisitionProbe}),
 * both through {@link org.encodertraces.probe.LinearProbe} (normalise, search hyper-parameters on a
 * validation split, refit on train + validation, evaluate once on test, over seeds) with the study's
 * SGD trainer ({@link org.encodertraces.probe.SgdTrainer}) or scikit-learn's L-BFGS logistic
 * regression ({@link org.encodertraces.probe.LogisticRegression}), held to PyTorch's and
 * scikit-learn's numbers by parity fixtures. {@link org.encodertraces.probe.ProbeResult} is what a
 * probe found, {@link org.encodertraces.probe.ResultWriter} writes it as the result JSON and CSV.
 *
 * <p>Takes plain rows and labels ({@code float[][]}, {@code int[]}): it knows nothing of embedding-set
 * files, encoders, the report or the audit. Fits are deterministic for a seed whatever the thread count
 * ({@code BlockExecutor} reduces in block order).
 */
package org.encodertraces.probe;
