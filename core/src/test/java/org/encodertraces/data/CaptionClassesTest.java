package org.encodertraces.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Classes of a caption set from its captions' words: the rule, its spec options and its refusals. */
class CaptionClassesTest {
    @TempDir
    Path tmp;

    @Test
    void anImageIsOfAClassWhenEnoughOfItsCaptionsNameItAndOfNoneWhenSeveralDo() {
        CaptionClasses r = CaptionClasses.parse("dog:dog|dogs|puppy,snow:snow|skier", 3);
        // three of five captions say dog (whole words, any case): dog
        assertEquals(0, r.classOf(List.of("A Dog runs", "two dogs play", "a puppy", "an animal", "grass")));
        // two of five: not enough; "dogged" and "hotdog" are not the word dog
        assertEquals(-1, r.classOf(List.of("a dog", "dogs", "a dogged man", "a hotdog stand", "grass")));
        // three say dog and three say snow: several classes, left out
        assertEquals(-2, r.classOf(List.of("a dog in snow", "dog and snow", "a dog, snowy: snow", "x", "y")));
        // with min-captions 1 a single mention is enough
        assertEquals(1, CaptionClasses.parse("dog:dog,snow:snow|skier", 1).classOf(List.of("a skier", "a hill")));
    }

    @Test
    void theFlickr8kSetIsBuiltInAndMalformedRulesAreRefusedNamingThePart() {
        CaptionClasses f = CaptionClasses.parse("flickr8k", 3);
        assertEquals(List.of("dog", "water", "ball", "snow", "bike"), List.copyOf(f.classes().keySet()));
        assertTrue(f.describe().startsWith("an image is of a class when at least 3 of its captions"), f.describe());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CaptionClasses.parse("dog:dog,cat", 3));
        assertTrue(e.getMessage().contains("'cat' is not name:word|word"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CaptionClasses.parse("dog:dog", 3));
        assertTrue(e.getMessage().contains("at least two classes"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CaptionClasses.parse("dog:hot dog,cat:cat", 3));
        assertTrue(e.getMessage().contains("keyword 'hot dog' of 'dog' must be one word"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CaptionClasses.parse("dog:dog,cat:cat", 0));
        assertTrue(e.getMessage().contains("min-captions must be at least 1"), e.getMessage());
    }

    /** Four test images: two dogs, one snow, one both; one train image. */
    private Path set() throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("captions.jsonl", utf8("""
                {"file": "images/a.png", "captions": ["a dog", "a dog runs"]}
                {"file": "images/b.png", "captions": ["two dogs", "dogs play"]}
                {"file": "images/c.png", "captions": ["snow", "a skier in snow"]}
                {"file": "images/d.png", "captions": ["a dog in snow", "dog, snow"]}
                {"file": "images/e.png", "captions": ["a car", "a dog"]}
                """));
        m.put("split.json", utf8("{\"train\": [\"images/e.png\"], \"test\": [\"images/a.png\", \"images/b.png\", \"images/c.png\", \"images/d.png\"]}"));
        int i = 1;
        for (String n : List.of("a", "b", "c", "d", "e")) {
            m.put("images/" + n + ".png", CaptionsDatasetTest.png(i++));
        }
        return CaptionsDatasetTest.folder(tmp.resolve("set"), m);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aCaptionsSpecWithClassesLabelsTheImagesOfOneClassAndSaysWhatItLeftOut() throws Exception {
        Path dir = set();
        String spec = "captions:" + dir + "?split=test&classes=dog:dog|dogs,snow:snow|skier&min-captions=2";
        CaptionClasses.Labelled l = Datasets.openCaptionClasses(spec);
        Dataset d = l.captions().dataset();
        assertEquals(List.of("images/a.png", "images/b.png", "images/c.png"), d.samples().stream().map(Sample::id).toList());
        assertEquals(List.of(0L, 0L, 1L), d.samples().stream().map(s -> s.labels().get("label")).toList());
        assertEquals(List.of("dog", "snow"), d.labelNames().get("label"));
        assertEquals(Map.of("dog", 2, "snow", 1), l.perClass());
        assertEquals(0, l.noClass());
        assertEquals(1, l.ambiguous());
        assertTrue(d.source().endsWith("?split=test&classes=dog:dog|dogs,snow:snow|skier&min-captions=2"), d.source());
        // the same spec through the ordinary reader (audit, embed, knn): labelled, with the counts as a note
        Datasets.Opened o = Datasets.open(spec);
        assertEquals(3, o.dataset().samples().size());
        assertEquals(List.of("caption classes: dog 2, snow 1; left out 0 image(s) matching no class and 1 matching several"), o.notes());
        // without classes the set is as before: unlabelled, every image
        assertEquals(4, Datasets.openCaptions("captions:" + dir + "?split=test").size());
        // refusals name the spec and the reason
        IOException e = assertThrows(IOException.class, () -> Datasets.openCaptionClasses("captions:" + dir + "?split=test"));
        assertTrue(e.getMessage().contains("names no classes"), e.getMessage());
        e = assertThrows(IOException.class, () -> Datasets.open("captions:" + dir + "?split=test&classes=dog:dog,snow:snow&min-captions=two"));
        assertTrue(e.getMessage().contains("min-captions 'two' is not a whole number"), e.getMessage());
        e = assertThrows(IOException.class, () -> Datasets.open("captions:" + dir + "?split=test&classes=dog:dog,car:car&min-captions=5"));
        assertTrue(e.getMessage().contains("no image's captions name exactly one of the classes [dog, car] in at least 5 captions"), e.getMessage());
    }
}
