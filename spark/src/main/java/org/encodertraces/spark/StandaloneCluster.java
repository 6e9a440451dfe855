package org.encodertraces.spark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.encodertraces.io.AtomicFiles;

/**
 * A Spark standalone cluster on the loopback address: one master and N workers, each a JVM of its
 * own started from Spark's jars ({@link SparkDistribution}); the workers start executors, JVMs of
 * their own too, for every application. For trying and testing the cluster path on one machine; a
 * real cluster is reached the same way, by its {@code spark://HOST:PORT}.
 *
 * <p>What a worker needs: a {@code SPARK_HOME} whose {@code jars/} holds Spark's jars (it builds each
 * executor's command line, {@code java -cp SPARK_HOME/jars/* ... CoarseGrainedExecutorBackend}, from
 * it) and {@code SPARK_SCALA_VERSION}; this class lays one out under its folder with links to the
 * jars Maven fetched. The master and the workers bind to 127.0.0.1 on free ports; their addresses
 * are read from their logs.
 *
 * <p>Stopping ({@link #close()}, also from a shutdown hook) ends the workers first (SIGTERM, which
 * makes a worker kill its executors; then SIGKILL for whatever is left of it or of its executors),
 * then the master, and deletes the folder: no JVM outlives the cluster.
 */
public final class StandaloneCluster implements AutoCloseable {
    private static final Pattern MASTER_URL = Pattern.compile("Starting Spark master at (spark://\\S+)");
    private static final Pattern WEB_UI = Pattern.compile("Bound \\w+WebUI to \\S+, and started at (http://\\S+)");
    private static final Pattern REGISTERED = Pattern.compile("Successfully registered with master");
    private static final Pattern MEMORY = Pattern.compile("[1-9][0-9]*[mMgG]");

    /**
     * How to start the cluster.
     *
     * @param workers how many workers
     * @param cores cores each worker offers
     * @param memory memory each worker offers to executors, e.g. {@code 1g}, {@code 512m}
     * @param daemonHeap heap of the master and worker JVMs, e.g. {@code 256m}
     * @param java the java executable for the daemons and executors
     * @param distribution Spark's jars
     * @param dir an empty folder for SPARK_HOME, the workers' work folders and the logs
     * @param startTimeout how long to wait for each daemon to come up
     */
    public record Settings(int workers, int cores, String memory, String daemonHeap, Path java, SparkDistribution distribution,
                           Path dir, Duration startTimeout) {
        /** Validates. */
        public Settings {
            if (workers < 1 || cores < 1) {
                throw new IllegalArgumentException("--workers and --cores must be at least 1, got " + workers + " and " + cores);
            }
            if (!MEMORY.matcher(memory).matches()) {
                throw new IllegalArgumentException("--memory " + memory + ": expected a size such as 512m or 2g");
            }
        }
    }

    private final Settings settings;
    private final List<Process> workers = new ArrayList<>();
    private final List<String> workerUis = new ArrayList<>();
    private Process master;
    private String masterUrl;
    private String masterUi;
    private boolean closed;

    private StandaloneCluster(Settings settings) {
        this.settings = settings;
    }

