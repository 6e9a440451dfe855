package org.encodertraces.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestsTest {
    @Test
    void readsPathsAndLabelColumns(@TempDir Path tmp) throws IOException {
        Path m = tmp.resolve("photos.csv");
        Files.writeString(m, "path,camera,subject\nimgs/a.jpg,\"Canon, EOS\",3\nimgs/b.jpg,iPhone,3\nc.jpg,Canon; EOS,7\n");
        Dataset d = Manifests.open(m);
        assertEquals("photos", d.name());
        assertEquals(3, d.samples().size());
        assertEquals(List.of("Canon, EOS", "Canon; EOS", "iPhone"), d.labelNames().get("camera"));
        assertEquals(0L, d.samples().get(0).labels().get("camera"));
        assertEquals(2L, d.samples().get(1).labels().get("camera"));
        assertEquals(7L, d.samples().get(2).labels().get("subject"), "integer columns keep their values");
        assertEquals(tmp.resolve("imgs/b.jpg"), d.samples().get(1).file());
        assertEquals(List.of("camera", "subject"), d.labelTensors());
    }

    @Test
    void badManifestsNameTheProblem(@TempDir Path tmp) throws IOException {
        Path m = tmp.resolve("x.tsv");
        Files.writeString(m, "file\tlabel\na.jpg\t1\n");
        assertTrue(assertThrows(IOException.class, () -> Manifests.open(m)).getMessage().contains("'path' column"));
        Files.writeString(m, "path\tlabel\na.jpg\t1\tz\n");
        assertTrue(assertThrows(IOException.class, () -> Manifests.open(m)).getMessage().contains("x.tsv:2"));
        Files.writeString(m, "path\tlabel\na.jpg\t1\na.jpg\t2\n");
        assertTrue(assertThrows(IOException.class, () -> Manifests.open(m)).getMessage().contains("twice"));
    }

    @Test
    void imageFoldersGiveSortedClassIndices(@TempDir Path tmp) throws IOException {
        for (String f : new String[] {"zebra/1.jpg", "ant/2.png", "ant/sub/3.JPG", "ant/notes.txt", "ant/.hidden.jpg"}) {
            Files.createDirectories(tmp.resolve(f).getParent());
            Files.writeString(tmp.resolve(f), "x");
        }
        Dataset d = ImageFolders.open(tmp);
        assertEquals(List.of("ant/2.png", "ant/sub/3.JPG", "zebra/1.jpg"), d.samples().stream().map(Sample::id).toList());
        assertEquals(List.of("ant", "zebra"), d.labelNames().get("label"));
        assertEquals(1L, d.samples().get(2).labels().get("label"));
        assertEquals(64, d.manifestSha256().length());
    }
}
