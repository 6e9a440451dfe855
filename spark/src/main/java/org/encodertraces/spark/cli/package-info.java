/**
 * The spark module's commands: {@code traces spark embed} ({@code traces embed} with the images
 * partitioned over a cluster, byte-identical outputs) and {@code traces spark knn}
 * ({@code traces knn} with the database rows partitioned, identical neighbours), run in this
 * process with {@code --master local[N]} or under {@code spark-submit}
 * ({@link org.encodertraces.spark.SparkMain}). They join {@code traces} through
 * {@link org.encodertraces.spark.cli.SparkPlugin}, a {@link org.encodertraces.cli.CommandPlugin}
 * that {@code java.util.ServiceLoader} finds, so core never depends on Spark.
 *
 * <p>They parse options and hand the {@code org.encodertraces.spark} library what the executors
 * need: the parsed {@link org.encodertraces.encoder.ModelRef} itself (serialisable), never a
 * command line to parse again. What they share with core's commands (the model options, dataset
 * arguments, progress, the command environment, {@link org.encodertraces.cli.UsageException},
 * {@link org.encodertraces.cli.KnnCommand} which {@code spark knn} extends) is core's public
 * CLI-support API in {@code org.encodertraces.cli}, never its package-private helpers.
 */
package org.encodertraces.spark.cli;
