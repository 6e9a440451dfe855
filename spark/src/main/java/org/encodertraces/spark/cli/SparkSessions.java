package org.encodertraces.spark.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.encodertraces.io.AtomicFiles;
import org.encodertraces.spark.SparkDistribution;

/**
 * The Spark context a {@code traces spark} command runs on: the one already running in this JVM
 * (a test's, a notebook's; its master and settings stay as they are), or a new one with the master of {@code --master} or, without it, the
 * one {@code spark-submit} set; closing stops only a context this command created.
 *
 * <p>Why: code that always calls {@code .master(...)} would override {@code spark-submit --master};
 * and an in-process run inside a network namespace needs the driver bound to the loopback address.
 * With a {@code spark://} master and a driver in this JVM (not spark-submit's, which ships its own
 * jar), the executors are other JVMs: our jars and the libraries they need (ONNX Runtime and its
 * natives) go to them through {@code spark.jars} ({@link SparkDistribution#applicationJars}).
 */
final class SparkSessions implements AutoCloseable {
    private final SparkSession session;
    private final boolean owned;
    private final Path shipped;

    private SparkSessions(SparkSession session, boolean owned, Path shipped) {
        this.session = session;
        this.owned = owned;
        this.shipped = shipped;
    }

    /**
     * The running session, or a new one.
     *
     * @param master {@code --master}, or null to take spark-submit's
     * @param conf {@code --conf KEY=VALUE} settings
     * @throws IllegalArgumentException when there is no master at all, or a setting is malformed
     * @throws IOException when a {@code spark://} master needs our jars shipped and Spark's own are not known
     */
    static SparkSessions open(String master, List<String> conf, String appName) throws IOException {
        SparkConf sc = new SparkConf(true);
        for (String kv : conf) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--conf " + kv + ": expected KEY=VALUE");
            }
            sc.set(kv.substring(0, eq), kv.substring(eq + 1));
        }
        scala.Option<SparkSession> running = SparkSession.getDefaultSession();
        if (running.isDefined()) {
            return new SparkSessions(running.get(), false, null);
        }
        if (master == null && !sc.contains("spark.master")) {
            throw new IllegalArgumentException("no Spark master: pass --master local[N] to run in this process, or start the jar"
                    + " with spark-submit --master URL");
        }
        if (master != null) {
            sc.setMaster(master);
        }
        if (!sc.contains("spark.app.name")) {
            sc.setAppName(appName);
        }
        if (sc.get("spark.master").startsWith("local")) {
            // in-process: no web UI to serve, and an address that exists even inside a network namespace
            sc.setIfMissing("spark.ui.enabled", "false");
            if (System.getenv("SPARK_LOCAL_IP") == null) {
                sc.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
                sc.setIfMissing("spark.driver.host", "127.0.0.1");
            }
        }
        Path shipped = null;
        String m = sc.get("spark.master");
        if (m.startsWith("spark://") && !sc.contains("spark.submit.deployMode") && !sc.contains("spark.jars")) {
            // a driver in this JVM (not spark-submit's): executors in JVMs of their own need our jars, ONNX Runtime's included
            shipped = Files.createTempDirectory("traces-spark-jars-");
            try {
                List<Path> jars = SparkDistribution.fromSystemProperty().applicationJars(System.getProperty("java.class.path"), shipped);
                sc.set("spark.jars", String.join(",", jars.stream().map(Path::toString).toList()));
            } catch (IOException e) {
                AtomicFiles.deleteTree(shipped);
                throw new IOException(e.getMessage() + " (needed to ship our jars to the executors of " + m
                        + "; or set --conf spark.jars=JAR[,JAR...] yourself)", e);
            }
            String host = m.substring("spark://".length()).replaceFirst(":.*", "");
            if (System.getenv("SPARK_LOCAL_IP") == null && (host.equals("127.0.0.1") || host.equals("localhost"))) {
                // a cluster on loopback reaches the driver there
                sc.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
                sc.setIfMissing("spark.driver.host", "127.0.0.1");
            }
        }
        try {
            SparkSession s = SparkSession.builder().config(sc).getOrCreate();
            return new SparkSessions(s, true, shipped);
        } catch (RuntimeException e) {
            if (shipped != null) {
                AtomicFiles.deleteTree(shipped);
            }
            throw e;
        }
    }

    /** The Java view of the context. */
    JavaSparkContext context() {
        return JavaSparkContext.fromSparkContext(session.sparkContext());
    }

    @Override
    public void close() throws IOException {
        if (owned) {
            session.stop();
        }
        if (shipped != null) {
            AtomicFiles.deleteTree(shipped);
        }
    }
}
