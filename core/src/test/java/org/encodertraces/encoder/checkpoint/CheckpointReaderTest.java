package org.encodertraces.encoder.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The torch checkpoint reader against files Debian's torch 1.13 wrote
 * (tools/checkpoint-fixtures/make_checkpoint_fixtures.py), and its refusal of pickles that would
 * run code in Python.
 */
class CheckpointReaderTest {
    @TempDir
    Path tmp;

    static Path resource(Path dir, String name) throws IOException {
        Path f = dir.resolve(name);
        try (InputStream in = CheckpointReaderTest.class.getResourceAsStream(name)) {
            Files.write(f, in.readAllBytes());
        }
        return f;
    }

    @Test
    void aSafetensorsFileWhoseHeaderLengthEndsIn0x80IsReadNotTakenForAnOldPickle() throws Exception {
        // header length 128 = 0x80: the file's first byte is 0x80, as a pickle's PROTO opcode is
        StringBuilder json = new StringBuilder("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}");
        while (json.length() < 128) {
            json.append(' ');
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(new byte[] {(byte) 0x80, 0, 0, 0, 0, 0, 0, 0});
        b.write(json.toString().getBytes(StandardCharsets.US_ASCII));
        b.write(new byte[] {0, 0, (byte) 0x80, 0x3f, 0, 0, 0, 0x40}); // 1.0f, 2.0f little-endian
        Path f = Files.write(tmp.resolve("w.safetensors"), b.toByteArray());
        Checkpoint c = Checkpoint.read(f);
        assertArrayEquals(new float[] {1f, 2f}, c.tensors().get("w").values());

        // a torch.save of torch < 1.6 (a bare pickle: PROTO 2, then the LONG1 magic number) is still refused by name
        Path old = Files.write(tmp.resolve("old.pth"), new byte[] {(byte) 0x80, 2, (byte) 0x8a, 10, 0x6c, (byte) 0xfc, (byte) 0x9c, 0x46,
            (byte) 0xf9, 0x20, 0x6a, (byte) 0xa8, 0x50, 0x19, 0x2e});
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.read(old));
        assertTrue(e.getMessage().contains("a pickle outside a zip archive"), e.getMessage());
    }

