package org.encodertraces.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.encodertraces.Requirements;
import org.encodertraces.TestData;
import org.encodertraces.image.ChromaSubsampling;
import org.encodertraces.image.ImageDecoder;
import org.encodertraces.image.JpegCodec;
import org.encodertraces.image.RgbImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The zip: dataset spec on generated archives (good, corrupt, unsafe) and on the shared CIFAR-10 zip. */
class ZipDatasetTest {
    @TempDir
    Path tmp;

    static byte[] jpeg(int seed) {
        byte[] px = new byte[16 * 16 * 3];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (i * 7 + seed * 31);
        }
        return JpegCodec.encode(new RgbImage(16, 16, px), 90, ChromaSubsampling.S444);
    }

    /** Writes a zip with the given members (name to bytes), in order. */
    static Path zip(Path file, Map<String, byte[]> members) throws IOException {
        try (OutputStream os = Files.newOutputStream(file); ZipOutputStream z = new ZipOutputStream(os)) {
            for (var e : members.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return file;
    }

    @Test
    void classFoldersUnderAPrefixAreReadInPlace() throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("data/train/dog/b.jpg", jpeg(1));
        m.put("data/train/cat/a.jpg", jpeg(2));
        m.put("data/train/cat/c.jpg", jpeg(3));
        m.put("data/test/cat/x.jpg", jpeg(4));
        m.put("data/train/readme.txt", "not an image".getBytes());
        Path z = zip(tmp.resolve("pets.zip"), m);
        Datasets.Opened o = Datasets.open("zip:" + z + "!/data/train");
        assertEquals("zip", o.kind());
        Dataset d = o.dataset();
        assertEquals(List.of("cat", "dog"), d.labelNames().get("label"));
        assertEquals(List.of("cat/a.jpg", "cat/c.jpg", "dog/b.jpg"), d.samples().stream().map(Sample::id).toList());
        assertEquals(List.of(0L, 0L, 1L), d.samples().stream().map(s -> s.labels().get("label")).toList());
        assertEquals("pets_data_train", d.name());
        // the sample's bytes are the member's bytes, decoded like any file
        assertEquals(16, new ImageDecoder().decode(d.samples().get(2).file()).image().width());
        assertTrue(java.util.Arrays.equals(jpeg(1), Files.readAllBytes(d.samples().get(2).file())));
        // a plain path ending in .zip is detected, and the same spec gives the same manifest hash
        assertEquals(d.manifestSha256(), Datasets.open("zip:" + z + "!/data/train/").dataset().manifestSha256());
    }

    @Test
    void missingArchiveAndMissingPrefixAreClearErrors() throws IOException {
        IOException e = assertThrows(IOException.class, () -> Datasets.open("zip:" + tmp.resolve("nope.zip")));
        assertTrue(e.getMessage().contains("nope.zip: no such zip archive"), e.getMessage());
        Path z = zip(tmp.resolve("a.zip"), Map.of("train/cat/a.jpg", jpeg(1)));
        e = assertThrows(IOException.class, () -> Datasets.open("zip:" + z + "!/val"));
        assertTrue(e.getMessage().contains("no folder 'val' inside the archive (top-level folders: train)"), e.getMessage());
        Path notZip = Files.writeString(tmp.resolve("b.zip"), "hello, not a zip");
        e = assertThrows(IOException.class, () -> Datasets.open("zip:" + notZip));
        assertTrue(e.getMessage().contains("b.zip: not a readable zip archive"), e.getMessage());
    }

    @Test
    void zipWithoutClassFoldersIsRefusedWithTheReason() throws IOException {
        Path flat = zip(tmp.resolve("flat.zip"), Map.of("a.jpg", jpeg(1), "b.jpg", jpeg(2)));
        IOException e = assertThrows(IOException.class, () -> Datasets.open("zip:" + flat));
        assertTrue(e.getMessage().contains("no class folders: image 'a.jpg' sits at the top level"), e.getMessage());
        // images two folders deep would make the split folders the classes: refused, naming the fix
        Path deep = zip(tmp.resolve("deep.zip"), Map.of("train/cat/a.jpg", jpeg(1), "test/cat/b.jpg", jpeg(2)));
        e = assertThrows(IOException.class, () -> Datasets.open(deep.toString()));
        assertTrue(e.getMessage().contains("more than one folder deep") && e.getMessage().contains("!/test"), e.getMessage());
        Path none = zip(tmp.resolve("none.zip"), Map.of("docs/readme.txt", "x".getBytes()));
        e = assertThrows(IOException.class, () -> Datasets.open("zip:" + none));
        assertTrue(e.getMessage().contains("no image files in the archive"), e.getMessage());
    }

    @Test
    void zipSlipNamesAreRefused() throws IOException {
        for (String bad : List.of("../x.jpg", "cat/../../x.jpg", "/etc/x.jpg", "cat\\..\\x.jpg")) {
            Map<String, byte[]> m = new LinkedHashMap<>();
            m.put("cat/a.jpg", jpeg(1));
            m.put(bad, jpeg(2));
            Path z = zip(tmp.resolve("slip.zip"), m);
            IOException e = assertThrows(IOException.class, () -> Datasets.open("zip:" + z), bad);
            assertTrue(e.getMessage().contains("member '" + bad + "'") && e.getMessage().contains("zip-slip"), e.getMessage());
        }
    }

    @Test
    void sharedCifar10SplitsOpenWithTenClasses() throws IOException {
        Path cifar = Requirements.shared("data/cifar10.zip");
        Dataset test = Datasets.open("zip:" + cifar + "!/test").dataset();
        assertEquals(10_000, test.samples().size());
        assertEquals(List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"),
                test.labelNames().get("label"));
        RgbImage first = new ImageDecoder().decode(test.samples().get(0).file()).image();
        assertEquals(32, first.width());
        IOException e = assertThrows(IOException.class, () -> Datasets.open("zip:" + cifar));
        assertTrue(e.getMessage().contains("more than one folder deep"), e.getMessage());
    }
}
