package org.encodertraces.process;

import java.util.LinkedHashMap;
import java.util.Map;
import org.encodertraces.image.ChromaSubsampling;
import org.encodertraces.image.Enhance;
import org.encodertraces.image.JpegCodec;
import org.encodertraces.image.ResampleFilter;
import org.encodertraces.image.Resampler;
import org.encodertraces.image.RgbImage;

/**
 * One primitive image operation of a processing chain. Steps are values: they carry their
 * parameters, say whether they must run after the encoder's resize and centre crop, and
 * describe themselves for provenance.
 */
public sealed interface ProcessingStep {

    /** Applies the step; {@code random} supplies this image's deterministic draw when the step needs one. */
    RgbImage apply(RgbImage in, StepRandom random);

    /** The step's parameters for provenance (kind first). */
    Map<String, Object> describe();

    /** True for steps the study applies after the model's resize and centre crop (the masks). */
    default boolean afterCrop() {
        return false;
    }

    /** JPEG encode then decode at an IJG quality and chroma subsampling. */
    record Jpeg(int quality, ChromaSubsampling subsampling) implements ProcessingStep {
        public Jpeg {
            if (quality < 1 || quality > 100) {
                throw new IllegalArgumentException("JPEG quality must be in 1..100: " + quality);
            }
        }

        @Override
        public RgbImage apply(RgbImage in, StepRandom random) {
            return JpegCodec.roundTrip(in, quality, subsampling);
        }

        @Override
        public Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", "jpeg");
            m.put("quality", quality);
            m.put("subsampling", subsampling.label());
            m.put("codec", JpegCodec.codecName());
            return m;
        }
    }

    /** Pillow's {@code ImageEnhance.Sharpness(im).enhance(factor)}. */
    record Sharpen(float factor) implements ProcessingStep {
        @Override
        public RgbImage apply(RgbImage in, StepRandom random) {
            return Enhance.sharpness(in, factor);
        }

        @Override
        public Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", "sharpness");
            m.put("factor", factor);
            return m;
        }
    }

    /**
     * Pillow resize to {@code (int(W*s), int(H*s))}. With {@code maxDeviation > 0} the factor is
     * {@code scale + u}, u uniform in [-maxDeviation, maxDeviation], drawn per image.
     */
    record Resize(double scale, double maxDeviation, ResampleFilter filter) implements ProcessingStep {
        public Resize {
            if (!(scale > 0) || maxDeviation < 0 || maxDeviation >= scale) {
                throw new IllegalArgumentException("resize needs scale > 0 and 0 <= deviation < scale: " + scale + ", " + maxDeviation);
            }
        }

        /** The factor this step uses for an image with the given draw. */
        public double factor(StepRandom random) {
            if (maxDeviation == 0) {
                return scale;
            }
            return scale + (2 * random.uniform() - 1) * maxDeviation;
        }

        @Override
        public RgbImage apply(RgbImage in, StepRandom random) {
            return resizeBy(in, factor(random), filter);
        }

        /** Pillow's {@code im.resize((int(w*s), int(h*s)), filter)}; refuses a size that rounds to 0. */
        public static RgbImage resizeBy(RgbImage in, double s, ResampleFilter filter) {
            int w = (int) (in.width() * s);
            int h = (int) (in.height() * s);
            if (w < 1 || h < 1) {
                throw new IllegalArgumentException("resizing " + in.width() + "x" + in.height() + " by " + s
                        + " gives an empty image " + w + "x" + h);
            }
            return Resampler.resize(in, w, h, filter);
        }

        @Override
        public Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", "resize");
            m.put("scale", scale);
            if (maxDeviation > 0) {
                m.put("random_deviation", maxDeviation);
            }
            m.put("filter", filter.name());
            m.put("size_rule", "(int(W*s), int(H*s))");
            return m;
        }
    }

    /**
     * Masks a centred rectangle whose sides are sqrt(ratio) times the image's sides (margins
     * rounded half to even, as Python's round). {@code keepCenter} false paints the rectangle
     * black and keeps the border (the study's MASK); true keeps only the rectangle.
     */
    record Mask(double ratio, boolean keepCenter) implements ProcessingStep {
        public Mask {
            if (!(ratio > 0 && ratio < 1)) {
                throw new IllegalArgumentException("mask ratio must be in (0, 1): " + ratio);
            }
        }

        @Override
        public boolean afterCrop() {
            return true;
        }

        /** Margin on an axis of length n: Python's {@code round((n - sqrt(r) * n) / 2)}. */
        public int margin(int n) {
            return (int) Math.rint((n - Math.sqrt(ratio) * n) / 2.0);
        }

        @Override
        public RgbImage apply(RgbImage in, StepRandom random) {
            int w = in.width();
            int h = in.height();
            int mx = margin(w);
            int my = margin(h);
            byte[] out = in.data().clone();
            for (int y = 0; y < h; y++) {
                boolean rowInside = y >= my && y < h - my;
                for (int x = 0; x < w; x++) {
                    boolean inside = rowInside && x >= mx && x < w - mx;
                    if (inside != keepCenter) {
                        int o = (y * w + x) * 3;
                        out[o] = 0;
                        out[o + 1] = 0;
                        out[o + 2] = 0;
                    }
                }
            }
            return new RgbImage(w, h, out);
        }

        @Override
        public Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", "mask");
            m.put("ratio", ratio);
            m.put("keep", keepCenter ? "center" : "border");
            m.put("after_crop", true);
            return m;
        }
    }
}
