package org.encodertraces.spark.cli;

import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * The Spark context a {@code traces spark} command runs on: the one already running in this JVM
 * (a test's, a notebook's; its master and settings stay as they are), or a new one with the master of {@code --master} or, without it, the
 * one {@code spark-submit} set; closing stops only a context this command created.
 *
 * <p>Why: code that always calls {@code .master(...)} would override {@code spark-submit --master};
 * and an in-process run inside a network namespace needs the driver bound to the loopback address.
 */
final class SparkSessions implements AutoCloseable {
    private final SparkSession session;
    private final boolean owned;

    private SparkSessions(SparkSession session, boolean owned) {
        this.session = session;
        this.owned = owned;
    }

    /**
     * The running session, or a new one.
     *
     * @param master {@code --master}, or null to take spark-submit's
     * @param conf {@code --conf KEY=VALUE} settings
     * @throws IllegalArgumentException when there is no master at all, or a setting is malformed
     */
    static SparkSessions open(String master, List<String> conf, String appName) {
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
            return new SparkSessions(running.get(), false);
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
        SparkSession s = SparkSession.builder().config(sc).getOrCreate();
        return new SparkSessions(s, true);
    }

    /** The Java view of the context. */
    JavaSparkContext context() {
        return JavaSparkContext.fromSparkContext(session.sparkContext());
    }

    @Override
    public void close() {
        if (owned) {
            session.stop();
        }
    }
}
