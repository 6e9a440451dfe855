package org.encodertraces.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.encodertraces.Requirements;
import org.encodertraces.image.ImageDecoder;
import org.encodertraces.image.PngIo;
import org.encodertraces.image.RgbImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The captions: dataset spec on generated archives and folders (good and broken) and on the shared Flickr8k copy. */
class CaptionsDatasetTest {
    @TempDir
    Path tmp;

    static byte[] png(int seed) {
        RgbImage img = DeadLeaves.render(DeadLeaves.CLASSES.get(seed % DeadLeaves.CLASSES.size()), seed, 12, 12, 7);
        return PngIo.encode(img);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A good three-image set: two train, one test; the first caption holds non-ASCII text. */
    static Map<String, byte[]> goodSet() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("README.md", utf8("a tiny set"));
        m.put("captions.jsonl", utf8("""
                {"file": "images/a.png", "source_id": "a.jpg", "captions": ["A dog runs .", "Un café au lait"]}
                {"file": "images/b.png", "captions": ["Two kids play"]}
                {"file": "images/c.png", "captions": ["a red car", "a car on a road"]}
                """));
        m.put("split.json", utf8("{\"train\": [\"images/a.png\", \"images/b.png\"], \"test\": [\"images/c.png\"]}"));
        m.put("images/a.png", png(1));
        m.put("images/b.png", png(2));
        m.put("images/c.png", png(3));
        return m;
    }

    static Path folder(Path dir, Map<String, byte[]> members) throws IOException {
        for (var e : members.entrySet()) {
            Path f = dir.resolve(e.getKey());
            Files.createDirectories(f.getParent());
            Files.write(f, e.getValue());
        }
        return dir;
    }

    @Test
    void zipAndFolderOfTheSameLayoutReadTheSameSplits() throws IOException {
        Path z = ZipDatasetTest.zip(tmp.resolve("caps.zip"), goodSet());
        CaptionsDataset train = Datasets.openCaptions("captions:" + z + "?split=train");
        assertEquals(List.of("images/a.png", "images/b.png"), train.dataset().samples().stream().map(Sample::id).toList());
        assertEquals(List.of("A dog runs .", "Un café au lait"), train.captions().get("images/a.png"));
        assertEquals(3, train.captionCount());
        assertEquals("caps_train", train.dataset().name());
        assertEquals(12, new ImageDecoder().decode(train.dataset().samples().get(1).file()).image().width());
        CaptionsDataset test = Datasets.openCaptions("captions:" + z + "?split=test");
        assertEquals(List.of("images/c.png"), List.copyOf(test.captions().keySet()));
        // the generic spec opens the same images (for embed and audit)
        Datasets.Opened o = Datasets.open("captions:" + z + "?split=test");
        assertEquals("captions", o.kind());
        assertEquals(test.dataset().manifestSha256(), o.dataset().manifestSha256());

        Path dir = folder(Files.createDirectory(tmp.resolve("caps")), goodSet());
        CaptionsDataset fromDir = Datasets.openCaptions("captions:" + dir + "?split=train");
        assertEquals(train.captions(), fromDir.captions());
        assertEquals(train.dataset().samples().stream().map(Sample::id).toList(), fromDir.dataset().samples().stream().map(Sample::id).toList());
    }

    private String refusal(Map<String, byte[]> members, String split) throws IOException {
        Path z = ZipDatasetTest.zip(Files.createTempFile(tmp, "set", ".zip"), members);
        IOException e = assertThrows(IOException.class, () -> Datasets.openCaptions("captions:" + z + "?split=" + split));
        assertTrue(e.getMessage().startsWith(z.toString()), e.getMessage());
        return e.getMessage();
    }

    @Test
    void aZipSlipNameRefusesTheArchive() throws IOException {
        Map<String, byte[]> m = goodSet();
        m.put("../evil.png", png(4));
        String msg = refusal(m, "train");
        assertTrue(msg.contains("member '../evil.png' has a '..' path element (a zip-slip name)"), msg);
        // a split file naming a path outside the set is refused the same way
        m = goodSet();
        m.put("split.json", utf8("{\"train\": [\"../../etc/passwd\"], \"test\": []}"));
        msg = refusal(m, "train");
        assertTrue(msg.contains("split.json: file '../../etc/passwd' has a '..' path element"), msg);
    }

