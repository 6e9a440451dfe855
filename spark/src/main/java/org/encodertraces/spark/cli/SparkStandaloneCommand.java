package org.encodertraces.spark.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.encodertraces.cli.UsageException;
import org.encodertraces.spark.SparkDistribution;
import org.encodertraces.spark.StandaloneCluster;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code traces spark standalone}: a Spark standalone master and workers on this machine, until Ctrl-C. */
@Command(name = "standalone", mixinStandardHelpOptions = true,
        header = "Start a Spark standalone cluster on this machine (loopback), for trying and testing the cluster path.",
        description = {"Starts a Spark standalone master and N workers, each a JVM of its own, from the Spark jars Maven fetched"
                        + " (a SPARK_HOME is laid out in a temporary folder), prints the master URL (spark://127.0.0.1:PORT) and the"
                        + " web UI, and runs until Ctrl-C or SIGTERM, which stop every JVM it started, executors included. Point"
                        + " 'traces spark embed|knn --master URL' at it; a real cluster is used the same way with its own URL.",
                "Exit status: 130 (or 143 on SIGTERM) when stopped, 1 when a master or worker died, 2 bad usage or a cluster"
                        + " that did not start."})
public final class SparkStandaloneCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--workers", defaultValue = "2", description = "worker JVMs (default ${DEFAULT-VALUE})")
    int workers;

    @Option(names = "--cores", defaultValue = "1", description = "cores each worker offers (default ${DEFAULT-VALUE})")
    int cores;

    @Option(names = "--memory", defaultValue = "1g", paramLabel = "SIZE",
            description = "memory each worker offers its executors, e.g. 512m, 4g (default ${DEFAULT-VALUE}); an application's"
                    + " spark.executor.memory (default 1g) must fit in it")
    String memory;

    @Option(names = "--daemon-memory", defaultValue = "256m", paramLabel = "SIZE",
            description = "heap of the master and worker JVMs (default ${DEFAULT-VALUE})")
    String daemonMemory;

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        StandaloneCluster.Settings settings;
        try {
            if (!daemonMemory.matches("[1-9][0-9]*[mMgG]")) {
                throw new IllegalArgumentException("--daemon-memory " + daemonMemory + ": expected a size such as 256m or 1g");
            }
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            settings = new StandaloneCluster.Settings(workers, cores, memory, daemonMemory, java, SparkDistribution.fromSystemProperty(),
                    Files.createTempDirectory("traces-spark-standalone-"), Duration.ofMinutes(3));
        } catch (IllegalArgumentException | IOException e) {
            throw new UsageException(e);
        }
        StandaloneCluster cluster;
        try {
            cluster = StandaloneCluster.start(settings);
        } catch (IOException e) {
            throw new UsageException("the standalone cluster did not start: " + e.getMessage(), e);
        }
        Thread hook = new Thread(cluster::close, "traces-spark-standalone-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        o.printf("Spark standalone master: %s%n", cluster.masterUrl());
        o.printf("web UI: %s%n", cluster.webUi());
        o.printf("%d worker(s) x %d core(s), %s each for executors (pids %s); logs in %s%n", workers, cores, memory,
                cluster.daemons().values().stream().map(h -> Long.toString(h.pid())).toList(), cluster.logs());
        o.printf("run jobs with: traces spark embed|knn --master %s ...  (Ctrl-C stops the cluster)%n", cluster.masterUrl());
        o.flush();
        String failure = cluster.awaitFailure();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // shutting down: the hook stops the cluster
        }
        cluster.close();
        if (failure != null) {
            err.println("traces spark standalone: " + failure + "; the cluster was stopped");
            err.flush();
            return 1;
        }
        return 0;
    }
}
