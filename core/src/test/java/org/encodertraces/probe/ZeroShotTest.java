package org.encodertraces.probe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ZeroShot} scoring and {@link PromptSet} on inputs whose answers are known. */
class ZeroShotTest {
    @Test
    void classEmbeddingAveragesNormalisedPromptsThenNormalises() {
        // a long and a short prompt vector count alike once normalised
        float[] c = ZeroShot.classEmbedding(new float[][] {{10, 0}, {0, 1}});
        assertArrayEquals(new float[] {(float) Math.sqrt(0.5), (float) Math.sqrt(0.5)}, c, 1e-6f);
    }

    @Test
    void scoresOnlyTheGivenTestImagesUnderEveryOperation() {
        // two classes: images under op 0 point along x, under op 1 along y, except image 2 under op 1
        float[][] op0 = {{1, 0}, {2, 0.1f}, {1, -0.2f}, {5, 5}};
        float[][] op1 = {{0, 1}, {0.1f, 2}, {1, 0}, {5, 5}};
        float[][] classes = {{1, 0}, {0, 1}};
        ZeroShot.Result r = ZeroShot.run("T", List.of("A", "B"), Map.of(), List.of(op0, op1), new int[] {0, 1, 2}, classes);
        assertEquals(6, r.testRows());
        assertEquals(5, r.correct());
        assertArrayEquals(new long[] {3, 0}, r.confusion()[0]);
        assertArrayEquals(new long[] {1, 2}, r.confusion()[1]);
        assertEquals(0.5, r.chance());
        // image 3 (a tie, 5 vs 5) is not a test image; had it been, the tie goes to the lower class
        ZeroShot.Result tie = ZeroShot.run("T", List.of("A", "B"), Map.of(), List.of(op0, op1), new int[] {3}, classes);
        assertArrayEquals(new long[] {1, 0}, tie.confusion()[0]);
        assertArrayEquals(new long[] {1, 0}, tie.confusion()[1]);
    }

    @Test
    void imageAndTextEmbeddingsOfDifferentSizesAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ZeroShot.run("T", List.of("A", "B"), Map.of(),
                List.of(new float[][] {{1, 0, 0}}, new float[][] {{1, 0, 0}}), new int[] {0}, new float[][] {{1, 0}, {0, 1}}));
        assertTrue(e.getMessage().contains("do not share one space"), e.getMessage());
    }

    @Test
    void theDefaultPromptsCoverEveryClassOfEveryTask() {
        PromptSet d = PromptSet.defaults();
        for (ProcessingTask t : ProcessingTask.values()) {
            assertEquals(t.operations(), List.copyOf(d.prompts(t).keySet()), t.name());
        }
        assertTrue(d.prompts(ProcessingTask.SHARPENING).get("SHARPEN_4").contains("an over-sharpened photo"));
    }

    @Test
    void aPromptsFileWithAnEmptyListOrBadJsonIsRefusedNamingIt(@TempDir Path tmp) throws IOException {
        Path empty = tmp.resolve("empty.json");
        Files.writeString(empty, "{\"tasks\": {\"jpeg\": {\"JPEG75_420\": []}}}");
        IOException e = assertThrows(IOException.class, () -> PromptSet.defaults().withFile(empty));
        assertTrue(e.getMessage().startsWith(empty.toString()) && e.getMessage().contains("non-empty list"), e.getMessage());
        Path broken = tmp.resolve("broken.json");
        Files.writeString(broken, "{\"tasks\": ");
        IOException b = assertThrows(IOException.class, () -> PromptSet.defaults().withFile(broken));
        assertTrue(b.getMessage().startsWith(broken.toString()), b.getMessage());
        Path task = tmp.resolve("task.json");
        Files.writeString(task, "{\"tasks\": {\"denoise\": {}}}");
        IOException t = assertThrows(IOException.class, () -> PromptSet.defaults().withFile(task));
        assertTrue(t.getMessage().contains("unknown task 'denoise'"), t.getMessage());
    }
}
