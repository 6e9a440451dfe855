package org.encodertraces.spark.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The options every {@code traces spark} command shares: where the job runs.
 *
 * <p>Why: without {@code --master} the master is spark-submit's; a command must never override it.
 */
final class SparkOptions {
    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master, e.g. local[2] (in this process; local[N,F] retries a failed task F-1 times), spark://HOST:7077,"
                    + " yarn (default: the one spark-submit sets)")
    String master;

    @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "a Spark setting, e.g. spark.executor.memory=8g; repeatable")
    List<String> conf = new ArrayList<>();
}
