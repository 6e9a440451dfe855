package org.encodertraces.encoder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.encodertraces.encoder.checkpoint.Checkpoint;
import org.encodertraces.encoder.checkpoint.CheckpointException;
import org.encodertraces.encoder.graph.ConvNeXtGraph;
import org.encodertraces.encoder.graph.ResNetGraph;
import org.encodertraces.encoder.graph.ViTGraph;
import org.encodertraces.encoder.onnx.OnnxModel;
import org.encodertraces.io.AtomicFiles;
import org.encodertraces.provenance.Hashes;
import org.encodertraces.provenance.ToolInfo;

/**
 * Registry encoders whose published checkpoint (safetensors or torch {@code .pth}) we turn into
 * an ONNX model in Java, and that build, done once per checkpoint: {@code --model
 * resnet50-in1k=FILE.safetensors} runs a user's checkpoint of a known architecture without the
 * Python export recipe.
 *
 * <p>The built model lives in our cache ({@code built/} under the cache root), named by the
 * registry id, the checkpoint's sha256 and the builder's version; beside it a small record holds
 * both sha256s (checkpoint and built ONNX), and the built file is used again only when both still
 * match, so a changed checkpoint or a damaged build is built afresh.
 */
public final class CheckpointModels {
    /** Changes whenever a builder's output for the same checkpoint changes, so old builds are not reused. */
    static final String BUILDER_VERSION = "b1";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Builds an ONNX model from a checkpoint's tensors (keys without prefix). */
    @FunctionalInterface
    public interface GraphBuilder {
        /** The model, written inline or with external data by {@link CheckpointModels#build}. */
        OnnxModel build(Checkpoint checkpoint, String producerVersion, String docString) throws CheckpointException;
    }

    /**
     * How one registry encoder's checkpoint becomes a graph.
     *
     * @param architecture the architecture and layout, as messages and the model's doc string name it
     * @param keyPrefixes key prefixes tried in order (the first that some key starts with is removed; {@code ""} keeps keys)
     * @param builder the graph builder
     */
    public record Build(String architecture, List<String> keyPrefixes, GraphBuilder builder) {
    }

    private static Build resnet(String architecture, String... prefixes) {
        return new Build(architecture, List.of(prefixes), (c, v, d) -> ResNetGraph.model(c, ResNetGraph.RESNET50, v, d));
    }

    private static Build vit(String architecture, ViTGraph.Layout layout, int heads, String... prefixes) {
        ViTGraph.Config cfg = layout == ViTGraph.Layout.TIMM
                ? new ViTGraph.Config(layout, heads, 1e-6f, ViTGraph.Activation.GELU)
                : new ViTGraph.Config(layout, heads, 1e-5f, ViTGraph.Activation.GELU);
        return new Build(architecture, List.of(prefixes), (c, v, d) -> ViTGraph.model(c, cfg, v, d));
    }

    /**
     * DINOv2 ViT-g/14 with 4 registers in Meta's own key layout ({@code dinov2_vitg14_reg4_pretrain.pth}):
     * 24 heads, LayerNorm eps 1e-6, SwiGLU MLP ({@code mlp.w12 / mlp.w3}, found from the keys),
     * the 37x37 positional grid (518 px) resampled to the 16x16 grid of the study's 224 px input.
     * A checkpoint without the 4 registers is DINOv2 ViT-g/14 without registers, another encoder:
     * refused, as is one without LayerScale.
     */
    private static Build dinov2Reg(String architecture, int heads, int regs, int imageSize) {
        ViTGraph.Config cfg = new ViTGraph.Config(ViTGraph.Layout.TIMM, heads, 1e-6f, ViTGraph.Activation.GELU, imageSize);
        return new Build(architecture, List.of(""), (c, v, d) -> {
            org.encodertraces.encoder.checkpoint.WeightTensor r = c.tensors().get("register_tokens");
            if (r == null || r.shape().length != 3 || r.shape()[1] != regs) {
                throw new CheckpointException(c.file(), (r == null ? "missing key 'register_tokens'" : "key 'register_tokens' has shape "
                        + r.shapeText()) + ": " + architecture + " has " + regs + " register tokens (a DINOv2 checkpoint without"
                        + " registers is another encoder)");
            }
            if (!c.tensors().containsKey("blocks.0.ls1.gamma")) {
                throw new CheckpointException(c.file(), "missing key 'blocks.0.ls1.gamma': " + architecture + " has LayerScale");
            }
            return ViTGraph.model(c, cfg, v, d);
        });
    }

