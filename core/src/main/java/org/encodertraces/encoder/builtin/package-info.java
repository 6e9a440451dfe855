/**
 * The built-in reference encoders, yardsticks against which a learned encoder's traces are judged:
 * {@code builtin:jpeg-forensic} ({@link org.encodertraces.encoder.builtin.JpegForensicEncoder}, statistics
 * of the 8x8 block DCT coefficients that JPEG quantises) and {@code builtin:lowlevel-stats}
 * ({@link org.encodertraces.encoder.builtin.LowLevelStatsEncoder}, noise residuals, spectra, gradients,
 * colour). They need no weights, run offline, and read pixels on a grid-aligned crop without any
 * resampling ({@code PixelEncoder}), since a resize would erase the traces they measure.
 * {@link org.encodertraces.encoder.builtin.BuiltinEncoders} is the one place that knows which exist.
 *
 * <p>Ordinary {@link org.encodertraces.encoder.Encoder}s to the pipeline and the experiments, which
 * tell them apart only by the family they report (the report's yardstick) and, where a list of them
 * is needed, by id ({@code traces models}, the demo, the audit's time estimate).
 */
package org.encodertraces.encoder.builtin;
