package org.encodertraces.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import org.encodertraces.data.DeadLeaves;
import org.encodertraces.image.ChromaSubsampling;
import org.encodertraces.image.JpegCodec;
import org.encodertraces.image.RgbImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9 cases that need a process of their own: a small heap (images too large for it, or
 * that fit one at a time), a second process holding the output folder, Ctrl-C, and the soak run.
 * Each child is {@code java -cp <test classpath> TracesCli ...}, the same entry point as the jar.
 */
class ReliabilityProcessTest {

    /**
     * Writes a valid PNG of zero pixels, streaming the deflate so that even a 13000x13000 image
     * costs no memory here (and compresses to about a thousandth of its raw size).
     */
    static Path png(Path file, int w, int h, int colorType, int bitDepth) throws IOException {
        int channels = switch (colorType) {
            case 2 -> 3;
            case 4 -> 2;
            case 6 -> 4;
            default -> 1;
        };
        long rowBytes = 1 + (long) w * channels * bitDepth / 8;
        Files.createDirectories(file.getParent());
        try (OutputStream raw = Files.newOutputStream(file)) {
            raw.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
            java.io.ByteArrayOutputStream ihdr = new java.io.ByteArrayOutputStream();
            DataOutputStream d = new DataOutputStream(ihdr);
            d.writeInt(w);
            d.writeInt(h);
            d.write(new byte[] {(byte) bitDepth, (byte) colorType, 0, 0, 0});
            chunk(raw, "IHDR", ihdr.toByteArray());
            java.io.ByteArrayOutputStream idat = new java.io.ByteArrayOutputStream();
            Deflater def = new Deflater(Deflater.BEST_SPEED);
            try (DeflaterOutputStream z = new DeflaterOutputStream(idat, def, 1 << 16)) {
                byte[] row = new byte[(int) rowBytes];
                for (int y = 0; y < h; y++) {
                    z.write(row);
                }
            }
            def.end();
            chunk(raw, "IDAT", idat.toByteArray());
            chunk(raw, "IEND", new byte[0]);
        }
        return file;
    }

