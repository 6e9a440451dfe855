package org.encodertraces.spark;

/**
 * The main class for {@code spark-submit}: {@code spark-submit --class org.encodertraces.spark.SparkMain
 * encoder-traces-spark-submit.jar embed|knn ARGS} runs {@code traces spark embed|knn ARGS} with the
 * master spark-submit was given.
 *
 * <p>Why: spark-submit needs a class to start; the commands themselves live in the CLI.
 */
public final class SparkMain {
    private SparkMain() {
    }

    /** Runs {@code traces spark ARGS} and exits with its status. */
    public static void main(String[] args) {
        String[] all = new String[args.length + 1];
        all[0] = "spark";
        System.arraycopy(args, 0, all, 1, args.length);
        System.exit(org.encodertraces.cli.TracesCli.commandLine().execute(all));
    }
}
