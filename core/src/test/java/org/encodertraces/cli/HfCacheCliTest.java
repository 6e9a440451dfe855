package org.encodertraces.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.encodertraces.encoder.TinyOnnx;
import org.encodertraces.provenance.Hashes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standard Hugging Face cache: a download lands in huggingface_hub's layout under
 * {@code HF_HOME/hub} (blobs named by the LFS sha256, a snapshot link per commit, {@code refs/main}),
 * and a cache filled the Python way (the layout written here by hand, as huggingface_hub writes it)
 * is used with {@code HF_HUB_OFFLINE=1}; files of our older layout are still found.
 */
class HfCacheCliTest {
    /** The commit the loopback Hub reports for every file ({@link HubServer}). */
    private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    @TempDir
    Path tmp;

    private static byte[] tinyModel() {
        return new TinyOnnx().input("x", TinyOnnx.FLOAT, -1, 3, 32, 32).node("GlobalAveragePool", "x", "g").node("Flatten", "g", "y")
                .output("y", TinyOnnx.FLOAT, -1, 3).build();
    }

    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("TRACES_CACHE", tmp.resolve("ours").toString());
        return env;
    }

    private CliRun embed(Map<String, String> env, String model, String out) throws Exception {
        Path images = tmp.resolve("img");
        if (!Files.isDirectory(images)) {
            ReliabilityCliTest.scenes(images, 3, false);
        }
        return CliRun.withEnv(env, "embed", "--images", images.toString(), "--model", model, "--output", "y", "--size", "32",
                "--mean", "0.5,0.5,0.5", "--std", "0.25,0.25,0.25", "--threads", "1", "--quiet", "-o", tmp.resolve(out).toString());
    }

    @Test
    void aDownloadLandsInTheHuggingFaceLayoutUnderHfHome() throws Exception {
        byte[] model = tinyModel();
        String sha = Hashes.sha256(model);
        Map<String, String> env = env();
        env.put("HF_HOME", tmp.resolve("hf").toString());
        try (HubServer hub = new HubServer().lfs("testorg/tiny", "main", "onnx/model.onnx", model)) {
            env.put("HF_ENDPOINT", hub.endpoint());
            CliRun r = embed(env, "hf:testorg/tiny/onnx/model.onnx", "o1");
            assertEquals(0, r.exit(), r.out() + r.err());
        }
        Path repo = tmp.resolve("hf/hub/models--testorg--tiny");
        assertEquals(COMMIT, Files.readString(repo.resolve("refs/main"), StandardCharsets.UTF_8));
        Path blob = repo.resolve("blobs").resolve(sha);
        assertEquals(sha, Hashes.sha256(blob), "the blob is named by its LFS sha256");
        Path snap = repo.resolve("snapshots").resolve(COMMIT).resolve("onnx/model.onnx");
        assertTrue(Files.isSymbolicLink(snap), "the snapshot links to the blob, as huggingface_hub does");
        assertEquals(Path.of("../../../blobs/" + sha), Files.readSymbolicLink(snap));
        assertFalse(Files.exists(tmp.resolve("ours/hub/testorg--tiny")), "not in our older layout too");

        // used again offline from there
        env.remove("HF_ENDPOINT");
        env.put("HF_HUB_OFFLINE", "1");
        assertEquals(0, embed(env, "hf:testorg/tiny/onnx/model.onnx", "o2").exit());
    }

    @Test
    void aCacheFilledThePythonWayIsUsedOffline() throws Exception {
        byte[] model = tinyModel();
        String sha = Hashes.sha256(model);
        String commit = "fedcba9876543210fedcba9876543210fedcba98";
        // huggingface_hub's layout: blobs/<sha256>, snapshots/<commit>/<path> -> ../../blobs/<sha256>, refs/main = commit
        Path repo = tmp.resolve("pyhub/models--someorg--vision");
        Files.createDirectories(repo.resolve("blobs"));
        Files.write(repo.resolve("blobs").resolve(sha), model);
        Path snap = repo.resolve("snapshots").resolve(commit).resolve("model.onnx");
        Files.createDirectories(snap.getParent());
        Files.createSymbolicLink(snap, Path.of("../../blobs/" + sha));
        Files.createDirectories(repo.resolve("refs"));
        Files.writeString(repo.resolve("refs/main"), commit);

        Map<String, String> env = env();
        env.put("HF_HUB_CACHE", tmp.resolve("pyhub").toString());
        env.put("HF_HUB_OFFLINE", "1");
        CliRun main = embed(env, "hf:someorg/vision/model.onnx", "o1");
        assertEquals(0, main.exit(), main.out() + main.err());
        CliRun pinned = embed(env, "hf:someorg/vision@" + commit + "/model.onnx", "o2");
        assertEquals(0, pinned.exit(), pinned.out() + pinned.err());
        CliRun missing = embed(env, "hf:someorg/vision/other.onnx", "o3");
        assertTrue(missing.exit() != 0 && missing.err().contains("Offline mode is on"), missing.err());
        assertEquals(List.of(), Files.exists(tmp.resolve("ours/hub")) ? List.of("ours/hub") : List.of(), "nothing downloaded or copied");
    }

    @Test
    void aFileOfOurOlderLayoutIsStillFound() throws Exception {
        Path legacy = tmp.resolve("ours/hub/oldorg--model/main/model.onnx");
        Files.createDirectories(legacy.getParent());
        Files.write(legacy, tinyModel());
        Map<String, String> env = env();
        env.put("HF_HOME", tmp.resolve("hf").toString());
        env.put("HF_HUB_OFFLINE", "1");
        CliRun r = embed(env, "hf:oldorg/model/model.onnx", "o1");
        assertEquals(0, r.exit(), r.out() + r.err());
    }
}