    private static void chunk(OutputStream out, String type, byte[] data) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        d.writeInt(data.length);
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        d.write(t);
        d.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        d.writeInt((int) crc.getValue());
    }

    static Path jpeg(Path file, int w, int h, int seed) throws IOException {
        Files.createDirectories(file.getParent());
        RgbImage img = DeadLeaves.render(DeadLeaves.CLASSES.get(seed % DeadLeaves.CLASSES.size()), seed, w, h, 1);
        return Files.write(file, JpegCodec.encode(img, 90, ChromaSubsampling.S420));
    }

    static ProcessBuilder child(String heap, Path log, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), heap, "-cp",
                System.getProperty("java.class.path"), TracesCli.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    }

    static int run(String heap, Path log, String... args) throws Exception {
        Process p = child(heap, log, args).start();
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "child finished: " + Files.readString(log));
        return p.exitValue();
    }

    /** Two images that fit the budget one at a time, one too large for it alone, one ordinary JPEG. */
    private static Path mixedFolder(Path dir) throws IOException {
        png(dir.resolve("huge.png"), 6000, 6000, 6, 16);   // 288 MB raster: more than a 256 MB heap
        png(dir.resolve("big1.png"), 2500, 2500, 6, 16);   // about 94 MB at the peak each
        png(dir.resolve("big2.png"), 2500, 2500, 6, 16);
        jpeg(dir.resolve("good.jpg"), 300, 200, 1);
        return dir;
    }

    @Test
    void processWithASmallHeapFailsOnlyTheImageTooLargeForIt(@TempDir Path tmp) throws Exception {
        Path dir = mixedFolder(tmp.resolve("in"));
        Path out = tmp.resolve("out");
        Path log = tmp.resolve("log");
        int rc = run("-Xmx256m", log, "process", "--op", "JPEG75_420", "--threads", "2", dir.toString(), "-o", out.toString());
        String text = Files.readString(log);
        assertEquals(1, rc, text);
        assertFalse(text.contains("OutOfMemoryError"), text);
        assertTrue(text.contains("huge.png: a 6000x6000 PNG (4 samples of 16 bits) needs about") && text.contains("more than the memory budget of"), text);
        assertTrue(Files.exists(out.resolve("JPEG75_420/good.png")));
        assertTrue(Files.exists(out.resolve("JPEG75_420/big1.png")) && Files.exists(out.resolve("JPEG75_420/big2.png")),
                "images that fit one at a time waited for each other: " + text);
        String json = Files.readString(out.resolve("processing.json"));
        assertTrue(json.contains("huge.png") && json.contains("\"failed\" : 1"), json);
    }

    @Test
    void anOutOfMemoryErrorFailsThatFileNotTheRun(@TempDir Path tmp) throws Exception {
        Path dir = mixedFolder(tmp.resolve("in"));
        Path out = tmp.resolve("out");
        Path log = tmp.resolve("log");
        // a budget larger than the heap lets the huge image through, so it really runs out of memory
        int rc = run("-Xmx256m", log, "process", "--op", "JPEG75_420", "--threads", "1", "--memory-budget", "4g", dir.toString(),
                "-o", out.toString());
        String text = Files.readString(log);
        assertEquals(1, rc, text);
        assertTrue(text.contains("huge.png: ran out of memory (estimated"), text);
        assertTrue(Files.exists(out.resolve("JPEG75_420/good.png")) && Files.exists(out.resolve("JPEG75_420/big2.png")), text);
    }

    @Test
    void embedWithASmallHeapFailsOnlyTheImageTooLargeForIt(@TempDir Path tmp) throws Exception {
        Path dir = mixedFolder(tmp.resolve("in/c"));
        Path out = tmp.resolve("out");
        Path log = tmp.resolve("log");
        int rc = run("-Xmx256m", log, "embed", "--images", tmp.resolve("in").toString(), "--model", "builtin:lowlevel-stats",
                "--threads", "2", "--quiet", "-o", out.toString());
        String text = Files.readString(log);
        assertEquals(1, rc, text);
        String failures = Files.readString(out.resolve("in__IDENTITY__builtin_lowlevel-stats.failures.tsv"));
        assertTrue(failures.contains("c/huge.png") && failures.contains("more than the memory budget of"), failures);
        assertEquals(2, failures.lines().count(), failures);
        assertTrue(text.contains("3 rows, 1 failed"), text);
    }

    private static String[] slowEmbed(Path data, Path out) {
        return new String[] {"embed", "--images", data.toString(), "--model", "builtin:jpeg-forensic", "--processing",
                "JPEG85_444,MASK_90,JPEG75_420", "--shard-size", "2", "--threads", "1", "--quiet", "-o", out.toString()};
    }

    private static Path scenes(Path dir, int n) throws IOException {
        for (int i = 0; i < n; i++) {
            jpeg(dir.resolve(i % 2 == 0 ? "a" : "b").resolve(String.format("%03d.jpg", i)), 320, 240, i);
        }
        return dir;
    }

    private static final String SHARD = "shard-\\d+\\.safetensors";

    private static void awaitShards(Process p, Path out, int n, Path log) throws Exception {
        awaitFiles(p, out.resolve(".work"), SHARD, n, log);
    }

    @Test
    void aSecondRunIntoTheSameFolderIsRefusedNamingTheFirstAndAKilledOneBlocksNothing(@TempDir Path tmp) throws Exception {
        Path data = scenes(tmp.resolve("s"), 40);
        Path out = tmp.resolve("out");
        Path log = tmp.resolve("log");
        Process first = child("-Xmx256m", log, slowEmbed(data, out)).start();
        try {
            awaitShards(first, out, 1, log);
            CliRun second = CliRun.of(slowEmbed(data, out));
            assertEquals(2, second.exit(), second.err());
            assertTrue(second.err().contains("is in use by another traces run (pid " + first.pid()), second.err());
        } finally {
            first.destroyForcibly().waitFor();
        }
        CliRun after = CliRun.of(slowEmbed(data, out));
        assertEquals(0, after.exit(), "the dead run's lock blocks nothing: " + after.err());
        assertTrue(after.out().contains("resumed:"), after.out());
        assertFalse(Files.exists(out.resolve(".work")));
    }

    @Test
    void ctrlCSaysHowToResumeAndTheRerunSaysWhatItReused(@TempDir Path tmp) throws Exception {
        Path data = scenes(tmp.resolve("s"), 40);
        Path out = tmp.resolve("out");
        Path log = tmp.resolve("log");
        Process p = child("-Xmx256m", log, slowEmbed(data, out)).start();
        awaitShards(p, out, 2, log);
        interruptAndExpect(p, log, "traces embed: interrupted; rerun the same command to resume");
        assertFalse(Files.exists(out.resolve("s__JPEG75_420__builtin_jpeg-forensic.safetensors")), "stopped before the end");
        CliRun rerun = CliRun.of(slowEmbed(data, out));
        assertEquals(0, rerun.exit(), rerun.err());
        assertTrue(rerun.out().contains("resumed:") && rerun.out().contains("shard(s) reused from the interrupted run"), rerun.out());
    }

    @Test
    void ctrlCDuringAuditOrProcessSaysHowToResumeAndTheRerunFinishes(@TempDir Path tmp) throws Exception {
        Path data = scenes(tmp.resolve("s"), 90);
        // audit: interrupted while it embeds (its first stage), once a shard is committed
        Path out = tmp.resolve("audit");
        Path log = tmp.resolve("audit.log");
        String[] audit = {"audit", "--images", data.toString(), "--model", "builtin:jpeg-forensic", "--tasks", "jpeg,sharpening",
                "--mask", "0", "--trials", "2", "--seeds", "2", "--test-fraction", "0.5", "--threads", "1", "-o", out.toString()};
        Process p = child("-Xmx512m", log, audit).start();
        awaitFiles(p, out, SHARD, 1, log);
        interruptAndExpect(p, log, "traces audit: interrupted; rerun the same command to resume");
        assertFalse(Files.exists(out.resolve("report.json")), "stopped before the end");
        CliRun rerun = CliRun.of(audit);
        assertEquals(0, rerun.exit(), rerun.err());
        assertTrue(Files.exists(out.resolve("report.json")) && rerun.out().contains("report:"), rerun.out());
        assertFalse(rerun.err().contains("interrupted"), "a run that finishes says nothing of interruption: " + rerun.err());

        // process: interrupted once some outputs are written
        Path big = tmp.resolve("big");
        for (int i = 0; i < 24; i++) {
            gradientJpeg(big.resolve(String.format("g%02d.jpg", i)), 1600, 1200, i);
        }
        Path pout = tmp.resolve("processed");
        Path plog = tmp.resolve("process.log");
        String[] process = {"process", "--op", "JPEG75_420,SHARPEN_4,RESIZE_HALF,JPEG85_444", "--threads", "1", "-o", pout.toString(),
                big.toString()};
        Process q = child("-Xmx512m", plog, process).start();
        awaitFiles(q, pout, ".*\\.png", 2, plog);
        interruptAndExpect(q, plog, "traces process: interrupted; rerun the same command to resume");
        CliRun prerun = CliRun.of(process);
        assertEquals(0, prerun.exit(), prerun.err());
        assertEquals(24 * 4, count(pout, ".*\\.png"), prerun.out());
    }

    /** Sends SIGINT, as Ctrl-C does, and expects the child to say {@code message} and exit 130. */
    private static void interruptAndExpect(Process p, Path log, String message) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        String text = Files.readString(log);
        assertTrue(text.contains(message), text);
        assertEquals(130, p.exitValue(), text);
    }

    private static long count(Path dir, String regex) throws IOException {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(f -> f.getFileName().toString().matches(regex)).count();
        }
    }

    private static void awaitFiles(Process p, Path dir, String regex, int n, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (count(dir, regex) < n && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(count(dir, regex) >= n && p.isAlive(), "the child should be mid-run: " + Files.readString(log));
    }

    /** A cheap large JPEG: a smooth gradient (rendering dead leaves at this size would dominate the test's time). */
    static Path gradientJpeg(Path file, int w, int h, int seed) throws IOException {
        byte[] px = new byte[w * h * 3];
        for (int y = 0, o = 0; y < h; y++) {
            for (int x = 0; x < w; x++, o += 3) {
                px[o] = (byte) (x * 255 / w);
                px[o + 1] = (byte) (y * 255 / h);
                px[o + 2] = (byte) (seed * 37);
            }
        }
        Files.createDirectories(file.getParent());
        return Files.write(file, JpegCodec.encode(new RgbImage(w, h, px), 90, ChromaSubsampling.S420));
    }

    /**
     * The soak run: 309 files of mixed sizes (296 JPEGs of 32 to 700 px, 4 of 1200 x 900, 4 of
     * 2000 to 2360 px, 2 PNGs of 13000 x 13000 near the pixel limit and too large for a 1 GB
     * heap, 1 PNG over the pixel limit, 2 corrupt files), embedded with {@code -Xmx1g} by 1
     * worker and by 2: both complete, every good image embedded, every too-large one listed, and
     * the two outputs are byte-identical.
     */
    @Test
    void soakTwoWorkersInASmallHeapMatchOneWorker(@TempDir Path tmp) throws Exception {
        long t0 = System.nanoTime();
        Path data = tmp.resolve("soak");
        int good = 0;
        for (int i = 0; i < 296; i++) {
            int w = 32 + (i * 97) % 669;
            int h = 32 + (i * 61) % 501;
            gradientJpeg(data.resolve(i % 3 == 0 ? "x" : "y").resolve(String.format("s%03d.jpg", i)), w, h, i);
            good++;
        }
        for (int i = 0; i < 4; i++) {
            gradientJpeg(data.resolve("y").resolve(String.format("m%02d.jpg", i)), 1200, 900, i);
            gradientJpeg(data.resolve("x").resolve(String.format("l%02d.jpg", i)), 2000 + 120 * i, 1500 + 90 * i, i);
            good += 2;
        }
        System.err.printf("soak: JPEGs in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        for (int i = 0; i < 2; i++) {
            png(data.resolve("y").resolve("near" + i + ".png"), 13000, 13000, 2, 8); // 169M pixels, under Pillow's 178.9M
        }
        png(data.resolve("y").resolve("over.png"), 14000, 13000, 0, 8);              // 182M pixels: a bomb by Pillow's rule
        Files.writeString(data.resolve("x").resolve("broken1.jpg"), "not an image");
        Files.write(data.resolve("y").resolve("broken2.jpg"), new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 0, 0, 0});
        System.err.printf("soak: generated the images in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        String[] ops = {"--processing", "IDENTITY"};
        List<Path> outs = new ArrayList<>();
        for (int threads : new int[] {1, 2}) {
            Path out = tmp.resolve("out" + threads);
            Path log = tmp.resolve("log" + threads);
            List<String> args = new ArrayList<>(List.of("embed", "--images", data.toString(), "--model", "builtin:lowlevel-stats",
                    "--threads", Integer.toString(threads), "--shard-size", "64", "--quiet", "-o", out.toString()));
            args.addAll(List.of(ops));
            long t1 = System.nanoTime();
            int rc = run("-Xmx1g", log, args.toArray(String[]::new));
            System.err.printf("soak: %d worker(s) took %.1f s%n", threads, (System.nanoTime() - t1) / 1e9);
            String text = Files.readString(log);
            assertEquals(1, rc, text);
            assertFalse(text.contains("OutOfMemoryError"), text);
            for (String op : new String[] {"IDENTITY"}) {
                String base = "soak__" + op + "__builtin_lowlevel-stats";
                String failures = Files.readString(out.resolve(base + ".failures.tsv"));
                assertEquals(5, failures.lines().count() - 1, failures);
                for (int i = 0; i < 2; i++) {
                    assertTrue(failures.contains("y/near" + i + ".png") && failures.contains("more than the memory budget"), failures);
                }
                assertTrue(failures.contains("y/over.png") && failures.contains("decompression bomb"), failures);
                assertTrue(text.contains(good + " rows, 5 failed"), text);
            }
            outs.add(out);
        }
        for (String op : new String[] {"IDENTITY"}) {
            String base = "soak__" + op + "__builtin_lowlevel-stats";
            for (String ext : new String[] {".safetensors", ".json", ".failures.tsv"}) {
                assertArrayEquals(Files.readAllBytes(outs.get(0).resolve(base + ext)), Files.readAllBytes(outs.get(1).resolve(base + ext)),
                        base + ext + " identical for 1 and 2 workers");
            }
        }
    }
}
