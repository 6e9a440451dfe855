package org.encodertraces.erase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.encodertraces.embed.EmbeddingFormatException;
import org.encodertraces.embed.EmbeddingSetIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Eraser files: exact round trip (F64 tensors), and a sidecar that does not belong to its file, or is missing, is caught. */
class EraserFileTest {
    @TempDir
    Path dir;

    static EraserFile sample() {
        SyntheticErasureTest.Data d = SyntheticErasureTest.planted(500, 3);
        Eraser e = Leace.defaults().fit(d.x(), d.n(), SyntheticErasureTest.D, List.of(SyntheticErasureTest.concept(d.y())));
        ObjectNode desc = JsonNodeFactory.instance.objectNode();
        desc.putArray("concepts").addObject().put("name", "planted");
        return new EraserFile(e, new EncoderIdentity("m", "ab".repeat(32), SyntheticErasureTest.D), List.of("a.jpg", "b.jpg"), "cd", desc);
    }

    @Test
    void roundTripIsExact() throws Exception {
        EraserFile f = sample();
        Path p = dir.resolve("e.safetensors");
        f.write(p);
        EraserFile back = EraserFile.read(p);
        assertEquals(f.eraser(), back.eraser());
        assertEquals(f.encoder(), back.encoder());
        assertEquals(List.of("a.jpg", "b.jpg"), back.fittedIds());
        assertEquals("cd", back.datasetSha256());
        assertEquals(List.of("planted"), back.conceptNames());
    }

    @Test
    void aSidecarOfAnotherFileOrNoneIsRefused() throws Exception {
        Path p = dir.resolve("e.safetensors");
        sample().write(p);
        Path other = dir.resolve("other.safetensors");
        sample().write(other);
        byte[] bytes = Files.readAllBytes(p);
        bytes[bytes.length - 1] ^= 1;
        Files.write(p, bytes);
        EmbeddingFormatException e = assertThrows(EmbeddingFormatException.class, () -> EraserFile.read(p));
        assertTrue(e.getMessage().contains("belongs to a file with sha256"), e.getMessage());
        Files.delete(EmbeddingSetIO.sidecarOf(other));
        EmbeddingFormatException m = assertThrows(EmbeddingFormatException.class, () -> EraserFile.read(other));
        assertTrue(m.getMessage().contains("sidecar other.json is missing"), m.getMessage());
    }
}
