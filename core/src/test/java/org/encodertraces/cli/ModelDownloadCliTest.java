package org.encodertraces.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.encodertraces.Requirements;
import org.encodertraces.encoder.Registry;
import org.encodertraces.encoder.onnx.OnnxModelEditor;
import org.encodertraces.encoder.onnx.ProtoWriter;
import org.encodertraces.provenance.Hashes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The download path end to end at the CLI: {@code traces embed} and {@code traces audit} against
 * a loopback server playing the Hub, with a registry-style Hub entry and with {@code hf:...};
 * downloaded once, cached, verified, reused offline; an HTML page refused; bad endpoints and bad
 * model references answered with a message and exit status 2, never a stack trace.
 */
@Timeout(180)
class ModelDownloadCliTest {
    private static final String REPO = "testorg/nsfwjs-onnx";
    private static final String REV = "4c1807b705b1d015fb032789cc4d221b23025a6f";
    private static final String PATH = "onnx/model.onnx";
    private static final String NSFW_SHA = "5e216ac7bf38618e33db3c98e24068c76374a19a3b1d8e88200e6b3ca84c92ed";

    @TempDir
    Path tmp;

    private HubServer hub;
    private Path shared;
    private Path images;
    private Map<String, String> env;

    @BeforeEach
    void setUp() throws IOException {
        shared = SmallFlowers.shared();
        Path model = Requirements.shared("models/nsfwjs-mobilenetv2-224.onnx");
        byte[] bytes = Files.readAllBytes(model);
        assertEquals(NSFW_SHA, Hashes.sha256(bytes));
        hub = new HubServer().lfs(REPO, REV, PATH, bytes).lfs(REPO, "main", PATH, bytes)
                .page("testorg/broken", "main", "model.onnx",
                        "<!DOCTYPE html><html><body>Sign in to continue</body></html>".getBytes(StandardCharsets.UTF_8), "text/html");
        images = SmallFlowers.copy(tmp.resolve("images"), 5);
        env = new HashMap<>();
        env.put("TRACES_SHARED", shared.toString());
        env.put("TRACES_CACHE", tmp.resolve("cache").toString());
        env.put("HF_ENDPOINT", hub.endpoint());
        env.put("TRACES_REGISTRY", testRegistry().toString());
    }

    @AfterEach
    void tearDown() {
        if (hub != null) {
            hub.close();
        }
    }

    /** A registry file with one Hub entry: the shared nsfwjs model's entry, moved to the loopback "Hub". */
    private Path testRegistry() throws IOException {
        ObjectMapper m = new ObjectMapper();
        ObjectNode entry = null;
        try (var in = Registry.class.getResourceAsStream(Registry.RESOURCE)) {
            for (var e : m.readTree(in).get("entries")) {
                if (e.get("id").asText().equals("nsfwjs-mobilenetv2")) {
                    entry = (ObjectNode) e.deepCopy();
                }
            }
        }
        entry.put("id", "test-nsfwjs-hub");
        ObjectNode src = m.createObjectNode();
        src.put("kind", "hub").put("repo", REPO).put("revision", REV).put("file", PATH).put("sha256", NSFW_SHA);
        entry.set("source", src);
        Path p = tmp.resolve("test-registry.json");
        m.writeValue(p.toFile(), m.createObjectNode().set("entries", m.createArrayNode().add(entry)));
        return p;
    }

    private Map<String, String> offline() {
        Map<String, String> e = new HashMap<>(env);
        e.put("TRACES_OFFLINE", "1");
        return e;
    }

    private static void assertNoStackTrace(CliRun r) {
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception in"), "stack trace printed:\n" + r.err());
    }

    /**
     * Where a download is: the Hugging Face layout, which with only TRACES_CACHE set lives in
     * TRACES_CACHE/huggingface/hub (a pinned revision is its snapshot's name; another revision's
     * commit is in refs/). The loopback Hub reports the same commit for every file.
     */
    private Path cached(String repo, String rev, String path) {
        String commit = rev.matches("[0-9a-f]{40}") ? rev : "0123456789abcdef0123456789abcdef01234567";
        return tmp.resolve("cache/huggingface/hub").resolve("models--" + repo.replace("/", "--")).resolve("snapshots").resolve(commit)
                .resolve(path);
    }

