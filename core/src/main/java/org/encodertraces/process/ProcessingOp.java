package org.encodertraces.process;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.encodertraces.image.ChromaSubsampling;
import org.encodertraces.image.ResampleFilter;
import org.encodertraces.image.RgbImage;

/**
 * A named processing operation of the study ({@code JPEG75_420} ... {@code MASK_95}) as a chain
 * of {@link ProcessingStep}s. Names compose with '+', e.g. {@code SHARPEN_2+RESIZE_HALF}.
 *
 * <p>Vocabulary: {@code IDENTITY}; {@code JPEG<q>_<420|422|444>}; {@code SHARPEN_<f>} (Pillow
 * sharpness f, then JPEG95_444); {@code RESIZE_HALF}, {@code RESIZE_DOUBLE}, {@code RESIZE_<s>}
 * (bilinear to (int(W*s), int(H*s)), then JPEG95_444); {@code INTERPOLATION_<FILTER>} (random
 * factor 1+u, u uniform in [-0.2, 0.2], with the named filter, then JPEG95_444);
 * {@code MASK_<r>} (JPEG95_444, then a black centred rectangle covering r% of the area) and
 * {@code MASK_<r>_KEEP_CENTER} (the complement: only the centre kept); {@code BORDER_<r>} and
 * {@code CENTER_<r>} are the mask steps alone, to mask another chain (e.g.
 * {@code JPEG75_420+BORDER_90}: the JPEG task seen through the study's mask).
 */
public record ProcessingOp(String name, List<ProcessingStep> steps) {
    /** The six JPEG operations of the study's JPEG task. */
    public static final List<String> JPEG_TASK = List.of("JPEG75_420", "JPEG75_444", "JPEG85_420", "JPEG85_444", "JPEG95_420", "JPEG95_444");
    /** The study's sharpening task. */
    public static final List<String> SHARPENING_TASK = List.of("JPEG95_444", "SHARPEN_2", "SHARPEN_4");
    /** The study's resizing task. */
    public static final List<String> RESIZING_TASK = List.of("JPEG95_444", "RESIZE_HALF", "RESIZE_DOUBLE");
    /** The study's interpolation task. */
    public static final List<String> INTERPOLATION_TASK = List.of("INTERPOLATION_BILINEAR", "INTERPOLATION_BICUBIC", "INTERPOLATION_LANCZOS", "INTERPOLATION_BOX");
    /** Largest deviation of the INTERPOLATION ops' random factor from 1. */
    public static final double INTERPOLATION_DEVIATION = 0.2;

    private static final Pattern JPEG = Pattern.compile("JPEG(\\d{1,3})_(420|422|444)");
    private static final Pattern SHARPEN = Pattern.compile("SHARPEN_(\\d+(?:\\.\\d+)?)");
    private static final Pattern RESIZE = Pattern.compile("RESIZE_(HALF|DOUBLE|\\d+(?:\\.\\d+)?)");
    private static final Pattern INTERP = Pattern.compile("INTERPOLATION_([A-Z]+)");
    private static final Pattern MASK = Pattern.compile("MASK_(\\d+(?:\\.\\d+)?)(_KEEP_CENTER)?");
    private static final Pattern MASK_ONLY = Pattern.compile("(BORDER|CENTER)_(\\d+(?:\\.\\d+)?)");

    public ProcessingOp {
        steps = List.copyOf(steps);
        boolean sawAfterCrop = false;
        for (ProcessingStep s : steps) {
            if (sawAfterCrop && !s.afterCrop()) {
                throw new IllegalArgumentException("operation " + name + ": a " + s.describe().get("kind")
                        + " step cannot follow a mask (masks run after the encoder's crop)");
            }
            sawAfterCrop |= s.afterCrop();
        }
    }

    /** Parses an operation name (case-insensitive; '+' chains); the error lists the vocabulary. */
    public static ProcessingOp parse(String name) {
        String norm = name.trim().toUpperCase(Locale.ROOT);
        if (norm.isEmpty()) {
            throw new IllegalArgumentException("empty processing operation name");
        }
        List<ProcessingStep> steps = new ArrayList<>();
        for (String part : norm.split("\\+")) {
            steps.addAll(single(part.trim()));
        }
        return new ProcessingOp(norm, steps);
    }