    private static Build convnext(String architecture, ConvNeXtGraph.Layout layout, float eps, String... prefixes) {
        return new Build(architecture, List.of(prefixes), (c, v, d) -> ConvNeXtGraph.model(c, layout, eps, v, d));
    }

    private static final String[] MOCO = {"state_dict.module.base_encoder.", "module.base_encoder.", ""};

    /**
     * The builds. Head counts and LayerNorm epsilons are the published configurations': timm
     * {@code vit_base_patch32_224} 12 heads, {@code vit_large_patch32_224} and {@code vit_huge_patch14_224}
     * 16 (timm/models/vision_transformer.py, LayerNorm eps 1e-6); MoCo v3 {@code vit_small} and
     * {@code vit_base} 12 heads, eps 1e-6 (moco-v3 vits.py); OpenCLIP ViT-B-16/B-32 width/head_width
     * 768/64 = 12, ViT-L-14 1024/64 = 16, ViT-g-14 1408/88 = 16, nn.GELU (no quick_gelu in these
     * configs), LayerNorm eps 1e-5 (open_clip model_configs/*.json, transformer.py); ConvNeXts: timm
     * LayerNorm eps 1e-6, {@code convnext_xxlarge} 1e-5 (timm/models/convnext.py), the OpenCLIP head
     * (linear or MLP projection) found from the keys. SigLIP2 ViT-L/16-256 as the study loaded it
     * (timm {@code vit_large_patch16_siglip_256.v2_webli}, num_classes=0): timm's model_args
     * patch_size=16, embed_dim=1024, depth=24, num_heads=16, class_token=False, global_pool='map',
     * no act_layer (so nn.GELU with erf, in the blocks and the pool's MLP), LayerNorm eps 1e-6
     * (timm/models/vision_transformer.py); the embedding is the attention pool's output. DINOv2
     * ViT-g/14 reg as torch.hub's {@code dinov2_vitg14_reg} builds it: vit_giant2 embed_dim 1536,
     * depth 40, num_heads 24, ffn_layer swiglufused, img_size 518, num_register_tokens 4,
     * interpolate_antialias=True, interpolate_offset=0.0 (dinov2 hub/backbones.py,
     * models/vision_transformer.py), LayerNorm eps 1e-6; the embedding is x_norm_clstoken at 224 px
     * (shared/reference/study-preprocessing.tsv). Its float32 weights (about 1.1B parameters, about 4.4 GB)
     * pass the 2 GB one ONNX file holds: the build is refused with that reason until the writer
     * writes ONNX external data.
     *
     * <p>Three pass the 2 GB one ONNX file holds and are written with external data
     * ({@link OnnxModel}): timm {@code vit_huge_patch14_224} (width 1280, depth 32, 16 heads, patch
     * 14, LayerNorm eps 1e-6; timm/models/vision_transformer.py), OpenCLIP {@code ViT-g-14} (width
     * 1408, head_width 88 = 16 heads, 40 layers, mlp_ratio 4.3637 = 6144, patch 14, embed_dim 1024;
     * open_clip model_configs/ViT-g-14.json) and OpenCLIP {@code convnext_xxlarge} (timm
     * convnext_xxlarge: depths 3/4/30/3, dims 384/768/1536/3072, norm_eps 1e-5; linear projection
     * to 1024, no pooling head of timm's; open_clip model_configs/convnext_xxlarge.json). Widths and
     * hidden sizes are read from the checkpoint's shapes; the head count and epsilon are these.
     */
    private static final Map<String, Build> BUILDS = Map.ofEntries(
            Map.entry("resnet50-in1k", resnet("ResNet-50 (torchvision/timm layout)", "")),
            Map.entry("dino-rn50", resnet("ResNet-50 (torchvision layout)", "")),
            Map.entry("mocov3-rn50", resnet("ResNet-50 (torchvision layout, MoCo v3 checkpoint)", MOCO)),
            Map.entry("vit-in21k-b32", vit("ViT-B/32 (timm layout)", ViTGraph.Layout.TIMM, 12, "")),
            Map.entry("vit-in21k-l32", vit("ViT-L/32 (timm layout)", ViTGraph.Layout.TIMM, 16, "")),
            Map.entry("vit-in21k-h14", vit("ViT-H/14 (timm layout)", ViTGraph.Layout.TIMM, 16, "")),
            Map.entry("openclip-laion2b-vit-g14", vit("ViT-g/14 (OpenCLIP layout)", ViTGraph.Layout.OPENCLIP, 16, "visual.")),
            Map.entry("openclip-laion2b-convnext-xxl", convnext("ConvNeXt-XXL (OpenCLIP tower)", ConvNeXtGraph.Layout.OPENCLIP, 1e-5f, "visual.")),
            Map.entry("mocov3-vits", vit("ViT-S/16 (timm layout, MoCo v3 checkpoint)", ViTGraph.Layout.TIMM, 12, MOCO)),
            Map.entry("mocov3-vitb", vit("ViT-B/16 (timm layout, MoCo v3 checkpoint)", ViTGraph.Layout.TIMM, 12, MOCO)),
            Map.entry("openclip-laion2b-vit-b16", vit("ViT-B/16 (OpenCLIP layout)", ViTGraph.Layout.OPENCLIP, 12, "visual.")),
            Map.entry("openclip-datacomp-vit-b16", vit("ViT-B/16 (OpenCLIP layout)", ViTGraph.Layout.OPENCLIP, 12, "visual.")),
            Map.entry("openclip-datacomp-vit-b32", vit("ViT-B/32 (OpenCLIP layout)", ViTGraph.Layout.OPENCLIP, 12, "visual.")),
            Map.entry("openclip-datacomp-vit-l14", vit("ViT-L/14 (OpenCLIP layout)", ViTGraph.Layout.OPENCLIP, 16, "visual.")),
            Map.entry("siglip2-vit-l16-256", vit("ViT-L/16 SigLIP2 (timm layout, attention-pool head)", ViTGraph.Layout.TIMM, 16, "")),
            Map.entry("dinov2-reg-vitg14", dinov2Reg("ViT-g/14 with 4 registers (DINOv2 layout, SwiGLU)", 24, 4, 224)),
            Map.entry("convnext-in22k-t", convnext("ConvNeXt-T (timm layout)", ConvNeXtGraph.Layout.TIMM, 1e-6f, "")),
            Map.entry("openclip-laion2b-convnext-b", convnext("ConvNeXt-B (OpenCLIP tower)", ConvNeXtGraph.Layout.OPENCLIP, 1e-6f, "visual.")),
            Map.entry("openclip-laion2b-convnext-l", convnext("ConvNeXt-L (OpenCLIP tower)", ConvNeXtGraph.Layout.OPENCLIP, 1e-6f, "visual.")));

