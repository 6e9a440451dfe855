package org.encodertraces.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a driver ships to a {@code spark://} cluster's executors: every class-path entry but Spark's
 * jars, class folders packed into jars of distinct names, a manifest-only jar (surefire's) replaced by
 * the entries it names; and the list of Spark's jars the build writes, with its errors in words.
 */
class SparkDistributionTest {
    @TempDir
    Path tmp;

    static Path jar(Path file, String classPath, String... entries) throws IOException {
        Files.createDirectories(file.getParent());
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (classPath != null) {
            m.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath);
        }
        try (OutputStream os = Files.newOutputStream(file); JarOutputStream z = new JarOutputStream(os, m)) {
            for (String e : entries) {
                z.putNextEntry(new ZipEntry(e));
                z.write(1);
                z.closeEntry();
            }
        }
        return file;
    }

    @Test
    void shipsEverythingButSparksJarsAndPacksClassFolders() throws IOException {
        Path spark = jar(tmp.resolve("m2/spark-core.jar"), null, "org/apache/spark/A.class");
        Path onnx = jar(tmp.resolve("m2/onnxruntime.jar"), null, "ai/onnxruntime/B.class", "ai/onnxruntime/native/libx.so");
        Path core = tmp.resolve("core/target/classes");
        Path sparkModule = tmp.resolve("spark/target/classes");
        Files.createDirectories(core.resolve("org/encodertraces"));
        Files.writeString(core.resolve("org/encodertraces/C.class"), "c");
        Files.createDirectories(sparkModule.resolve("org/encodertraces/spark"));
        Files.writeString(sparkModule.resolve("org/encodertraces/spark/D.class"), "d");
        // a launcher jar naming the rest in its manifest, as surefire's booter does
        Path booter = jar(tmp.resolve("boot/booter.jar"), core.toUri() + " " + sparkModule.toUri() + " " + spark.toUri() + " "
                + onnx.toUri());
        SparkDistribution d = new SparkDistribution(List.of(spark));
        List<Path> shipped = d.applicationJars(booter.toString(), tmp.resolve("out"));
        assertEquals(3, shipped.size(), shipped.toString());
        assertEquals(onnx, shipped.get(2));
        assertTrue(shipped.get(0).getFileName().toString().contains("core-classes")
                && shipped.get(1).getFileName().toString().contains("spark-classes"), "distinct names: " + shipped);
        try (JarFile j = new JarFile(shipped.get(0).toFile())) {
            assertTrue(j.getEntry("org/encodertraces/C.class") != null, "the class folder was packed");
        }
        assertTrue(shipped.stream().noneMatch(p -> p.equals(spark) || p.equals(booter)), "neither Spark's jar nor the booter: " + shipped);
    }

    @Test
    void theListOfSparksJarsIsReadWithErrorsThatNameTheFile() throws IOException {
        String before = System.getProperty(SparkDistribution.PROPERTY);
        try {
            Path spark = jar(tmp.resolve("spark-core.jar"), null, "A.class");
            Path list = tmp.resolve("spark-classpath.txt");
            Files.writeString(list, spark + File.pathSeparator + tmp.resolve("gone.jar"));
            System.setProperty(SparkDistribution.PROPERTY, list.toString());
            IOException missing = assertThrows(IOException.class, SparkDistribution::fromSystemProperty);
            assertTrue(missing.getMessage().contains(list.toString()) && missing.getMessage().contains("gone.jar"), missing.getMessage());
            Files.writeString(list, spark.toString());
            assertEquals(List.of(spark), SparkDistribution.fromSystemProperty().jars());
            System.clearProperty(SparkDistribution.PROPERTY);
            IOException unset = assertThrows(IOException.class, SparkDistribution::fromSystemProperty);
            assertTrue(unset.getMessage().contains("./traces"), unset.getMessage());
        } finally {
            if (before == null) {
                System.clearProperty(SparkDistribution.PROPERTY);
            } else {
                System.setProperty(SparkDistribution.PROPERTY, before);
            }
        }
    }
}
