package org.encodertraces.spark.cli;

import picocli.CommandLine.Command;

/** {@code traces spark}: the parent of the Spark jobs ({@code embed}, {@code knn}) and of {@code standalone}, a cluster on this machine. */
@Command(name = "spark", mixinStandardHelpOptions = true, subcommands = {SparkEmbedCommand.class, SparkKnnCommand.class, SparkStandaloneCommand.class},
        description = {"Run extraction or kNN on Apache Spark: in this process with --master local[N], or on a cluster with "
                        + "spark-submit --class org.encodertraces.spark.SparkMain spark/target/encoder-traces-spark-submit.jar "
                        + "embed|knn ..., or against a cluster with --master spark://HOST:PORT ('traces spark standalone' starts one here)",
                "Outputs are byte-identical to 'traces embed' and identical to 'traces knn'."})
public final class SparkCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "name a Spark command: embed, knn or standalone");
    }
}
