/**
 * Post-hoc trace erasure on embeddings: fitting a linear eraser for a concept (a processing task or an
 * acquisition label), closed-form LEACE ({@link org.encodertraces.erase.Leace}) or iterative nullspace
 * projection ({@link org.encodertraces.erase.Inlp}), through {@link org.encodertraces.erase.ErasureFit}
 * on {@link org.encodertraces.erase.FitData}; storing it as a file with its provenance
 * ({@link org.encodertraces.erase.EraserFile}: safetensors plus a JSON sidecar); applying it to
 * embedding sets of the same encoder only ({@link org.encodertraces.erase.ErasedSets},
 * {@link org.encodertraces.erase.EncoderIdentity}); and measuring what it removes and what it costs,
 * before and after, on images the eraser never saw ({@link org.encodertraces.erase.ErasureEvaluation}); and
 * building it into the encoder's ONNX graph as one deployable file ({@link org.encodertraces.erase.EraserExport}).
 *
 * <p>Works on embedding sets and reuses the experiments rather than copying them ({@code probe}'s
 * logistic regression for INLP, its probes and {@code knn}'s kNN experiment for the evaluation); knows
 * nothing of the report, the audit or the CLI. An eraser's own fitting images are never used to
 * evaluate it.
 */
package org.encodertraces.erase;
