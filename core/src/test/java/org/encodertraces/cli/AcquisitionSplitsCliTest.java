package org.encodertraces.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.encodertraces.data.SplitFile;
import org.encodertraces.report.Interval;
import org.encodertraces.report.Intervals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acquisition probes of {@code traces audit} on a user's own photos, through the command: splits
 * sized by the folder and the test fraction, near-duplicates found and kept on one side (the planted
 * case: five makes, each shooting bursts of near-identical frames), the user's own groups, and Make
 * labels merged across spellings of one manufacturer. Generated JPEGs with an EXIF Make; the
 * built-in low-level encoder, so each audit takes seconds.
 */
@Timeout(300)
class AcquisitionSplitsCliTest {
    @TempDir
    Path tmp;

    private static final List<String> MAKES = List.of("Canon", "NIKON CORPORATION", "SONY", "FUJIFILM", "EASTMAN KODAK COMPANY");

    private static CliRun audit(Path images, Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of("audit", "--images", "exif:" + images, "--model", "builtin:lowlevel-stats", "--tasks",
                "none", "--mask", "0", "--trials", "3", "--seeds", "2", "--threads", "2", "--quiet", "-o", out.toString()));
        a.addAll(List.of(extra));
        return CliRun.of(a.toArray(String[]::new));
    }

    private static JsonNode probe(Path out, String task) throws IOException {
        JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        for (JsonNode p : report.get("probes")) {
            if (p.get("task").asText().equals(task)) {
                return p;
            }
        }
        return null;
    }

    private static Interval interval(JsonNode p) {
        return Intervals.withSeeds(p.get("accuracy").asDouble(), p.get("test_samples").asInt(),
                p.get("accuracy_std").isNull() ? null : p.get("accuracy_std").asDouble());
    }

    @Test
    void plantedNearDuplicatesAreNamedAndTheGroupedFigureFallsToChance() throws IOException {
        Path images = tmp.resolve("planted");
        PlantedPhotos.bursts(images, MAKES, 6, 4, 128, 96); // 5 makes x 24 shots, in bursts of 4 near-identical frames
        Path out = tmp.resolve("out");
        CliRun r = audit(images, out);
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("30 near-duplicate group(s), 120 photos"), r.out());
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("30 near-duplicate group(s), 120 photos"), "the report counts them");
        assertTrue(html.contains("m0_b0_0.jpg, m0_b0_1.jpg, m0_b0_2.jpg, m0_b0_3.jpg"), "the report names a group");
        JsonNode groups = new ObjectMapper().readTree(out.resolve("results/near_duplicates.json").toFile());
        assertEquals(30, groups.get("groups").size());
        for (JsonNode g : groups.get("groups")) {
            String first = g.get("ids").get(0).asText();
            for (JsonNode id : g.get("ids")) {
                assertEquals(first.substring(0, first.lastIndexOf('_')), id.asText().substring(0, id.asText().lastIndexOf('_')),
                        "a group is one burst: " + g);
            }
        }
        // the figure shown keeps bursts together: the camera cannot be told from the pixels, so chance is inside its interval;
        // a burst's frames answer alike, so each burst in test counts once
        JsonNode grouped = probe(out, "Make");
        assertNotNull(grouped, "Make probed");
        assertEquals(10, grouped.get("test_samples").asInt(), "2 bursts of each of the 5 makes");
        assertEquals(0.2, grouped.get("chance").asDouble(), 1e-9);
        assertTrue(interval(grouped).contains(0.2), "grouped Make " + grouped);
        // the plain split, for contrast: test frames beside their burst in training read far above chance
        JsonNode plain = probe(out, "Make (ungrouped)");
        assertNotNull(plain, "contrast figure reported");
        assertTrue(interval(plain).lo() > 0.2 && plain.get("accuracy").asDouble() > grouped.get("accuracy").asDouble() + 0.3,
                "ungrouped " + plain + " vs grouped " + grouped);
        assertTrue(html.contains("Make (ungrouped)"));
        // the split file of the figure: no burst on two sides
        SplitFile split = SplitFile.read(out.resolve("results/acquisition_splits").resolve(SplitFile.fileName("Make")));
        assertEquals(Set.of(), sides(split, "train").stream().filter(sides(split, "test")::contains).collect(java.util.stream.Collectors.toSet()));
        assertEquals(Set.of(), sides(split, "val").stream().filter(sides(split, "test")::contains).collect(java.util.stream.Collectors.toSet()));
        // traces probe on the audit's set, with the audit's groups: the same kind of split, the same finding
        Path set = out.resolve("embeddings/planted__IDENTITY__builtin_lowlevel-stats.safetensors");
        CliRun pg = CliRun.of("probe", "--set", set.toString(), "--attribute", "Make", "--test-fraction", "0.3", "--groups",
                out.resolve("results/near_duplicates.json").toString(), "--trials", "3", "--norm", "standard", "-o",
                tmp.resolve("probe-grouped").toString());
        assertEquals(0, pg.exit(), pg.out() + pg.err());
        assertTrue(pg.out().matches("(?s)Make: accuracy \\d+\\.\\d+% \\[\\d+\\.\\d, \\d+\\.\\d\\] on n=10 test rows, chance 20\\.00% \\(5 classes\\).*"),
                pg.out());
        assertTrue(pg.err().contains("a plain split would put 35 of its 35 test photos beside a photo of their group"), pg.err());
        SplitFile probeSplit = SplitFile.read(tmp.resolve("probe-grouped").resolve(SplitFile.fileName("Make")));
        assertEquals(10, probeSplit.testIds().size(), "two bursts of each make in test, each burst counted once");
        CliRun pp = CliRun.of("probe", "--set", set.toString(), "--attribute", "Make", "--test-fraction", "0.3", "--trials", "3", "--norm",
                "standard", "-o", tmp.resolve("probe-plain").toString());
        assertEquals(0, pp.exit(), pp.out() + pp.err());
        assertTrue(pp.out().contains("on n=35 test rows"), pp.out());
        JsonNode g = new ObjectMapper().readTree(tmp.resolve("probe-grouped/probe-Make.json").toFile()).get("metrics");
        JsonNode p = new ObjectMapper().readTree(tmp.resolve("probe-plain/probe-Make.json").toFile()).get("metrics");
        assertTrue(p.get("accuracy_mean").asDouble() > g.get("accuracy_mean").asDouble() + 0.3, "plain " + p + " grouped " + g);
        // and without the near-duplicate rule, only the plain figure
        Path off = tmp.resolve("off");
        CliRun o = audit(images, off, "--near-duplicates", "off");
        assertEquals(0, o.exit(), o.out() + o.err());
        assertFalse(o.out().contains("near-duplicate group"), o.out());
        assertEquals(plain.get("accuracy").asDouble(), probe(off, "Make").get("accuracy").asDouble(), 1e-12);
    }

    /** The bursts ({@code m<m>_b<b>}) of a split part. */
    private static Set<String> sides(SplitFile s, String part) {
        List<String> ids = switch (part) {
            case "train" -> s.trainIds();
            case "val" -> s.valIds();
            default -> s.testIds();
        };
        Set<String> out = new HashSet<>();
        ids.forEach(id -> out.add(id.substring(0, id.lastIndexOf('_'))));
        return out;
    }

    @Test
    void testCountsScaleWithTheFolderAndTheTestFraction() throws IOException {
        Path small = tmp.resolve("small");
        PlantedPhotos.distinct(small, List.of("Canon", "SONY"), 20, 64, 48);
        Path big = tmp.resolve("big");
        PlantedPhotos.distinct(big, List.of("Canon", "SONY"), 60, 64, 48);
        CliRun a = audit(small, tmp.resolve("a"));
        assertEquals(0, a.exit(), a.out() + a.err());
        assertEquals(12, probe(tmp.resolve("a"), "Make").get("test_samples").asInt(), "30% of 20 per class");
        CliRun b = audit(big, tmp.resolve("b"));
        assertEquals(0, b.exit(), b.out() + b.err());
        assertEquals(36, probe(tmp.resolve("b"), "Make").get("test_samples").asInt(), "30% of 60 per class");
        CliRun c = audit(big, tmp.resolve("c"), "--test-fraction", "0.5");
        assertEquals(0, c.exit(), c.out() + c.err());
        assertEquals(60, probe(tmp.resolve("c"), "Make").get("test_samples").asInt(), "--test-fraction applies");
        // the console gives the interval from the test count, n and chance, never a seed spread of one split
        String line = c.out().lines().filter(l -> l.startsWith("builtin:lowlevel-stats") && l.contains("acquisition Make")).findFirst()
                .orElseThrow();
        assertTrue(line.matches(".*50\\.0%\\s+60\\s.*") && line.contains("95% interval") && line.matches(".*\\[\\d+\\.\\d, \\d+\\.\\d\\].*"), line);
        assertFalse(line.contains("0.0     50.0%"), line);
        assertTrue(c.out().contains("tested on about 60 photos (30 per class)"), "the plan says it before any work: " + c.out());
    }

    @Test
    void userGroupsByExifModelOrFolderStayOnOneSide() throws IOException {
        Path images = tmp.resolve("sessions");
        // two makes, two camera models each, 15 photos per model, each model in its own folder
        for (int m = 0; m < 4; m++) {
            Path dir = images.resolve("session" + m);
            Files.createDirectories(dir);
            Path scratch = tmp.resolve("scratch" + m);
            PlantedPhotos.distinct(scratch, List.of(m < 2 ? "Canon" : "SONY"), 15, 64, 48);
            try (var s = Files.list(scratch)) {
                for (Path f : s.sorted().toList()) {
                    byte[] jpeg = Files.readAllBytes(f);
                    Files.write(dir.resolve(f.getFileName()), PlantedPhotos.withExif(stripExif(jpeg), m < 2 ? "Canon" : "SONY", "model " + m));
                }
            }
        }
        for (String by : List.of("Model", "folder:1")) {
            Path out = tmp.resolve("by-" + by.replace(':', '_'));
            CliRun r = audit(images, out, "--group-by", by, "--near-duplicates", "off");
            assertEquals(0, r.exit(), r.out() + r.err());
            assertTrue(r.out().contains("4 group(s) of two or more, 60 photos"), r.out());
            SplitFile split = SplitFile.read(out.resolve("results/acquisition_splits").resolve(SplitFile.fileName("Make")));
            Set<String> train = folders(split.trainIds());
            train.addAll(folders(split.valIds()));
            Set<String> test = folders(split.testIds());
            assertFalse(test.isEmpty());
            test.retainAll(train);
            assertEquals(Set.of(), test, by + ": no session on both sides of " + split.toJson());
            assertTrue(r.out().contains("acquisition Make (ungrouped)"), "the plain split leaks, so its figure is shown for contrast");
        }
        CliRun bad = audit(images, tmp.resolve("bad"), "--group-by", "Lens");
        assertEquals(2, bad.exit(), bad.out() + bad.err());
        assertTrue(bad.err().contains("no label 'Lens'") && bad.err().contains("Model"), bad.err());
        assertFalse(Files.exists(tmp.resolve("bad/embeddings")), "refused before any work");
    }

    private static Set<String> folders(List<String> ids) {
        Set<String> out = new HashSet<>();
        ids.forEach(id -> out.add(id.substring(0, id.indexOf('/'))));
        return out;
    }

    /** The JPEG without its first APP1 segment (the one {@link PlantedPhotos#withExif} put right after SOI). */
    private static byte[] stripExif(byte[] jpeg) {
        int len = ((jpeg[4] & 0xFF) << 8) | (jpeg[5] & 0xFF);
        byte[] out = new byte[jpeg.length - 2 - len];
        System.arraycopy(jpeg, 0, out, 0, 2);
        System.arraycopy(jpeg, 4 + len, out, 2, jpeg.length - 4 - len);
        return out;
    }

    @Test
    void makeSpellingsOfOneManufacturerAreOneClassUnlessTheStudysLabelsAreAsked() throws IOException {
        Path images = tmp.resolve("kodak");
        PlantedPhotos.distinct(images.resolve("a"), List.of("EASTMAN KODAK COMPANY", "Canon"), 12, 64, 48);
        PlantedPhotos.distinct(images.resolve("b"), List.of("Eastman Kodak Company", "Canon"), 10, 64, 48);
        CliRun r = audit(images, tmp.resolve("norm"));
        assertEquals(0, r.exit(), r.out() + r.err());
        JsonNode make = probe(tmp.resolve("norm"), "Make");
        assertNotNull(make, r.out());
        assertEquals(List.of("CANON", "KODAK"), names(make.get("class_names")));
        // 2 classes here, 9 in the study: said, with both chance levels
        assertTrue(r.out().contains("acquisition probe 'Make': 2 classes here (CANON, KODAK) against 9 in the study's FlickrExif split")
                && r.out().contains("chance is 50.0% here and 11.1% there")
                && r.out().contains("the study's makes missing here: APPLE, FUJIFILM, NIKON, OLYMPUS, PANASONIC, SAMSUNG, SONY"), r.out());
        assertTrue(Files.readString(tmp.resolve("norm/report.html")).contains("against 9 in the study"), "and the report says it");
        CliRun exact = audit(images, tmp.resolve("exact"), "--make-labels", "flickrexif");
        assertEquals(0, exact.exit(), exact.out() + exact.err());
        assertTrue(exact.out().contains("acquisition probe 'Make' skipped: 44 photos labelled, 1 class(es) with at least 20"), exact.out());
        assertEquals(2, audit(images, tmp.resolve("x"), "--make-labels", "upper").exit());
    }

    private static List<String> names(JsonNode a) {
        List<String> out = new ArrayList<>();
        a.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void buildSplitsMergesMakesByDefault() throws IOException {
        Path images = tmp.resolve("kodak");
        PlantedPhotos.distinct(images.resolve("a"), List.of("EASTMAN KODAK COMPANY", "Canon"), 6, 32, 24);
        PlantedPhotos.distinct(images.resolve("b"), List.of("Eastman Kodak Company"), 6, 32, 24);
        String[] common = {"datasets", "build-splits", "--images", images.toString(), "--min-count", "5", "--val-per-class", "1",
                "--test-per-class", "2", "--attribute", "Make"};
        CliRun r = CliRun.of(concat(common, "--out", tmp.resolve("s1").toString()));
        assertEquals(0, r.exit(), r.out() + r.err());
        assertEquals(List.of("CANON", "KODAK"), SplitFile.read(tmp.resolve("s1").resolve(SplitFile.fileName("Make"))).classes());
        CliRun e = CliRun.of(concat(common, "--out", tmp.resolve("s2").toString(), "--make-labels", "flickrexif"));
        assertEquals(0, e.exit(), e.out() + e.err());
        assertEquals(List.of("Canon", "EASTMAN KODAK COMPANY", "Eastman Kodak Company"),
                SplitFile.read(tmp.resolve("s2").resolve(SplitFile.fileName("Make"))).classes());
    }

    private static String[] concat(String[] a, String... b) {
        List<String> l = new ArrayList<>(List.of(a));
        l.addAll(List.of(b));
        return l.toArray(String[]::new);
    }

    @Test
    void theSpecCanAskForTheStudysMakeLabels() throws IOException {
        Path images = tmp.resolve("kodak");
        PlantedPhotos.distinct(images, List.of("Eastman Kodak Company", "OLYMPUS OPTICAL CO.,LTD"), 3, 32, 24);
        var norm = org.encodertraces.data.Datasets.open("exif:" + images).dataset();
        assertEquals(List.of("KODAK", "OLYMPUS"), norm.labelNames().get("Make"));
        var exact = org.encodertraces.data.Datasets.open("exif:" + images + "?make=flickrexif").dataset();
        assertEquals(List.of("Eastman Kodak Company", "OLYMPUS OPTICAL CO.,LTD"), exact.labelNames().get("Make"));
    }
}