    @Test
    void anImageWithoutCaptionsIsAnError() throws IOException {
        Map<String, byte[]> m = goodSet();
        m.put("captions.jsonl", utf8("{\"file\": \"images/a.png\", \"captions\": [\"x\"]}\n{\"file\": \"images/c.png\", \"captions\": [\"y\"]}\n"));
        String msg = refusal(m, "train");
        assertTrue(msg.contains("captions.jsonl: no caption line for 'images/b.png', which split.json lists in 'train'"), msg);
        // a caption line without its captions key
        m.put("captions.jsonl", utf8("{\"file\": \"images/a.png\"}\n"));
        msg = refusal(m, "train");
        assertTrue(msg.contains("captions.jsonl line 1: 'images/a.png' has no \"captions\" list"), msg);
        // a caption line whose image is missing
        m = goodSet();
        m.remove("images/c.png");
        msg = refusal(m, "test");
        assertTrue(msg.contains("captions.jsonl line 3: image 'images/c.png' is not in the caption set"), msg);
    }

    @Test
    void anEmptyCaptionListOrCaptionIsAnError() throws IOException {
        Map<String, byte[]> m = goodSet();
        m.put("captions.jsonl", utf8("{\"file\": \"images/a.png\", \"captions\": [\"x\"]}\n{\"file\": \"images/b.png\", \"captions\": []}\n"));
        String msg = refusal(m, "train");
        assertTrue(msg.contains("captions.jsonl line 2: 'images/b.png' has an empty caption list"), msg);
        m.put("captions.jsonl", utf8("{\"file\": \"images/a.png\", \"captions\": [\"x\", \"  \"]}\n"));
        msg = refusal(m, "train");
        assertTrue(msg.contains("captions.jsonl line 1: 'images/a.png' has an empty caption"), msg);
    }

    @Test
    void badUtf8IsAnErrorNamingTheLine() throws IOException {
        Map<String, byte[]> m = goodSet();
        byte[] good = utf8("{\"file\": \"images/a.png\", \"captions\": [\"ok\"]}\n{\"file\": \"images/b.png\", \"captions\": [\"caf");
        byte[] latin1 = {(byte) 0xE9, '"', ']', '}', '\n'};
        byte[] all = new byte[good.length + latin1.length];
        System.arraycopy(good, 0, all, 0, good.length);
        System.arraycopy(latin1, 0, all, good.length, latin1.length);
        m.put("captions.jsonl", all);
        String msg = refusal(m, "train");
        assertTrue(msg.contains("captions.jsonl line 2: not UTF-8 text"), msg);
    }

    @Test
    void aSpecWithoutASplitOrWithAnUnknownOneIsRefused() throws IOException {
        Path z = ZipDatasetTest.zip(tmp.resolve("caps.zip"), goodSet());
        IOException e = assertThrows(IOException.class, () -> Datasets.openCaptions("captions:" + z));
        assertTrue(e.getMessage().contains("a captions: spec names its split"), e.getMessage());
        e = assertThrows(IOException.class, () -> Datasets.openCaptions("captions:" + z + "?split=val"));
        assertTrue(e.getMessage().contains("unknown split 'val'"), e.getMessage());
        e = assertThrows(IOException.class, () -> Datasets.openCaptions("captions:" + tmp.resolve("none.zip") + "?split=train"));
        assertTrue(e.getMessage().contains("no such caption set"), e.getMessage());
        Map<String, byte[]> m = goodSet();
        m.remove("split.json");
        Path noSplit = ZipDatasetTest.zip(tmp.resolve("nosplit.zip"), m);
        e = assertThrows(IOException.class, () -> Datasets.openCaptions("captions:" + noSplit + "?split=train"));
        assertTrue(e.getMessage().contains("no split.json"), e.getMessage());
    }

    @Test
    void theSharedFlickr8kCopyReadsInPlace() throws IOException {
        Path z = Requirements.shared("data/flickr8k-captions-64.zip");
        CaptionsDataset train = Datasets.openCaptions("captions:" + z + "?split=train");
        CaptionsDataset test = Datasets.openCaptions("captions:" + z + "?split=test");
        // the counts its README states
        assertEquals(7270, train.size());
        assertEquals(821, test.size());
        assertEquals(5 * 8091, train.captionCount() + test.captionCount());
        assertTrue(java.util.Collections.disjoint(train.captions().keySet(), test.captions().keySet()));
        assertEquals(64, new ImageDecoder().decode(test.dataset().samples().get(0).file()).image().width());
    }
}
