package org.encodertraces.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.encodertraces.Requirements;
import org.encodertraces.image.ChromaSubsampling;
import org.encodertraces.image.JpegCodec;
import org.encodertraces.image.RgbImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 23 (part A) cases that need a process of their own or a machine setting: repeated
 * Ctrl-C and {@code kill -9} during {@code process} (ImageIO's spool files, its shutdown stack
 * trace), a full disk (a 3 MB tmpfs), a 48 MiB heap, and a file the process may not read.
 */
class HostileRunsProcessTest {
    @TempDir
    Path tmp;

    /** {@code java [jvmArgs] -cp <test classpath> TracesCli args}, output to {@code log}. */
    private static ProcessBuilder child(List<String> prefix, List<String> jvmArgs, Path log, String... args) {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), TracesCli.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    }

    private static long count(Path dir, String regex) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(f -> f.getFileName().toString().matches(regex)).count();
        }
    }

    private static final String IMAGEIO = "imageio.*\\.tmp";

    /** Waits until {@code n} PNGs are written, counting on the way whether ImageIO spooled anything to {@code jtmp}. */
    private static boolean awaitOutputsWatchingSpool(Process p, Path out, int n, Path jtmp, Path log) throws Exception {
        boolean spooled = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (count(out, ".*\\.png") < n && p.isAlive() && System.nanoTime() < deadline) {
            spooled |= count(jtmp, IMAGEIO) > 0;
            Thread.sleep(5);
        }
        assertTrue(count(out, ".*\\.png") >= n && p.isAlive(), "the child should be mid-run: " + Files.readString(log));
        for (int i = 0; i < 100; i++) { // keep watching while it writes the next ones
            spooled |= count(jtmp, IMAGEIO) > 0;
            Thread.sleep(5);
        }
        return spooled;
    }

    private static void signal(Process p, String sig) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + sig, Long.toString(p.pid())).start().waitFor());
    }

    /**
     * Ctrl-C twice during {@code process} printed ImageIO's "Exception in thread StreamCloser" stack
     * trace (its shutdown hook closing the workers' spool streams), and {@code kill -9} left an
     * {@code imageio*.tmp} in the temporary folder each time. With ImageIO's disk cache off nothing
     * is spooled at all: the resume line once, exit 130, no stack trace, no temporary left.
     */
    @Test
    void processInterruptedTwiceOrKilledLeavesNoStackTraceAndNoImageioSpoolFile() throws Exception {
        Path big = tmp.resolve("big");
        for (int i = 0; i < 12; i++) {
            ReliabilityProcessTest.gradientJpeg(big.resolve(String.format("g%02d.jpg", i)), 1200, 900, i);
        }
        Path jtmp = Files.createDirectories(tmp.resolve("java-tmp"));
        List<String> jvm = List.of("-Xmx512m", "-Djava.io.tmpdir=" + jtmp);
        Path out = tmp.resolve("processed");
        String[] process = {"process", "--op", "RESIZE_DOUBLE,SHARPEN_4,JPEG85_444", "--threads", "2", "-o", out.toString(), big.toString()};

        Path log = tmp.resolve("int.log");
        Process p = child(List.of(), jvm, log, process).start();
        boolean spooled = awaitOutputsWatchingSpool(p, out, 2, jtmp, log);
        signal(p, "INT");
        Thread.sleep(150);
        if (p.isAlive()) {
            signal(p, "INT");
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String text = Files.readString(log);
        assertEquals(130, p.exitValue(), text);
        assertEquals(1, text.split("traces process: interrupted; rerun the same command to resume", -1).length - 1,
                "the resume line once: " + text);
        assertFalse(text.contains("Exception") || text.contains("\tat "), "no stack trace: " + text);

        Path log2 = tmp.resolve("kill.log");
        Process q = child(List.of(), jvm, log2, process).start();
        spooled |= awaitOutputsWatchingSpool(q, out, (int) count(out, ".*\\.png") + 2, jtmp, log2);
        q.destroyForcibly().waitFor(); // kill -9
        assertFalse(spooled, "ImageIO spooled PNG writes to " + jtmp);
        assertEquals(0, count(jtmp, IMAGEIO), "no imageio*.tmp left by kill -9");
    }

    /** Noise JPEGs: their PNG outputs are about 470 KB each, so a few fill 3 MB. */
    private static Path noise(Path dir, int n) throws IOException {
        Random r = new Random(7);
        for (int i = 0; i < n; i++) {
            byte[] px = new byte[400 * 400 * 3];
            r.nextBytes(px);
            Files.createDirectories(dir);
            Files.write(dir.resolve(String.format("n%02d.jpg", i)), JpegCodec.encode(new RgbImage(400, 400, px), 95, ChromaSubsampling.S444));
        }
        return dir;
    }

    /**
     * {@code process} onto a 3 MB tmpfs: it used to fail every input after the disk filled with
     * "javax.imageio.IIOException: I/O error writing PNG file!" and a StreamCloser stack trace.
     * It stops at the first full write with one message, keeps only complete outputs, exit 1.
     * Needs a tmpfs mount (root, as CI runs); skipped, saying so, where mounting is not allowed.
     */
    @Test
    void processOntoAFullDiskStopsWithOneMessageAndNothingHalfWritten() throws Exception {
        Path in = noise(tmp.resolve("noise"), 12);
        Path mnt = Files.createDirectories(tmp.resolve("tiny"));
        Process m = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", mnt.toString()).redirectErrorStream(true).start();
        String why = new String(m.getInputStream().readAllBytes());
        Requirements.skipUnless(m.waitFor() == 0, "cannot mount a 3 MB tmpfs to fill (needs root or CAP_SYS_ADMIN): " + why);
        try {
            Path out = mnt.resolve("out");
            CliRun r = CliRun.of("process", "--op", "SHARPEN_2", "--threads", "1", in.toString(), "-o", out.toString());
            assertEquals(1, r.exit(), r.out() + r.err());
            assertTrue(r.err().contains("traces process: the output disk is full: no space left writing") && r.err().contains("rerun the same command to resume"),
                    r.err());
            assertFalse(r.err().contains("IIOException") || r.err().contains("Exception") || r.err().contains("\tat "), r.err());
            assertFalse(r.err().contains("failed: "), "no input is blamed for the disk: " + r.err());
            long written = count(out, ".*\\.png");
            assertTrue(written > 0 && written < 12, "some outputs fitted: " + written);
            assertEquals(0, count(out, "\\..*\\.tmp"), "no temporary left");
            try (Stream<Path> s = Files.walk(out)) {
                for (Path png : s.filter(f -> f.toString().endsWith(".png")).toList()) {
                    // a complete PNG ends with its IEND chunk
                    byte[] b = Files.readAllBytes(png);
                    assertEquals("IEND", new String(b, b.length - 8, 4, java.nio.charset.StandardCharsets.US_ASCII), png.toString());
                }
            }
        } finally {
            new ProcessBuilder("umount", mnt.toString()).start().waitFor();
        }
    }

    /**
     * {@code TRACES_JAVA_OPTS=-Xmx48m traces audit} died of an OutOfMemoryError while embedding.
     * Such a heap is now refused before any embedding, naming the heap setting and --batch-size;
     * with a smaller batch it works.
     */
    @Test
    void anAuditInA48MiBHeapIsRefusedWithWhatToChangeAndRunsWithASmallerBatch() throws Exception {
        Path data = tmp.resolve("small");
        for (int i = 0; i < 60; i++) {
            ReliabilityProcessTest.jpeg(data.resolve((i % 2 == 0 ? "a/" : "b/") + String.format("%02d.jpg", i)), 64, 48, i);
        }
        List<String> jvm = List.of("-Xmx48m");
        Path log = tmp.resolve("audit.log");
        String[] audit = {"audit", "--images", data.toString(), "--model", "builtin:lowlevel-stats", "--tasks", "sharpening",
            "--trials", "2", "--seeds", "1", "--threads", "1", "--quiet", "-o", tmp.resolve("a").toString()};
        Process p = child(List.of(), jvm, log, audit).start();
        assertTrue(p.waitFor(180, TimeUnit.SECONDS));
        String text = Files.readString(log);
        assertEquals(2, p.exitValue(), text);
        assertFalse(text.contains("OutOfMemoryError") || text.contains("\tat "), text);
        assertTrue(text.contains("TRACES_JAVA_OPTS=-Xmx") && text.contains("--batch-size (32)"), text);

        List<String> smaller = new ArrayList<>(List.of(audit));
        smaller.addAll(smaller.indexOf("--quiet"), List.of("--batch-size", "4"));
        smaller.set(smaller.size() - 1, tmp.resolve("b").toString());
        Path log2 = tmp.resolve("audit2.log");
        Process q = child(List.of(), jvm, log2, smaller.toArray(String[]::new)).start();
        assertTrue(q.waitFor(180, TimeUnit.SECONDS));
        assertEquals(0, q.exitValue(), Files.readString(log2));
        assertTrue(Files.isRegularFile(tmp.resolve("b/report.html")));
    }

    /**
     * A photo the process may not read ({@code chmod 000}) was reported as "cannot read: PATH".
     * As root, chmod 000 denies nothing, so the child then runs under {@code setpriv} without the
     * capabilities that bypass file permissions (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH), which is
     * what a normal user is; elsewhere it runs as it is.
     */
    @Test
    void aPhotoThatMayNotBeReadSaysPermissionDenied() throws Exception {
        Path dir = tmp.resolve("in");
        ReliabilityProcessTest.jpeg(dir.resolve("ok.jpg"), 64, 48, 1);
        Path locked = ReliabilityProcessTest.jpeg(dir.resolve("locked.jpg"), 64, 48, 2);
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        boolean root = ((Number) Files.getAttribute(dir, "unix:uid")).intValue() == 0;
        List<String> prefix = List.of();
        if (root) {
            Path setpriv = Path.of("/usr/bin/setpriv");
            Requirements.skipUnless(Files.isExecutable(setpriv), "running as root, where chmod 000 denies nothing, and without"
                    + " /usr/bin/setpriv (util-linux) to drop the capabilities that bypass it");
            prefix = List.of(setpriv.toString(), "--bounding-set=-dac_override,-dac_read_search");
        }
        Path log = tmp.resolve("p.log");
        Process p = child(prefix, List.of("-Xmx256m"), log, "process", "--op", "IDENTITY", "--threads", "1", dir.toString(), "-o",
                tmp.resolve("out").toString()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        String text = Files.readString(log);
        assertEquals(1, p.exitValue(), text);
        assertTrue(text.contains("failed: " + locked + ": permission denied"), text);
        Path log2 = tmp.resolve("e.log");
        Process e = child(prefix, List.of("-Xmx256m"), log2, "exif", dir.toString()).start();
        assertTrue(e.waitFor(120, TimeUnit.SECONDS));
        String exif = Files.readString(log2);
        assertTrue(exif.contains(locked + ": cannot read file: permission denied"), exif);
    }
}
