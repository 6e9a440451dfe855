package org.encodertraces.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.encodertraces.image.PerceptualHash;
import org.encodertraces.image.RgbImage;
import org.encodertraces.probe.ProcessingProbe;
import org.junit.jupiter.api.Test;

/** The one rule of every split: photos of a group (near-duplicates, a camera, a session) stay on one side. */
class SplitGroupsTest {
    /** 3 classes x {@code perClass} photos; photo i of class c is "c<c>_<i>". */
    private static Map<String, String> labels(int perClass) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < perClass; i++) {
                m.put("c" + c + "_" + i, "class" + c);
            }
        }
        return m;
    }

    @Test
    void relationsJoinIntoConnectedGroups() {
        SplitGroups a = SplitGroups.of(List.of(List.of("x", "y"), List.of("p", "q")));
        SplitGroups b = SplitGroups.byKey(Map.of("y", "cam1", "z", "cam1", "q", "cam2", "r", "cam3"));
        SplitGroups u = a.union(b);
        assertEquals(List.of(List.of("x", "y", "z"), List.of("p", "q")), u.groups());
        assertEquals(u.keyOf("x"), u.keyOf("z"));
        assertTrue(!u.isGrouped("r"), "a group of one is no group");
        assertEquals(List.of("z"), u.leaking(List.of("x", "p"), List.of("z", "r")));
        assertEquals(List.of(List.of("x", "y")), u.restrictTo(List.of("x", "y", "p")).groups());
    }

    @Test
    void withoutGroupsTheSplitIsTheStudyStyleOne() {
        Map<String, String> l = labels(30);
        SplitBuilder.Options o = SplitBuilder.Options.sized(l, 20, 0.3, 0.2, 4);
        assertEquals(9, o.testPerClass());
        assertEquals(4, o.valPerClass());
        // groups elsewhere or of one member change nothing
        SplitGroups g = SplitGroups.of(List.of(List.of("other1", "other2"), List.of("c0_1")));
        assertEquals(SplitBuilder.build("A", l, o), SplitBuilder.build("A", l, o, g, new ArrayList<>()));
    }

    @Test
    void groupedSplitNeverCutsAGroup() {
        Map<String, String> l = labels(24);
        List<List<String>> bursts = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
            for (int b = 0; b < 6; b++) {
                List<String> burst = new ArrayList<>();
                for (int k = 0; k < 4; k++) {
                    burst.add("c" + c + "_" + (4 * b + k));
                }
                bursts.add(burst);
            }
        }
        SplitGroups g = SplitGroups.of(bursts);
        SplitBuilder.Options o = SplitBuilder.Options.sized(l, 20, 0.3, 0.2, 1);
        SplitFile plain = SplitBuilder.build("A", l, o);
        List<String> trainVal = new ArrayList<>(plain.trainIds());
        trainVal.addAll(plain.valIds());
        assertTrue(!g.leaking(trainVal, plain.testIds()).isEmpty(), "a random split cuts bursts");
        SplitFile s = SplitBuilder.build("A", l, o, g, new ArrayList<>());
        Set<String> test = keys(g, s.testIds());
        Set<String> rest = keys(g, s.trainIds());
        rest.addAll(keys(g, s.valIds()));
        test.retainAll(rest);
        assertEquals(Set.of(), test);
        assertEquals(3, s.classes().size());
        assertEquals(s, SplitBuilder.build("A", new HashMap<>(l), o, g, new ArrayList<>()), "seeded, order-free");
        // near-duplicates count once in test
        AcquisitionSplit a = AcquisitionSplit.of("A", l, 20, 0.3, 0.2, 1, g, g, new ArrayList<>());
        assertEquals(keys(g, a.split().testIds()).size(), a.split().testIds().size());
        assertEquals(s.testIds().size() - a.split().testIds().size(), a.collapsed());
        assertEquals(plain, a.ungrouped());
    }

    @Test
    void aClassThatIsOneGroupCannotBeSplit() {
        Map<String, String> l = labels(24);
        List<String> all0 = new ArrayList<>();
        List<String> all1 = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            all0.add("c0_" + i);
            all1.add("c1_" + i);
        }
        List<String> notes = new ArrayList<>();
        SplitFile s = SplitBuilder.build("A", l, SplitBuilder.Options.sized(l, 20, 0.3, 0.2, 0), SplitGroups.of(List.of(all0)), notes);
        assertEquals(List.of("class1", "class2"), s.classes(), "class0 left out");
        assertTrue(notes.get(0).contains("class 'class0' left out") && notes.get(0).contains("1 group(s)"), notes.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SplitBuilder.build("A", l,
                SplitBuilder.Options.sized(l, 20, 0.3, 0.2, 0), SplitGroups.of(List.of(all0, all1)), new ArrayList<>()));
        assertTrue(e.getMessage().contains("1 of 3 classes"), e.getMessage());
    }

    @Test
    void imageSplitsKeepGroupsAndAreTheOldOnesWithout() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            ids.add("img" + i);
        }
        ProcessingProbe.ImageSplit r = ProcessingProbe.ImageSplit.random(40, 0.3, 7);
        int[][] same = SplitGroups.none().imageSplit(ids, 0.3, 7, n -> new int[][] {r.train(), r.test()});
        assertArrayEquals(r.test(), same[1]);
        List<List<String>> pairs = new ArrayList<>();
        for (int i = 0; i < 40; i += 2) {
            pairs.add(List.of("img" + i, "img" + (i + 1)));
        }
        int[][] g = SplitGroups.of(pairs).imageSplit(ids, 0.3, 7, n -> new int[][] {r.train(), r.test()});
        Set<Integer> test = new HashSet<>();
        for (int i : g[1]) {
            test.add(i / 2);
        }
        for (int i : g[0]) {
            assertTrue(!test.contains(i / 2), "pair " + i / 2 + " on both sides");
        }
        assertEquals(12, g[1].length, "6 pairs: as close to 30% of 40 as whole pairs allow");
    }

    @Test
    void perceptualHashSeesThroughAShiftAndAReencodeButNotAcrossScenes() {
        RgbImage scene = DeadLeaves.render(DeadLeaves.CLASSES.get(0), 1, 130, 98, 3);
        RgbImage other = DeadLeaves.render(DeadLeaves.CLASSES.get(0), 2, 130, 98, 3);
        long a = PerceptualHash.of(scene.crop(0, 0, 128, 96));
        long b = PerceptualHash.of(org.encodertraces.image.JpegCodec.roundTrip(scene.crop(1, 1, 128, 96), 80,
                org.encodertraces.image.ChromaSubsampling.S420));
        long c = PerceptualHash.of(other.crop(0, 0, 128, 96));
        int near = PerceptualHash.distance(a, b);
        int far = PerceptualHash.distance(a, c);
        assertTrue(near <= NearDuplicates.DEFAULT_MAX_DISTANCE, "shifted and re-encoded: " + near);
        assertTrue(far > NearDuplicates.DEFAULT_MAX_DISTANCE, "another scene: " + far);
        assertEquals(32, Long.bitCount(a), "median threshold: half the bits set");
        assertEquals(a, PerceptualHash.parseHex(PerceptualHash.hex(a)));
        // chains join: x~y and y~z make one group even when x and z are further apart
        Map<String, Long> h = new LinkedHashMap<>();
        h.put("x", 0L);
        h.put("y", 0x3FFL);
        h.put("z", 0xFFFFFL);
        h.put("w", 0xFFFFFFFF00000000L);
        assertEquals(List.of(new NearDuplicates.Group(List.of("x", "y", "z"), 10)), NearDuplicates.groups(h, 10));
    }

    @Test
    void groupByReadsAManifestColumnAFolderLevelOrSaysWhatItHas(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws java.io.IOException {
        java.nio.file.Path m = tmp.resolve("photos.csv");
        java.nio.file.Files.writeString(m, "path,Make,session\nday1/a.jpg,Canon,s1\nday1/b.jpg,Canon,s1\nday2/c.jpg,SONY,s2\n"
                + "day2/d.jpg,SONY,s3\ne.jpg,SONY,s3\n");
        Dataset ds = Manifests.open(m);
        assertEquals(List.of(List.of("day1/a.jpg", "day1/b.jpg"), List.of("day2/d.jpg", "e.jpg")),
                GroupBy.parse("column:session").groups(ds).groups());
        assertEquals(GroupBy.parse("column:session").groups(ds).groups(), GroupBy.parse("SESSION").groups(ds).groups(), "any case");
        assertEquals(List.of(List.of("day1/a.jpg", "day1/b.jpg"), List.of("day2/c.jpg", "day2/d.jpg")),
                GroupBy.parse("folder:1").groups(ds).groups(), "a file at the root is in no folder group");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GroupBy.parse("exif:Model").groups(ds));
        assertTrue(e.getMessage().contains("no label 'Model'") && e.getMessage().contains("Make, session"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GroupBy.parse("folder:0"));
        assertThrows(IllegalArgumentException.class, () -> GroupBy.parse(" "));
    }

    private static Set<String> keys(SplitGroups g, List<String> ids) {
        Set<String> out = new HashSet<>();
        ids.forEach(id -> out.add(g.keyOf(id)));
        return out;
    }
}
