package org.encodertraces.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {

    @TempDir
    Path tmp;

    private static byte[] le(int capacity, java.util.function.Consumer<ByteBuffer> fill) {
        ByteBuffer bb = ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN);
        fill.accept(bb);
        return bb.array();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** The study-shaped tensors of the golden file. */
    private static Map<String, Tensor> studyTensors() {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("image_embeddings", Tensor.f32(new long[] {2, 3}, new float[] {1.5f, -2f, 0.25f, 3f, 0f, -0.5f}));
        t.put("label", Tensor.i64(new long[] {2}, new long[] {3, -1}));
        t.put("Flickr ID", Tensor.i64(new long[] {2}, new long[] {12345678901L, 42}));
        return t;
    }

    /** The golden file, built by hand: header text, 7 spaces of padding, little-endian data. */
    private static byte[] studyGolden() {
        String header = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"Flickr ID\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]},"
                + "\"label\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[16,32]},"
                + "\"image_embeddings\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[32,56]}}"
                + "       ";
        assertEquals(232, header.length()); // 225 characters of JSON + 7 spaces = a multiple of 8
        return concat(
                le(8, b -> b.putLong(232)),
                header.getBytes(StandardCharsets.US_ASCII),
                le(16, b -> b.putLong(12345678901L).putLong(42)),
                le(16, b -> b.putLong(3).putLong(-1)),
                le(24, b -> b.putFloat(1.5f).putFloat(-2f).putFloat(0.25f).putFloat(3f).putFloat(0f).putFloat(-0.5f)));
    }

    @Test
    void writerMatchesHandBuiltGoldenBytes() {
        assertArrayEquals(studyGolden(), Safetensors.toBytes(studyTensors(), Map.of("format", "pt")));
    }

    @Test
    void writerMatchesReferenceImplementationTestVectors() {
        // From huggingface/safetensors tensor.rs tests: test_serialization, test_empty
        byte[] attn = {64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100,
            116, 121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34,
            58, 91, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102, 115,
            101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 0, 0, 0, 0, 0, 0, (byte) 128, 63,
            0, 0, 0, 64, 0, 0, 64, 64, 0, 0, (byte) 128, 64, 0, 0, (byte) 160, 64};
        assertArrayEquals(attn, Safetensors.toBytes(
                Map.of("attn.0", Tensor.f32(new long[] {1, 2, 3}, new float[] {0, 1, 2, 3, 4, 5})), null));
        assertArrayEquals(new byte[] {8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32},
                Safetensors.toBytes(Map.of(), null));
        assertArrayEquals(concat(le(8, b -> b.putLong(40)),
                        "{\"__metadata__\":{\"framework\":\"pt\"}}     ".getBytes(StandardCharsets.US_ASCII)),
                Safetensors.toBytes(Map.of(), Map.of("framework", "pt")));
    }

    @Test
    void readsGoldenFile() throws IOException {
        Path f = tmp.resolve("golden.safetensors");
        Files.write(f, studyGolden());
        try (SafetensorsFile st = Safetensors.open(f)) {
            assertEquals(List.of("Flickr ID", "label", "image_embeddings"), List.copyOf(st.tensors().keySet()));
            assertEquals(Map.of("format", "pt"), st.metadata());
            assertEquals(8 + 232, st.dataStart());
            TensorInfo e = st.info("image_embeddings");
            assertEquals(new TensorInfo("image_embeddings", Dtype.F32, List.of(2L, 3L), 32, 56), e);
            assertArrayEquals(new float[] {1.5f, -2f, 0.25f, 3f, 0f, -0.5f}, st.readFloats("image_embeddings"));
            assertArrayEquals(new long[] {12345678901L, 42}, st.readLongs("Flickr ID"));
            assertArrayEquals(new long[] {3, -1}, st.readLongs("label"));
            assertEquals(studyTensors().get("label"), st.read("label"));
            EmbeddingFormatException missing = assertThrows(EmbeddingFormatException.class, () -> st.read("subject"));
            assertTrue(missing.getMessage().contains("golden.safetensors") && missing.getMessage().contains("subject"));
            assertThrows(EmbeddingFormatException.class, () -> st.readLongs("image_embeddings"));
        }
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = SafetensorsTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("missing test resource " + name);
            }
            return in.readAllBytes();
        }
    }

    /** The tensors tools/make_safetensors_fixture.py saves, recomputed here. */
    private static Map<String, Tensor> referenceTensors() {
        float[] emb = new float[12];
        for (int i = 0; i < 12; i++) {
            emb[i] = i * 0.5f - 1.25f;
        }
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("image_embeddings", Tensor.f32(new long[] {3, 4}, emb));
        t.put("label", Tensor.i64(new long[] {3}, new long[] {0, 1, 2}));
        t.put("Flickr ID", Tensor.i64(new long[] {3}, new long[] {53107250312L, 7, (1L << 40) + 3}));
        t.put("subject", Tensor.i32(new long[] {3}, new int[] {5, -6, 7}));
        t.put("model", Tensor.i16(new long[] {3}, new short[] {-2, 300, 0}));
        t.put("a_f64", Tensor.f64(new long[] {3}, new double[] {0.1, -2.5e300, 3.0}));
        t.put("b_i8", Tensor.i8(new long[] {3}, new byte[] {-128, 0, 127}));
        t.put("c_u8", Tensor.u8(new long[] {3}, new byte[] {0, (byte) 200, (byte) 255}));
        t.put("d_bool", Tensor.bool(new long[] {3}, new boolean[] {true, false, true}));
        t.put("e_f16", Tensor.raw(Dtype.F16, new long[] {3}, le(6, b -> b.putShort((short) 0x3C00)
                .putShort((short) 0xC000).putShort((short) 0x3555))));
        t.put("sujet_\u00e9", Tensor.i64(new long[] {3}, new long[] {1, 2, 3}));
        return t;
    }

    @Test
    void writerReproducesTheReferenceImplementationsFileByteForByte() throws IOException {
        byte[] reference = resource("reference-numpy.safetensors");
        assertArrayEquals(reference, Safetensors.toBytes(referenceTensors(), Map.of("format", "np")));
    }

    @Test
    void readsTheReferenceImplementationsFile() throws IOException {
        Path f = tmp.resolve("reference.safetensors");
        Files.write(f, resource("reference-numpy.safetensors"));
        Map<String, Tensor> want = referenceTensors();
        try (SafetensorsFile st = Safetensors.open(f)) {
            assertEquals(want.keySet(), st.tensors().keySet());
            for (String name : want.keySet()) {
                assertEquals(want.get(name), st.read(name), name);
            }
            assertArrayEquals(new float[] {1f, -2f, 0.333251953125f}, st.readFloats("e_f16"));
            assertArrayEquals(new long[] {0, 200, 255}, st.readLongs("c_u8"));
            assertArrayEquals(new long[] {1, 0, 1}, st.readLongs("d_bool"));
            assertArrayEquals(new long[] {-128, 0, 127}, st.readLongs("b_i8"));
            assertArrayEquals(new long[] {5, -6, 7}, st.readLongs("subject"));
            assertArrayEquals(new float[] {0.1f, -Float.POSITIVE_INFINITY, 3f}, st.readFloats("a_f64"));
        }
    }

    @Test
    void layoutOrdersByDtypeThenUtf8Bytes() {
        Map<String, Tensor> t = new LinkedHashMap<>();
        long[] one = {1};
        t.put("bool", Tensor.bool(one, new boolean[] {true}));
        t.put("bf16", Tensor.raw(Dtype.BF16, one, new byte[] {(byte) 0x80, 0x3f}));
        t.put("\uFFFD", Tensor.i64(one, new long[] {1}));
        t.put("\uD83D\uDE00", Tensor.i64(one, new long[] {2})); // after U+FFFD in UTF-8, before it in UTF-16
        t.put("a", Tensor.i64(one, new long[] {3}));
        t.put("B", Tensor.i64(one, new long[] {4}));
        t.put("f32", Tensor.f32(one, new float[] {1}));
        t.put("u8", Tensor.u8(one, new byte[] {1}));
        List<String> order = Safetensors.layoutOrder(t).stream().map(Map.Entry::getKey).toList();
        assertEquals(List.of("B", "a", "\uFFFD", "\uD83D\uDE00", "f32", "bf16", "u8", "bool"), order);
        assertEquals(1.0f, Tensor.raw(Dtype.BF16, one, new byte[] {(byte) 0x80, 0x3f}).toFloatArray()[0]);
    }

    @Test
    void escapesNamesLikeSerdeJson() {
        assertEquals("\"a\\\"b\\\\c\\n\\t\\u001f\u00e9\u007f\"", Safetensors.quote("a\"b\\c\n\t\u001f\u00e9\u007f"));
    }

    @Test
    void streamsTensorsLargerThanOneChunk() throws IOException {
        int n = 70_001 * 8;
        float[] big = new float[n];
        long[] ids = new long[70_001];
        for (int i = 0; i < n; i++) {
            big[i] = i * 0.001f - 7;
        }
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i * 31L - 5;
        }
        Path f = tmp.resolve("big.safetensors");
        Safetensors.write(f, Map.of("image_embeddings", Tensor.f32(new long[] {70_001, 8}, big),
                "label", Tensor.i64(new long[] {70_001}, ids)), null);
        try (SafetensorsFile st = Safetensors.open(f)) {
            assertArrayEquals(big, st.readFloats("image_embeddings"));
            assertArrayEquals(ids, st.readLongs("label"));
        }
    }

    // ----------------------------------------------------------------- corrupt files

    private Path file(String name, byte[] bytes) throws IOException {
        Path f = tmp.resolve(name);
        Files.write(f, bytes);
        return f;
    }

    private Path file(String name, String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return file(name, concat(le(8, b -> b.putLong(h.length)), h, new byte[dataBytes]));
    }

    private void assertBad(Path f, String... phrases) {
        EmbeddingFormatException e = assertThrows(EmbeddingFormatException.class, () -> {
            try (SafetensorsFile st = Safetensors.open(f)) {
                st.tensors();
            }
        });
        assertTrue(e.getMessage().contains(f.getFileName().toString()), e.getMessage());
        for (String p : phrases) {
            assertTrue(e.getMessage().contains(p), "'" + p + "' not in: " + e.getMessage());
        }
    }

    @Test
    void rejectsCorruptFilesWithClearErrors() throws IOException {
        String ok = "{\"t\":{\"dtype\":\"I32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}";
        try (SafetensorsFile st = Safetensors.open(file("ok.safetensors", ok, 16))) {
            assertEquals(4, st.readLongs("t").length);
        }
        assertBad(file("tiny.safetensors", new byte[] {1, 2, 3}), "fewer than the 8-byte");
        assertBad(file("long.safetensors", concat(le(8, b -> b.putLong(1000)), "{}".getBytes())), "runs past the end");
        assertBad(file("huge.safetensors", concat(le(8, b -> b.putLong(200_000_000L)), "{}".getBytes())), "100 MB");
        assertBad(file("neg.safetensors", concat(le(8, b -> b.putLong(-1)), "{}".getBytes())), "100 MB");
        assertBad(file("notjson.safetensors", "{\"t\":", 0), "not valid JSON");
        assertBad(file("array.safetensors", "[1,2]   ", 0), "JSON object");
        assertBad(file("utf8.safetensors", concat(le(8, b -> b.putLong(2)), new byte[] {'{', (byte) 0xff})), "UTF-8");
        assertBad(file("dtype.safetensors", ok.replace("I32", "F7"), 16), "unknown dtype 'F7'", "'t'");
        assertBad(file("overlap.safetensors", "{\"a\":{\"dtype\":\"I32\",\"shape\":[4],\"data_offsets\":[0,16]},"
                + "\"b\":{\"dtype\":\"I32\",\"shape\":[4],\"data_offsets\":[8,24]}}", 24), "overlapping", "'b'");
        assertBad(file("gap.safetensors", "{\"a\":{\"dtype\":\"I32\",\"shape\":[4],\"data_offsets\":[0,16]},"
                + "\"b\":{\"dtype\":\"I32\",\"shape\":[4],\"data_offsets\":[20,36]}}", 36), "not contiguous");
        assertBad(file("size.safetensors", ok.replace("[0,16]", "[0,12]"), 12), "needs 16");
        assertBad(file("trailing.safetensors", ok, 20), "trailing bytes");
        assertBad(file("short.safetensors", ok, 10), "truncated");
        assertBad(file("dup.safetensors", "{\"t\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"t\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "Duplicate");
        assertBad(file("meta.safetensors", "{\"__metadata__\":{\"k\":1}}", 0), "not a string");
        assertBad(file("backwards.safetensors", ok.replace("[0,16]", "[16,0]"), 16), "before it begins");
        assertBad(file("negdim.safetensors", ok.replace("[2,2]", "[2,-2]"), 16), "bad dimension");
        assertBad(file("overflow.safetensors", ok.replace("[2,2]", "[4294967296,4294967296]"), 16), "too large");
    }
}
