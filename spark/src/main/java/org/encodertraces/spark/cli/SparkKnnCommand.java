package org.encodertraces.spark.cli;

import java.util.List;
import org.encodertraces.cli.KnnCommand;
import org.encodertraces.knn.KnnInfluence;
import org.encodertraces.knn.KnnResult;
import org.encodertraces.spark.SparkKnn;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code traces spark knn}: {@code traces knn} with the database rows partitioned over a Spark
 * cluster; the same options, inputs and outputs, identical neighbours and accuracies.
 */
@Command(name = "knn", header = "traces knn with the database rows partitioned over Spark (identical results).",
        mixinStandardHelpOptions = true,
        description = {"kNN classification under controlled processing, as 'traces knn': the training (database) rows of "
                        + "every operation are cut into partitions held by the executors; each top-k pass runs our kernel on "
                        + "every partition and merges the lists exactly (ties to the lower database row, as on one machine). "
                        + "Writes the same OUTDIR/knn.json and knn.csv. Exit status: 0 done, 2 bad usage, unreadable input or "
                        + "a failed Spark job."})
public final class SparkKnnCommand extends KnnCommand {
    @Mixin
    SparkOptions sparkOptions;

    @Option(names = "--partitions", defaultValue = "0", description = "database row partitions (default 0: two per core of the cluster)")
    int partitions;

    @Override
    protected KnnResult compute(KnnInfluence knn, List<KnnInfluence.OperationEmbeddings> ops, int[] trainLabels, int[] testLabels)
            throws Exception {
        try (SparkSessions spark = SparkSessions.open(sparkOptions.master, sparkOptions.conf, "traces spark knn")) {
            int parts = partitions > 0 ? partitions : 2 * spark.context().defaultParallelism();
            try (SparkKnn search = SparkKnn.partition(spark.context(),
                    ops.stream().map(KnnInfluence.OperationEmbeddings::database).toList(), parts, Math.max(1, threads()))) {
                return knn.run(ops, trainLabels, testLabels, search);
            }
        } catch (Exception e) {
            if (e instanceof org.apache.spark.SparkException) {
                throw new IllegalArgumentException("the Spark job failed: " + SparkEmbedCommand.rootMessage(e));
            }
            if (e instanceof java.io.IOException) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            throw e;
        }
    }
}
