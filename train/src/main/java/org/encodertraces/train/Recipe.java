package org.encodertraces.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.encodertraces.image.ChromaSubsampling;
import org.encodertraces.image.Enhance;
import org.encodertraces.image.JpegCodec;
import org.encodertraces.image.ResampleFilter;
import org.encodertraces.image.Resampler;
import org.encodertraces.image.RgbImage;
import org.encodertraces.process.StepRandom;

/**
 * A named, composable training augmentation recipe: {@code none}, {@code crop-flip},
 * {@code ssl}, {@code trace}, or a chain such as {@code crop-flip+trace} (applied left to right).
 *
 * <p>Every random choice of a component is drawn from a generator seeded by
 * {@link StepRandom#of}(run seed, image id, "recipe:epoch", component index), so an image's
 * augmentation in an epoch does not depend on thread count, batch order or what ran before; a
 * resumed run and a run on more threads see the same pixels.
 *
 * <ul>
 *   <li>{@code crop-flip}: zero-pad 4 pixels (scaled with the image side), random crop back to the
 *       original size, horizontal flip with p = 0.5 (the CIFAR ResNet recipe);</li>
 *   <li>{@code ssl}: random resized crop (area 0.25-1, aspect 3/4-4/3, bicubic), flip p = 0.5,
 *       colour jitter p = 0.8 (brightness 0.4, contrast 0.4, saturation 0.2 as Pillow's
 *       ImageEnhance computes them; no hue), grayscale p = 0.2 (Pillow's L weights), Gaussian blur
 *       p = 0.5 (sigma 0.1-1.0 pixel at 32 px, scaled with the side; a separable float kernel, not
 *       Pillow's box approximation), as in SimCLR/DINO recipes at CIFAR scale;</li>
 *   <li>{@code trace}: resize by a random factor 0.5-2 with a random Pillow filter (p = 0.5),
 *       sharpening by a random Pillow Sharpness factor 1-4 (p = 0.5), JPEG round trip at a random
 *       quality 30-100 and random chroma subsampling (p = 0.8): the processing the study probes,
 *       through the same Pillow-exact operations, so the network is taught to ignore them.</li>
 * </ul>
 * The encoder's own preprocessing (resize to the input size, centre crop) follows the recipe.
 */
public final class Recipe {
    /** The component names. */
    public static final List<String> COMPONENTS = List.of("none", "crop-flip", "ssl", "trace");

    private final String name;
    private final List<String> parts;

    private Recipe(String name, List<String> parts) {
        this.name = name;
        this.parts = parts;
    }

    /** Parses {@code a+b+...}; throws naming the unknown part and the vocabulary. */
    public static Recipe parse(String spec) {
        List<String> parts = new ArrayList<>();
        for (String p : spec.trim().split("\\+")) {
            String t = p.trim();
            if (!COMPONENTS.contains(t)) {
                throw new IllegalArgumentException("unknown augmentation recipe '" + t + "' (known: " + String.join(", ", COMPONENTS)
                        + "; combine with +, e.g. crop-flip+trace)");
            }
            if (!t.equals("none")) {
                parts.add(t);
            }
        }
        return new Recipe(parts.isEmpty() ? "none" : String.join("+", parts), List.copyOf(parts));
    }

    /** The canonical name ({@code none} for an empty chain). */
    public String name() {
        return name;
    }

