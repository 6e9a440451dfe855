/**
 * The one-command audit ({@code traces audit}, {@code traces demo}): the study run end to end on any
 * folder a user brings. {@link org.encodertraces.audit.Audit#plan} decides, before any work, which
 * figures the dataset can support (every rule from {@code validity}, every skip with its reason and
 * minimum) and {@link org.encodertraces.audit.AuditEstimate} how long each stage will take;
 * {@link org.encodertraces.audit.Audit#run} extracts or reuses every embedding set, then runs the
 * processing probes, their masked variants, kNN under controlled processing, pair retrieval, and, with
 * EXIF, the acquisition probes and dataset audit ({@link org.encodertraces.audit.AcquisitionStage}) and
 * the after-erasure comparison ({@link org.encodertraces.audit.ErasureStage}); with {@code --layers}, the
 * same probes and kNN gap at every depth of each ONNX model ({@link org.encodertraces.audit.LayerStage}).
 * {@link org.encodertraces.audit.AuditFiles} writes each experiment's own result documents and
 * {@link org.encodertraces.audit.AuditReport} hands the outcome to {@code report}.
 *
 * <p>The only library package that knows every stage; nothing below it knows the audit. It prints
 * nothing: plan, progress and stage messages go through {@code Audit.Listener} to the CLI, which also
 * holds the output folder's lock for the run ({@link org.encodertraces.audit.Audit#lock}).
 */
package org.encodertraces.audit;