    @Test
    void embedDownloadsRegistryHubEntryOnceVerifiesAndReusesItOffline() throws IOException {
        CliRun r = CliRun.withEnv(env, "embed", "--images", images.toString(), "--model", "test-nsfwjs-hub",
                "-o", tmp.resolve("emb1").toString(), "--threads", "2");
        assertEquals(0, r.exit(), r.err());
        assertEquals(1, hub.gets(REPO, REV, PATH));
        Path file = cached(REPO, REV, PATH);
        assertEquals(NSFW_SHA, Hashes.sha256(file), "the pinned revision's file is cached with its sha256");
        assertTrue(r.err().contains("download " + REPO + "@" + REV + "/" + PATH), "the progress bar names the download:\n" + r.err());
        Path set = tmp.resolve("emb1/images__IDENTITY__test-nsfwjs-hub.json");
        String sidecar = Files.readString(set);
        assertTrue(sidecar.contains("\"model_sha256\" : \"" + NSFW_SHA + "\"") || sidecar.contains("\"model_sha256\":\"" + NSFW_SHA + "\""),
                "the sidecar records the model sha256");

        CliRun models = CliRun.withEnv(offline(), "models");
        assertEquals(0, models.exit(), models.err());
        assertTrue(models.out().lines().anyMatch(l -> l.startsWith("test-nsfwjs-hub\t") && l.contains("\tyes\t10.5\t")),
                "traces models shows the cached download and its size:\n" + models.out());
        assertTrue(models.out().contains("# 47 study encoders: 28 download from the Hub as ONNX (26 with the study's weights, 2 likely the"
                + " same), 19 are built in Java from their published checkpoint (14 downloaded from the Hub, 5 from their authors'"
                + " servers, their sha256 trust-on-first-use), 0 need the export recipe"), models.out());
        assertTrue(models.out().contains("vit-in21k-h14\tSUP\t1280\t224\tcheckpoint:hf:timm/vit_huge_patch14_224.orig_in21k/model.safetensors\t2523 (computed)\t"),
                models.out());
        assertTrue(models.out().contains("siglip2-vit-l16-256\tCVL\t1024\t256\tcheckpoint:hf:timm/vit_large_patch16_siglip_256.v2_webli/model.safetensors"
                + "\t1264 (computed)\t"), models.out());
        assertTrue(models.out().contains("dinov2-reg-vitg14\tSSL\t1536\t224\tcheckpoint:https://dl.fbaipublicfiles.com/dinov2/dinov2_vitg14/"
                + "dinov2_vitg14_reg4_pretrain.pth (no published sha256: trust-on-first-use, pinned at the first download)\t4546 (computed)\t"),
                models.out());
        assertTrue(models.out().lines().noneMatch(l -> l.contains("\tcheckpoint:") && l.split("\t")[5].equals("?")),
                "every built entry shows a size:\n" + models.out());
        assertTrue(models.out().contains("resnet50-in1k\tSUP\t2048\t224\tcheckpoint:hf:timm/resnet50.a1_in1k/model.safetensors\t102 (computed)\t"),
                models.out());

        CliRun again = CliRun.withEnv(offline(), "embed", "--images", images.toString(), "--model", "test-nsfwjs-hub",
                "-o", tmp.resolve("emb2").toString(), "--threads", "2");
        assertEquals(0, again.exit(), again.err());
        assertEquals(1, hub.gets(REPO, REV, PATH), "offline: no second download");
        assertEquals(Files.readAllBytes(tmp.resolve("emb1/images__IDENTITY__test-nsfwjs-hub.safetensors")).length,
                Files.readAllBytes(tmp.resolve("emb2/images__IDENTITY__test-nsfwjs-hub.safetensors")).length);
    }

