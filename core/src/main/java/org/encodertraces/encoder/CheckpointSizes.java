package org.encodertraces.encoder;

import java.util.Map;
import java.util.Optional;

/**
 * How large a built registry encoder's published checkpoint is, computed from its architecture's
 * published configuration (tensor shapes, float32) where the file's own size was not read: what
 * {@code traces models} shows, labelled as computed. The shapes are the ones the graph builders
 * check (timm/models/vision_transformer.py, resnet.py, convnext.py; open_clip
 * model_configs/*.json and transformer.py), plus what the file holds beside the tower we build:
 * OpenCLIP's file is the whole CLIP model (its text tower: 49408-token embedding, 77 positions,
 * {@code 4 x width} MLP, projection, logit scale), timm's keeps its classifier where the model has
 * one, BatchNorm keeps its running statistics. A MoCo v3 file also holds the momentum encoder,
 * the predictor and the optimizer state, whose shapes are not published: only a lower bound (the
 * base encoder) is computed there. Headers and pickle framing (kilobytes) are not counted.
 */
public final class CheckpointSizes {
    /**
     * A computed size.
     *
     * @param bytes the float32 weights' bytes
     * @param lowerBound whether the file holds more than was counted
     */
    public record Size(long bytes, boolean lowerBound) {
        /** Megabytes (10^6), with {@code >=} for a lower bound, for a table. */
        public String label() {
            return (lowerBound ? ">=" : "") + Math.round(bytes / 1e6);
        }
    }

    private static final long CLIP_VOCAB = 49408;
    private static final long CLIP_CONTEXT = 77;

    private static final Map<String, Size> SIZES = Map.ofEntries(
            Map.entry("resnet50-in1k", exact(resnet50(true))),
            Map.entry("dino-rn50", exact(resnet50(false))),
            Map.entry("mocov3-rn50", atLeast(resnet50(false))),
            Map.entry("vit-in21k-b32", exact(timmVit(768, 12, 32, 224, 3072, 0))),
            Map.entry("vit-in21k-l32", exact(timmVit(1024, 24, 32, 224, 4096, 0))),
            Map.entry("vit-in21k-h14", exact(timmVit(1280, 32, 14, 224, 5120, 0))),
            Map.entry("mocov3-vits", atLeast(timmVit(384, 12, 16, 224, 1536, 0))),
            Map.entry("mocov3-vitb", atLeast(timmVit(768, 12, 16, 224, 3072, 0))),
            // timm vit_large_patch16_siglip_256.v2_webli, num_classes=0: no class token, 16x16 positions, MAP head, no classifier
            Map.entry("siglip2-vit-l16-256", exact(sigLipVit(1024, 24, 16, 256, 4096))),
            // Meta's dinov2_vitg14_reg4_pretrain.pth: 518 px grid (37x37 + class token), 4 registers, mask token, SwiGLU
            // hidden 4096 (int(4 x 1536 x 2/3) rounded to a multiple of 8), LayerScale, no head
            Map.entry("dinov2-reg-vitg14", exact(dinov2Vit(1536, 40, 14, 518, 4, 4096))),
            Map.entry("openclip-laion2b-vit-b16", exact(clipVit(768, 12, 16, 224, 3072, 512) + clipText(512, 12, 512))),
            Map.entry("openclip-laion2b-vit-g14", exact(clipVit(1408, 40, 14, 224, 6144, 1024) + clipText(1024, 24, 1024))),
            Map.entry("openclip-datacomp-vit-b16", exact(clipVit(768, 12, 16, 224, 3072, 512) + clipText(512, 12, 512))),
            Map.entry("openclip-datacomp-vit-b32", exact(clipVit(768, 12, 32, 224, 3072, 512) + clipText(512, 12, 512))),
            Map.entry("openclip-datacomp-vit-l14", exact(clipVit(1024, 24, 14, 224, 4096, 768) + clipText(768, 12, 768))),
            Map.entry("convnext-in22k-t", exact(convnext(new long[] {96, 192, 384, 768}, new int[] {3, 3, 9, 3}) + 768 * 1000 + 1000)),
            Map.entry("openclip-laion2b-convnext-b", exact(convnext(new long[] {128, 256, 512, 1024}, new int[] {3, 3, 27, 3})
                    + 1024 * 640 + clipText(640, 12, 640))),
            // convnext_large_d: timm_proj "mlp" = Linear(1536, 2 x 768) + GELU + Linear(2 x 768, 768), no biases; text 768 wide, 16 deep
            Map.entry("openclip-laion2b-convnext-l", exact(convnext(new long[] {192, 384, 768, 1536}, new int[] {3, 3, 27, 3})
                    + 1536 * 1536 + 1536 * 768 + clipText(768, 16, 768))),
            Map.entry("openclip-laion2b-convnext-xxl", exact(convnext(new long[] {384, 768, 1536, 3072}, new int[] {3, 4, 30, 3})
                    + 3072 * 1024 + clipText(1024, 24, 1024))));

