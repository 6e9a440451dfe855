package org.encodertraces.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.encodertraces.embed.EmbeddingSet;
import org.encodertraces.embed.EmbeddingSetIO;
import org.encodertraces.embed.Safetensors;
import org.encodertraces.embed.Tensor;
import org.encodertraces.provenance.Hashes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --model ID=CHECKPOINT}: a user's checkpoint of a known architecture runs without the
 * Python export recipe. The full-size ResNet-50 here is torchvision's (= timm's) key layout with
 * seeded weights that this test computes and the fixture script computed in torch
 * (tools/checkpoint-fixtures/make_checkpoint_fixtures.py), so the 100 MB checkpoint is made in a
 * temporary folder and only torch's 2048 features are committed. Tolerance: 1e-3 of the largest
 * |feature| (the bar; preprocessing of a 224x224 image is normalisation only).
 */
class CheckpointModelCliTest {
    private static final String FIXTURES = "/org/encodertraces/encoder/checkpoint/";

    @TempDir
    Path tmp;

    static int keyHash(String name) {
        long h = 0;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h = (h * 31 + (b & 0xFF)) % (1L << 31);
        }
        return (int) h;
    }

    /** The fixture script's seeded value formula, in double then rounded to float. */
    static Tensor seeded(String name, long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        String last = name.substring(name.lastIndexOf('.') + 1);
        long h = keyHash(name);
        long fanIn = shape.length >= 2 ? n / shape[0] : 0;
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) {
            long x = (i * 1103515245L + h) % (1L << 31);
            x = (x * 1103515245L + 12345) % (1L << 31);
            double u = x / (double) (1L << 30) - 1;
            double value;
            if (shape.length >= 2) {
                value = u * Math.sqrt(3) * Math.sqrt(2.0 / fanIn);
            } else if (name.startsWith("fc.")) {
                value = 0.01 * u;
            } else if (last.equals("weight")) {
                value = 1 + 0.1 * u;
            } else if (last.equals("bias") || last.equals("running_mean")) {
                value = 0.1 * u;
            } else {
                value = 1 + 0.25 * (u + 1);
            }
            v[i] = (float) value;
        }
        return Tensor.f32(shape, v);
    }

    private static void convBn(Map<String, Tensor> m, String conv, String bn, long out, long in, long k) {
        m.put(conv + ".weight", seeded(conv + ".weight", out, in, k, k));
        for (String s : List.of("weight", "bias", "running_mean", "running_var")) {
            m.put(bn + "." + s, seeded(bn + "." + s, out));
        }
        m.put(bn + ".num_batches_tracked", Tensor.i64(new long[0], new long[] {0}));
    }

    /** torchvision's resnet50().state_dict() keys and shapes, seeded values. */
    static Path seededResNet50(Path file) throws IOException {
        Map<String, Tensor> m = new LinkedHashMap<>();
        convBn(m, "conv1", "bn1", 64, 3, 7);
        long in = 64;
        int[] depths = {3, 4, 6, 3};
        for (int s = 0; s < 4; s++) {
            long planes = 64L << s;
            for (int b = 0; b < depths[s]; b++) {
                String p = "layer" + (s + 1) + "." + b;
                convBn(m, p + ".conv1", p + ".bn1", planes, in, 1);
                convBn(m, p + ".conv2", p + ".bn2", planes, planes, 3);
                convBn(m, p + ".conv3", p + ".bn3", planes * 4, planes, 1);
                if (b == 0) {
                    convBn(m, p + ".downsample.0", p + ".downsample.1", planes * 4, in, 1);
                }
                in = planes * 4;
            }
        }
        m.put("fc.weight", seeded("fc.weight", 1000, 2048));
        m.put("fc.bias", seeded("fc.bias", 1000));
        Safetensors.write(file, m, Map.of());
        return file;
    }

    private static Path images(Path dir) throws IOException {
        Files.createDirectories(dir);
        try (InputStream in = CheckpointModelCliTest.class.getResourceAsStream(FIXTURES + "resnet50-input.png")) {
            Files.write(dir.resolve("resnet50-input.png"), in.readAllBytes());
        }
        return dir;
    }

    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("TRACES_CACHE", tmp.resolve("cache").toString());
        return env;
    }

    private static EmbeddingSet onlySet(Path out) throws IOException {
        try (Stream<Path> s = Files.list(out)) {
            List<Path> sets = s.filter(f -> f.getFileName().toString().endsWith(".safetensors")).toList();
            assertEquals(1, sets.size(), sets.toString());
            return EmbeddingSetIO.read(sets.get(0));
        }
    }

    @Test
    void aSeededFullSizeResNet50SafetensorsRunsAsTheRegistryEntryAndGivesTorchsFeatures() throws Exception {
        Path ckpt = seededResNet50(tmp.resolve("resnet50-seeded.safetensors"));
        Path img = images(tmp.resolve("img"));
        CliRun r = CliRun.withEnv(env(), "embed", "--images", img.toString(), "--model", "resnet50-in1k=" + ckpt, "--quiet",
                "-o", tmp.resolve("out").toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        EmbeddingSet set = onlySet(tmp.resolve("out"));
        JsonNode expected = new ObjectMapper().readTree(CheckpointModelCliTest.class.getResourceAsStream(FIXTURES + "resnet50-seeded.expected.json"));
        JsonNode values = expected.get("features").get("values");
        assertEquals(1, set.rows());
        assertEquals(2048, set.dim());
        double maxDiff = 0;
        double maxAbs = 0;
        for (int j = 0; j < 2048; j++) {
            double t = values.get(j).asDouble();
            maxDiff = Math.max(maxDiff, Math.abs(set.row(0)[j] - t));
            maxAbs = Math.max(maxAbs, Math.abs(t));
        }
        assertTrue(maxAbs > 0.5, "torch's features are not degenerate");
        assertTrue(maxDiff / maxAbs < 1e-3, "relative error " + maxDiff / maxAbs);

        // the build is cached under both sha256s and made once
        Path built = tmp.resolve("cache/built");
        List<Path> onnx;
        try (Stream<Path> s = Files.list(built)) {
            onnx = s.filter(f -> f.toString().endsWith(".onnx")).toList();
        }
        assertEquals(1, onnx.size(), onnx.toString());
        JsonNode record = new ObjectMapper().readTree(Path.of(onnx.get(0) + ".json").toFile());
        assertEquals(Hashes.sha256(ckpt), record.get("checkpoint_sha256").asText());
        assertEquals(Hashes.sha256(onnx.get(0)), record.get("onnx_sha256").asText());
        FileTime before = FileTime.fromMillis(0);
        Files.setLastModifiedTime(onnx.get(0), before);
        CliRun again = CliRun.withEnv(env(), "embed", "--images", img.toString(), "--model", "resnet50-in1k=" + ckpt, "--quiet",
                "-o", tmp.resolve("out2").toString());
        assertEquals(0, again.exit(), again.out() + again.err());
        assertEquals(before, Files.getLastModifiedTime(onnx.get(0)), "the second run reuses the build");
        assertEquals(set.row(0)[0], onlySet(tmp.resolve("out2")).row(0)[0]);
    }

    @Test
    void aRegistryCheckpointOnTheHubIsDownloadedOnceBuiltOnceAndUsedOffline() throws Exception {
        byte[] weights = Files.readAllBytes(seededResNet50(tmp.resolve("seeded.safetensors")));
        Path img = images(tmp.resolve("img"));
        // the registry's coordinate for resnet50-in1k (timm/resnet50.a1_in1k, model.safetensors), served by a loopback "Hub"
        try (HubServer hub = new HubServer().lfs("timm/resnet50.a1_in1k", "main", "model.safetensors", weights)) {
            Map<String, String> online = env();
            online.put("HF_ENDPOINT", hub.endpoint());
            CliRun r = CliRun.withEnv(online, "embed", "--images", img.toString(), "--model", "resnet50-in1k", "--quiet",
                    "-o", tmp.resolve("o1").toString());
            assertEquals(0, r.exit(), r.out() + r.err());
            assertEquals(2048, onlySet(tmp.resolve("o1")).dim());
            assertEquals(1, hub.gets("timm/resnet50.a1_in1k", "main", "model.safetensors"));
        }
        // offline, the same file given as a Hub address comes from the cache
        Map<String, String> offline = env();
        offline.put("HF_HUB_OFFLINE", "1");
        CliRun r = CliRun.withEnv(offline, "embed", "--images", img.toString(), "--model", "resnet50-in1k=hf:timm/resnet50.a1_in1k/model.safetensors",
                "--quiet", "-o", tmp.resolve("o2").toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        assertEquals(onlySet(tmp.resolve("o1")).row(0)[5], onlySet(tmp.resolve("o2")).row(0)[5]);
    }

    @Test
    void aCheckpointThatDoesNotFitItsEntryOrAnUnbuiltArchitectureIsRefusedNamingWhy() throws Exception {
        Path img = images(tmp.resolve("img"));
        Path moco = tmp.resolve("tiny.pth.tar");
        try (InputStream in = CheckpointModelCliTest.class.getResourceAsStream(FIXTURES + "tiny-resnet-moco.pth.tar")) {
            Files.write(moco, in.readAllBytes());
        }
        CliRun unbuilt = CliRun.withEnv(env(), "embed", "--images", img.toString(), "--model", "clip-vit-b16=" + moco, "--quiet",
                "-o", tmp.resolve("o1").toString());
        assertEquals(2, unbuilt.exit(), unbuilt.out() + unbuilt.err());
        assertTrue(unbuilt.err().contains("no Java graph builder for clip-vit-b16"), unbuilt.err());

        // a ResNet-50 layout at width 8 declared as MoCo v3 RN50 (2048 wide): not the study's encoder, refused
        CliRun narrow = CliRun.withEnv(env(), "embed", "--images", img.toString(), "--model", "mocov3-rn50=" + moco, "--quiet",
                "-o", tmp.resolve("o0").toString());
        assertTrue(narrow.exit() != 0, narrow.out() + narrow.err());
        assertTrue(narrow.err().contains(moco + ": its ResNet-50 (torchvision layout, MoCo v3 checkpoint) embedding is 256 wide; registry entry"
                + " mocov3-rn50 is 2048 wide"), narrow.err());

        // a ViT checkpoint of another configuration (width 32) declared as MoCo v3 ViT-S (12 heads): refused, naming why
        Path vit = tmp.resolve("tiny-vit-timm.safetensors");
        try (InputStream in = CheckpointModelCliTest.class.getResourceAsStream(FIXTURES + "tiny-vit-timm.safetensors")) {
            Files.write(vit, in.readAllBytes());
        }
        CliRun small = CliRun.withEnv(env(), "embed", "--images", img.toString(), "--model", "mocov3-vits=" + vit, "--quiet",
                "-o", tmp.resolve("o3").toString());
        assertTrue(small.exit() != 0, small.out() + small.err());
        assertTrue(small.err().contains(vit + ": width 32 is not divisible by 12 heads"), small.err());

        // a checkpoint published outside the Hub, offline and not cached: the message names the URL and where it was looked for
        Map<String, String> offline = env();
        offline.put("HF_HUB_OFFLINE", "1");
        CliRun byHand = CliRun.withEnv(offline, "embed", "--images", img.toString(), "--model", "mocov3-rn50", "--quiet",
                "-o", tmp.resolve("o4").toString());
        assertTrue(byHand.exit() != 0, byHand.out() + byHand.err());
        assertTrue(byHand.err().contains("Offline mode is on and https://dl.fbaipublicfiles.com/moco-v3/r-50-1000ep/r-50-1000ep.pth.tar"
                + " is not in the cache"), byHand.err());

        Path garbage = Files.writeString(tmp.resolve("notes.safetensors"), "not weights at all");
        CliRun bad = CliRun.withEnv(env(), "embed", "--images", img.toString(), "--model", "resnet50-in1k=" + garbage, "--quiet",
                "-o", tmp.resolve("o2").toString());
        assertTrue(bad.exit() != 0, bad.out() + bad.err());
        assertTrue(bad.err().contains(garbage.toString()) && bad.err().contains("neither a torch zip checkpoint nor a safetensors"), bad.err());
    }
}
