package org.encodertraces.encoder;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.encodertraces.image.ResampleFilter;
import org.encodertraces.provenance.ProvenanceJson;

/**
 * How an encoder wants its input image turned into a float tensor, as plain data: resize,
 * centre crop, scaling, per-channel normalisation, channel order and memory layout. The image
 * code applies it; this record only describes and validates it, and it travels in provenance
 * as JSON.
 *
 * <p>The per-pixel value is {@code (p * scale - mean[c]) / std[c]} for an 8-bit sample
 * {@code p}: CLIP and ImageNet models use {@code scale = 1/255} with their mean/std; the nsfwjs
 * model's {@code p/127.5 - 1} is {@code scale = 1/255}, mean 0.5, std 0.5.
 *
 * @param resizeSize target of the resize step: the shorter side for {@link ResizeMode#SHORTER_SIDE},
 *     both sides for {@link ResizeMode#SQUASH}
 * @param resizeMode how the resize treats the aspect ratio
 * @param filter resampling filter of the resize step
 * @param antialias whether the resize low-pass filters when downscaling (Pillow does; tensor
 *     resizes without antialias do not)
 * @param cropSize side of the square centre crop taken after resizing; equals the model input size
 * @param scale multiplier turning an 8-bit sample into the value mean/std apply to
 * @param mean per-channel mean, in RGB order
 * @param std per-channel standard deviation, in RGB order
 * @param channelOrder order of the colour channels in the tensor
 * @param layout memory layout of the tensor
 * @param maskAfterCrop whether a processing mask (the study's MASK operations) is applied to the
 *     cropped image rather than to the original before resizing
 */
