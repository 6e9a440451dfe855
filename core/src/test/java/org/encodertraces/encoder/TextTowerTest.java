package org.encodertraces.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link TextTower}: a real tokenizer.json through DJL's tokenizers binding, offline, and an ONNX text model. */
class TextTowerTest {
    private static Path tinyClip(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("onnx"));
        Files.write(dir.resolve("onnx/vision_model.onnx"), TinyClip.vision());
        Files.write(dir.resolve("onnx/text_model.onnx"), TinyClip.text());
        Files.writeString(dir.resolve("tokenizer.json"), TinyClip.tokenizerJson());
        return dir.resolve("onnx/vision_model.onnx");
    }

    @Test
    void tokenizesWithTheFilesModelAndEmbedsWithTheTextModel(@TempDir Path tmp) throws IOException {
        Path vision = tinyClip(tmp);
        TextTower.Files files = TextTower.beside(vision).orElseThrow();
        assertEquals(tmp.resolve("tokenizer.json").toAbsolutePath(), files.tokenizer(), "the Hub layout: tokenizer at the root");
        List<String> texts = List.of("A downscaled photo", "an over-sharpened photo", "zebra photo");
        try (TextTower t = TextTower.open(files, 1)) {
            assertEquals("text_embeds", t.output());
            assertEquals(TinyClip.DIM, t.dim());
            float[][] e = t.embed(texts);
            for (int i = 0; i < texts.size(); i++) {
                long[] ids = TinyClip.expectedIds(texts.get(i));
                assertArrayEquals(ids, t.tokenIds(texts.get(i)), texts.get(i));
                assertArrayEquals(TinyClip.expectedTextEmbedding(ids), e[i], 1e-6f, texts.get(i));
            }
            // an unknown word is the unknown token, wrapped in start and end
            assertArrayEquals(new long[] {1, 0, TinyClip.vocab().get("photo"), 2}, t.tokenIds("zebra photo"));
            assertTrue(t.provenance().get("tokenizer_sha256").toString().matches("[0-9a-f]{64}"));
        }
    }

    @Test
    void aTokenizerWithFixedPaddingPadsEveryTextToItsLengthAndRefusesLongerOnes(@TempDir Path tmp) throws IOException {
        Path vision = tinyClip(tmp);
        Files.writeString(tmp.resolve("tokenizer.json"), TinyClip.tokenizerJson(6));
        try (TextTower t = TextTower.open(TextTower.beside(vision).orElseThrow(), 1)) {
            assertEquals(6, t.fixedLength());
            long[] ids = t.tokenIds("a downscaled photo");
            long[] real = TinyClip.expectedIds("a downscaled photo");
            assertArrayEquals(new long[] {real[0], real[1], real[2], real[3], real[4], 0}, ids);
            // the tiny model averages every fed row, padding included: what it is fed is what it was trained on
            assertArrayEquals(TinyClip.expectedTextEmbedding(ids), t.embed(List.of("a downscaled photo"))[0], 1e-6f);
            IOException e = assertThrows(IOException.class, () -> t.embed(List.of("a photo saved at high jpeg quality")));
            assertTrue(e.getMessage().contains("has 9 tokens; the text tower takes at most 6"), e.getMessage());
        }
    }

    @Test
    void aFolderWithoutTextModelOrTokenizerHasNoTower(@TempDir Path tmp) throws IOException {
        Path vision = tinyClip(tmp);
        Files.delete(tmp.resolve("tokenizer.json"));
        assertTrue(TextTower.beside(vision).isEmpty());
        assertTrue(TextTower.looksFor(vision).contains("text_model.onnx or text.onnx"));
    }

    @Test
    void aBrokenTokenizerIsRefusedNamingTheFile(@TempDir Path tmp) throws IOException {
        Path vision = tinyClip(tmp);
        Files.writeString(tmp.resolve("tokenizer.json"), "{\"model\": {\"type\": \"NoSuchModel\"}}");
        IOException e = assertThrows(IOException.class, () -> TextTower.open(TextTower.beside(vision).orElseThrow(), 1));
        assertTrue(e.getMessage().contains("tokenizer.json") && e.getMessage().contains("not a Hugging Face tokenizer.json"), e.getMessage());
    }
}
