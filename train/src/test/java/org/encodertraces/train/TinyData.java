package org.encodertraces.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.encodertraces.data.Dataset;
import org.encodertraces.data.Sample;
import org.encodertraces.image.RgbImage;

/** A tiny generated two-class image set (horizontal vs vertical brightness ramps with noise, flip-invariant) for fast training tests. */
public final class TinyData {
    private TinyData() {
    }

    /** {@code perClass} images of each class, alternating classes. */
    public static TrainingImages images(int perClass, long seed) {
        java.util.Random r = new java.util.Random(seed);
        List<String> ids = new ArrayList<>();
        List<RgbImage> imgs = new ArrayList<>();
        long[] labels = new long[2 * perClass];
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < 2 * perClass; i++) {
            int cls = i % 2;
            byte[] px = new byte[32 * 32 * 3];
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    int base = cls == 0 ? x * 8 : y * 8;
                    for (int c = 0; c < 3; c++) {
                        px[3 * (y * 32 + x) + c] = (byte) Math.max(0, Math.min(255, base + r.nextInt(61) - 30));
                    }
                }
            }
            String id = (cls == 0 ? "horizontal/" : "vertical/") + i + ".png";
            ids.add(id);
            imgs.add(new RgbImage(32, 32, px));
            labels[i] = cls;
            samples.add(new Sample(id, Path.of(id), Map.of("label", (long) cls)));
        }
        Dataset d = new Dataset("tiny", "generated", samples, Map.of("label", List.of("horizontal", "vertical")));
        return new TrainingImages(d, ids, imgs, labels, List.of("horizontal", "vertical"), List.of());
    }

    /** The same images as a zip of class folders ({@code horizontal/}, {@code vertical/}), JPEG quality 95, 4:4:4. */
    public static Path zip(Path file, int perClass, long seed) throws java.io.IOException {
        TrainingImages t = images(perClass, seed);
        try (java.io.OutputStream os = java.nio.file.Files.newOutputStream(file); java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(os)) {
            for (int i = 0; i < t.size(); i++) {
                z.putNextEntry(new java.util.zip.ZipEntry(t.ids().get(i).replace(".png", ".jpg")));
                z.write(org.encodertraces.image.JpegCodec.encode(t.images().get(i), 95, org.encodertraces.image.ChromaSubsampling.S444));
                z.closeEntry();
            }
        }
        return file;
    }

    /** Captions of the two classes: what a tiny text tower can learn to match. */
    static final List<List<String>> CAPTIONS = List.of(
            List.of("a horizontal ramp", "brightness rising from left to right", "a ramp across the picture"),
            List.of("a vertical ramp", "brightness rising from top to bottom", "a ramp down the picture"));

    /**
     * The same images as a caption set (the layout of {@code captions:}): {@code images/NNN.png},
     * {@code captions.jsonl} with three captions of each image's class, {@code split.json} with two of
     * every eight images in {@code test} (the 4th and 5th: one of each class).
     */
    public static Path captions(Path file, int perClass, long seed) throws java.io.IOException {
        return captions(file, perClass, seed, i -> i % 8 == 3 || i % 8 == 4);
    }

    /** As {@link #captions(Path, int, long)}, image {@code i} in {@code test} when {@code isTest} says so. */
    public static Path captions(Path file, int perClass, long seed, java.util.function.IntPredicate isTest) throws java.io.IOException {
        TrainingImages t = images(perClass, seed);
        StringBuilder lines = new StringBuilder();
        List<String> train = new ArrayList<>();
        List<String> test = new ArrayList<>();
        try (java.io.OutputStream os = java.nio.file.Files.newOutputStream(file); java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(os)) {
            for (int i = 0; i < t.size(); i++) {
                String name = String.format("images/%03d.png", i);
                z.putNextEntry(new java.util.zip.ZipEntry(name));
                z.write(org.encodertraces.image.PngIo.encode(t.images().get(i)));
                z.closeEntry();
                List<String> caps = CAPTIONS.get((int) t.labels()[i]);
                lines.append("{\"file\": \"").append(name).append("\", \"captions\": [")
                        .append(String.join(", ", caps.stream().map(c -> "\"" + c + "\"").toList())).append("]}\n");
                (isTest.test(i) ? test : train).add("\"" + name + "\"");
            }
            z.putNextEntry(new java.util.zip.ZipEntry("captions.jsonl"));
            z.write(lines.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            z.closeEntry();
            z.putNextEntry(new java.util.zip.ZipEntry("split.json"));
            z.write(("{\"train\": [" + String.join(", ", train) + "], \"test\": [" + String.join(", ", test) + "]}")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            z.closeEntry();
        }
        return file;
    }
}
