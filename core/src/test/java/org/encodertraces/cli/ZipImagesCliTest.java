package org.encodertraces.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.encodertraces.image.ChromaSubsampling;
import org.encodertraces.image.JpegCodec;
import org.encodertraces.image.RgbImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --images zip:...} at the command line: a corrupt member is a recorded failure, bad archives are usage errors. */
class ZipImagesCliTest {
    @TempDir
    Path tmp;

    private Path archive(Map<String, byte[]> members) throws IOException {
        Path file = tmp.resolve("set.zip");
        try (OutputStream os = Files.newOutputStream(file); ZipOutputStream z = new ZipOutputStream(os)) {
            for (var e : members.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return file;
    }

    private static byte[] jpeg(int seed) {
        byte[] px = new byte[24 * 24 * 3];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (i * 5 + seed * 17);
        }
        return JpegCodec.encode(new RgbImage(24, 24, px), 85, ChromaSubsampling.S420);
    }

    @Test
    void corruptMemberIsRecordedAndTheOthersAreEmbedded() throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("cat/a.jpg", jpeg(1));
        m.put("cat/b.jpg", java.util.Arrays.copyOf(jpeg(2), 40)); // truncated inside the header
        m.put("dog/c.jpg", jpeg(3));
        m.put("dog/d.jpg", jpeg(4));
        Path z = archive(m);
        Path out = tmp.resolve("emb");
        CliRun r = CliRun.of("embed", "--images", "zip:" + z, "--model", "builtin:lowlevel-stats", "-o", out.toString(),
                "--threads", "1", "--quiet");
        assertEquals(1, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("4 rows, 1 failed") || r.out().contains("3 rows, 1 failed"), r.out());
        try (var files = Files.list(out)) {
            Path tsv = files.filter(p -> p.toString().endsWith(".failures.tsv")).findFirst().orElseThrow();
            String failures = Files.readString(tsv);
            assertTrue(failures.contains("cat/b.jpg"), failures);
        }
    }

    @Test
    void unsafeOrMissingArchivesAreUsageErrorsNamingTheFile() throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("cat/a.jpg", jpeg(1));
        m.put("../x.jpg", jpeg(2));
        Path z = archive(m);
        CliRun r = CliRun.of("embed", "--images", "zip:" + z, "--model", "builtin:lowlevel-stats", "-o", tmp.resolve("o").toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("member '../x.jpg'") && r.err().contains("refused"), r.err());
        assertTrue(!r.err().contains("\tat org."), "no stack trace: " + r.err());
        r = CliRun.of("embed", "--images", "zip:" + tmp.resolve("missing.zip"), "--model", "builtin:lowlevel-stats", "-o",
                tmp.resolve("o").toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("missing.zip: no such zip archive"), r.err());
    }
}