    private CheckpointSizes() {
    }

    /** The computed size of the entry's published checkpoint, when the entry is built from one. */
    public static Optional<Size> of(RegistryEntry e) {
        return Optional.ofNullable(SIZES.get(e.id()));
    }

    private static Size exact(long params) {
        return new Size(4 * params, false);
    }

    private static Size atLeast(long params) {
        return new Size(4 * params, true);
    }

    /** torchvision/timm ResNet-50: convolutions, BatchNorm (weight, bias, running mean and variance), the 1000-class fc if kept. */
    static long resnet50(boolean withFc) {
        long n = conv(3, 64, 7) + bn(64);
        long in = 64;
        int[] depths = {3, 4, 6, 3};
        for (int s = 0; s < 4; s++) {
            long planes = 64L << s;
            for (int b = 0; b < depths[s]; b++) {
                n += conv(in, planes, 1) + bn(planes) + conv(planes, planes, 3) + bn(planes) + conv(planes, planes * 4, 1) + bn(planes * 4);
                if (b == 0) {
                    n += conv(in, planes * 4, 1) + bn(planes * 4);
                }
                in = planes * 4;
            }
        }
        return n + (withFc ? 2048 * 1000 + 1000 : 0);
    }

    private static long conv(long in, long out, long k) {
        return in * out * k * k;
    }

    private static long bn(long c) {
        return 4 * c;
    }

    private static long block(long d, long mlp) {
        return 2 * d + 3 * d * d + 3 * d + d * d + d + 2 * d + d * mlp + mlp + mlp * d + d;
    }

    /** timm VisionTransformer: patch embedding with bias, class token, positions, blocks, final norm, a head of {@code classes}. */
    static long timmVit(long d, int depth, int patch, int image, long mlp, long classes) {
        long tokens = (long) (image / patch) * (image / patch) + 1;
        return conv(3, d, patch) + d + d + tokens * d + depth * block(d, mlp) + 2 * d + (classes > 0 ? classes * d + classes : 0);
    }

    /** timm's SigLIP ViT without class token: patch embedding with bias, positions, blocks, final norm, the MAP attention pool. */
    static long sigLipVit(long d, int depth, int patch, int image, long mlp) {
        long tokens = (long) (image / patch) * (image / patch);
        long pool = d + (d * d + d) + (2 * d * d + 2 * d) + (d * d + d) + 2 * d + (d * mlp + mlp + mlp * d + d);
        return conv(3, d, patch) + d + tokens * d + depth * block(d, mlp) + 2 * d + pool;
    }

    /** DINOv2 (Meta's layout): class, register and mask tokens, positions at the training size, SwiGLU blocks with LayerScale, final norm. */
    static long dinov2Vit(long d, int depth, int patch, int image, int registers, long hidden) {
        long tokens = (long) (image / patch) * (image / patch) + 1;
        long blk = 2 * d + 3 * d * d + 3 * d + d * d + d + d + 2 * d + d * 2 * hidden + 2 * hidden + hidden * d + d + d;
        return d + tokens * d + (long) registers * d + d + conv(3, d, patch) + d + depth * blk + 2 * d;
    }

    /** OpenCLIP's visual ViT: patch conv without bias, class embedding, positions, ln_pre, blocks, ln_post, projection. */
    static long clipVit(long d, int depth, int patch, int image, long mlp, long embed) {
        long tokens = (long) (image / patch) * (image / patch) + 1;
        return conv(3, d, patch) + d + tokens * d + 2 * d + depth * block(d, mlp) + 2 * d + d * embed;
    }

    /** OpenCLIP's text tower and logit scale: token and positional embeddings, blocks (MLP 4 x width), ln_final, projection. */
    static long clipText(long width, int depth, long embed) {
        return CLIP_VOCAB * width + CLIP_CONTEXT * width + depth * block(width, 4 * width) + 2 * width + width * embed + 1;
    }

    /** timm ConvNeXt trunk: stem (conv 4x4 with bias, LayerNorm), downsamples, blocks (with LayerScale), the head's LayerNorm. */
    static long convnext(long[] dims, int[] depths) {
        long n = conv(3, dims[0], 4) + dims[0] + 2 * dims[0];
        for (int s = 0; s < dims.length; s++) {
            long d = dims[s];
            if (s > 0) {
                n += 2 * dims[s - 1] + conv(dims[s - 1], d, 2) + d;
            }
            n += depths[s] * (d * 49 + d + 2 * d + d * 4 * d + 4 * d + 4 * d * d + d + d);
        }
        return n + 2 * dims[dims.length - 1];
    }
}
