package org.encodertraces.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.encodertraces.embed.EmbeddingSet;
import org.encodertraces.embed.EmbeddingSetIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 23: a manifest is checked whole before any image is touched, and every refusal names the
 * file and line (exit 2); a blank label means "no label"; Excel's UTF-8 byte-order mark is
 * skipped; a Flickr ID too large for the int64 tensor is named, not a NumberFormatException.
 */
class ManifestValidationCliTest {

    /** Six scene JPEGs in {@code dir/imgs} and a manifest {@code dir/NAME} with the given label cells (one per line). */
    private static Path manifest(Path dir, String name, String... labels) throws Exception {
        ReliabilityCliTest.scenes(dir.resolve("imgs"), 3, false);
        List<String> files;
        try (var s = Files.walk(dir.resolve("imgs"))) {
            files = s.filter(Files::isRegularFile).map(f -> dir.relativize(f).toString()).sorted().toList();
        }
        StringBuilder b = new StringBuilder("path,label\n");
        for (int i = 0; i < labels.length; i++) {
            b.append(files.get(i)).append(',').append(labels[i]).append('\n');
        }
        return Files.writeString(dir.resolve(name), b);
    }

    private static void refusedBeforeAnyWork(CliRun r, Path out, String... expected) throws Exception {
        assertEquals(2, r.exit(), r.out() + r.err());
        for (String e : expected) {
            assertTrue(r.err().contains(e), "'" + e + "' in: " + r.err());
        }
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
        assertFalse(r.out().contains("embedding "), "nothing embedded: " + r.out());
        assertFalse(Files.exists(out.resolve("embeddings")) || Files.exists(out.resolve(".work")), "no work started in " + out);
    }

    private static String[] embed(Path images, Path out) {
        return new String[] {"embed", "--images", images.toString(), "--model", "builtin:lowlevel-stats", "--quiet", "--threads", "1",
            "-o", out.toString()};
    }

    @Test
    void aLabelThatIsNotAClassIndexIsRefusedBeforeAnyWorkNamingTheLine(@TempDir Path tmp) throws Exception {
        Path huge = manifest(tmp, "huge.csv", "0", "1", "0", "1", "999999999999999999", "0");
        Path out = tmp.resolve("audit");
        CliRun audit = CliRun.of("audit", "--images", huge.toString(), "--model", "builtin:lowlevel-stats", "--tasks", "sharpening",
                "--mask", "0", "--trainer", "LBFGS", "--trials", "2", "--seeds", "1", "--quiet", "-o", out.toString());
        refusedBeforeAnyWork(audit, out, "huge.csv:6: column 'label' holds 999999999999999999", "class index");

        Path negative = manifest(tmp, "negative.csv", "0", "1", "-5", "1", "0", "1");
        Path eout = tmp.resolve("embedded");
        CliRun e = CliRun.of(embed(negative, eout));
        refusedBeforeAnyWork(e, eout, "negative.csv:4: column 'label' holds -5");
        assertFalse(e.err().contains("shard"), "the manifest is blamed, not an internal shard: " + e.err());
    }

    @Test
    void aManifestWithAHeaderOnlyIsRefusedLikeAnEmptyFolder(@TempDir Path tmp) throws Exception {
        Path m = Files.writeString(tmp.resolve("empty.csv"), "path,label\n");
        Path out = tmp.resolve("out");
        CliRun r = CliRun.of(embed(m, out));
        refusedBeforeAnyWork(r, out, "empty.csv: lists no images");
        assertFalse(Files.exists(out.resolve("empty__IDENTITY__builtin_lowlevel-stats.safetensors")), "no 0-row set");
        Path folder = Files.createDirectories(tmp.resolve("nothing"));
        assertEquals(2, CliRun.of(embed(folder, tmp.resolve("out2"))).exit(), "the same status as an empty folder");
    }

    @Test
    void aBlankLabelMeansNoLabelAndRecodesNothing(@TempDir Path tmp) throws Exception {
        Path m = manifest(tmp, "blank.csv", "0", "1", "", "1", "0", "1");
        Path out = tmp.resolve("out");
        CliRun r = CliRun.of(embed(m, out));
        assertEquals(0, r.exit(), r.err());
        EmbeddingSet set = EmbeddingSetIO.read(out.resolve("blank__IDENTITY__builtin_lowlevel-stats.safetensors"));
        assertArrayEquals(new long[] {0, 1, -1, 1, 0, 1}, set.label("label"), "integers kept, the blank is -1");
        assertTrue(set.provenance().toJsonNode().path("dataset").path("label_names").path("label").isMissingNode(), "no class \"\" named");

        Path text = manifest(tmp, "text.csv", "cat", "dog", "", "dog", "cat", "dog");
        CliRun t = CliRun.of(embed(text, tmp.resolve("out2")));
        assertEquals(0, t.exit(), t.err());
        EmbeddingSet ts = EmbeddingSetIO.read(tmp.resolve("out2/text__IDENTITY__builtin_lowlevel-stats.safetensors"));
        assertArrayEquals(new long[] {0, 1, -1, 1, 0, 1}, ts.label("label"));
        assertEquals("[\"cat\",\"dog\"]", ts.provenance().toJsonNode().path("dataset").path("label_names").path("label").toString());
    }

    @Test
    void aManifestSavedByExcelWithAByteOrderMarkIsRead(@TempDir Path tmp) throws Exception {
        Path m = manifest(tmp, "excel.csv", "0", "1", "0", "1", "0", "1");
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] text = Files.readAllBytes(m);
        byte[] withBom = new byte[bom.length + text.length];
        System.arraycopy(bom, 0, withBom, 0, 3);
        System.arraycopy(text, 0, withBom, 3, text.length);
        Files.write(m, withBom);
        Path out = tmp.resolve("out");
        CliRun r = CliRun.of(embed(m, out));
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("6 rows, 0 failed"), r.out());
    }

    @Test
    void aFlickrIdTooLargeForInt64IsNamedWithItsLine(@TempDir Path tmp) throws Exception {
        Path photos = ReliabilityCliTest.scenes(tmp.resolve("p"), 1, false);
        Files.move(photos.resolve("autumn/autumn_000.jpg"), photos.resolve("123.jpg"));
        Files.move(photos.resolve("ocean/ocean_000.jpg"), photos.resolve("9999999999999999999.jpg"));
        Path table = Files.writeString(tmp.resolve("table.csv"),
                "Flickr ID,url,Make\n123,http://127.0.0.1:9/a.jpg,Canon\n9999999999999999999,http://127.0.0.1:9/b.jpg,Nikon\n",
                StandardCharsets.UTF_8);
        Path out = tmp.resolve("out");
        CliRun r = CliRun.of(embed(Path.of("flickrexif:" + table + "?photos=" + photos), out));
        refusedBeforeAnyWork(r, out, "table.csv:3: Flickr ID 9999999999999999999 is larger than 9223372036854775807");
        assertFalse(r.err().contains("For input string"), r.err());
    }
}