    @Test
    void auditRunsAHubAddressAndWritesItsReportThenOfflineToo() throws IOException {
        String ref = "hf:" + REPO + "/" + PATH;
        String[] args = {"audit", "--images", images.toString(), "--model", ref, "--input-name", "input_1", "--output", "embedding",
            "--mean", "0.5,0.5,0.5", "--std", "0.5,0.5,0.5", "--resize-mode", "SQUASH", "--filter", "BILINEAR",
            "--tasks", "sharpening", "--mask", "0", "--trials", "2", "--seeds", "1", "--threads", "2", "--quiet", "-o", null};
        args[args.length - 1] = tmp.resolve("audit1").toString();
        CliRun r = CliRun.withEnv(env, args);
        assertEquals(0, r.exit(), r.out() + r.err());
        assertNoStackTrace(r);
        assertTrue(Files.isRegularFile(tmp.resolve("audit1/report.html")));
        assertEquals(1, hub.gets(REPO, "main", PATH));
        assertTrue(Files.isRegularFile(cached(REPO, "main", PATH)));

        args[args.length - 1] = tmp.resolve("audit2").toString();
        CliRun off = CliRun.withEnv(offline(), args);
        assertEquals(0, off.exit(), off.out() + off.err());
        assertTrue(Files.isRegularFile(tmp.resolve("audit2/report.html")));
        assertEquals(1, hub.gets(REPO, "main", PATH), "offline: served from the cache");
    }

    @Test
    void anHtmlPageServedWithStatus200IsRefusedAndNothingIsCached() throws IOException {
        CliRun r = CliRun.withEnv(env, "embed", "--images", images.toString(), "--model", "hf:testorg/broken/model.onnx",
                "--output", "embedding", "--mean", "0.5,0.5,0.5", "--std", "0.5,0.5,0.5", "-o", tmp.resolve("emb").toString());
        assertEquals(2, r.exit(), r.err());
        assertNoStackTrace(r);
        assertTrue(r.err().contains("is not an ONNX model") && r.err().contains("HTML"), r.err());
        assertTrue(r.err().contains("Nothing was cached"), r.err());
        assertFalse(Files.exists(cached("testorg/broken", "main", "model.onnx")));
        assertFalse(Files.exists(tmp.resolve("emb")), "refused before any work");
        try (Stream<Path> s = Files.walk(tmp.resolve("cache"))) {
            assertTrue(s.noneMatch(p -> p.toString().endsWith(".part")), "no part file left");
        }
    }

    @Test
    void aBadEndpointIsExplainedOnlyWhereTheHubIsNeeded() {
        Map<String, String> bad = new HashMap<>(env);
        bad.put("HF_ENDPOINT", "file:///etc");
        CliRun local = CliRun.withEnv(bad, "embed", "--images", images.toString(), "--model", "nsfwjs-mobilenetv2",
                "-o", tmp.resolve("local").toString(), "--threads", "2", "--quiet");
        assertEquals(0, local.exit(), "a shared model needs no Hub:\n" + local.err());

        CliRun remote = CliRun.withEnv(bad, "audit", "--images", images.toString(), "--model", "test-nsfwjs-hub",
                "-o", tmp.resolve("remote").toString());
        assertEquals(2, remote.exit(), remote.err());
        assertNoStackTrace(remote);
        assertTrue(remote.err().contains("HF_ENDPOINT='file:///etc' is not usable") && remote.err().contains("unset it"), remote.err());
        assertFalse(remote.out().contains("audit plan"), "refused before the plan:\n" + remote.out());
    }

