package org.encodertraces.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.encodertraces.embed.EmbeddingSet;
import org.encodertraces.embed.EmbeddingSetIO;
import org.encodertraces.embed.Safetensors;
import org.encodertraces.embed.Tensor;
import org.encodertraces.provenance.Hashes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A registry checkpoint published on its authors' server (MoCo v3 ViT-S at
 * dl.fbaipublicfiles.com) downloads into our cache through a real loopback server standing in
 * for that host ({@code TRACES_URL_MIRROR}): a part file left by an interrupted run is resumed
 * with a Range request, the sha256 of the first download is pinned (no publisher gives one),
 * offline runs use the cached copy, and a later download with other bytes is refused. The
 * checkpoint is a ViT-S-wide (384, 12 heads) one-block ViT in timm's layout with seeded weights,
 * about 4 MB.
 */
class UrlCheckpointCliTest {
    private static final String PATH = "/moco-v3/vit-s-300ep/vit-s-300ep.pth.tar";

    @TempDir
    Path tmp;

    private static Tensor random(Random r, float scale, float offset, long... shape) {
        int n = (int) Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = offset + scale * (float) r.nextGaussian();
        }
        return Tensor.f32(shape, v);
    }

    /** timm VisionTransformer keys, width 384, one block, patch 16 at 224 px, MLP hidden 64. */
    static byte[] tinyVitS(long seed) throws Exception {
        Random r = new Random(seed);
        long d = 384;
        long hidden = 64;
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("cls_token", random(r, 0.02f, 0, 1, 1, d));
        m.put("pos_embed", random(r, 0.02f, 0, 1, 197, d));
        m.put("patch_embed.proj.weight", random(r, 0.02f, 0, d, 3, 16, 16));
        m.put("patch_embed.proj.bias", random(r, 0.02f, 0, d));
        String b = "blocks.0.";
        m.put(b + "norm1.weight", random(r, 0.1f, 1, d));
        m.put(b + "norm1.bias", random(r, 0.1f, 0, d));
        m.put(b + "attn.qkv.weight", random(r, 0.05f, 0, 3 * d, d));
        m.put(b + "attn.qkv.bias", random(r, 0.02f, 0, 3 * d));
        m.put(b + "attn.proj.weight", random(r, 0.05f, 0, d, d));
        m.put(b + "attn.proj.bias", random(r, 0.02f, 0, d));
        m.put(b + "norm2.weight", random(r, 0.1f, 1, d));
        m.put(b + "norm2.bias", random(r, 0.1f, 0, d));
        m.put(b + "mlp.fc1.weight", random(r, 0.05f, 0, hidden, d));
        m.put(b + "mlp.fc1.bias", random(r, 0.02f, 0, hidden));
        m.put(b + "mlp.fc2.weight", random(r, 0.05f, 0, d, hidden));
        m.put(b + "mlp.fc2.bias", random(r, 0.02f, 0, d));
        m.put("norm.weight", random(r, 0.1f, 1, d));
        m.put("norm.bias", random(r, 0.1f, 0, d));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Safetensors.write(out, m, Map.of());
        return out.toByteArray();
    }

    private Path images() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("img"));
        try (InputStream in = UrlCheckpointCliTest.class.getResourceAsStream("/org/encodertraces/encoder/checkpoint/resnet50-input.png")) {
            Files.write(dir.resolve("one.png"), in.readAllBytes());
        }
        return dir;
    }

    private Map<String, String> env(HubServer server) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("TRACES_CACHE", tmp.resolve("cache").toString());
        env.put("HF_HOME", tmp.resolve("hf").toString());
        env.remove("HF_HUB_CACHE");
        env.remove("HF_HUB_OFFLINE");
        env.remove("TRACES_OFFLINE");
        if (server != null) {
            env.put("TRACES_URL_MIRROR", server.endpoint());
        }
        return env;
    }

    private static float[] onlyRow(Path out) throws Exception {
        try (Stream<Path> s = Files.list(out)) {
            Path set = s.filter(f -> f.toString().endsWith(".safetensors")).findFirst().orElseThrow();
            EmbeddingSet es = EmbeddingSetIO.read(set);
            assertEquals(384, es.dim());
            return es.row(0);
        }
    }

    @Test
    void anAuthorsCheckpointIsDownloadedResumedPinnedUsedOfflineAndAChangedFileIsRefused() throws Exception {
        byte[] weights = tinyVitS(1);
        Path img = images();
        Path cached = tmp.resolve("cache/urls/dl.fbaipublicfiles.com" + PATH);
        Path pin = Path.of(cached + ".pin.json");
        // an earlier run was cut off half-way: its part file is resumed, not started again
        Files.createDirectories(cached.getParent());
        int half = weights.length / 2;
        Files.write(Path.of(cached + ".part"), Arrays.copyOf(weights, half));
        float[] first;
        try (HubServer server = new HubServer().file(PATH, weights)) {
            CliRun r = CliRun.withEnv(env(server), "embed", "--images", img.toString(), "--model", "mocov3-vits", "-o",
                    tmp.resolve("o1").toString());
            assertEquals(0, r.exit(), r.out() + r.err());
            assertEquals(List.of(half), server.rangeStarts(PATH), "one GET, from where the part file ended");
            assertTrue(r.err().contains("https://dl.fbaipublicfiles.com" + PATH), "the progress bar names the download:\n" + r.err());
            first = onlyRow(tmp.resolve("o1"));
            assertEquals(Hashes.sha256(weights), Hashes.sha256(cached));
            JsonNode p = new ObjectMapper().readTree(pin.toFile());
            assertEquals(Hashes.sha256(weights), p.get("sha256").asText());
            assertEquals("trust-on-first-use", p.get("source").asText());
            assertEquals("https://dl.fbaipublicfiles.com" + PATH, p.get("url").asText());

            CliRun models = CliRun.withEnv(env(server), "models");
            assertTrue(models.out().lines().anyMatch(l -> l.startsWith("mocov3-vits\t") && l.contains("checkpoint:https://dl.fbaipublicfiles.com"
                    + PATH + " (no published sha256: trust-on-first-use, pinned at the first download)\t>=87 (computed)\t-\tyes\t")),
                    "the downloaded checkpoint is local:\n" + models.out());
        }

        // offline, with the server gone: the cached copy, held to its pin
        Map<String, String> offline = env(null);
        offline.put("HF_HUB_OFFLINE", "1");
        CliRun r = CliRun.withEnv(offline, "embed", "--images", img.toString(), "--model", "mocov3-vits", "--quiet", "-o",
                tmp.resolve("o2").toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        assertArrayEquals(first, onlyRow(tmp.resolve("o2")));

        // the publisher's file changed (or someone serves other bytes): the new download does not match the pin and is refused
        Files.delete(cached);
        byte[] other = tinyVitS(2);
        try (HubServer server = new HubServer().file(PATH, other)) {
            CliRun changed = CliRun.withEnv(env(server), "embed", "--images", img.toString(), "--model", "mocov3-vits", "--quiet", "-o",
                    tmp.resolve("o3").toString());
            assertTrue(changed.exit() != 0, changed.out() + changed.err());
            assertTrue(changed.err().contains("Checksum mismatch for https://dl.fbaipublicfiles.com" + PATH), changed.err());
            assertTrue(changed.err().contains("expected sha256 " + Hashes.sha256(weights) + " (pinned at its first download in " + pin + "), got "
                    + Hashes.sha256(other)), changed.err());
            assertEquals(1, server.gets(PATH));
        }
        assertFalse(Files.exists(cached), "nothing of the refused download was kept");
        assertFalse(Files.exists(Path.of(cached + ".part")));
        assertEquals(Hashes.sha256(weights), new ObjectMapper().readTree(pin.toFile()).get("sha256").asText(), "the pin stands");
    }
}