    private CheckpointModels() {
    }

    /** How the entry's checkpoint is built, when a builder exists for its architecture. */
    public static Optional<Build> forEntry(RegistryEntry e) {
        return Optional.ofNullable(BUILDS.get(e.id()));
    }

    /** The registry ids whose checkpoints are built in Java, sorted. */
    public static List<String> ids() {
        return BUILDS.keySet().stream().sorted().toList();
    }

    /** Whether a file name is a checkpoint's ({@code .safetensors}, {@code .pth}, {@code .pth.tar}, {@code .pt}, {@code .bin}). */
    public static boolean isCheckpointName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".safetensors") || n.endsWith(".pth") || n.endsWith(".pth.tar") || n.endsWith(".pt") || n.endsWith(".bin");
    }

    /**
     * The ONNX model built from {@code checkpoint} for registry entry {@code e}: the cached build
     * when its record matches, else built now and recorded. A model whose weights pass what one
     * ONNX file holds (2 GB) is written as the model file and one external data file beside it
     * ({@code .onnx.data}); ONNX Runtime loads it from the model file's path.
     *
     * @param cacheRoot our cache's root; the build goes under {@code built/}
     * @throws CheckpointException when the checkpoint cannot be read or does not fit the architecture
     * @throws IllegalArgumentException when the entry has no builder
     */
    public static Path build(RegistryEntry e, Path checkpoint, Path cacheRoot) throws IOException {
        return build(e, checkpoint, cacheRoot, OnnxModel.MAX_INLINE_BYTES);
    }

    /**
     * As {@link #build(RegistryEntry, Path, Path)}, with external data for any model whose weights
     * pass {@code maxInlineBytes} (tests use a small value to write a small model both ways).
     */
    static Path build(RegistryEntry e, Path checkpoint, Path cacheRoot, long maxInlineBytes) throws IOException {
        Build b = forEntry(e).orElseThrow(() -> new IllegalArgumentException(e.id() + " has no checkpoint builder"));
        String sha = Hashes.sha256(checkpoint);
        Path dir = cacheRoot.resolve("built");
        Path onnx = dir.resolve(e.id() + "-" + sha.substring(0, 16) + "-" + BUILDER_VERSION + ".onnx");
        Path record = dir.resolve(onnx.getFileName() + ".json");
        if (Files.isRegularFile(onnx) && Files.isRegularFile(record) && cachedBuildMatches(onnx, record, sha)) {
            return onnx;
        }
        Checkpoint c = read(checkpoint, b);
        OnnxModel model;
        byte[] proto;
        String dataName = null;
        try {
            model = b.builder().build(c, ToolInfo.version(),
                    b.architecture() + " built by encoder-traces from " + checkpoint.getFileName() + " (sha256 " + sha + ") for registry entry " + e.id());
            if (model.needsExternalData(maxInlineBytes)) {
                dataName = onnx.getFileName() + ".data";
                proto = model.externalBytes(dataName);
            } else {
                proto = model.inlineBytes();
            }
        } catch (IllegalArgumentException tooBig) {
            throw new CheckpointException(checkpoint, tooBig.getMessage());
        }
        long width = org.encodertraces.encoder.onnx.OnnxGraphInfo.read(proto).outputs().stream()
                .filter(o -> o.name().equals("embedding")).mapToLong(o -> o.dims().get(o.dims().size() - 1)).findFirst().orElse(-1);
        if (width != e.embeddingDim()) {
            throw new CheckpointException(checkpoint, "its " + b.architecture() + " embedding is " + width + " wide; registry entry "
                    + e.id() + " is " + e.embeddingDim() + " wide: not a checkpoint of " + (e.studyName() != null ? e.studyName() : e.id()));
        }
        Files.createDirectories(dir);
        Map<String, String> r = new java.util.LinkedHashMap<>();
        r.put("registry_id", e.id());
        r.put("architecture", b.architecture());
        r.put("builder_version", BUILDER_VERSION);
        r.put("checkpoint", checkpoint.toAbsolutePath().toString());
        r.put("checkpoint_sha256", sha);
        r.put("onnx_sha256", Hashes.sha256(proto));
        if (dataName != null) {
            Path data = dir.resolve(dataName);
            java.security.MessageDigest md = Hashes.sha256Digest();
            AtomicFiles.write(data, out -> model.writeExternalData(new java.security.DigestOutputStream(out, md)));
            r.put("external_data", dataName);
            r.put("external_data_sha256", java.util.HexFormat.of().formatHex(md.digest()));
        } else {
            Files.deleteIfExists(dir.resolve(onnx.getFileName() + ".data"));
        }
        AtomicFiles.writeBytes(onnx, proto);
        AtomicFiles.writeString(record, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(r) + "\n");
        return onnx;
    }

    /** Whether a cached build's record names this checkpoint and the model file (and its external data file) still hash as recorded. */
    private static boolean cachedBuildMatches(Path onnx, Path record, String checkpointSha) {
        try {
            JsonNode r = JSON.readTree(record.toFile());
            if (!checkpointSha.equals(r.path("checkpoint_sha256").asText()) || !Hashes.sha256(onnx).equals(r.path("onnx_sha256").asText())) {
                return false;
            }
            String data = r.path("external_data").asText("");
            if (data.isEmpty()) {
                return true;
            }
            Path dataFile = onnx.resolveSibling(data);
            return data.equals(onnx.getFileName() + ".data") && Files.isRegularFile(dataFile)
                    && Hashes.sha256(dataFile).equals(r.path("external_data_sha256").asText());
        } catch (IOException ignored) {
            return false; // an unreadable record or file: build again
        }
    }

    private static Checkpoint read(Path file, Build b) throws IOException {
        Checkpoint all = Checkpoint.read(file);
        for (String p : b.keyPrefixes()) {
            if (p.isEmpty() || all.tensors().keySet().stream().anyMatch(k -> k.startsWith(p))) {
                return p.isEmpty() ? all : all.under(p);
            }
        }
        return all;
    }
}
