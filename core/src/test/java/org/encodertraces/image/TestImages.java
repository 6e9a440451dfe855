package org.encodertraces.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Random;
import javax.imageio.ImageIO;

/** Test helpers: reading the Pillow fixture PNGs into {@link RgbImage}s and reporting parity. */
final class TestImages {
    /** Classpath folder of the Pillow resize / enhance fixtures (made by tools/pillow-fixtures). */
    static final String RESAMPLE_FIXTURES = "/fixtures/pillow/resample/";

    private TestImages() {
    }

    /**
     * Reads an 8-bit RGB PNG. The raster samples are the stored values (band order R, G, B
     * whatever the AWT layout), so no colour conversion can creep in as with getRGB.
     */
    static RgbImage readPng(InputStream in, String name) throws IOException {
        BufferedImage img = ImageIO.read(in);
        if (img == null) {
            throw new IOException(name + ": not a readable image");
        }
        Raster raster = img.getRaster();
        if (img.getColorModel() instanceof IndexColorModel || raster.getNumBands() != 3
                || img.getColorModel().hasAlpha()) {
            throw new IOException(name + ": expected plain 8-bit RGB, got bands=" + raster.getNumBands()
                    + " colorModel=" + img.getColorModel());
        }
        for (int b = 0; b < 3; b++) {
            if (raster.getSampleModel().getSampleSize(b) != 8) {
                throw new IOException(name + ": band " + b + " is not 8-bit");
            }
        }
        int w = img.getWidth();
        int h = img.getHeight();
        int[] samples = raster.getPixels(0, 0, w, h, (int[]) null);
        byte[] data = new byte[samples.length];
        for (int i = 0; i < samples.length; i++) {
            data[i] = (byte) samples[i];
        }
        return new RgbImage(w, h, data);
    }

    /** A fixture PNG from the classpath folder {@link #RESAMPLE_FIXTURES}. */
    static RgbImage fixture(String file) {
        String path = RESAMPLE_FIXTURES + file;
        try (InputStream in = TestImages.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + path
                        + " (regenerate with tools/pillow-fixtures/make_resample_fixtures.py)");
            }
            return readPng(in, path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The parsed manifest.json of the resample fixtures. */
    static JsonNode manifest() {
        String path = RESAMPLE_FIXTURES + "manifest.json";
        try (InputStream in = TestImages.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + path);
            }
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The manifest's cases whose op is one of {@code ops}. */
    static List<JsonNode> cases(String... ops) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode c : manifest().get("cases")) {
            for (String op : ops) {
                if (op.equals(c.get("op").asText())) {
                    out.add(c);
                }
            }
        }
        return out;
    }

    /** A reproducible image of random pixels. */
    static RgbImage random(int w, int h, long seed) {
        byte[] data = new byte[w * h * 3];
        new Random(seed).nextBytes(data);
        return new RgbImage(w, h, data);
    }

    /** A one-line description of the first pixel where two same-size images differ, or "". */
    static String firstDifference(RgbImage expected, RgbImage actual) {
        for (int y = 0; y < expected.height(); y++) {
            for (int x = 0; x < expected.width(); x++) {
                if (expected.rgb(x, y) != actual.rgb(x, y)) {
                    return String.format("first difference at (%d,%d): expected #%06x, got #%06x",
                            x, y, expected.rgb(x, y), actual.rgb(x, y));
                }
            }
        }
        return "";
    }

    /** Per-operation max / mean absolute difference, accumulated over a test class's cases. */
    static final class ParityStats {
        private final Map<String, long[]> byOp = new TreeMap<>(); // cases, max, sum of |d|, samples

        void add(String op, RgbImage expected, RgbImage actual) {
            long[] s = byOp.computeIfAbsent(op, k -> new long[4]);
            byte[] e = expected.data();
            byte[] a = actual.data();
            long sum = 0;
            int max = 0;
            for (int i = 0; i < e.length; i++) {
                int d = Math.abs((e[i] & 0xFF) - (a[i] & 0xFF));
                sum += d;
                max = Math.max(max, d);
            }
            s[0]++;
            s[1] = Math.max(s[1], max);
            s[2] += sum;
            s[3] += e.length;
        }

        /**
         * Writes a TSV (operation, cases, max, mean) to {@code parity.report.dir} (set by the
         * build; target/parity by default) and returns its text.
         */
        String write(String fileName) throws IOException {
            StringBuilder sb = new StringBuilder("operation\tcases\tmax_abs_diff\tmean_abs_diff\n");
            for (Map.Entry<String, long[]> e : byOp.entrySet()) {
                long[] s = e.getValue();
                sb.append(e.getKey()).append('\t').append(s[0]).append('\t').append(s[1]).append('\t')
                        .append(String.format(java.util.Locale.ROOT, "%.6f", (double) s[2] / s[3])).append('\n');
            }
            Path dir = Path.of(System.getProperty("parity.report.dir", "target/parity"));
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(fileName), sb.toString());
            return sb.toString();
        }
    }
}