    @Test
    void badModelReferencesAreRefusedBeforeAnyWorkWithWhatToDo() throws IOException {
        CliRun typo = CliRun.withEnv(env, "audit", "--images", images.toString(), "--model", "clip-vit-b23", "-o", tmp.resolve("a").toString());
        assertEquals(2, typo.exit());
        assertTrue(typo.err().contains("did you mean clip-vit-b32") || typo.err().contains("did you mean clip-vit-b16, clip-vit-b32"), typo.err());
        assertFalse(typo.out().contains("audit plan"));

        Path copy = Files.copy(shared.resolve("models/nsfwjs-mobilenetv2-224.onnx"), tmp.resolve("mine.onnx"));
        CliRun bare = CliRun.withEnv(env, "embed", "--images", images.toString(), "--model", copy.toString(), "--output", "embedding",
                "-o", tmp.resolve("b").toString());
        assertEquals(2, bare.exit());
        assertTrue(bare.err().contains("needs its preprocessing") && bare.err().contains("--mean") && bare.err().contains("mine.spec.json"),
                bare.err());
        assertFalse(Files.exists(tmp.resolve("b")));

        CliRun size = CliRun.withEnv(env, "audit", "--images", images.toString(), "--model", "clip-vit-l14-336=" + copy,
                "-o", tmp.resolve("s").toString());
        assertEquals(2, size.exit());
        assertTrue(size.err().contains("has no input 'pixel_values'") && size.err().contains("clip-vit-l14-336"), size.err());
        CliRun wrongSize = CliRun.withEnv(env, "embed", "--images", images.toString(), "--model", copy.toString(), "--output", "embedding",
                "--mean", "0.5,0.5,0.5", "--std", "0.5,0.5,0.5", "--size", "256", "-o", tmp.resolve("s").toString());
        assertEquals(2, wrongSize.exit());
        assertTrue(wrongSize.err().contains("FLOAT[?,3,224,224]") && wrongSize.err().contains("pass --size 224"), wrongSize.err());
        assertFalse(Files.exists(tmp.resolve("s")));

        for (String[] args : List.of(new String[] {"demo", "--model", "nope", "-o", tmp.resolve("d").toString()},
                new String[] {"bench-embed", "--images", images.toString(), "--model", "builtin:nope"},
                new String[] {"embed", "--images", images.toString(), "--model", "hf:only-a-name.onnx", "-o", tmp.resolve("e").toString()},
                new String[] {"embed", "--images", images.toString(), "--model", "not-an-id=" + copy, "-o", tmp.resolve("e").toString()},
                new String[] {"embed", "--images", images.toString(), "--model", tmp.resolve("missing.onnx").toString(), "-o", tmp.resolve("e").toString()})) {
            CliRun r = CliRun.withEnv(env, args);
            assertEquals(2, r.exit(), String.join(" ", args) + "\n" + r.err());
            assertNoStackTrace(r);
            assertTrue(r.err().contains("--model "), r.err());
        }
        assertFalse(Files.exists(tmp.resolve("d")), "the demo generated nothing for a bad model");
    }

    @Test
    void aHubModelWithTheRecipesSpecBesideItNeedsNoFlags() throws IOException {
        CliRun none = CliRun.withEnv(env, "embed", "--images", images.toString(), "--model", "hf:" + REPO + "/" + PATH,
                "-o", tmp.resolve("n").toString());
        assertEquals(2, none.exit(), none.err());
        assertTrue(none.err().contains("publish the export recipe's model.spec.json beside it") && none.err().contains("--mean"),
                none.err());
        assertEquals(0, hub.gets(REPO, "main", PATH), "refused before downloading the model");

        hub.page(REPO, "main", "onnx/model.spec.json", """
                {"format": "encoder-traces-export-spec", "preprocessing": {"resizeSize": 224, "resizeMode": "SQUASH",
                  "filter": "BILINEAR", "antialias": true, "cropSize": 224, "scale": 0.00392156862745098, "mean": [0.5, 0.5, 0.5],
                  "std": [0.5, 0.5, 0.5], "channelOrder": "RGB", "layout": "NCHW", "maskAfterCrop": true},
                 "inputName": "input_1", "output": "embedding", "pooling": "NONE", "l2Normalize": false}
                """.getBytes(StandardCharsets.UTF_8), "application/json");
        CliRun r = CliRun.withEnv(env, "embed", "--images", images.toString(), "--model", "hf:" + REPO + "/" + PATH,
                "-o", tmp.resolve("s").toString(), "--quiet");
        assertEquals(0, r.exit(), r.out() + r.err());
        String sidecar = Files.readString(tmp.resolve("s/images__IDENTITY__hf_testorg_nsfwjs-onnx_model.json"));
        assertTrue(sidecar.contains("model.spec.json") && sidecar.contains("SQUASH"), "the spec's preprocessing was used:\n" + sidecar);
        CliRun off = CliRun.withEnv(offline(), "embed", "--images", images.toString(), "--model", "hf:" + REPO + "/" + PATH,
                "-o", tmp.resolve("s2").toString(), "--quiet");
        assertEquals(0, off.exit(), "offline, model and spec come from the cache:\n" + off.err());
    }

