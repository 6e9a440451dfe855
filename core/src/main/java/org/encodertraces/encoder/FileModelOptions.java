package org.encodertraces.encoder;

import java.util.ArrayList;
import java.util.List;
import org.encodertraces.image.ResampleFilter;

/**
 * What the user said about an ONNX file given by path or Hub address: the input to feed, the
 * embedding tensor and its pooling, and the preprocessing. Every field is null when not given,
 * so that a spec file beside the model can fill it and nothing is ever silently defaulted to
 * ImageNet statistics.
 *
 * @param inputName graph input to feed, or null for the model's only input
 * @param output graph output or intermediate tensor holding the embedding
 * @param pooling how the tensor becomes one vector per image
 * @param l2Normalize whether to L2-normalise each embedding
 * @param size crop size (the resize size equals it, as the study forced)
 * @param resizeMode shorter side or squash
 * @param filter resampling filter of the resize
 * @param mean per-channel mean (RGB) after scaling by 1/255
 * @param std per-channel standard deviation (RGB)
 */
public record FileModelOptions(String inputName, String output, Pooling pooling, Boolean l2Normalize, Integer size,
                               PreprocessSpec.ResizeMode resizeMode, ResampleFilter filter, List<Double> mean,
                               List<Double> std) {
    /** No option given. */
    public static final FileModelOptions NONE = new FileModelOptions(null, null, null, null, null, null, null, null, null);

    /** Copies the lists. */
    public FileModelOptions {
        mean = mean == null ? null : List.copyOf(mean);
        std = std == null ? null : List.copyOf(std);
    }

    /** Whether any preprocessing option was given. */
    public boolean hasPreprocessing() {
        return size != null || resizeMode != null || filter != null || mean != null || std != null;
    }

    /**
     * The preprocessing these options describe on top of {@code base} (a spec file's), or null
     * when neither gives the normalisation.
     *
     * @throws IllegalArgumentException when only one of mean and std is known, or a value is invalid
     */
    public PreprocessSpec preprocessing(PreprocessSpec base) {
        List<Double> m = mean != null ? mean : base == null ? null : base.mean();
        List<Double> s = std != null ? std : base == null ? null : base.std();
        if (m == null && s == null) {
            return null;
        }
        if (m == null || s == null) {
            throw new IllegalArgumentException("give both --mean and --std (the per-channel normalisation), not only one");
        }
        int sz = size != null ? size : base != null ? base.cropSize() : 224;
        int resize = size != null || base == null ? sz : base.resizeSize();
        return new PreprocessSpec(resize,
                resizeMode != null ? resizeMode : base != null ? base.resizeMode() : PreprocessSpec.ResizeMode.SHORTER_SIDE,
                filter != null ? filter : base != null ? base.filter() : ResampleFilter.BICUBIC,
                base == null || base.antialias(), sz, base != null ? base.scale() : 1.0 / 255.0, m, s,
                base != null ? base.channelOrder() : PreprocessSpec.ChannelOrder.RGB,
                base != null ? base.layout() : PreprocessSpec.Layout.NCHW, base == null || base.maskAfterCrop());
    }

    /** The option names that were given, for messages. */
    public List<String> given() {
        List<String> g = new ArrayList<>();
        if (inputName != null) {
            g.add("--input-name");
        }
        if (output != null) {
            g.add("--output");
        }
        if (pooling != null) {
            g.add("--pooling");
        }
        if (l2Normalize != null) {
            g.add("--l2");
        }
        if (hasPreprocessing()) {
            g.add("preprocessing (--size/--resize-mode/--filter/--mean/--std)");
        }
        return g;
    }
}
