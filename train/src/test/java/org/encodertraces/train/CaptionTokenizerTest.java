package org.encodertraces.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The caption tokenizer: its vocabulary rules, and its tokenizer.json read back by Hugging Face's tokenizers library (DJL's binding). */
class CaptionTokenizerTest {
    @TempDir
    Path tmp;

    static final List<String> TRAIN = List.of(
            "A black dog runs across the grass .",
            "A dog's ball, on the grass!",
            "Two children play in the snow .",
            "A man rides a bike down a hill",
            "The dog jumps over a log .");

    @Test
    void vocabularyIsSpecialsThenWordsByCountThenCodePoint() {
        CaptionTokenizer t = CaptionTokenizer.build(TRAIN, 8, 2);
        // a: 6, the: 4, '.': 3 and dog: 3 (a tie, '.' first by code point), grass: 2; every other word once
        assertEquals(List.of("<pad>", "<unk>", "<start>", "<end>"), List.copyOf(t.vocab().keySet()).subList(0, 4));
        assertEquals(List.of("a", "the", ".", "dog", "grass"), List.copyOf(t.vocab().keySet()).subList(4, t.size()));
        assertEquals(List.of("a", "dog", "'", "s", "ball", ",", "on", "the", "grass", "!"), CaptionTokenizer.words("A dog's ball, on the grass!"));
        // start, words (unknown ones as <unk>), end, padding
        assertArrayEquals(new long[] {2, 4, 7, 1, 1, 3, 0, 0}, t.encode("A DOG sat quietly"));
        // truncated to context - 2 words, the end token kept
        assertArrayEquals(new long[] {2, 4, 7, 4, 7, 4, 7, 3}, t.encode("a dog a dog a dog a dog a dog"));
        // the same multiset in another order gives the same vocabulary
        assertEquals(t.vocab(), CaptionTokenizer.build(reversed(TRAIN), 8, 2).vocab());
    }

    static List<String> reversed(List<String> l) {
        List<String> r = new java.util.ArrayList<>(l);
        java.util.Collections.reverse(r);
        return r;
    }

    @Test
    void huggingFaceTokenizersReadsTheFileAndGivesTheSameIds() throws IOException {
        CaptionTokenizer t = CaptionTokenizer.build(TRAIN, 12, 1);
        Path f = tmp.resolve(CaptionTokenizer.FILE);
        t.write(f);
        assertEquals(t.vocab(), CaptionTokenizer.read(f).vocab());
        assertEquals(12, CaptionTokenizer.read(f).context());
        List<String> probes = List.of("A black dog runs across the grass .", "a DOG'S ball, on the grass!!", "Un café near the hill",
                "the dog the dog the dog the dog the dog the dog the dog", "   ", "Two   children\tplay");
        // DJL applies its own padding and truncation over the file's: asked for the context length it gives ours exactly
        try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.builder().optTokenizerPath(f).optMaxLength(12).optTruncation(true)
                .optPadToMaxLength().build()) {
            for (String p : probes) {
                Encoding e = hf.encode(p);
                assertArrayEquals(t.encode(p), e.getIds(), "ids of '" + p + "'");
            }
        }
        // with DJL's defaults (no padding) the ids are ours up to the end token
        try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.newInstance(f)) {
            long[] ids = hf.encode("A black dog runs across the grass .").getIds();
            long[] ours = t.encode("A black dog runs across the grass .");
            assertEquals(t.endId(), ids[ids.length - 1]);
            assertArrayEquals(java.util.Arrays.copyOf(ours, ids.length), ids);
        }
    }

    @Test
    void aFileOfAnotherLayoutIsRefusedNamingIt() throws IOException {
        Path f = Files.writeString(tmp.resolve("tokenizer.json"), "{\"model\": {\"type\": \"BPE\", \"vocab\": {}}}");
        IOException e = assertThrows(IOException.class, () -> CaptionTokenizer.read(f));
        assertTrue(e.getMessage().startsWith(f + ": not a WordLevel tokenizer.json"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CaptionTokenizer.build(TRAIN, 2, 1));
    }
}
