package org.encodertraces.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.encodertraces.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SplitFileTest {

    @Test
    void everyPublishedSplitReadsAndWritesBackByteIdentical(@TempDir Path tmp) throws IOException {
        Path dir = TestData.shared().resolve("data/flickrexif-splits");
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertEquals(10, files.size(), "the ten published attributes");
        for (Path f : files) {
            SplitFile s = SplitFile.read(f);
            assertEquals(SplitFile.fileName(s.targetAttribute()), f.getFileName().toString());
            assertTrue(ExifDataset.ATTRIBUTES.contains(s.targetAttribute()), s.targetAttribute());
            assertTrue(s.numericIds(), "published ids are JSON integers");
            Path out = tmp.resolve(f.getFileName());
            s.write(out);
            assertEquals(Files.mismatch(f, out), -1L, f + " changed on the round trip");
            assertEquals(s, SplitFile.read(out));
        }
    }

    @Test
    void publishedSplitsAreClassBalancedAndModelLeaks45Ids() throws IOException {
        Path dir = TestData.shared().resolve("data/flickrexif-splits");
        SplitFile aperture = SplitFile.read(dir.resolve(SplitFile.fileName("Aperture")));
        assertEquals(17, aperture.classes().size());
        assertEquals(Map.of(500L, 17L), histogram(aperture.testLabels()));
        assertEquals(Map.of(200L, 17L), histogram(aperture.valLabels()));
        assertEquals(Map.of(4745L, 17L), histogram(aperture.trainLabels()), "train is balanced too");
        assertTrue(aperture.overlappingIds().isEmpty());
        SplitFile model = SplitFile.read(dir.resolve(SplitFile.fileName("Model")));
        assertEquals(List.of("train_ids", "val_ids", "test_ids", "encoded_train_labels", "encoded_val_labels", "encoded_test_labels",
                "label_encoder_classes", "target_attribute"), model.keyOrder());
        assertEquals(45, model.overlappingIds().size(), "the published Model split has ids in both train and test");
    }

    private static Map<Long, Long> histogram(List<Integer> labels) {
        Map<Integer, Long> perClass = new HashMap<>();
        labels.forEach(l -> perClass.merge(l, 1L, Long::sum));
        Map<Long, Long> h = new HashMap<>();
        perClass.values().forEach(c -> h.merge(c, 1L, Long::sum));
        return h;
    }

    @Test
    void stringIdsAndNonAsciiClassesRoundTrip(@TempDir Path tmp) throws IOException {
        SplitFile s = new SplitFile("Model", List.of("Caméra \"X\"", "b"), List.of("a/1.jpg", "a/2.jpg"), List.of(0, 1),
                List.of("v.jpg"), List.of(1), List.of("t.jpg"), List.of(0), false);
        String json = s.toJson();
        assertTrue(json.contains("\"Cam\\u00e9ra \\\"X\\\"\""), json);
        assertTrue(json.startsWith("{\"train_ids\": [\"a/1.jpg\", \"a/2.jpg\"], \"test_ids\": [\"t.jpg\"]"), json);
        Path f = tmp.resolve("s.json");
        s.write(f);
        assertEquals(s, SplitFile.read(f));
    }

    @Test
    void malformedFilesAreRejectedNamingFileAndReason(@TempDir Path tmp) throws IOException {
        Map<String, String> bad = Map.of(
                "missing", "{\"train_ids\": [], \"test_ids\": [], \"val_ids\": []}",
                "range", "{\"train_ids\": [1], \"test_ids\": [], \"val_ids\": [], \"encoded_train_labels\": [3], \"encoded_test_labels\": [],"
                        + " \"encoded_val_labels\": [], \"label_encoder_classes\": [\"a\"], \"target_attribute\": \"Make\"}",
                "lengths", "{\"train_ids\": [1, 2], \"test_ids\": [], \"val_ids\": [], \"encoded_train_labels\": [0], \"encoded_test_labels\": [],"
                        + " \"encoded_val_labels\": [], \"label_encoder_classes\": [\"a\"], \"target_attribute\": \"Make\"}",
                "truncated", "{\"train_ids\": [1, 2",
                "extra", "{\"bogus\": 1}");
        Map<String, String> expect = Map.of("missing", "missing key 'encoded_train_labels'", "range", "outside 0..0", "lengths",
                "2 ids but 1 labels", "truncated", "malformed JSON", "extra", "unexpected key 'bogus'");
        for (var e : bad.entrySet()) {
            Path f = tmp.resolve(e.getKey() + ".json");
            Files.writeString(f, e.getValue(), StandardCharsets.UTF_8);
            IOException x = assertThrows(IOException.class, () -> SplitFile.read(f));
            assertTrue(x.getMessage().startsWith(f.toString()) && x.getMessage().contains(expect.get(e.getKey())), x.getMessage());
        }
    }

    @Test
    void builderIsSeededBalancedAndIndependentOfInputOrder() {
        Map<String, String> labels = new HashMap<>();
        int id = 1000;
        String[] classes = {"Canon", "NIKON", "Apple", "SONY"};
        int[] sizes = {40, 25, 60, 9};
        for (int c = 0; c < classes.length; c++) {
            for (int i = 0; i < sizes[c]; i++) {
                labels.put(Integer.toString(id++), classes[c]);
            }
        }
        labels.put(Integer.toString(id++), "unknown");
        labels.put(Integer.toString(id), "");
        SplitBuilder.Options o = new SplitBuilder.Options(20, 3, 5, 7, true);
        SplitFile a = SplitBuilder.build("Make", labels, o);
        assertEquals(List.of("Apple", "Canon", "NIKON"), a.classes(), "SONY below minCount, unknown and empty left out");
        assertEquals(Map.of(5L, 3L), histogram(a.testLabels()));
        assertEquals(Map.of(3L, 3L), histogram(a.valLabels()));
        assertEquals(Map.of(17L, 3L), histogram(a.trainLabels()), "train cut to the smallest kept class (25-8)");
        assertTrue(a.overlappingIds().isEmpty());
        assertTrue(a.numericIds());
        for (int i = 0; i < a.testIds().size(); i++) {
            assertEquals(a.classes().get(a.testLabels().get(i)), labels.get(a.testIds().get(i)));
        }
        assertEquals(a.testLabels(), a.testLabels().stream().sorted().toList(), "grouped by class like the published files");

        Map<String, String> reordered = new java.util.LinkedHashMap<>();
        labels.keySet().stream().sorted(java.util.Comparator.reverseOrder()).forEach(k -> reordered.put(k, labels.get(k)));
        assertEquals(a, SplitBuilder.build("Make", reordered, o), "same seed, same split whatever the input order");
        SplitFile b = SplitBuilder.build("Make", labels, new SplitBuilder.Options(20, 3, 5, 8, true));
        assertFalse(a.testIds().equals(b.testIds()), "another seed, another split");

        SplitFile rest = SplitBuilder.build("Make", labels, new SplitBuilder.Options(20, 3, 5, 7, false));
        assertEquals(60 + 40 + 25 - 24, rest.trainIds().size(), "unbalanced: every remaining photo trains");
        assertEquals(a.testIds(), rest.testIds(), "balancing train does not change test");
        assertEquals(new HashSet<>(labels.keySet()).containsAll(rest.trainIds()), true);

        assertThrows(IllegalArgumentException.class, () -> new SplitBuilder.Options(5, 3, 5, 0, true));
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> SplitBuilder.build("Make", labels, new SplitBuilder.Options(100, 3, 5, 0, true)));
        assertTrue(none.getMessage().contains("largest: 60"), none.getMessage());
    }
}