public record PreprocessSpec(int resizeSize, ResizeMode resizeMode, ResampleFilter filter, boolean antialias,
                             int cropSize, double scale, List<Double> mean, List<Double> std,
                             ChannelOrder channelOrder, Layout layout, boolean maskAfterCrop) implements java.io.Serializable {

    /** How the resize step treats the aspect ratio. */
    public enum ResizeMode {
        /** Scale so the shorter side equals {@code resizeSize}, keeping the aspect ratio (torchvision Resize(int)). */
        SHORTER_SIDE,
        /** Scale both sides to {@code resizeSize}, ignoring the aspect ratio (SigLIP's "squash"). */
        SQUASH,
        /**
         * No resampling at all (forensic encoders, whose traces a resize would erase): a centre
         * crop whose offsets are rounded down to multiples of 8, so a JPEG block grid stays
         * aligned; an image smaller than the crop is padded with black at the right and bottom.
         */
        NONE
    }

    /** Order of colour channels in the tensor. */
    public enum ChannelOrder { RGB, BGR }

    /** Memory layout of the input tensor. */
    public enum Layout {
        /** [N, C, H, W], PyTorch's layout. */
        NCHW,
        /** [N, H, W, C], TensorFlow's layout. */
        NHWC
    }

    /** OpenAI CLIP's normalisation mean (also used by most OpenCLIP models). */
    public static final List<Double> CLIP_MEAN = List.of(0.48145466, 0.4578275, 0.40821073);
    /** OpenAI CLIP's normalisation standard deviation. */
    public static final List<Double> CLIP_STD = List.of(0.26862954, 0.26130258, 0.27577711);
    /** ImageNet normalisation mean. */
    public static final List<Double> IMAGENET_MEAN = List.of(0.485, 0.456, 0.406);
    /** ImageNet normalisation standard deviation. */
    public static final List<Double> IMAGENET_STD = List.of(0.229, 0.224, 0.225);
    /** Inception-style mean 0.5 (SigLIP, the ImageNet-21k ViTs). */
    public static final List<Double> HALF = List.of(0.5, 0.5, 0.5);

    /** Validates and copies; throws {@link IllegalArgumentException} naming the bad field. */
    public PreprocessSpec {
        if (resizeSize <= 0) {
            throw new IllegalArgumentException("resizeSize must be positive, got " + resizeSize);
        }
        if (cropSize <= 0) {
            throw new IllegalArgumentException("cropSize must be positive, got " + cropSize);
        }
        if (cropSize > resizeSize) {
            throw new IllegalArgumentException("cropSize " + cropSize + " exceeds resizeSize " + resizeSize
                    + " (the crop would leave the resized image)");
        }
        if (resizeMode == null || filter == null || channelOrder == null || layout == null) {
            throw new IllegalArgumentException("resizeMode, filter, channelOrder and layout are required");
        }
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("scale must be positive and finite, got " + scale);
        }
        mean = checkChannels("mean", mean, false);
        std = checkChannels("std", std, true);
    }

    private static List<Double> checkChannels(String what, List<Double> values, boolean positive) {
        if (values == null || values.size() != 3) {
            throw new IllegalArgumentException(what + " must have 3 entries (R,G,B), got " + values);
        }
        List<Double> copy = new ArrayList<>(3);
        for (Double v : values) {
            if (v == null || !Double.isFinite(v) || (positive && v <= 0)) {
                throw new IllegalArgumentException(what + " entries must be finite" + (positive ? " and positive" : "")
                        + ", got " + values);
            }
            copy.add(v);
        }
        return List.copyOf(copy);
    }

    /**
     * The study's set-up for a model whose input is {@code size} pixels square: shorter side
     * resized straight to the crop size, centre crop, antialiased, RGB, NCHW, x/255 then mean/std,
     * masks applied after the crop.
     */
    public static PreprocessSpec study(int size, ResampleFilter filter, List<Double> mean, List<Double> std) {
        return new PreprocessSpec(size, ResizeMode.SHORTER_SIDE, filter, true, size, 1.0 / 255.0, mean, std,
                ChannelOrder.RGB, Layout.NCHW, true);
    }

    /** A copy with another resize size (for example a library's native {@code crop_pct} resize). */
    public PreprocessSpec withResizeSize(int newResizeSize) {
        return new PreprocessSpec(newResizeSize, resizeMode, filter, antialias, cropSize, scale, mean, std,
                channelOrder, layout, maskAfterCrop);
    }

    /**
     * The spec as provenance writes it: snake_case keys in declaration order ({@code resize_size},
     * {@code resize_mode}, {@code filter}, {@code antialias}, {@code crop_size}, {@code scale},
     * {@code mean}, {@code std}, {@code channel_order}, {@code layout}, {@code mask_after_crop}), as
     * reports always wrote it. Sidecars before typed provenance wrote the camelCase field names;
     * {@link #fromJson} reads both.
     */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("resize_size", resizeSize);
        m.put("resize_mode", resizeMode.name());
        m.put("filter", filter.name());
        m.put("antialias", antialias);
        m.put("crop_size", cropSize);
        m.put("scale", scale);
        m.put("mean", mean);
        m.put("std", std);
        m.put("channel_order", channelOrder.name());
        m.put("layout", layout.name());
        m.put("mask_after_crop", maskAfterCrop);
        return m;
    }

    /**
     * Reads a spec as provenance recorded it, snake_case or (before typed provenance) camelCase;
     * null when a field is missing or not what it must be: a recorded spec is read whole or not at all.
     */
    public static PreprocessSpec fromJson(JsonNode n) {
        try {
            Long resize = ProvenanceJson.whole(n, "resize_size");
            Long crop = ProvenanceJson.whole(n, "crop_size");
            Boolean antialias = ProvenanceJson.bool(n, "antialias");
            Boolean mask = ProvenanceJson.bool(n, "mask_after_crop");
            JsonNode scale = ProvenanceJson.field(n, "scale");
            String mode = ProvenanceJson.text(n, "resize_mode");
            String filter = ProvenanceJson.text(n, "filter");
            String order = ProvenanceJson.text(n, "channel_order");
            String layout = ProvenanceJson.text(n, "layout");
            List<Double> mean = doubles(ProvenanceJson.field(n, "mean"));
            List<Double> std = doubles(ProvenanceJson.field(n, "std"));
            if (resize == null || crop == null || antialias == null || mask == null || scale == null || !scale.isNumber() || mode == null
                    || filter == null || order == null || layout == null || mean == null || std == null) {
                return null;
            }
            return new PreprocessSpec(resize.intValue(), ResizeMode.valueOf(mode), ResampleFilter.valueOf(filter), antialias, crop.intValue(),
                    scale.doubleValue(), mean, std, ChannelOrder.valueOf(order), Layout.valueOf(layout), mask);
        } catch (IllegalArgumentException e) {
            return null; // an unknown enum value or an invalid spec: not one this build can read
        }
    }

    private static List<Double> doubles(JsonNode a) {
        if (a == null || !a.isArray()) {
            return null;
        }
        List<Double> out = new ArrayList<>();
        for (JsonNode v : a) {
            if (!v.isNumber()) {
                return null;
            }
            out.add(v.doubleValue());
        }
        return out;
    }

    /** Height and width of the tensor this spec produces. */
    @JsonIgnore
    public int inputSize() {
        return cropSize;
    }

    /** The tensor shape for a batch of {@code n} images, in this spec's layout. */
    public long[] tensorShape(int n) {
        return layout == Layout.NCHW ? new long[] {n, 3, cropSize, cropSize} : new long[] {n, cropSize, cropSize, 3};
    }
}
