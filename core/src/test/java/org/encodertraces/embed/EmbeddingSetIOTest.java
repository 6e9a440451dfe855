package org.encodertraces.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.encodertraces.provenance.ToolInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddingSetIOTest {

    @TempDir
    Path tmp;

    private static EmbeddingSet sample(int rows, int dim, long seed) {
        float[] e = new float[rows * dim];
        java.util.Random r = new java.util.Random(seed);
        for (int i = 0; i < e.length; i++) {
            e[i] = (float) r.nextGaussian();
        }
        Map<String, long[]> labels = new LinkedHashMap<>();
        long[] label = new long[rows];
        long[] flickr = new long[rows];
        for (int i = 0; i < rows; i++) {
            label[i] = i % 3;
            flickr[i] = 50_000_000_000L + i;
        }
        labels.put("label", label);
        labels.put("Flickr ID", flickr);
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < rows; i++) {
            ids.add("img_" + i + (i == 1 ? "_\u00e9t\u00e9 \"quoted\"" : "") + ".jpg");
        }
        ObjectNode prov = JsonNodeFactory.instance.objectNode();
        ToolInfo.platform().forEach(prov::put);
        prov.put("model_sha256", "cc028fe6cae7bc11a4ff53cfc9b79c920e8be65ce33a904ec3e2a8f66d77f95f");
        prov.putObject("processing").put("op", "JPEG75_420").put("seed", 7);
        return new EmbeddingSet(rows, dim, e, labels, ids, SetProvenance.fromJson(prov));
    }

    @Test
    void roundTripsThroughSafetensorsAndSidecar() throws IOException {
        EmbeddingSet set = sample(5, 4, 1);
        Path f = tmp.resolve("out/clip.safetensors");
        EmbeddingSetIO.write(f, set);
        assertEquals(set, EmbeddingSetIO.read(f));
        try (Stream<Path> s = Files.list(f.getParent())) {
            assertEquals(List.of("clip.json", "clip.safetensors"), s.map(p -> p.getFileName().toString()).sorted().toList());
        }
        // the safetensors part follows the study's tensor names and types
        try (SafetensorsFile st = Safetensors.open(f)) {
            assertEquals(List.of("Flickr ID", "label", "image_embeddings"), List.copyOf(st.tensors().keySet()));
            assertEquals(new TensorInfo("image_embeddings", Dtype.F32, List.of(5L, 4L), 80, 160), st.info("image_embeddings"));
            assertEquals(Dtype.I64, st.info("label").dtype());
            assertEquals("clip.json", st.metadata().get("sidecar"));
        }
        // the sidecar holds ids in row order and the provenance
        ObjectNode side = (ObjectNode) new ObjectMapper().readTree(tmp.resolve("out/clip.json").toFile());
        assertEquals(set.ids().get(1), side.get("ids").get(1).asText());
        assertEquals("JPEG75_420", side.at("/provenance/processing/op").asText());
        assertEquals(5, side.get("rows").asInt());
        // rewriting replaces both
        EmbeddingSet other = sample(3, 4, 2);
        EmbeddingSetIO.write(f, other);
        assertEquals(other, EmbeddingSetIO.read(f));
    }

    @Test
    void readsIdsAndLabelsWithoutTheMatrixAndAnyRowRangeOfIt() throws IOException {
        EmbeddingSet set = sample(7, 3, 2);
        Path f = tmp.resolve("range/clip.safetensors");
        EmbeddingSetIO.write(f, set);
        EmbeddingIndex index = EmbeddingSetIO.readIndex(f);
        assertEquals(7, index.rows());
        assertEquals(3, index.dim());
        assertEquals(set.ids(), index.ids());
        assertEquals(set.provenance(), index.provenance());
        assertEquals(set.labels().keySet(), index.labels().keySet());
        assertArrayEquals(set.labels().get("Flickr ID"), index.labels().get("Flickr ID"));
        for (int[] r : new int[][] {{0, 7}, {2, 5}, {6, 7}, {4, 4}}) {
            assertArrayEquals(java.util.Arrays.copyOfRange(set.embeddings(), r[0] * 3, r[1] * 3), EmbeddingSetIO.readRows(f, r[0], r[1]),
                    "rows " + r[0] + ".." + r[1]);
        }
        assertThrows(IllegalArgumentException.class, () -> EmbeddingSetIO.readRows(f, 5, 8));
        // the index checks the pair as read does: a sidecar beside a modified file is refused
        byte[] bytes = Files.readAllBytes(f);
        bytes[bytes.length - 1] ^= 1;
        Files.write(f, bytes);
        EmbeddingFormatException e = assertThrows(EmbeddingFormatException.class, () -> EmbeddingSetIO.readIndex(f));
        assertTrue(e.getMessage().contains("sha256"), e.getMessage());
    }

    @Test
    void rowRangesOfHalfPrecisionFilesAndDamagedRowsAreNamedByTheirRowInTheSet() throws IOException {
        // a study-style file without sidecar: BF16 embeddings, row 5 holding infinity
        int rows = 6;
        int dim = 2;
        byte[] half = new byte[rows * dim * 2];
        for (int i = 0; i < rows * dim; i++) {
            int bits = i == 5 * dim + 1 ? 0x7f80 : Float.floatToIntBits(i * 0.5f) >>> 16;
            half[2 * i] = (byte) bits;
            half[2 * i + 1] = (byte) (bits >> 8);
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put(EmbeddingSet.EMBEDDINGS, Tensor.raw(Dtype.BF16, new long[] {rows, dim}, half));
        tensors.put("label", Tensor.i64(new long[] {rows}, new long[] {0, 1, 0, 1, 0, 1}));
        Path f = tmp.resolve("study.safetensors");
        Safetensors.write(f, tensors, Map.of());
        EmbeddingIndex index = EmbeddingSetIO.readIndex(f);
        assertEquals(List.of("0", "1", "2", "3", "4", "5"), index.ids());
        assertEquals(rows, index.rows());
        assertArrayEquals(new float[] {2f, 2.5f, 3f, 3.5f}, EmbeddingSetIO.readRows(f, 2, 4));
        EmbeddingFormatException e = assertThrows(EmbeddingFormatException.class, () -> EmbeddingSetIO.readRows(f, 4, 6));
        assertTrue(e.getMessage().contains("row 5, dimension 1"), e.getMessage());
    }

    @Test
    void crossChecksSidecarAgainstFile() throws IOException {
        Path a = tmp.resolve("a.safetensors");
        Path b = tmp.resolve("b.safetensors");
        EmbeddingSetIO.write(a, sample(5, 4, 1));
        EmbeddingSetIO.write(b, sample(6, 4, 2));
        ObjectMapper json = new ObjectMapper();

        // a sidecar beside the wrong file
        Files.copy(b, a, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        EmbeddingFormatException swapped = assertThrows(EmbeddingFormatException.class, () -> EmbeddingSetIO.read(a));
        assertTrue(swapped.getMessage().contains("a.json") && swapped.getMessage().contains("sha256"), swapped.getMessage());

        // ids that do not match the rows
        ObjectNode side = (ObjectNode) json.readTree(tmp.resolve("b.json").toFile());
        ((ArrayNode) side.get("ids")).remove(0);
        json.writeValue(tmp.resolve("b.json").toFile(), side);
        EmbeddingFormatException ids = assertThrows(EmbeddingFormatException.class, () -> EmbeddingSetIO.read(b));
        assertTrue(ids.getMessage().contains("5 sample ids for 6 rows"), ids.getMessage());

        // a row count that does not match
        ((ArrayNode) side.get("ids")).add("x");
        side.put("rows", 7);
        json.writeValue(tmp.resolve("b.json").toFile(), side);
        EmbeddingFormatException rows = assertThrows(EmbeddingFormatException.class, () -> EmbeddingSetIO.read(b));
        assertTrue(rows.getMessage().contains("7 x 4") && rows.getMessage().contains("6 x 4"), rows.getMessage());

        // tensor names that do not match
        side.put("rows", 6);
        ((ArrayNode) side.get("tensors")).add("subject");
        json.writeValue(tmp.resolve("b.json").toFile(), side);
        EmbeddingFormatException names = assertThrows(EmbeddingFormatException.class, () -> EmbeddingSetIO.read(b));
        assertTrue(names.getMessage().contains("subject"), names.getMessage());

        // no sidecar at all
        Files.delete(tmp.resolve("b.json"));
        EmbeddingFormatException none = assertThrows(EmbeddingFormatException.class, () -> EmbeddingSetIO.read(b));
        assertTrue(none.getMessage().contains("b.json") && none.getMessage().contains("missing"), none.getMessage());
    }

    @Test
    void readsStudyStyleFileWithoutSidecar() throws IOException {
        Path f = tmp.resolve("study.safetensors");
        try (java.io.InputStream in = SafetensorsTest.class.getResourceAsStream("reference-numpy.safetensors")) {
            Files.write(f, in.readAllBytes());
        }
        // the reference file holds float label-like tensors too; only integer ones may be labels
        EmbeddingFormatException e = assertThrows(EmbeddingFormatException.class, () -> EmbeddingSetIO.readWithoutSidecar(f));
        assertTrue(e.getMessage().contains("'a_f64'") && e.getMessage().contains("not an integer type"), e.getMessage());

        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("image_embeddings", Tensor.f32(new long[] {3, 2}, new float[] {1, 2, 3, 4, 5, 6}));
        t.put("Flickr ID", Tensor.i64(new long[] {3}, new long[] {9, 8, 7}));
        t.put("subject", Tensor.i32(new long[] {3}, new int[] {0, 1, 0}));
        t.put("model", Tensor.u8(new long[] {3}, new byte[] {2, 2, (byte) 250}));
        Safetensors.write(f, t, Map.of("format", "pt"));
        EmbeddingSet s = EmbeddingSetIO.readWithoutSidecar(f);
        assertEquals(3, s.rows());
        assertEquals(2, s.dim());
        assertArrayEquals(new float[] {3, 4}, s.row(1));
        assertArrayEquals(new long[] {9, 8, 7}, s.label("Flickr ID"));
        assertArrayEquals(new long[] {0, 1, 0}, s.label("subject"));
        assertArrayEquals(new long[] {2, 2, 250}, s.label("model"));
        assertEquals(List.of("0", "1", "2"), s.ids());
        assertEquals("pt", s.provenance().toJsonNode().at("/safetensors_metadata/format").asText());
    }

    @Test
    void embeddingSetChecksItsShape() {
        assertThrows(IllegalArgumentException.class,
                () -> new EmbeddingSet(2, 3, new float[5], Map.of(), List.of("a", "b"), null));
        assertThrows(IllegalArgumentException.class,
                () -> new EmbeddingSet(2, 1, new float[2], Map.of("label", new long[3]), List.of("a", "b"), null));
        assertThrows(IllegalArgumentException.class,
                () -> new EmbeddingSet(2, 1, new float[2], Map.of(), List.of("a"), null));
        assertThrows(IllegalArgumentException.class,
                () -> new EmbeddingSet(1, 1, new float[1], Map.of("image_embeddings", new long[1]), List.of("a"), null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new EmbeddingSet(1, 1, new float[1], Map.of("label", new long[1]), List.of("a"), null).label("x"));
        assertTrue(e.getMessage().contains("[label]"));
    }
}
