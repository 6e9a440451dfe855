package org.encodertraces.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.encodertraces.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExifCommandTest {

    static CliRun run(String... args) {
        return CliRun.of(args);
    }

    static byte[] encode(String format, int type) throws IOException {
        BufferedImage img = new BufferedImage(32, 24, type);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        ImageIO.write(img, format, b);
        return b.toByteArray();
    }

    /** Rows of a TSV output keyed by file name. */
    static Map<String, Map<String, String>> rows(String tsv) {
        List<String> lines = tsv.lines().toList();
        String[] header = lines.get(0).split("\t", -1);
        assertEquals(ExifCommand.COLUMNS, List.of(header));
        Map<String, Map<String, String>> out = new HashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split("\t", -1);
            assertEquals(header.length, cells.length, line);
            Map<String, String> m = new HashMap<>();
            for (int i = 0; i < header.length; i++) {
                m.put(header[i], cells[i]);
            }
            out.put(Path.of(m.get("path")).getFileName().toString(), m);
        }
        return out;
    }

    @Test
    void isoStoredOnlyInAMakerNoteIsReadFromIt(@TempDir Path dir) throws IOException {
        Path photos = SharedData.require("data/exif-photos/metadata-extractor-images");
        for (String f : List.of("Canon PowerShot A70.jpg", "Canon IXUS v3.jpg", "Kodak DX6490.jpg", "Casio EX-Z3.jpg",
                "Canon EOS 7D.jpg")) {
            Files.copy(photos.resolve(f), dir.resolve(f));
        }
        CliRun r = run("exif", dir.toString(), "--format", "tsv");
        assertEquals(0, r.exit(), r.err());
        Map<String, Map<String, String>> rows = rows(r.out());
        // no EXIF ISOSpeedRatings in these: the maker note holds it (exiftool reads the same values)
        assertEquals(List.of("50", "Canon maker note (BaseISO x AutoISO)", "50"), iso(rows.get("Canon PowerShot A70.jpg")));
        assertEquals(List.of("50", "Canon maker note", "50"), iso(rows.get("Canon IXUS v3.jpg")), "CameraSettings ISO 16 is ISO 50");
        assertEquals(List.of("79", "Kodak maker note", "79"), iso(rows.get("Kodak DX6490.jpg")));
        assertEquals(List.of("50", "Casio maker note", "50"), iso(rows.get("Casio EX-Z3.jpg")));
        assertEquals(List.of("200", "EXIF", "200"), iso(rows.get("Canon EOS 7D.jpg")), "the EXIF tag first when there is one");
    }

    private static List<String> iso(Map<String, String> row) {
        return List.of(row.get("iso"), row.get("iso_source"), row.get("label_iso"));
    }

    @Test
    void goodAndBadFilesEachGetARowAndTheExitStatusSaysSomeFailed(@TempDir Path dir) throws IOException {
        byte[] jpeg = encode("jpeg", BufferedImage.TYPE_INT_RGB);
        Files.write(dir.resolve("good.jpg"), jpeg);
        Files.createDirectories(dir.resolve("sub"));
        Files.write(dir.resolve("sub/also-jpeg.png"), jpeg); // wrong extension, fine content
        Files.write(dir.resolve("empty.jpg"), new byte[0]);
        Files.write(dir.resolve("truncated.jpg"), Arrays.copyOf(jpeg, jpeg.length - 40));
        byte[] random = new byte[2000];
        new Random(7).nextBytes(random);
        random[0] = 0x42;
        Files.write(dir.resolve("random.jpg"), random);
        byte[] png = encode("png", BufferedImage.TYPE_INT_RGB);
        png[png.length - 20] ^= 0x55; // inside the IDAT data or its CRC
        Files.write(dir.resolve("badcrc.png"), png);
        Files.write(dir.resolve("good.png"), encode("png", BufferedImage.TYPE_INT_RGB));

        CliRun r = run("exif", dir.toString());
        assertEquals(1, r.exit(), r.err());
        Map<String, Map<String, String>> rows = rows(r.out());
        assertEquals(7, rows.size(), r.out());
        assertEquals("ok", rows.get("good.jpg").get("status"));
        assertEquals("75", rows.get("good.jpg").get("jpeg_quality"));
        assertEquals("true", rows.get("good.jpg").get("jpeg_quality_exact"));
        assertEquals("4:2:0", rows.get("good.jpg").get("subsampling"));
        assertEquals("unknown", rows.get("good.jpg").get("label_make"));
        assertEquals("ok", rows.get("also-jpeg.png").get("status"));
        assertTrue(rows.get("also-jpeg.png").get("warnings").contains("extension .png but the content is JPEG"));
        assertEquals("ok", rows.get("good.png").get("status"));
        assertError(rows, "empty.jpg", "empty file");
        assertError(rows, "truncated.jpg", "truncated JPEG");
        assertError(rows, "random.jpg", "unrecognised file format");
        assertError(rows, "badcrc.png", "CRC mismatch");
        assertTrue(r.err().contains("exif: 7 file(s): 3 ok, 0 partial, 4 failed"), r.err());
    }

    private static void assertError(Map<String, Map<String, String>> rows, String name, String reason) {
        Map<String, String> row = rows.get(name);
        assertEquals("error", row.get("status"), row.toString());
        assertTrue(row.get("error").contains(name) && row.get("error").contains(reason), row.get("error"));
    }

    @Test
    void allGoodGivesExitZeroAndJsonLines(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("a.jpg"), encode("jpeg", BufferedImage.TYPE_BYTE_GRAY));
        CliRun r = run("exif", "--format", "json", dir.resolve("a.jpg").toString(), dir.resolve("a.jpg").toString());
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(2, lines.size());
        JsonNode row = new ObjectMapper().readTree(lines.get(0));
        assertEquals("ok", row.get("status").asText());
        assertEquals("gray", row.get("subsampling").asText());
        assertEquals(75, row.get("jpeg_quality").asInt());
        assertTrue(row.get("make").isNull());
        assertTrue(r.err().contains("2 ok, 0 partial, 0 failed"));
    }

    @Test
    void missingFileIsAFailedRow() {
        CliRun r = run("exif", "no/such/file.jpg");
        assertEquals(1, r.exit());
        assertTrue(r.out().contains("no/such/file.jpg: cannot read file: no such file"), r.out());
    }

    @Test
    void helpDocumentsTheExitStatus() {
        CliRun r = run("exif", "--help");
        assertEquals(0, r.exit());
        assertTrue(r.out().contains("Exit status:") && r.out().contains("at least one file failed"), r.out());
        assertEquals(2, run("exif", "--format", "xml", "x.jpg").exit());
    }

    @Test
    void sharedPhotosIncludingHeic() {
        Path dir = SharedData.require("data/exif-photos");
        CliRun r = run("exif", dir.toString());
        Map<String, Map<String, String>> rows = rows(r.out());
        assertEquals(1, r.exit(), "HEIC rows are partial (and the TSV is no image), so the run reports it");
        // the folder holds 200 JPEGs, 3 HEIC files and exiftool-readings.tsv
        assertTrue(r.err().contains("204 file(s): 200 ok, 3 partial, 1 failed"), r.err());
        assertError(rows, "exiftool-readings.tsv", "unrecognised file format");
        Map<String, String> heic = rows.get("iphone_7.heic");
        assertEquals("partial", heic.get("status"));
        assertTrue(heic.get("error").contains("iphone_7.heic") && heic.get("error").contains("HEIC/HEIF is not supported for pixels"));
        assertEquals("iPhone 7", heic.get("label_smartphone_model"));
        assertEquals("1/4000", heic.get("label_exposure"));
        assertEquals("", heic.get("jpeg_quality"));
        Map<String, String> pixel = rows.get("IMG_20180725_163423-tiny.jpg");
        assertEquals("Google", pixel.get("label_make"));
        assertEquals("True", pixel.get("label_is_smartphone"));
        assertEquals("4.7 mm", pixel.get("label_focal_length"));
        assertEquals("2018.0", pixel.get("label_year"));
        assertEquals("without flash", pixel.get("label_flash"));
    }
}