    /** A tiny model whose weight lives in an external-data file beside it, as large exports ship. */
    private static byte[] externalDataModel() {
        ProtoWriter weight = new ProtoWriter().varint(1, 3).varint(1, 4).varint(2, 1).string(8, "W")
                .message(13, new ProtoWriter().string(1, "location").string(2, "tiny.onnx_data"))
                .message(13, new ProtoWriter().string(1, "offset").string(2, "0"))
                .message(13, new ProtoWriter().string(1, "length").string(2, "48"))
                .varint(14, 1);
        ProtoWriter graph = new ProtoWriter()
                .message(1, new ProtoWriter().string(1, "x").string(2, "p").string(3, "pool").string(4, "GlobalAveragePool"))
                .message(1, new ProtoWriter().string(1, "p").string(2, "f").string(3, "flat").string(4, "Flatten"))
                .message(1, new ProtoWriter().string(1, "f").string(1, "W").string(2, "y").string(3, "mm").string(4, "MatMul"))
                .string(2, "ext").message(5, weight)
                .message(11, OnnxModelEditor.valueInfo("x", 1, -1, 3, 224, 224))
                .message(12, OnnxModelEditor.valueInfo("y", 1, -1, 4));
        return new ProtoWriter().varint(1, 8).message(7, graph).message(8, new ProtoWriter().string(1, "").varint(2, 13)).toByteArray();
    }

    @Test
    void externalDataIsFetchedBesideTheModel() throws IOException {
        ByteBuffer data = ByteBuffer.allocate(48).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 12; i++) {
            data.putFloat(i + 1);
        }
        hub.lfs("testorg/ext", "main", "onnx/tiny.onnx", externalDataModel()).lfs("testorg/ext", "main", "onnx/tiny.onnx_data", data.array());
        CliRun r = CliRun.withEnv(env, "embed", "--images", images.toString(), "--model", "hf:testorg/ext/onnx/tiny.onnx",
                "--output", "y", "--mean", "0.5,0.5,0.5", "--std", "0.5,0.5,0.5", "-o", tmp.resolve("ext").toString(), "--quiet");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertEquals(1, hub.gets("testorg/ext", "main", "onnx/tiny.onnx_data"), "the external data was downloaded");
        assertTrue(Files.isRegularFile(cached("testorg/ext", "main", "onnx/tiny.onnx_data")));
        String sidecar = Files.readString(tmp.resolve("ext/images__IDENTITY__hf_testorg_ext_tiny.json"));
        assertTrue(sidecar.replace(" ", "").contains("\"embedding_dim\":4"), sidecar);

        Files.delete(cached("testorg/ext", "main", "onnx/tiny.onnx_data"));
        CliRun off = CliRun.withEnv(offline(), "embed", "--images", images.toString(), "--model", "hf:testorg/ext/onnx/tiny.onnx",
                "--output", "y", "--mean", "0.5,0.5,0.5", "--std", "0.5,0.5,0.5", "-o", tmp.resolve("ext2").toString());
        assertEquals(2, off.exit(), "offline without its external data the model is refused before any work");
        assertTrue(off.err().contains("tiny.onnx_data") && off.err().contains("not in the cache"), off.err());
        assertNoStackTrace(off);
    }
}
