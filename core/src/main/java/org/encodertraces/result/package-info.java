/**
 * The one result document every experiment writes, and its one writer and lenient reader.
 *
 * <p>Owns: {@link org.encodertraces.result.ResultDocument} (experiment kind, inputs with sha256,
 * parameters, metrics, per-class figures, provenance, in the order each experiment writes them),
 * {@link org.encodertraces.result.ResultKind} (how each kind's body is read: its headline
 * {@link org.encodertraces.result.Figure}s with n and chance), and
 * {@link org.encodertraces.result.ResultFiles} (JSON and CSV, written atomically).
 *
 * <p>Must not know: the experiments that fill the documents, the report that shows them, the CLI.
 * The experiments ({@code probe}, {@code knn}, {@code erase}), the audit and the training module
 * build documents; {@code traces report} reads any mix of them.
 *
 * <p>Start at {@link org.encodertraces.result.ResultDocument#builder} to write and
 * {@link org.encodertraces.result.ResultDocument#read} to read.
 */
package org.encodertraces.result;
