package org.encodertraces.spark;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A folder on any Hadoop file system ({@code file:}, {@code hdfs:}, {@code s3a:}, ...) with the
 * few operations the Spark jobs need: is it the local file system (then our library writes into
 * it directly), copy a local file in or out, and commit a file by renaming a temporary.
 *
 * <p>Why: outputs go through Hadoop's FileSystem API so that a cluster's storage works by
 * configuration alone, while the library code below keeps working on {@link java.nio.file.Path}.
 * The Hadoop configuration travels to executors as a plain map ({@link #conf()}).
 *
 * @param uri the folder, fully qualified (scheme and authority)
 * @param settings the Hadoop configuration entries to rebuild it with on an executor
 */
public record HadoopFiles(String uri, Map<String, String> settings) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The folder {@code location} (a URI or a local path, relative to the working directory) qualified under {@code conf}. */
    public static HadoopFiles of(String location, Configuration conf) throws IOException {
        Path p = new Path(location);
        FileSystem fs = p.getFileSystem(conf);
        Map<String, String> m = new LinkedHashMap<>();
        conf.forEach(e -> m.put(e.getKey(), e.getValue()));
        return new HadoopFiles(fs.makeQualified(p).toString(), m);
    }

    /** The Hadoop configuration this folder was opened with. */
    public Configuration conf() {
        Configuration c = new Configuration(false);
        settings.forEach(c::set);
        return c;
    }

    /** The file system holding the folder. */
    public FileSystem fs() throws IOException {
        return new Path(uri).getFileSystem(conf());
    }

    /** A path below the folder. */
    public Path resolve(String relative) {
        return new Path(uri + "/" + relative);
    }

    /** A sub-folder as a folder of its own. */
    public HadoopFiles child(String relative) {
        return new HadoopFiles(resolve(relative).toString(), settings);
    }

    /** Whether the folder is on this machine's file system, {@code file:} (our library can then write it in place). */
    public boolean isLocal() throws IOException {
        return fs() instanceof LocalFileSystem;
    }

    /** The folder as a local path; only for {@link #isLocal()} folders. */
    public java.nio.file.Path localPath() throws IOException {
        return ((LocalFileSystem) fs()).pathToFile(new Path(uri)).toPath();
    }

    /** Whether {@code relative} exists below the folder. */
    public boolean exists(String relative) throws IOException {
        return fs().exists(resolve(relative));
    }

    /**
     * Copies a local file to {@code relative} below the folder: written under a temporary name,
     * then renamed, so a reader never sees half a file.
     */
    public void upload(java.nio.file.Path local, String relative) throws IOException {
        FileSystem fs = fs();
        Path target = resolve(relative);
        Path tmp = new Path(target.getParent(), "." + target.getName() + ".tmp-" + java.util.UUID.randomUUID());
        fs.mkdirs(target.getParent());
        fs.copyFromLocalFile(false, true, new Path(local.toUri()), tmp);
        fs.delete(target, false);
        if (!fs.rename(tmp, target)) {
            fs.delete(tmp, false);
            throw new IOException("could not move " + tmp + " to " + target);
        }
    }

    /** Copies {@code relative} below the folder to a local file. */
    public void download(String relative, java.nio.file.Path local) throws IOException {
        Files.createDirectories(local.toAbsolutePath().getParent());
        fs().copyToLocalFile(false, resolve(relative), new Path(local.toAbsolutePath().toUri()), true);
    }

    /** Deletes the folder {@code relative} below the folder when it exists and is empty. */
    public void deleteIfEmpty(String relative) throws IOException {
        FileSystem fs = fs();
        Path p = resolve(relative);
        if (fs.exists(p) && fs.listStatus(p).length == 0) {
            fs.delete(p, false);
        }
    }

    /** Deletes {@code relative} below the folder, recursively. */
    public void delete(String relative) throws IOException {
        fs().delete(resolve(relative), true);
    }
}
