package org.encodertraces.encoder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.encodertraces.image.ChromaSubsampling;
import org.encodertraces.image.ImageDecodeException;
import org.encodertraces.image.ImageDecoder;
import org.encodertraces.image.JpegBackend;
import org.encodertraces.image.JpegCodec;
import org.encodertraces.image.ResampleFilter;
import org.encodertraces.image.RgbImage;
import org.encodertraces.provenance.ToolInfo;

/**
 * Benchmark harness for BENCHMARKS.md "Image pipeline per stage": our per-image work, one thread,
 * on the same photos and stages as {@code tools/reference/bench_preprocess.py} times for Pillow and
 * torchvision (decode, the JPEG75_420 round trip, resize + centre crop to 224, normalised tensor),
 * best of R passes, after one untimed warm-up pass. Decode and the round trip are timed on each
 * JPEG codec path the machine has ({@code _jdk}, {@code _turbojpeg}); the unsuffixed stages use
 * the default codec ({@link JpegBackend#selected()}). Not a unit test.
 *
 * <pre>
 * mvn -q -B test-compile && mvn -q -B dependency:build-classpath -pl core -Dmdep.outputFile=target/bench.cp
 * java -cp core/target/classes:core/target/test-classes:$(cat core/target/bench.cp) org.encodertraces.encoder.PreprocessBenchmark DIR [limit] [repeats]
 * </pre>
 */
public final class PreprocessBenchmark {
    private PreprocessBenchmark() {
    }

    public static void main(String[] args) throws IOException, ImageDecodeException {
        Path dir = Path.of(args.length > 0 ? args[0] : "../shared/data/flowers17");
        int limit = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(p -> p.getFileName().toString().toLowerCase().endsWith(".jpg"))
                    .sorted((a, b) -> dir.relativize(a).toString().compareTo(dir.relativize(b).toString())).limit(limit).toList();
        }
        List<byte[]> blobs = new ArrayList<>();
        for (Path f : files) {
            blobs.add(Files.readAllBytes(f));
        }
        ImageDecoder decoder = new ImageDecoder();
        PreprocessSpec spec = PreprocessSpec.study(224, ResampleFilter.BILINEAR, PreprocessSpec.IMAGENET_MEAN, PreprocessSpec.IMAGENET_STD);
        float[] tensor = new float[3 * 224 * 224];
        Map<String, Double> best = new LinkedHashMap<>();
        RgbImage first = null;
        for (int pass = 0; pass <= repeats; pass++) {
            boolean warmUp = pass == 0;
            List<RgbImage> decoded = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int i = 0; i < blobs.size(); i++) {
                decoded.add(decoder.decode(blobs.get(i), files.get(i).toString()).image());
            }
            record(best, "decode", t0, blobs.size(), warmUp);
            first = decoded.get(0);
            time(best, "jpeg75_420", decoded, im -> JpegCodec.roundTrip(im, 75, ChromaSubsampling.S420), warmUp);
            for (JpegBackend jb : JpegBackend.values()) {
                if (!jb.available()) {
                    continue;
                }
                String suffix = "_" + jb.name().toLowerCase(java.util.Locale.ROOT);
                ImageDecoder d = new ImageDecoder(ImageDecoder.PILLOW_MAX_PIXELS, true, true, jb);
                long t1 = System.nanoTime();
                for (int i = 0; i < blobs.size(); i++) {
                    d.decode(blobs.get(i), files.get(i).toString());
                }
                record(best, "decode" + suffix, t1, blobs.size(), warmUp);
                time(best, "jpeg75_420" + suffix, decoded, im -> JpegCodec.roundTrip(im, 75, ChromaSubsampling.S420, jb), warmUp);
            }
            List<RgbImage> cropped = time(best, "resize", decoded, im -> Preprocessor.resizeAndCrop(im, spec), warmUp);
            time(best, "tensor", cropped, im -> {
                Preprocessor.writeTensor(im, spec, tensor, 0);
                return im;
            }, warmUp);
        }
        StringBuilder b = new StringBuilder("{\"implementation\": \"encoder-traces " + ToolInfo.version() + " (Java "
                + System.getProperty("java.version") + ")\", \"images\": " + blobs.size() + ", \"size_first\": [" + first.width()
                + ", " + first.height() + "], \"ms_per_image_best_of_" + repeats + "\": {");
        String sep = "";
        for (Map.Entry<String, Double> e : best.entrySet()) {
            b.append(sep).append('"').append(e.getKey()).append("\": ").append(String.format("%.3f", e.getValue()));
            sep = ", ";
        }
        System.out.println(b.append("}}"));
    }

    private static List<RgbImage> time(Map<String, Double> best, String name, List<RgbImage> in, Function<RgbImage, RgbImage> f,
            boolean warmUp) {
        List<RgbImage> out = new ArrayList<>(in.size());
        long t0 = System.nanoTime();
        for (RgbImage im : in) {
            out.add(f.apply(im));
        }
        record(best, name, t0, in.size(), warmUp);
        return out;
    }

    private static void record(Map<String, Double> best, String name, long t0, int n, boolean warmUp) {
        double ms = (System.nanoTime() - t0) / 1e6 / n;
        if (!warmUp) {
            best.merge(name, ms, Math::min);
        }
    }
}
