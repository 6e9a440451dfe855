package org.encodertraces.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The shape of a small CLIP: an image tower (a ViT, or the residual CNN of {@link Architecture})
 * and a causal text transformer, both projected to {@code embedDim}.
 *
 * @param imageTower  {@code vit} or {@code resnet}
 * @param imageSize   input side in pixels
 * @param patch       ViT patch side (divides {@code imageSize})
 * @param width       ViT width
 * @param depth       ViT blocks
 * @param heads       ViT attention heads (divide {@code width})
 * @param pooling     ViT pooling: {@code cls} (a class token) or {@code mean} (mean of the patch tokens)
 * @param resnet      the CNN of a {@code resnet} image tower (null for a ViT)
 * @param context     text context length (tokens, start and end included)
 * @param textWidth   text transformer width
 * @param textDepth   text transformer blocks
 * @param textHeads   text attention heads (divide {@code textWidth})
 * @param embedDim    the shared embedding's size
 */
public record ClipArchitecture(String imageTower, int imageSize, int patch, int width, int depth, int heads, String pooling,
                               Architecture resnet, int context, int textWidth, int textDepth, int textHeads, int embedDim) {
    /** The image towers. */
    public static final List<String> TOWERS = List.of("vit", "resnet");
    /** The ViT poolings. */
    public static final List<String> POOLINGS = List.of("cls", "mean");

    public ClipArchitecture {
        if (!TOWERS.contains(imageTower)) {
            throw new IllegalArgumentException("unknown image tower '" + imageTower + "' for --objective clip (known: " + String.join(", ", TOWERS) + ")");
        }
        if (imageTower.equals("vit")) {
            if (patch < 1 || imageSize % patch != 0) {
                throw new IllegalArgumentException("the patch size " + patch + " must divide the input size " + imageSize);
            }
            check("ViT", width, depth, heads);
            if (!POOLINGS.contains(pooling)) {
                throw new IllegalArgumentException("unknown pooling '" + pooling + "' (known: " + String.join(", ", POOLINGS) + ")");
            }
        } else if (resnet == null || resnet.inputSize() != imageSize) {
            throw new IllegalArgumentException("a resnet image tower needs its architecture at the input size " + imageSize);
        }
        check("text", textWidth, textDepth, textHeads);
        if (context < 3 || context > 256) {
            throw new IllegalArgumentException("context length must be in 3..256, got " + context);
        }
        if (embedDim < 2 || embedDim > 4096) {
            throw new IllegalArgumentException("embedding size must be in 2..4096, got " + embedDim);
        }
    }

    private static void check(String what, int width, int depth, int heads) {
        if (width < 2 || width > 2048 || depth < 1 || depth > 48 || heads < 1 || width % heads != 0) {
            throw new IllegalArgumentException(what + " transformer: width " + width + ", depth " + depth + " and heads " + heads
                    + " need width in 2..2048, depth in 1..48 and heads dividing the width");
        }
    }

    /** Patch tokens of the ViT. */
    public int patches() {
        return (imageSize / patch) * (imageSize / patch);
    }

    /** Tokens the ViT's transformer sees (patches, plus the class token under cls pooling). */
    public int tokens() {
        return patches() + (pooling.equals("cls") ? 1 : 0);
    }

    /** Short label for folder names and messages. */
    public String label() {
        String img = imageTower.equals("vit") ? "vit-p" + patch + "-w" + width + "-d" + depth + "-h" + heads + "-" + pooling : resnet.label();
        return "clip-" + img + "-text-w" + textWidth + "-d" + textDepth + "-c" + context + "-e" + embedDim;
    }

    /** For provenance and the run key. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Object> img = new LinkedHashMap<>();
        img.put("kind", imageTower);
        img.put("inputSize", imageSize);
        if (imageTower.equals("vit")) {
            img.put("patch", patch);
            img.put("width", width);
            img.put("depth", depth);
            img.put("heads", heads);
            img.put("pooling", pooling);
            img.put("blocks", "pre-LayerNorm, QuickGELU MLP 4x, as CLIP");
        } else {
            img.put("architecture", resnet.describe());
        }
        m.put("image", img);
        Map<String, Object> txt = new LinkedHashMap<>();
        txt.put("kind", "causal transformer, pre-LayerNorm, QuickGELU MLP 4x, pooled at the end token, as CLIP");
        txt.put("context", context);
        txt.put("width", textWidth);
        txt.put("depth", textDepth);
        txt.put("heads", textHeads);
        m.put("text", txt);
        m.put("embedDim", embedDim);
        return m;
    }
}
