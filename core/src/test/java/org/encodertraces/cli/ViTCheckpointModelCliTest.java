package org.encodertraces.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.encodertraces.embed.EmbeddingSet;
import org.encodertraces.embed.EmbeddingSetIO;
import org.encodertraces.embed.Safetensors;
import org.encodertraces.embed.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --model siglip2-vit-l16-256=FILE} and {@code --model dinov2-reg-vitg14=FILE} through
 * {@code traces embed}, with the registry's configuration (heads, epsilon, input size, the DINOv2
 * positional grid resampled from 37x37 to 16x16) at the real widths (1024 and 1536) but depth 1,
 * so the checkpoints stay near 100 MB and are written here in a temporary folder: the keys and
 * shapes come from the fixture script's torch modules (listed in the expected files), the values
 * from the seeded formula both sides compute (tools/checkpoint-fixtures/make_checkpoint_fixtures.py,
 * {@code wide_seeded}). The images are 256x256 and 224x224, the entries' own sizes, so
 * preprocessing is normalisation only. Tolerance: 1e-3 of the largest |feature| (the bar
 * for a whole {@code traces embed} run).
 */
class ViTCheckpointModelCliTest {
    private static final String FIXTURES = "/org/encodertraces/encoder/checkpoint/";

    @TempDir
    Path tmp;

    private static JsonNode expected(String entry) throws IOException {
        return new ObjectMapper().readTree(ViTCheckpointModelCliTest.class.getResourceAsStream(FIXTURES + entry + "-seeded.expected.json"));
    }

    /** The expected file's keys and shapes with the seeded values, less {@code drop}. */
    private static Path seeded(JsonNode expected, Path file, String drop) throws IOException {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = expected.get("keys").fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> k = it.next();
            if (k.getKey().equals(drop)) {
                continue;
            }
            long[] shape = new long[k.getValue().size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = k.getValue().get(i).asLong();
            }
            m.put(k.getKey(), CheckpointModelCliTest.seeded(k.getKey(), shape));
        }
        Safetensors.write(file, m, Map.of());
        return file;
    }

    private Path image(String name) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("img-" + name));
        try (InputStream in = ViTCheckpointModelCliTest.class.getResourceAsStream(FIXTURES + name)) {
            Files.write(dir.resolve(name), in.readAllBytes());
        }
        return dir;
    }

    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("TRACES_CACHE", tmp.resolve("cache").toString());
        return env;
    }

    private void embedsAsTorchDoes(String entry, String image, int dim) throws Exception {
        JsonNode expected = expected(entry);
        Path ckpt = seeded(expected, tmp.resolve(entry + ".safetensors"), null);
        CliRun r = CliRun.withEnv(env(), "embed", "--images", image(image).toString(), "--model", entry + "=" + ckpt, "--quiet",
                "-o", tmp.resolve("out-" + entry).toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        EmbeddingSet set;
        try (Stream<Path> s = Files.list(tmp.resolve("out-" + entry))) {
            List<Path> sets = s.filter(f -> f.getFileName().toString().endsWith(".safetensors")).toList();
            assertEquals(1, sets.size(), sets.toString());
            set = EmbeddingSetIO.read(sets.get(0));
        }
        assertEquals(1, set.rows());
        assertEquals(dim, set.dim());
        JsonNode values = expected.get("features").get("values");
        assertEquals(dim, values.size());
        double maxDiff = 0;
        double maxAbs = 0;
        for (int j = 0; j < dim; j++) {
            double t = values.get(j).asDouble();
            maxDiff = Math.max(maxDiff, Math.abs(set.row(0)[j] - t));
            maxAbs = Math.max(maxAbs, Math.abs(t));
        }
        assertTrue(maxAbs > 0.5, "torch's features are not degenerate: " + maxAbs);
        assertTrue(maxDiff / maxAbs < 1e-3, entry + ": relative error " + maxDiff / maxAbs);
    }

    @Test
    void aSigLip2CheckpointInTimmsLayoutEmbedsAsTorchsAttentionPool() throws Exception {
        embedsAsTorchDoes("siglip2-vit-l16-256", "siglip-input.png", 1024);
    }

    @Test
    void aDinov2RegCheckpointInMetasLayoutEmbedsAsTorchsNormedClassTokenAt224() throws Exception {
        embedsAsTorchDoes("dinov2-reg-vitg14", "resnet50-input.png", 1536);
    }

    @Test
    void aDinov2CheckpointWithoutRegistersIsRefusedAsAnotherEncoder() throws Exception {
        JsonNode expected = expected("dinov2-reg-vitg14");
        Path img = image("resnet50-input.png");
        Path noRegs = seeded(expected, tmp.resolve("no-registers.safetensors"), "register_tokens");
        CliRun r = CliRun.withEnv(env(), "embed", "--images", img.toString(), "--model", "dinov2-reg-vitg14=" + noRegs, "--quiet",
                "-o", tmp.resolve("o1").toString());
        assertTrue(r.exit() != 0, r.out() + r.err());
        assertTrue(r.err().contains(noRegs + ": missing key 'register_tokens': ViT-g/14 with 4 registers (DINOv2 layout, SwiGLU) has 4"
                + " register tokens"), r.err());
    }
}