    @Test
    void readsEveryTensorOfATorchZipCheckpointUnderThePrefix() throws Exception {
        Path f = resource(tmp, "nested.pth");
        Checkpoint c = Checkpoint.read(f, "state_dict.module.base_encoder.");
        JsonNode expected = new ObjectMapper().readTree(CheckpointReaderTest.class.getResourceAsStream("nested.expected.json"));
        assertEquals(expected.size(), c.tensors().size(), "tensors under the prefix: " + c.tensors().keySet());
        for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            WeightTensor t = c.tensors().get(e.getKey());
            assertTrue(t != null, "missing " + e.getKey() + " in " + c.tensors().keySet());
            long[] shape = new long[e.getValue().get("shape").size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = e.getValue().get("shape").get(i).asLong();
            }
            assertArrayEquals(shape, t.shape(), e.getKey());
            JsonNode v = e.getValue().get("values");
            float[] want = new float[v.size()];
            for (int i = 0; i < want.length; i++) {
                want[i] = (float) v.get(i).asDouble();
            }
            // exact: half, bfloat16 and int64 values widen to float without rounding; the transposed view is read through its strides
            assertArrayEquals(want, t.values(), e.getKey());
        }
        assertEquals("F16", c.tensors().get("half").dtype());
        assertEquals("BF16", c.tensors().get("bf16").dtype());
        assertEquals(12345f, c.tensors().get("bn.num_batches_tracked").values()[0]);
    }

    @Test
    void withoutAPrefixALoneStateDictLevelIsRemovedAndTheOptimizerStateIsNotTaken() throws Exception {
        Checkpoint c = Checkpoint.read(resource(tmp, "nested.pth"));
        // the optimizer's state is keyed by parameter numbers, not names: not weights, not read
        assertEquals(List.of("module.base_encoder.patch_embed.proj.weight", "module.base_encoder.half", "module.base_encoder.bf16",
                "module.base_encoder.transposed", "module.base_encoder.same_storage", "module.base_encoder.bn.num_batches_tracked",
                "module.predictor.0.weight"), List.copyOf(c.tensors().keySet()));
    }

    @Test
    void aPrefixNothingStartsWithNamesTheKeysThereAre() throws Exception {
        Path f = resource(tmp, "nested.pth");
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.read(f, "module.base_encoder."));
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("state_dict."), e.getMessage());
    }

    /** A torch zip whose data.pkl is {@code pickle} (the other records copied from nested.pth). */
    private Path withPickle(String name, byte[] pickle) throws IOException {
        Path out = tmp.resolve(name);
        try (java.util.zip.ZipFile in = new java.util.zip.ZipFile(resource(tmp, "nested.pth").toFile());
             ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(out))) {
            for (ZipEntry e : java.util.Collections.list(in.entries())) {
                z.putNextEntry(new ZipEntry(e.getName()));
                z.write(e.getName().endsWith("/data.pkl") ? pickle : in.getInputStream(e).readAllBytes());
                z.closeEntry();
            }
        }
        return out;
    }

    private static byte[] bytes(Object... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (Object p : parts) {
            if (p instanceof String s) {
                b.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
            } else {
                b.write((Integer) p);
            }
        }
        return b.toByteArray();
    }

    @Test
    void refusesAPickleThatCallsOsSystemNamingTheGlobalAndItsOffset() throws Exception {
        // what pickle.dumps of an object whose __reduce__ returns (os.system, ("touch pwned",)) holds, protocol 2
        byte[] evil = bytes(0x80, 2, "cposix\nsystem\nq\u0000X", 11, 0, 0, 0, "touch pwnedq\u0001", 0x85, "q\u0002Rq\u0003.");
        Path f = withPickle("evil.pth", evil);
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.read(f));
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("refused global posix.system at offset 2"), e.getMessage());
        assertFalse(Files.exists(Path.of("pwned")));
    }

    @Test
    void refusesReduceOnAStorageTypeAndUnknownOpcodes() throws Exception {
        // torch.FloatStorage is allowed as a storage's type, never as something to call
        byte[] callStorage = bytes(0x80, 2, "ctorch\nFloatStorage\n)R.");
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.read(withPickle("a.pth", callStorage)));
        assertTrue(e.getMessage().contains("refused REDUCE on torch.FloatStorage at offset 23"), e.getMessage());
        // INST ('i') builds an instance of any class: not an opcode a checkpoint needs
        byte[] inst = bytes(0x80, 2, "(ibuiltins\nobject\n.");
        e = assertThrows(CheckpointException.class, () -> Checkpoint.read(withPickle("b.pth", inst)));
        assertTrue(e.getMessage().contains("refused opcode 0x69 ('i') at offset 3"), e.getMessage());
        // STACK_GLOBAL (protocol 4) is checked as GLOBAL is
        byte[] stackGlobal = bytes(0x80, 4, 0x8c, 8, "builtins", 0x8c, 4, "eval", 0x93, ".");
        e = assertThrows(CheckpointException.class, () -> Checkpoint.read(withPickle("c.pth", stackGlobal)));
        assertTrue(e.getMessage().contains("refused global builtins.eval at offset 18"), e.getMessage());
    }

    @Test
    void aTruncatedPickleAndANonCheckpointAreErrorsNamingTheFile() throws Exception {
        Path cut = withPickle("cut.pth", bytes(0x80, 2, "}q\u0000X", 200, 0, 0, 0, "ab"));
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.read(cut));
        assertTrue(e.getMessage().contains("pickle ends inside the opcode at offset 5"), e.getMessage());
        Path text = Files.writeString(tmp.resolve("notes.pth"), "just some text, not weights");
        e = assertThrows(CheckpointException.class, () -> Checkpoint.read(text));
        assertTrue(e.getMessage().startsWith(text.toString()) && e.getMessage().contains("neither a torch zip checkpoint nor a safetensors"),
                e.getMessage());
        Path legacy = Files.write(tmp.resolve("old.pth"), bytes(0x80, 2, 0x8a, 10, "0123456789."));
        e = assertThrows(CheckpointException.class, () -> Checkpoint.read(legacy));
        assertTrue(e.getMessage().contains("before 1.6"), e.getMessage());
    }
}
