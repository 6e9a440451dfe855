/**
 * The extraction and kNN on a Spark cluster, with outputs identical to one machine's: {@code traces
 * spark embed} ({@link org.encodertraces.spark.SparkEmbed}: partitions of whole shards, each running the
 * core library's own {@code Extraction} on an executor, concatenated by the driver into the set one
 * machine would have written, byte for byte) and {@code traces spark knn}
 * ({@link org.encodertraces.spark.SparkRowRangeKnn}: row ranges of the database files read by the
 * executors themselves, block by block, never by the driver; {@link org.encodertraces.spark.SparkKnn}: database
 * rows the driver read, in cached partitions, for {@code --set} and {@code --eraser}; {@code linalg}'s top-k
 * kernel on each, the per-partition lists merged exactly). Outputs go through Hadoop's file systems
 * ({@link org.encodertraces.spark.HadoopFiles}), so {@code hdfs:} and {@code s3a:} work by configuration.
 * {@link org.encodertraces.spark.SparkMain} is spark-submit's main class.
 * {@link org.encodertraces.spark.StandaloneCluster} starts a standalone master and workers on this
 * machine (each a JVM of its own, from Spark's jars, {@link org.encodertraces.spark.SparkDistribution});
 * a driver in our own JVM ships the jars Spark does not have to a {@code spark://} cluster's executors
 * ({@link org.encodertraces.spark.SparkDistribution#applicationJars}).
 *
 * <p>A module of its own so that core never downloads Spark. It calls the same library code per
 * partition and adds no experiment logic of its own; only {@code SparkMain}, an entry point, reaches
 * the CLI.
 */
package org.encodertraces.spark;
