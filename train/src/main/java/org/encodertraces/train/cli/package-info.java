/**
 * The train module's commands: {@code traces train} (one small residual CNN trained under an
 * augmentation recipe and written as an ONNX encoder), {@code traces ablation} (one network under
 * several recipes and seeds, each measured for processing traces and semantic accuracy) and
 * {@code traces bench-train} (training-step throughput). They join {@code traces} through
 * {@link org.encodertraces.train.cli.TrainPlugin}, a {@link org.encodertraces.cli.CommandPlugin}
 * that {@code java.util.ServiceLoader} finds, so core never depends on DJL or libtorch.
 *
 * <p>They parse options into the {@code org.encodertraces.train} library's records and call it;
 * what they share with core's commands (dataset arguments, progress, the interruption notice, the
 * command environment, {@link org.encodertraces.cli.UsageException}) is core's public CLI-support
 * API in {@code org.encodertraces.cli}, never its package-private helpers: this package is its own,
 * so a change inside core's CLI cannot break it unseen.
 */
package org.encodertraces.train.cli;