    /** Parses a comma-separated list of operation names. */
    public static List<ProcessingOp> parseList(String names) {
        List<ProcessingOp> out = new ArrayList<>();
        for (String n : names.split(",")) {
            if (!n.isBlank()) {
                out.add(parse(n));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no processing operation given");
        }
        return out;
    }

    private static ProcessingStep jpeg95444() {
        return new ProcessingStep.Jpeg(95, ChromaSubsampling.S444);
    }

    private static List<ProcessingStep> single(String n) {
        if (n.equals("IDENTITY")) {
            return List.of();
        }
        Matcher m = JPEG.matcher(n);
        if (m.matches()) {
            return List.of(new ProcessingStep.Jpeg(Integer.parseInt(m.group(1)), ChromaSubsampling.valueOf("S" + m.group(2))));
        }
        m = SHARPEN.matcher(n);
        if (m.matches()) {
            return List.of(new ProcessingStep.Sharpen(Float.parseFloat(m.group(1))), jpeg95444());
        }
        m = RESIZE.matcher(n);
        if (m.matches()) {
            double s = switch (m.group(1)) {
                case "HALF" -> 0.5;
                case "DOUBLE" -> 2.0;
                default -> Double.parseDouble(m.group(1));
            };
            return List.of(new ProcessingStep.Resize(s, 0, ResampleFilter.BILINEAR), jpeg95444());
        }
        m = INTERP.matcher(n);
        if (m.matches()) {
            ResampleFilter f;
            try {
                f = ResampleFilter.valueOf(m.group(1));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown resampling filter in " + n + " (use one of "
                        + java.util.Arrays.toString(ResampleFilter.values()) + ")");
            }
            return List.of(new ProcessingStep.Resize(1.0, INTERPOLATION_DEVIATION, f), jpeg95444());
        }
        m = MASK_ONLY.matcher(n);
        if (m.matches()) {
            double r = Double.parseDouble(m.group(2));
            if (!(r > 0 && r < 100)) {
                throw new IllegalArgumentException("mask percentage must be in (0, 100): " + n);
            }
            return List.of(new ProcessingStep.Mask(r / 100.0, m.group(1).equals("CENTER")));
        }
        m = MASK.matcher(n);
        if (m.matches()) {
            double r = Double.parseDouble(m.group(1));
            if (!(r > 0 && r < 100)) {
                throw new IllegalArgumentException("mask percentage must be in (0, 100): " + n);
            }
            return List.of(jpeg95444(), new ProcessingStep.Mask(r / 100.0, m.group(2) != null));
        }
        throw new IllegalArgumentException("unknown processing operation '" + n + "'; known: IDENTITY, JPEG<q>_<420|422|444>, "
                + "SHARPEN_<f>, RESIZE_HALF, RESIZE_DOUBLE, RESIZE_<s>, INTERPOLATION_<BILINEAR|BICUBIC|LANCZOS|BOX|HAMMING|NEAREST>, "
                + "MASK_<r>, MASK_<r>_KEEP_CENTER, BORDER_<r>, CENTER_<r>, chained with '+'");
    }

    /** Applies every step to an image with the given id under the run's seed. */
    public ProcessedImage apply(RgbImage in, String imageId, long seed) {
        return run(in, imageId, seed, 0, steps.size());
    }

    /** Applies the steps that come before the encoder's resize and centre crop. */
    public ProcessedImage applyBeforeCrop(RgbImage in, String imageId, long seed) {
        return run(in, imageId, seed, 0, firstAfterCrop());
    }

    /** Applies the steps that come after the encoder's resize and centre crop (the masks). */
    public RgbImage applyAfterCrop(RgbImage in, String imageId, long seed) {
        return run(in, imageId, seed, firstAfterCrop(), steps.size()).image();
    }

    /** True when some step must run after the encoder's crop. */
    public boolean hasAfterCropSteps() {
        return firstAfterCrop() < steps.size();
    }

    private int firstAfterCrop() {
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).afterCrop()) {
                return i;
            }
        }
        return steps.size();
    }

    private ProcessedImage run(RgbImage in, String imageId, long seed, int from, int to) {
        RgbImage img = in;
        List<Map<String, Object>> applied = new ArrayList<>();
        for (int i = from; i < to; i++) {
            ProcessingStep step = steps.get(i);
            StepRandom random = StepRandom.of(seed, imageId, name, i);
            Map<String, Object> d = new LinkedHashMap<>(step.describe());
            if (step instanceof ProcessingStep.Resize r && r.maxDeviation() > 0) {
                d.put("drawn_scale", r.factor(random));
            }
            img = step.apply(img, random);
            applied.add(d);
        }
        Map<String, Object> prov = new LinkedHashMap<>();
        prov.put("operation", name);
        prov.put("image_id", imageId);
        prov.put("seed", seed);
        prov.put("steps", applied);
        return new ProcessedImage(img, prov);
    }

    /** The chain as provenance records it, without per-image draws: its name and each step's kind and parameters. */
    public org.encodertraces.provenance.ProcessingChain chain() {
        List<Map<String, Object>> s = new ArrayList<>();
        for (ProcessingStep step : steps) {
            s.add(step.describe());
        }
        return new org.encodertraces.provenance.ProcessingChain(name, s);
    }

    /** {@link #chain()} in its JSON form. */
    public Map<String, Object> describe() {
        return chain().toJson();
    }
}
