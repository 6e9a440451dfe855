package org.encodertraces.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.encodertraces.encoder.onnx.OnnxFileScan;
import org.encodertraces.encoder.onnx.OnnxModel;
import org.encodertraces.encoder.onnx.ProtoReader;
import org.encodertraces.image.ResampleFilter;
import org.encodertraces.provenance.Hashes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Models past protobuf's 2 GB are written as a model file plus one ONNX external data file. The
 * threshold is a parameter, so the same small checkpoint (the committed MoCo-style ResNet of width
 * 8, 256 wide) is built both ways here: the embeddings must be identical, the external file must
 * follow ONNX's layout (4 KiB-aligned offsets), and the build cache must keep and verify both files.
 */
class ExternalDataBuildTest {
    @TempDir
    Path tmp;

    private static RegistryEntry tinyMocoEntry() {
        return ExternalDataModels.tinyMocoEntry();
    }

    private Path checkpoint() throws IOException {
        return ExternalDataModels.tinyCheckpoint(tmp);
    }

    private static FloatTensorBatch input() {
        float[] x = new float[2 * 3 * 32 * 32];
        for (int i = 0; i < x.length; i++) {
            x[i] = ((i * 7) % 17) / 8f - 1;
        }
        return new FloatTensorBatch(new long[] {2, 3, 32, 32}, x);
    }

    private static OnnxEncoderOptions options(Path onnx) {
        PreprocessSpec spec = PreprocessSpec.study(32, ResampleFilter.BICUBIC, PreprocessSpec.IMAGENET_MEAN, PreprocessSpec.IMAGENET_STD);
        return OnnxEncoderOptions.cpu(onnx, EmbeddingSelection.output("embedding"), spec).withIntraOpThreads(1);
    }

    private static float[][] embed(Path onnx) {
        try (OnnxEncoder e = OnnxEncoder.open(options(onnx))) {
            return e.embed(input());
        }
    }

    private static float[][] embedLayers(Path onnx) {
        try (LayerEncoder e = LayerEncoder.open(options(onnx), List.of("auto"))) {
            return e.embed(input());
        }
    }

    /** Each external tensor's [offset, length], read from the model file's initializers (onnx.proto field numbers). */
    static List<long[]> externalSpans(Path onnx, String location) throws IOException {
        List<long[]> out = new java.util.ArrayList<>();
        ProtoReader model = new ProtoReader(Files.readAllBytes(onnx));
        while (model.next()) {
            if (model.field() != 7) {
                continue;
            }
            ProtoReader graph = model.message();
            while (graph.next()) {
                if (graph.field() != 5) {
                    continue;
                }
                ProtoReader tensor = graph.message();
                java.util.Map<String, String> entries = new java.util.HashMap<>();
                long dataLocation = 0;
                while (tensor.next()) {
                    if (tensor.field() == 13) {
                        ProtoReader entry = tensor.message();
                        String k = null;
                        String v = null;
                        while (entry.next()) {
                            if (entry.field() == 1) {
                                k = entry.string();
                            } else if (entry.field() == 2) {
                                v = entry.string();
                            }
                        }
                        entries.put(k, v);
                    } else if (tensor.field() == 14) {
                        dataLocation = tensor.varint();
                    }
                }
                if (!entries.isEmpty()) {
                    assertEquals(1, dataLocation, "data_location EXTERNAL");
                    assertEquals(location, entries.get("location"));
                    out.add(new long[] {Long.parseLong(entries.get("offset")), Long.parseLong(entries.get("length"))});
                }
            }
        }
        return out;
    }

    @Test
    void theSameModelInlineAndWithExternalDataGivesIdenticalEmbeddings() throws Exception {
        Path ckpt = checkpoint();
        RegistryEntry entry = tinyMocoEntry();
        Path inline = CheckpointModels.build(entry, ckpt, tmp.resolve("cache-inline"), OnnxModel.MAX_INLINE_BYTES);
        Path external = CheckpointModels.build(entry, ckpt, tmp.resolve("cache-external"), 0);
        Path data = Path.of(external + ".data");

        assertFalse(Files.exists(Path.of(inline + ".data")), "a small model is written inline");
        assertTrue(Files.isRegularFile(data), "the weights go to " + data);
        assertEquals(List.of(data.getFileName().toString()), OnnxFileScan.of(external).externalData());
        assertTrue(Files.size(external) < Files.size(inline) / 4, Files.size(external) + " vs " + Files.size(inline));
        List<long[]> spans = externalSpans(external, data.getFileName().toString());
        assertTrue(spans.size() > 10, spans.size() + " tensors external");
        long end = 0;
        for (long[] s : spans) {
            assertEquals(0, s[0] % OnnxModel.ALIGNMENT, "offset " + s[0] + " is 4 KiB-aligned");
            assertTrue(s[0] >= end, "tensors do not overlap");
            end = s[0] + s[1];
        }
        assertEquals(end, Files.size(data), "the last tensor ends the file");

        float[][] a = embed(inline);
        float[][] b = embed(external);
        assertEquals(256, a[0].length);
        for (int i = 0; i < a.length; i++) {
            assertArrayEquals(a[i], b[i], "row " + i + " identical");
        }
        assertNotEquals(a[0][0], a[1][0], "the two inputs differ, so the rows do");

        // the depths' read-out edits the graph and runs it from bytes: the external data is still found
        float[][] la = embedLayers(inline);
        float[][] lb = embedLayers(external);
        assertEquals(la[0].length, lb[0].length);
        assertArrayEquals(la[1], lb[1]);
    }

    @Test
    void theBuildCacheKeepsBothFilesAndRebuildsWhenTheExternalDataChanged() throws Exception {
        Path ckpt = checkpoint();
        RegistryEntry entry = tinyMocoEntry();
        Path cache = tmp.resolve("cache");
        Path external = CheckpointModels.build(entry, ckpt, cache, 0);
        Path data = Path.of(external + ".data");
        JsonNode record = new ObjectMapper().readTree(Path.of(external + ".json").toFile());
        assertEquals(Hashes.sha256(ckpt), record.get("checkpoint_sha256").asText());
        assertEquals(Hashes.sha256(external), record.get("onnx_sha256").asText());
        assertEquals(data.getFileName().toString(), record.get("external_data").asText());
        assertEquals(Hashes.sha256(data), record.get("external_data_sha256").asText());

        FileTime old = FileTime.fromMillis(0);
        Files.setLastModifiedTime(data, old);
        assertEquals(external, CheckpointModels.build(entry, ckpt, cache, 0));
        assertEquals(old, Files.getLastModifiedTime(data), "a verified build is reused");

        byte[] damaged = Files.readAllBytes(data);
        damaged[damaged.length - 1] ^= 0x55;
        Files.write(data, damaged);
        float[][] before = embed(external);
        assertEquals(external, CheckpointModels.build(entry, ckpt, cache, 0));
        assertEquals(record.get("external_data_sha256").asText(), Hashes.sha256(data), "a damaged data file is built again");
        assertFalse(java.util.Arrays.equals(before[0], embed(external)[0]), "the damage had changed the embedding; the rebuild undid it");

        Files.delete(data);
        assertEquals(external, CheckpointModels.build(entry, ckpt, cache, 0));
        assertTrue(Files.isRegularFile(data), "a missing data file is built again");
    }
}
