package org.encodertraces.spark;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.net.URI;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;

/**
 * Which jars are Spark's (the distribution a cluster already has) and which are ours (the
 * application jars a driver must ship to executors with {@code spark.jars}).
 *
 * <p>Why: Maven resolves Spark and its dependencies as {@code provided}; the build writes their list
 * to {@code spark/target/spark-classpath.txt}, and the {@code ./traces} launcher (and the tests) name
 * that file in the system property {@value #PROPERTY}. A standalone cluster's {@code SPARK_HOME/jars}
 * is laid out from it, and a driver ships every other entry of its class path: our code, ONNX Runtime
 * (its natives are inside its jar) and the other libraries our code needs. Class folders (a build's
 * {@code target/classes}) are packed into jars first, since {@code spark.jars} takes files only; a
 * jar that only names others in its manifest (surefire's) stands for the jars it names.
 *
 * @param jars Spark's jars, absolute paths
 */
public record SparkDistribution(List<Path> jars) {
    /** The system property naming the file that lists Spark's jars (class-path syntax). */
    public static final String PROPERTY = "traces.spark.distribution";

    /** Copies. */
    public SparkDistribution {
        jars = List.copyOf(jars);
    }

    /**
     * The distribution named by {@value #PROPERTY}.
     *
     * @throws IOException when the property is unset or its file is unreadable or lists a missing jar
     */
    public static SparkDistribution fromSystemProperty() throws IOException {
        String file = System.getProperty(PROPERTY);
        if (file == null || file.isBlank()) {
            throw new IOException("the list of Spark's jars is unknown (system property " + PROPERTY + " unset): run through"
                    + " ./traces, which sets it to spark/target/spark-classpath.txt, or pass -D" + PROPERTY + "=FILE");
        }
        Path p = Path.of(file);
        if (!Files.isRegularFile(p)) {
            throw new IOException(p + " (the list of Spark's jars, " + PROPERTY + ") does not exist: build the spark module"
                    + " (mvn -DskipTests package -pl core,spark -am)");
        }
        List<Path> jars = new ArrayList<>();
        for (String e : Files.readString(p, StandardCharsets.UTF_8).strip().split(File.pathSeparator)) {
            if (e.isBlank()) {
                continue;
            }
            Path j = Path.of(e).toAbsolutePath().normalize();
            if (!Files.isRegularFile(j)) {
                throw new IOException(p + " lists " + j + ", which does not exist: rebuild the spark module");
            }
            jars.add(j);
        }
        if (jars.isEmpty()) {
            throw new IOException(p + " lists no jars");
        }
        return new SparkDistribution(jars);
    }

    /** The class path of a Spark daemon (master, worker): the distribution's jars. */
    public String classPath() {
        return String.join(File.pathSeparator, jars.stream().map(Path::toString).toList());
    }

    /**
     * The application jars for {@code spark.jars}: every entry of {@code classPath} that is not one of
     * Spark's jars, in order; class folders are packed into jars under {@code workDir}.
     */
    public List<Path> applicationJars(String classPath, Path workDir) throws IOException {
        Set<Path> spark = new HashSet<>(jars);
        List<Path> entries = new ArrayList<>();
        for (String e : classPath.split(File.pathSeparator)) {
            if (!e.isBlank()) {
                expand(Path.of(e).toAbsolutePath().normalize(), entries, new HashSet<>());
            }
        }
        List<Path> out = new ArrayList<>();
        int folder = 0;
        for (Path p : entries) {
            if (spark.contains(p) || out.contains(p)) {
                continue;
            }
            if (Files.isDirectory(p)) {
                // spark.jars needs distinct file names: target/classes of two modules would clash
                Path module = p.getParent() == null || p.getParent().getParent() == null ? p : p.getParent().getParent();
                Path jar = workDir.resolve(String.format("classes-%02d-%s-%s.jar", folder++, module.getFileName(), p.getFileName()));
                pack(p, jar);
                out.add(jar);
            } else {
                out.add(p);
            }
        }
        return out;
    }

    /**
     * Adds the class-path entry {@code p} to {@code entries}, or, for a jar whose manifest has a
     * {@code Class-Path} and no classes (a launcher's jar, such as surefire's), the entries it names.
     */
    private static void expand(Path p, List<Path> entries, Set<Path> seen) throws IOException {
        if (!seen.add(p) || !Files.exists(p)) {
            return;
        }
        if (Files.isDirectory(p)) {
            entries.add(p);
            return;
        }
        if (!p.getFileName().toString().endsWith(".jar")) {
            return;
        }
        try (JarFile jar = new JarFile(p.toFile())) {
            Manifest m = jar.getManifest();
            String cp = m == null ? null : m.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
            boolean manifestOnly = jar.stream().allMatch(e -> e.getName().startsWith("META-INF/"));
            if (cp != null && manifestOnly) {
                for (String ref : cp.trim().split("\\s+")) {
                    URI u = p.toUri().resolve(ref);
                    expand(Path.of(u).toAbsolutePath().normalize(), entries, seen);
                }
                return;
            }
        }
        entries.add(p);
    }

    /** Packs the class folder {@code dir} into {@code jar}. */
    static void pack(Path dir, Path jar) throws IOException {
        Files.createDirectories(jar.getParent());
        try (OutputStream os = Files.newOutputStream(jar); JarOutputStream z = new JarOutputStream(os);
             var files = Files.walk(dir)) {
            for (Path f : files.sorted().toList()) {
                String name = dir.relativize(f).toString().replace(File.separatorChar, '/');
                if (name.isEmpty()) {
                    continue;
                }
                if (Files.isDirectory(f)) {
                    z.putNextEntry(new ZipEntry(name + "/"));
                } else {
                    z.putNextEntry(new ZipEntry(name));
                    Files.copy(f, z);
                }
                z.closeEntry();
            }
        }
    }
}