    /**
     * Starts the master and the workers and waits until every worker has registered.
     *
     * @throws IOException when a daemon does not start or exits (the message holds the end of its log);
     *     whatever was started is stopped
     */
    public static StandaloneCluster start(Settings s) throws IOException, InterruptedException {
        StandaloneCluster c = new StandaloneCluster(s);
        try {
            c.startAll();
            return c;
        } catch (IOException | InterruptedException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private void startAll() throws IOException, InterruptedException {
        Path home = settings.dir().resolve("spark-home");
        Path jars = home.resolve("jars");
        Files.createDirectories(jars);
        for (Path j : settings.distribution().jars()) {
            Path link = jars.resolve(j.getFileName());
            if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                Files.createSymbolicLink(link, j);
            }
        }
        Files.createDirectories(home.resolve("conf"));
        Path logs = settings.dir().resolve("logs");
        Files.createDirectories(logs);
        Path masterLog = logs.resolve("master.log");
        synchronized (this) {
            master = launch("org.apache.spark.deploy.master.Master", List.of("--host", "127.0.0.1", "--port", "0", "--webui-port", "0"),
                    home, masterLog);
        }
        masterUrl = await(master, masterLog, MASTER_URL, "the master");
        masterUi = await(master, masterLog, WEB_UI, "the master's web UI");
        for (int i = 1; i <= settings.workers(); i++) {
            Path work = settings.dir().resolve("work-" + i);
            Files.createDirectories(work);
            Path log = logs.resolve("worker-" + i + ".log");
            Process w;
            synchronized (this) {
                if (closed) {
                    throw new InterruptedException("stopped while starting");
                }
                w = launch("org.apache.spark.deploy.worker.Worker", List.of("--host", "127.0.0.1", "--port", "0", "--webui-port", "0",
                        "--cores", Integer.toString(settings.cores()), "--memory", settings.memory(), "--work-dir", work.toString(),
                        masterUrl), home, log);
                workers.add(w);
            }
            workerUis.add(await(w, log, WEB_UI, "worker " + i + "'s web UI"));
            await(w, log, REGISTERED, "worker " + i + "'s registration with the master");
        }
    }

    private Process launch(String mainClass, List<String> args, Path home, Path log) throws IOException {
        // the jars by wildcard, as Spark's own scripts do: a short command line
        List<String> cmd = new ArrayList<>(List.of(settings.java().toString(), "-Xmx" + settings.daemonHeap(), "-cp",
                home.resolve("jars") + java.io.File.separator + "*", mainClass));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
        Map<String, String> env = pb.environment();
        env.put("SPARK_HOME", home.toString());
        env.put("SPARK_SCALA_VERSION", "2.13");
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        env.put("SPARK_CONF_DIR", home.resolve("conf").toString());
        Path javaHome = settings.java().toAbsolutePath().getParent().getParent();
        env.put("JAVA_HOME", javaHome.toString());
        return pb.start();
    }

    private static java.io.File nullDevice() {
        return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }

    /** Waits for {@code pattern} in the log; returns its first group (or the match). */
    private String await(Process p, Path log, Pattern pattern, String what) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + settings.startTimeout().toNanos();
        while (true) {
            String text = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
            Matcher m = pattern.matcher(text);
            if (m.find()) {
                return m.groupCount() > 0 ? m.group(1) : m.group();
            }
            if (!p.isAlive()) {
                throw new IOException(what + " did not start: the JVM exited with status " + p.exitValue() + "; end of " + log
                        + ":\n" + tail(text));
            }
            if (System.nanoTime() > deadline) {
                throw new IOException(what + " did not start within " + settings.startTimeout().toSeconds() + " s; end of " + log
                        + ":\n" + tail(text));
            }
            Thread.sleep(100);
        }
    }

    private static String tail(String text) {
        List<String> lines = text.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    }

    /** The master's URL, {@code spark://127.0.0.1:PORT}. */
    public String masterUrl() {
        return masterUrl;
    }

    /** The master's web UI. */
    public String webUi() {
        return masterUi;
    }

    /** The workers' web UIs, in order. */
    public List<String> workerUis() {
        return List.copyOf(workerUis);
    }

    /** The folder of the master's and workers' logs (executors' logs are under {@code work-N/APP/EXECUTOR/}). */
    public Path logs() {
        return settings.dir().resolve("logs");
    }

    /** The daemons, by name ({@code master}, {@code worker-1}, ...), while they run. */
    public synchronized Map<String, ProcessHandle> daemons() {
        Map<String, ProcessHandle> m = new LinkedHashMap<>();
        if (master != null) {
            m.put("master", master.toHandle());
        }
        for (int i = 0; i < workers.size(); i++) {
            m.put("worker-" + (i + 1), workers.get(i).toHandle());
        }
        return m;
    }

    /**
     * Blocks until a daemon exits (it should not while the cluster is up); returns its name and status,
     * or null when the cluster was closed.
     */
    public String awaitFailure() throws InterruptedException {
        while (true) {
            synchronized (this) {
                if (closed) {
                    return null;
                }
                for (Map.Entry<String, ProcessHandle> e : daemons().entrySet()) {
                    if (!e.getValue().isAlive()) {
                        Process p = e.getKey().equals("master") ? master : workers.get(Integer.parseInt(e.getKey().substring(7)) - 1);
                        return e.getKey() + " exited with status " + p.exitValue() + " (see " + logs() + ")";
                    }
                }
            }
            Thread.sleep(500);
        }
    }

    /** Stops the workers (and so their executors), then the master; deletes the folder. Idempotent. */
    @Override
    public void close() {
        List<Process> stop;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            stop = new ArrayList<>(workers);
            if (master != null) {
                stop.add(master);
            }
        }
        for (Process p : stop) {
            stop(p);
        }
        try {
            AtomicFiles.deleteTree(settings.dir());
        } catch (IOException e) {
            // a folder under the temporary directory: left for the system to clean
        }
    }

    /** SIGTERM, a grace period, then SIGKILL for the process and anything it started that is still running. */
    private static void stop(Process p) {
        List<ProcessHandle> started = p.descendants().toList();
        p.destroy();
        try {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        for (ProcessHandle h : started) {
            if (h.isAlive()) {
                h.destroyForcibly();
                try {
                    h.onExit().get(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    // gone or going
                }
            }
        }
    }
}