    /** For provenance: the components with their parameters. */
    public List<Map<String, Object>> describe() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String p : parts) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("component", p);
            switch (p) {
                case "crop-flip" -> {
                    m.put("pad", "4 px at 32 px (zero)");
                    m.put("flip", 0.5);
                }
                case "ssl" -> {
                    m.put("resizedCropArea", List.of(0.25, 1.0));
                    m.put("aspect", List.of(0.75, 4.0 / 3.0));
                    m.put("flip", 0.5);
                    m.put("colourJitter", Map.of("p", 0.8, "brightness", 0.4, "contrast", 0.4, "saturation", 0.2));
                    m.put("grayscale", 0.2);
                    m.put("blur", Map.of("p", 0.5, "sigmaAt32px", List.of(0.1, 1.0)));
                }
                case "trace" -> {
                    m.put("resize", Map.of("p", 0.5, "factor", List.of(0.5, 2.0), "filters", List.of(ResampleFilter.values())));
                    m.put("sharpen", Map.of("p", 0.5, "factor", List.of(1.0, 4.0)));
                    m.put("jpeg", Map.of("p", 0.8, "quality", List.of(30, 100), "subsampling", List.of("4:2:0", "4:2:2", "4:4:4")));
                }
                default -> throw new IllegalStateException(p);
            }
            out.add(m);
        }
        return out;
    }

    /** The augmented image of {@code imageId} in {@code epoch}; the input is not modified. */
    public RgbImage apply(RgbImage in, long seed, String imageId, int epoch) {
        RgbImage img = in;
        for (int i = 0; i < parts.size(); i++) {
            double u = StepRandom.of(seed, imageId, "recipe:" + epoch, i).uniform();
            SplittableRandom r = new SplittableRandom((long) (u * 0x1p53));
            img = switch (parts.get(i)) {
                case "crop-flip" -> cropFlip(img, r);
                case "ssl" -> ssl(img, r);
                case "trace" -> trace(img, r);
                default -> throw new IllegalStateException(parts.get(i));
            };
        }
        return img;
    }

    static RgbImage cropFlip(RgbImage in, SplittableRandom r) {
        int w = in.width();
        int h = in.height();
        int pad = Math.max(1, Math.round(4f * Math.min(w, h) / 32f));
        int dx = r.nextInt(2 * pad + 1) - pad;
        int dy = r.nextInt(2 * pad + 1) - pad;
        boolean flip = r.nextDouble() < 0.5;
        byte[] src = in.data();
        byte[] out = new byte[src.length];
        for (int y = 0; y < h; y++) {
            int sy = y + dy;
            if (sy < 0 || sy >= h) {
                continue;
            }
            for (int x = 0; x < w; x++) {
                int sx = (flip ? w - 1 - x : x) + dx;
                if (sx < 0 || sx >= w) {
                    continue;
                }
                System.arraycopy(src, 3 * (sy * w + sx), out, 3 * (y * w + x), 3);
            }
        }
        return new RgbImage(w, h, out);
    }

    static RgbImage ssl(RgbImage in, SplittableRandom r) {
        int w = in.width();
        int h = in.height();
        // random resized crop (torchvision's sampling: 10 tries, else the whole image)
        float x0 = 0;
        float y0 = 0;
        float cw = w;
        float ch = h;
        for (int t = 0; t < 10; t++) {
            double area = w * h * (0.25 + 0.75 * r.nextDouble());
            double logRatio = Math.log(0.75) + (Math.log(4.0 / 3.0) - Math.log(0.75)) * r.nextDouble();
            double ratio = Math.exp(logRatio);
            int tw = (int) Math.round(Math.sqrt(area * ratio));
            int th = (int) Math.round(Math.sqrt(area / ratio));
            if (tw > 0 && th > 0 && tw <= w && th <= h) {
                x0 = r.nextInt(w - tw + 1);
                y0 = r.nextInt(h - th + 1);
                cw = tw;
                ch = th;
                break;
            }
        }
        RgbImage img = Resampler.resize(in, w, h, ResampleFilter.BICUBIC, x0, y0, x0 + cw, y0 + ch);
        if (r.nextDouble() < 0.5) {
            img = flip(img);
        }
        if (r.nextDouble() < 0.8) {
            float b = (float) (0.6 + 0.8 * r.nextDouble());
            float c = (float) (0.6 + 0.8 * r.nextDouble());
            float s = (float) (0.8 + 0.4 * r.nextDouble());
            img = Enhance.blend(RgbImage.black(w, h), img, b);
            img = Enhance.blend(meanGray(img), img, c);
            img = Enhance.blend(gray(img), img, s);
        }
        if (r.nextDouble() < 0.2) {
            img = gray(img);
        }
        if (r.nextDouble() < 0.5) {
            double sigma = (0.1 + 0.9 * r.nextDouble()) * Math.min(w, h) / 32.0;
            img = blur(img, sigma);
        }
        return img;
    }

    static RgbImage trace(RgbImage in, SplittableRandom r) {
        RgbImage img = in;
        if (r.nextDouble() < 0.5) {
            double f = Math.exp(Math.log(0.5) + (Math.log(2.0) - Math.log(0.5)) * r.nextDouble());
            ResampleFilter filter = ResampleFilter.values()[r.nextInt(ResampleFilter.values().length)];
            int nw = Math.max(1, (int) Math.round(img.width() * f));
            int nh = Math.max(1, (int) Math.round(img.height() * f));
            img = Resampler.resize(img, nw, nh, filter);
        }
        if (r.nextDouble() < 0.5) {
            img = Enhance.sharpness(img, (float) (1 + 3 * r.nextDouble()));
        }
        if (r.nextDouble() < 0.8) {
            int q = 30 + r.nextInt(71);
            ChromaSubsampling cs = ChromaSubsampling.values()[r.nextInt(ChromaSubsampling.values().length)];
            img = JpegCodec.roundTrip(img, q, cs);
        }
        return img;
    }

    static RgbImage flip(RgbImage in) {
        int w = in.width();
        byte[] src = in.data();
        byte[] out = new byte[src.length];
        for (int y = 0; y < in.height(); y++) {
            for (int x = 0; x < w; x++) {
                System.arraycopy(src, 3 * (y * w + w - 1 - x), out, 3 * (y * w + x), 3);
            }
        }
        return new RgbImage(w, in.height(), out);
    }

    /** Pillow's {@code convert("L")} (ITU-R 601-2 luma, fixed point) replicated into three channels. */
    static RgbImage gray(RgbImage in) {
        byte[] src = in.data();
        byte[] out = new byte[src.length];
        for (int i = 0; i < src.length; i += 3) {
            int l = ((src[i] & 0xFF) * 19595 + (src[i + 1] & 0xFF) * 38470 + (src[i + 2] & 0xFF) * 7471 + 0x8000) >> 16;
            out[i] = (byte) l;
            out[i + 1] = (byte) l;
            out[i + 2] = (byte) l;
        }
        return new RgbImage(in.width(), in.height(), out);
    }

    /** Pillow's ImageEnhance.Contrast degenerate image: the mean luma, rounded, everywhere. */
    static RgbImage meanGray(RgbImage in) {
        byte[] g = gray(in).data();
        long sum = 0;
        for (int i = 0; i < g.length; i += 3) {
            sum += g[i] & 0xFF;
        }
        int mean = (int) (sum / (double) (g.length / 3) + 0.5);
        byte[] out = new byte[g.length];
        java.util.Arrays.fill(out, (byte) mean);
        return new RgbImage(in.width(), in.height(), out);
    }

    static RgbImage blur(RgbImage in, double sigma) {
        int rad = Math.max(1, (int) Math.ceil(3 * sigma));
        double[] k = new double[2 * rad + 1];
        double sum = 0;
        for (int i = -rad; i <= rad; i++) {
            k[i + rad] = Math.exp(-i * i / (2 * sigma * sigma));
            sum += k[i + rad];
        }
        for (int i = 0; i < k.length; i++) {
            k[i] /= sum;
        }
        int w = in.width();
        int h = in.height();
        byte[] src = in.data();
        double[] tmp = new double[src.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    double a = 0;
                    for (int i = -rad; i <= rad; i++) {
                        int sx = Math.min(w - 1, Math.max(0, x + i));
                        a += k[i + rad] * (src[3 * (y * w + sx) + c] & 0xFF);
                    }
                    tmp[3 * (y * w + x) + c] = a;
                }
            }
        }
        byte[] out = new byte[src.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    double a = 0;
                    for (int i = -rad; i <= rad; i++) {
                        int sy = Math.min(h - 1, Math.max(0, y + i));
                        a += k[i + rad] * tmp[3 * (sy * w + x) + c];
                    }
                    out[3 * (y * w + x) + c] = (byte) Math.min(255, Math.max(0, (int) Math.round(a)));
                }
            }
        }
        return new RgbImage(w, h, out);
    }
}
