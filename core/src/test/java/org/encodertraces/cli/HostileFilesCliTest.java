package org.encodertraces.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.encodertraces.embed.EmbeddingSet;
import org.encodertraces.embed.EmbeddingSetIO;
import org.encodertraces.encoder.TinyOnnx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 23 (part A), the cases a hostile pass found in files and options, each through the
 * command a user types: a 3 GiB file in a batch, a plain TIFF taken for a Sony raw, symbolic
 * links (followed, and broken ones or loops recorded, never left out), unreadable GIFs, and
 * option values that used to be taken silently or blamed on the wrong thing.
 */
class HostileFilesCliTest {
    @TempDir
    Path tmp;

    private static Path jpeg(Path file, int seed) throws IOException {
        return ReliabilityProcessTest.jpeg(file, 64, 48, seed);
    }

    /** A JPEG followed by zeros up to 3 GiB: sparse, so it costs no disk. */
    private static Path huge(Path file, int seed) throws IOException {
        jpeg(file, seed);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(3L << 30);
        }
        return file;
    }

    // ---------------------------------------------------------------- a 3 GiB file

    @Test
    void exifRecordsAThreeGibFileAsOneFailureAndGoesOn() throws IOException {
        Path dir = tmp.resolve("photos");
        jpeg(dir.resolve("a.jpg"), 1);
        huge(dir.resolve("b.jpg"), 2);
        jpeg(dir.resolve("c.jpg"), 3);
        Path png = huge(tmp.resolve("huge.png"), 4);
        CliRun r = CliRun.of("exif", dir.toString(), png.toString());
        assertEquals(1, r.exit(), r.err());
        assertFalse(r.err().contains("OutOfMemoryError") || r.err().contains("\tat "), r.err());
        List<String> rows = r.out().lines().toList();
        assertEquals(5, rows.size(), r.out());
        assertTrue(rows.get(1).startsWith(dir.resolve("a.jpg") + "\tok\t"), rows.get(1));
        assertTrue(rows.get(2).startsWith(dir.resolve("b.jpg") + "\terror\t") && rows.get(2).contains("the file is 3.0 GiB, too large"),
                rows.get(2));
        assertTrue(rows.get(3).startsWith(dir.resolve("c.jpg") + "\tok\t"), rows.get(3));
        assertTrue(rows.get(4).startsWith(png + "\terror\t") && rows.get(4).contains("3.0 GiB"), rows.get(4));
        assertTrue(r.err().contains("4 file(s): 2 ok, 0 partial, 2 failed"), r.err());
    }

    @Test
    void datasetsAuditRecordsAThreeGibFileAndAuditsTheRest() throws IOException {
        Path dir = tmp.resolve("classes");
        jpeg(dir.resolve("x/a.jpg"), 1);
        huge(dir.resolve("x/b.jpg"), 2);
        jpeg(dir.resolve("y/c.jpg"), 3);
        huge(dir.resolve("y/d.png"), 4);
        CliRun r = CliRun.of("datasets", "audit", "--images", dir.toString());
        assertFalse(r.err().contains("OutOfMemoryError") || r.err().contains("\tat "), r.err());
        assertTrue(r.out().contains("4 samples"), r.out());
        String all = r.out() + r.err();
        assertTrue(all.contains("x/b.jpg: cannot read: the file is 3.0 GiB, too large to read into memory"), all);
        assertTrue(all.contains("y/d.png: cannot read: the file is 3.0 GiB"), all);
    }

    // ---------------------------------------------------------------- TIFF is not ARW

    @Test
    void aPlainTiffWrittenByPillowIsTiffNotSonyRaw() throws IOException {
        // tools/pillow-fixtures/make_exif_tiff_fixture.py: Image.new("RGB", (8, 6)).save("plain-baseline.tif")
        Path tif = tmp.resolve("plain-baseline.tif");
        try (var in = getClass().getResourceAsStream("/fixtures/pillow/exif/plain-baseline.tif")) {
            Files.copy(in, tif);
        }
        CliRun r = CliRun.of("exif", tif.toString());
        assertEquals(0, r.exit(), r.err());
        String row = r.out().lines().toList().get(1);
        assertEquals("TIFF", row.split("\t", -1)[3], row);
        assertFalse(row.contains("ARW"), row);
    }

    // ---------------------------------------------------------------- symbolic links

    /**
     * A class folder {@code a} holding two photos, a broken link, a link to itself and a link back
     * to the dataset's root; a class folder {@code b} that is a link to a folder elsewhere.
     */
    private Path linkedFolder() throws IOException {
        Path root = tmp.resolve("set");
        jpeg(root.resolve("a/1.jpg"), 1);
        jpeg(root.resolve("a/2.jpg"), 2);
        Path elsewhere = tmp.resolve("elsewhere/bfolder");
        jpeg(elsewhere.resolve("3.jpg"), 3);
        jpeg(elsewhere.resolve("4.jpg"), 4);
        Files.createSymbolicLink(root.resolve("b"), elsewhere);
        Files.createSymbolicLink(root.resolve("a/gone.jpg"), tmp.resolve("nowhere/gone.jpg"));
        Files.createSymbolicLink(root.resolve("a/self.jpg"), Path.of("self.jpg"));
        Files.createSymbolicLink(root.resolve("a/up"), Path.of(".."));
        return root;
    }

    @Test
    void exifAndProcessFollowLinkedFoldersAndRecordBrokenLinksAndLoops() throws IOException {
        Path root = linkedFolder();
        CliRun exif = CliRun.of("exif", root.toString());
        assertEquals(1, exif.exit(), exif.err());
        assertTrue(exif.err().contains("7 file(s): 4 ok, 0 partial, 3 failed"), exif.err());
        assertTrue(exif.out().contains(root.resolve("b/3.jpg") + "\tok"), "the linked class folder is read:\n" + exif.out());
        assertTrue(exif.out().contains("gone.jpg: cannot read file: broken symbolic link"), exif.out());
        assertTrue(exif.out().contains("self.jpg: cannot read file: symbolic link loop"), exif.out());
        assertTrue(exif.out().contains("up: cannot read file: symbolic link loop"), exif.out());
        assertFalse(exif.out().contains("no such file"), exif.out());

        Path out = tmp.resolve("processed");
        CliRun process = CliRun.of("process", "--op", "IDENTITY", "--threads", "1", root.toString(), "-o", out.toString());
        assertEquals(1, process.exit(), process.err());
        assertTrue(Files.isRegularFile(out.resolve("IDENTITY/b/4.png")), process.out());
        assertTrue(process.out().contains("7 inputs, 1 operations: 4 images written, 0 already present, 3 failures"), process.out());
        assertTrue(process.err().contains("gone.jpg: broken symbolic link (its target") && process.err().contains("self.jpg: symbolic link loop")
                && process.err().contains("up: symbolic link loop"), process.err());
    }

    @Test
    void embedFollowsLinkedClassFoldersAndListsBrokenLinksAndLoopsAsFailures() throws IOException {
        Path root = linkedFolder();
        Path out = tmp.resolve("emb");
        CliRun r = CliRun.of("embed", "--images", root.toString(), "--model", "builtin:lowlevel-stats", "--threads", "1", "--quiet",
                "-o", out.toString());
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.out().contains("4 rows, 3 failed"), r.out());
        String failures = Files.readString(out.resolve("set__IDENTITY__builtin_lowlevel-stats.failures.tsv"));
        assertTrue(failures.contains("a/gone.jpg") && failures.contains("broken symbolic link"), failures);
        assertTrue(failures.contains("a/self.jpg") && failures.contains("a/up") && failures.contains("symbolic link loop"), failures);
        EmbeddingSet set = EmbeddingSetIO.read(out.resolve("set__IDENTITY__builtin_lowlevel-stats.safetensors"));
        assertEquals(4, set.rows());
    }

    @Test
    void aFolderWhoseClassFoldersAreAllLinksIsRead() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("links"));
        for (String c : List.of("cat", "dog")) {
            Path real = tmp.resolve("store/" + c);
            jpeg(real.resolve(c + "1.jpg"), c.length());
            jpeg(real.resolve(c + "2.jpg"), c.length() + 1);
            Files.createSymbolicLink(root.resolve(c), real);
        }
        Path out = tmp.resolve("emb");
        CliRun r = CliRun.of("embed", "--images", root.toString(), "--model", "builtin:lowlevel-stats", "--threads", "1", "--quiet",
                "-o", out.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("4 rows, 0 failed"), r.out());
        String sidecar = Files.readString(out.resolve("links__IDENTITY__builtin_lowlevel-stats.json"));
        assertTrue(sidecar.contains("\"cat\"") && sidecar.contains("\"dog\""), "two classes from the linked folders: " + sidecar);
    }

    @Test
    void aSymbolicLinkLoopGivenByNameIsNamedAsALoop() throws IOException {
        Path a = tmp.resolve("a.jpg");
        Files.createSymbolicLink(a, tmp.resolve("b.jpg"));
        Files.createSymbolicLink(tmp.resolve("b.jpg"), a);
        CliRun process = CliRun.of("process", "--op", "IDENTITY", a.toString(), "-o", tmp.resolve("o").toString());
        assertEquals(2, process.exit(), process.err());
        assertTrue(process.err().contains("symbolic link loop") && !process.err().contains("no such file"), process.err());
        Path dirLoop = tmp.resolve("loop");
        Files.createSymbolicLink(dirLoop, dirLoop);
        CliRun embed = CliRun.of("embed", "--images", dirLoop.toString(), "--model", "builtin:lowlevel-stats", "-o", tmp.resolve("e").toString());
        assertEquals(2, embed.exit(), embed.err());
        assertTrue(embed.err().contains("symbolic link loop") && !embed.err().contains("no such file"), embed.err());
    }

    // ---------------------------------------------------------------- GIFs Pillow refuses

    /** A 16x16 palette GIF written by the JDK, whose image descriptor's LZW code size byte is at the returned offset. */
    private static byte[] gif() throws IOException {
        BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_INDEXED);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                img.setRGB(x, y, (x * 16) << 16 | (y * 16) << 8 | 0x40);
            }
        }
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        assertTrue(ImageIO.write(img, "gif", b));
        return b.toByteArray();
    }

    private static int lzwCodeSizeOffset(byte[] g) {
        int pos = 13 + ((g[10] & 0x80) != 0 ? 3 * (1 << ((g[10] & 7) + 1)) : 0);
        while (g[pos] == 0x21) { // extension: label, then sub-blocks up to a 0 length
            pos += 2;
            while (g[pos] != 0) {
                pos += (g[pos] & 0xFF) + 1;
            }
            pos++;
        }
        assertEquals(0x2C, g[pos] & 0xFF, "image descriptor");
        int flags = g[pos + 9] & 0xFF;
        return pos + 10 + ((flags & 0x80) != 0 ? 3 * (1 << ((flags & 7) + 1)) : 0);
    }

    @Test
    void gifsPillowRefusesGetAReasonInWords() throws IOException {
        byte[] g = gif();
        int code = lzwCodeSizeOffset(g);
        byte[] badCode = g.clone();
        badCode[code] = 12; // Pillow: "broken data stream when reading image file"
        Path dir = Files.createDirectories(tmp.resolve("gifs"));
        Files.write(dir.resolve("badcode.gif"), badCode);
        Files.write(dir.resolve("truncated.gif"), java.util.Arrays.copyOf(g, code + 6)); // Pillow: "image file is truncated"
        CliRun r = CliRun.of("process", "--op", "IDENTITY", dir.toString(), "-o", tmp.resolve("o").toString());
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().contains("badcode.gif: broken GIF: its LZW code size is 12"), r.err());
        assertTrue(r.err().contains("truncated.gif: broken GIF: the image data ends early"), r.err());
        assertFalse(r.err().contains("Bad code size") || r.err().contains("Invalid block length"), r.err());
    }

    // ---------------------------------------------------------------- option values

    @Test
    void negativeThreadsAndAnEmptyOutputAreRefusedNamingTheOption() throws IOException {
        Path img = jpeg(tmp.resolve("in/a.jpg"), 1);
        CliRun threads = CliRun.of("process", "--op", "IDENTITY", "--threads", "-4", img.toString(), "-o", tmp.resolve("o").toString());
        assertEquals(2, threads.exit(), threads.err());
        assertTrue(threads.err().contains("'--threads'") && threads.err().contains("-4 is negative"), threads.err());
        CliRun embedThreads = CliRun.of("embed", "--images", tmp.resolve("in").toString(), "--model", "builtin:lowlevel-stats",
                "--threads", "-4", "-o", tmp.resolve("e").toString());
        assertEquals(2, embedThreads.exit(), embedThreads.err());
        assertFalse(Files.exists(tmp.resolve("o")) || Files.exists(tmp.resolve("e")), "refused before any work");

        for (String cmd : List.of("process", "embed")) {
            CliRun empty = cmd.equals("process")
                    ? CliRun.of("process", "--op", "IDENTITY", img.toString(), "-o", "")
                    : CliRun.of("embed", "--images", tmp.resolve("in").toString(), "--model", "builtin:lowlevel-stats", "-o", "");
            assertEquals(2, empty.exit(), empty.err());
            assertTrue(empty.err().contains("the output path is empty"), empty.err());
        }
        assertFalse(Files.exists(Path.of(".traces.lock")), "nothing written into the current folder");
    }

    @Test
    void threadsThatWouldFillTheMemoryBudgetWithTensorsAreRefusedUpFront() throws IOException {
        jpeg(tmp.resolve("in/a.jpg"), 1);
        Path out = tmp.resolve("e");
        CliRun r = CliRun.of("embed", "--images", tmp.resolve("in").toString(), "--model", "builtin:lowlevel-stats", "--threads", "10000",
                "--memory-budget", "256m", "--quiet", "-o", out.toString());
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("fewer --threads (10000)") && r.err().contains("more than half of the memory budget of 256 MiB"), r.err());
        assertFalse(r.err().contains("needs about"), "no image is blamed: " + r.err());
        assertFalse(Files.exists(out.resolve("in__IDENTITY__builtin_lowlevel-stats.safetensors")));
    }

    @Test
    void aHugeInputSizeNamesTheTensorAndTheOptionNotTheImage() throws IOException {
        jpeg(tmp.resolve("in/a.jpg"), 1);
        // an encoder with any input size: the preprocessing's --size alone decides the tensor
        byte[] model = new TinyOnnx().input("x", TinyOnnx.FLOAT, -1, 3, -1, -1)
                .node("GlobalAveragePool", "x", "pooled").node("Flatten", "pooled", "emb")
                .output("emb", TinyOnnx.FLOAT, -1, 3).build();
        Path onnx = Files.write(tmp.resolve("any-size.onnx"), model);
        CliRun r = CliRun.of("embed", "--images", tmp.resolve("in").toString(), "--model", onnx.toString(), "--output", "emb",
                "--mean", "0.5,0.5,0.5", "--std", "0.5,0.5,0.5", "--size", "60000", "--quiet", "-o", tmp.resolve("e").toString());
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("of 3x60000x60000 floats") && r.err().contains("a smaller --size"), r.err());
        assertFalse(r.err().contains("a.jpg") || r.err().contains("needs about"), "the image is not blamed: " + r.err());
    }
}
