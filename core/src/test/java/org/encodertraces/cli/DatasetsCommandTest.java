package org.encodertraces.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.encodertraces.TestData;
import org.encodertraces.data.SplitFile;
import org.encodertraces.image.ChromaSubsampling;
import org.encodertraces.image.JpegCodec;
import org.encodertraces.image.RgbImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsCommandTest {
    static CliRun run(String... args) {
        return CliRun.of(args);
    }

    static byte[] jpeg(int quality, ChromaSubsampling sub, int seed) {
        byte[] px = new byte[16 * 16 * 3];
        new java.util.Random(seed).nextBytes(px);
        return JpegCodec.encode(new RgbImage(16, 16, px), quality, sub);
    }

    /** A one-component (gray) JPEG, as a greyscale scanner or a black-and-white conversion saves it. */
    static byte[] grayJpeg(int seed) throws IOException {
        java.awt.image.BufferedImage g = new java.awt.image.BufferedImage(16, 16, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        java.util.Random r = new java.util.Random(seed);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                int v = r.nextInt(256);
                g.getRaster().setSample(x, y, 0, v);
            }
        }
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(g, "jpg", b);
        return b.toByteArray();
    }

    @Test
    void auditNamesTheCellsThatDriveAStrongAssociation(@TempDir Path tmp) throws IOException {
        // one class saved in greyscale: subsampling "gray" identifies it, as in a dataset with black-and-white classes
        for (String c : new String[] {"bw", "colour", "other"}) {
            Files.createDirectories(tmp.resolve("ds/" + c));
            for (int i = 0; i < 6; i++) {
                Files.write(tmp.resolve("ds/" + c + "/" + i + ".jpg"), c.equals("bw") ? grayJpeg(i) : jpeg(90, ChromaSubsampling.S420, 20 + i));
            }
        }
        Path json = tmp.resolve("audit.json");
        CliRun r = run("datasets", "audit", "--images", tmp.resolve("ds").toString(), "--json", json.toString());
        assertEquals(0, r.exit(), r.err());
        String sub = r.out().lines().dropWhile(l -> !l.startsWith("subsampling")).limit(2).reduce("", (a, b) -> a + b + "\n");
        assertTrue(sub.contains("1.0000") && sub.contains("driven by class 'bw': 6 of its 6 photos gray (2.0 expected)"), r.out());
        JsonNode t = new ObjectMapper().readTree(json.toFile()).get("traces").get(1);
        assertEquals("subsampling", t.get("trace").asText());
        assertEquals("bw", t.get("drivers").get(0).get("class").asText());
        assertEquals("gray", t.get("drivers").get(0).get("value").asText());
    }

    @Test
    void everySubcommandHasHelp() {
        CliRun g = run("datasets", "--help");
        assertEquals(0, g.exit());
        for (String sub : new String[] {"download-flickrexif", "build-splits", "audit"}) {
            assertTrue(g.out().contains(sub), g.out());
            CliRun h = run("datasets", sub, "--help");
            assertEquals(0, h.exit(), sub);
            assertTrue(h.out().startsWith("Usage: traces datasets " + sub), h.out());
        }
    }

    @Test
    void auditPrintsTheTableAndWritesJson(@TempDir Path tmp) throws IOException {
        // class "sharp" saved at q95 4:4:4, class "soft" at q60 4:2:0 except one: quality and subsampling are shortcuts
        for (int i = 0; i < 6; i++) {
            Files.createDirectories(tmp.resolve("ds/sharp"));
            Files.createDirectories(tmp.resolve("ds/soft"));
            Files.write(tmp.resolve("ds/sharp/" + i + ".jpg"), jpeg(95, ChromaSubsampling.S444, i));
            Files.write(tmp.resolve("ds/soft/" + i + ".jpg"), i == 0 ? jpeg(95, ChromaSubsampling.S444, 10 + i) : jpeg(60, ChromaSubsampling.S420, 10 + i));
        }
        Files.writeString(tmp.resolve("ds/soft/broken.jpg"), "not a jpeg at all");
        Path json = tmp.resolve("audit.json");
        CliRun r = run("datasets", "audit", "--images", tmp.resolve("ds").toString(), "--json", json.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("jpeg_quality"), r.out());
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        JsonNode q = root.get("traces").get(0);
        assertEquals("jpeg_quality", q.get("trace").asText());
        assertEquals("[\"51-70\",\"91-95\",\"not JPEG\"]", q.get("trace_classes").toString());
        assertEquals("[[0,6,0],[5,1,1]]", q.get("counts").toString(), "rows sharp, soft");
        // hand-computed: n=13, chi2 = sum (O-E)^2/E over E = [[30/13,42/13,6/13],[35/13,49/13,7/13]]
        double[][] o = {{0, 6, 0}, {5, 1, 1}};
        double[] rs = {6, 7};
        double[] cs = {5, 7, 1};
        double chi2 = 0;
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                double e = rs[i] * cs[j] / 13;
                chi2 += (o[i][j] - e) * (o[i][j] - e) / e;
            }
        }
        assertEquals(chi2, q.get("chi_square").asDouble(), 1e-12);
        assertEquals(Math.sqrt(chi2 / 13), q.get("cramers_v").asDouble(), 1e-12);
        JsonNode sub = root.get("traces").get(1);
        assertEquals("[\"4:2:0\",\"4:4:4\",\"not JPEG\"]", sub.get("trace_classes").toString());
        assertEquals("[[0,6,0],[5,1,1]]", sub.get("counts").toString());
        JsonNode make = root.get("traces").get(2);
        assertEquals(0, make.get("n").asInt(), "no EXIF: the make table is empty");
        assertEquals("no photo carries this label", make.get("not_measured").asText());
        assertTrue(r.out().matches("(?s).*\\nmake +- +0 not measured: no photo carries this label\\n.*"), r.out());
        assertFalse(q.has("not_measured"), "quality varies between photos: V is measured");
        assertTrue(root.get("dataset").get("manifest_sha256").asText().matches("[0-9a-f]{64}"));
        assertTrue(root.get("provenance").has("tool_version"));
    }

    @Test
    void buildSplitsFromRealPhotos(@TempDir Path tmp) throws IOException {
        Path photos = TestData.shared().resolve("data/exif-photos");
        CliRun r = run("datasets", "build-splits", "--images", photos.toString(), "--out", tmp.toString(), "--min-count", "8",
                "--val-per-class", "2", "--test-per-class", "3", "--seed", "1", "--attribute", "Make", "--attribute", "Is Smartphone");
        assertEquals(0, r.exit(), r.err() + r.out());
        SplitFile make = SplitFile.read(tmp.resolve("split_data_target_attribute=Make.json"));
        assertTrue(make.classes().size() >= 2, make.classes().toString());
        assertEquals(3 * make.classes().size(), make.testIds().size());
        assertEquals(2 * make.classes().size(), make.valIds().size());
        assertEquals(0, make.trainIds().size() % make.classes().size(), "balanced train");
        assertTrue(make.overlappingIds().isEmpty());
        assertEquals(java.util.List.of("False", "True"), SplitFile.read(tmp.resolve("split_data_target_attribute=Is Smartphone.json")).classes());
        CliRun again = run("datasets", "build-splits", "--images", photos.toString(), "--out", tmp.resolve("again").toString(), "--min-count", "8",
                "--val-per-class", "2", "--test-per-class", "3", "--seed", "1", "--attribute", "Make");
        assertEquals(again.exit(), 0);
        assertEquals(-1L, Files.mismatch(tmp.resolve("split_data_target_attribute=Make.json"), tmp.resolve("again/split_data_target_attribute=Make.json")));
        CliRun bad = run("datasets", "build-splits", "--images", photos.toString(), "--out", tmp.toString(), "--attribute", "Colour");
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("unknown attribute 'Colour'"), bad.err());
    }

    @Test
    void downloadReportsAndExitsOneOnFailures(@TempDir Path tmp) throws IOException {
        Map<String, byte[]> files = new HashMap<>();
        files.put("/1.jpg", jpeg(90, ChromaSubsampling.S420, 1));
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            byte[] b = files.get(ex.getRequestURI().getPath());
            if (b == null) {
                ex.sendResponseHeaders(404, -1);
            } else {
                ex.sendResponseHeaders(200, b.length);
                ex.getResponseBody().write(b);
            }
            ex.close();
        });
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            Path table = tmp.resolve("t.csv");
            Files.writeString(table, "Flickr ID,url,Make\n1," + base + "/1.jpg,Canon\n2," + base + "/2.jpg,NIKON\n");
            CliRun r = run("datasets", "download-flickrexif", "--table", table.toString(), "--out", tmp.resolve("photos").toString(), "--quiet");
            assertEquals(1, r.exit(), r.err());
            assertTrue(r.out().contains("2 photos: 1 downloaded, 0 already present, 1 failed"), r.out());
            assertTrue(Files.isRegularFile(tmp.resolve("photos/1.jpg")));
            assertTrue(Files.readString(tmp.resolve("photos/download-failures.tsv")).contains("2\t" + base + "/2.jpg\tHTTP 404"));
            CliRun bad = run("datasets", "download-flickrexif", "--table", tmp.resolve("none.csv").toString(), "--out", tmp.toString());
            assertEquals(2, bad.exit());
        } finally {
            server.stop(0);
        }
    }
}
