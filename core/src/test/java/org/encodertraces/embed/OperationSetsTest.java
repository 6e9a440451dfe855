package org.encodertraces.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Aligned per-operation embedding sets: the check that user-given sets hold the same images in order, and the audit's intersection. */
class OperationSetsTest {

    /** A set whose row for image {@code id} is {@code [op, id number]}, labelled by the id number modulo 2. */
    private static EmbeddingSet set(int op, String... ids) {
        float[] e = new float[2 * ids.length];
        long[] label = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            int n = Integer.parseInt(ids[i].substring(1));
            e[2 * i] = op;
            e[2 * i + 1] = n;
            label[i] = n % 2;
        }
        return new EmbeddingSet(ids.length, 2, e, Map.of("label", label), List.of(ids), null);
    }

    @Test
    void setsThatHoldOtherImagesOrAnotherOrderAreRefusedNamingTheFileAndTheFirstOperation() {
        OperationSets.Builder b = OperationSets.builder("train").add("JPEG95_444", Path.of("a.safetensors"), set(0, "i1", "i2", "i3"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> b.add("SHARPEN_2", Path.of("b.safetensors"), set(1, "i2", "i1", "i3")));
        assertEquals("b.safetensors (SHARPEN_2) does not hold the same images in the same order as the JPEG95_444 train set"
                + " (sample ids differ)", e.getMessage());
        IllegalArgumentException plain = assertThrows(IllegalArgumentException.class, () -> OperationSets.builder(null)
                .add("A", Path.of("a"), set(0, "i1", "i2")).add("B", Path.of("b"), set(1, "i1")));
        assertEquals("b (B) does not hold the same images in the same order as the A set (sample ids differ)", plain.getMessage());

        OperationSets ok = b.add("SHARPEN_2", Path.of("c.safetensors"), set(1, "i1", "i2", "i3")).build();
        assertEquals(List.of("JPEG95_444", "SHARPEN_2"), ok.operations());
        assertEquals(Path.of("c.safetensors"), ok.file("SHARPEN_2"));
        assertEquals(List.of("i1", "i2", "i3"), ok.ids());
        List<float[][]> rows = ok.rows();
        assertArrayEquals(new float[] {1, 3}, rows.get(1)[2]);
    }

    @Test
    void commonKeepsTheImagesOfEverySetInTheFirstSetsOrderWithTheirOwnRowsAndLabels() {
        // i2 failed under the second operation, i4 under the first; the third lists its rows in another order
        EmbeddingSet first = set(0, "i1", "i2", "i3", "i5");
        OperationSets a = OperationSets.common(List.of("A", "B", "C"), List.of(first, set(1, "i1", "i3", "i4", "i5"),
                set(2, "i5", "i3", "i2", "i1", "i4")));
        assertEquals(List.of("i1", "i3", "i5"), a.ids());
        List<float[][]> rows = a.rows();
        for (int op = 0; op < 3; op++) {
            assertArrayEquals(new float[] {op, 1}, rows.get(op)[0]);
            assertArrayEquals(new float[] {op, 3}, rows.get(op)[1]);
            assertArrayEquals(new float[] {op, 5}, rows.get(op)[2]);
        }
        assertArrayEquals(new long[] {1, 1, 1}, a.label("label"));
        assertEquals(List.of("i1", "i3", "i5"), a.set("C").ids());
        assertArrayEquals(new float[] {2, 3}, a.set("C").row(1));

        // sets already aligned are handed out as they are, not copied
        EmbeddingSet same = set(1, "i1", "i2", "i3", "i5");
        OperationSets aligned = OperationSets.common(List.of("A", "B"), List.of(first, same));
        assertSame(same, aligned.set("B"));
        assertEquals(List.of("A", "B"), List.copyOf(aligned.byOperation().keySet()));
    }
}
