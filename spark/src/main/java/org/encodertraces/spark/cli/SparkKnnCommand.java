package org.encodertraces.spark.cli;

import java.io.IOException;
import java.util.List;
import org.encodertraces.embed.EmbeddingIndex;
import org.encodertraces.linalg.FloatMatrix;
import org.encodertraces.spark.SparkRowRangeKnn;
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
                        + "every operation are cut into row ranges that the executors read from the --train files themselves "
                        + "(never the driver, which holds only ids, labels, the queries and their k-lists; the files must be at "
                        + "the same path on every executor); each top-k pass runs our kernel on every range, block by block, "
                        + "and merges the lists exactly (ties to the lower database row, as on one machine). With --set or "
                        + "--eraser the driver reads the database and ships it to the executors instead. "
                        + "Writes the same OUTDIR/knn.json and knn.csv. Exit status: 0 done, 2 bad usage, unreadable input or "
                        + "a failed Spark job."})
public final class SparkKnnCommand extends KnnCommand {
    @Mixin
    SparkOptions sparkOptions;

    @Option(names = "--partitions", defaultValue = "0", description = "database row partitions (default 0: two per core of the cluster)")
    int partitions;

    /** The session of this run, opened by the first step that needs it and closed when the command ends. */
    private SparkSessions spark;

    @Override
    public Integer call() throws Exception {
        try {
            return super.call();
        } finally {
            if (spark != null) {
                spark.close();
                spark = null;
            }
        }
    }

    private SparkSessions session() throws IOException {
        if (spark == null) {
            spark = SparkSessions.open(sparkOptions.master, sparkOptions.conf, "traces spark knn");
        }
        return spark;
    }

    private int partitions(SparkSessions s) {
        return partitions > 0 ? partitions : 2 * s.context().defaultParallelism();
    }

    /** The database rows are read by the executors, in row ranges: this driver holds only ids, labels, queries and k-lists. */
    @Override
    protected boolean readsDatabaseRows() {
        return true;
    }

    @Override
    protected int[][] firstEqualRows(List<EmbeddingIndex> database, List<FloatMatrix> queries) throws IOException {
        try {
            return rowRanges(database).firstEqualRows(queries);
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            // collect() throws SparkException, checked, without declaring it
            throw new IOException("the Spark job failed: " + SparkEmbedCommand.rootMessage(e), e);
        }
    }

    @Override
    protected KnnResult computeOverFiles(KnnInfluence knn, List<String> names, List<EmbeddingIndex> database, List<FloatMatrix> queries,
                                         int[] trainLabels, int[] testLabels) throws Exception {
        try {
            return knn.run(names, queries, trainLabels, testLabels, rowRanges(database));
        } catch (Exception e) {
            if (e instanceof org.apache.spark.SparkException || e.getCause() instanceof org.apache.spark.SparkException) {
                throw new IllegalArgumentException("the Spark job failed: " + SparkEmbedCommand.rootMessage(e));
            }
            throw e;
        }
    }

    private SparkRowRangeKnn rowRanges(List<EmbeddingIndex> database) throws IOException {
        SparkSessions s = session();
        return SparkRowRangeKnn.over(s.context(), database.stream().map(EmbeddingIndex::file).toList(), database.get(0).rows(),
                database.get(0).dim(), partitions(s), Math.max(1, threads()));
    }

    @Override
    protected KnnResult compute(KnnInfluence knn, List<KnnInfluence.OperationEmbeddings> ops, int[] trainLabels, int[] testLabels)
            throws Exception {
        try (SparkSessions own = SparkSessions.open(sparkOptions.master, sparkOptions.conf, "traces spark knn")) {
            int parts = partitions(own);
            try (SparkKnn search = SparkKnn.partition(own.context(),
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
