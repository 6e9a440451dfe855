/**
 * The processing traces of the study: named operations ({@code JPEG75_420} ... {@code MASK_95}, and
 * chains such as {@code SHARPEN_2+RESIZE_HALF}) parsed once into a
 * {@link org.encodertraces.process.ProcessingOp} of {@link org.encodertraces.process.ProcessingStep}s,
 * each applied with a per-image random draw that depends only on the seed, the image id and the step
 * ({@link org.encodertraces.process.StepRandom}), so results do not depend on order or threads; and
 * {@code traces process}'s batch ({@link org.encodertraces.process.BatchProcessor}), which admits
 * images against a heap budget estimated from their headers ({@link org.encodertraces.process.MemoryBudget},
 * {@link org.encodertraces.process.ImageFootprint}), records failures and resumes.
 *
 * <p>Knows pixels ({@code image}), not encoders, datasets or embeddings: that a mask runs after the
 * encoder's centre crop is a property of the step ({@link org.encodertraces.process.ProcessingStep}),
 * which the extraction pipeline honours. Start at {@link org.encodertraces.process.ProcessingOp#parse}.
 */
package org.encodertraces.process;
