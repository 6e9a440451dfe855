package org.encodertraces.image;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.encodertraces.Requirements;
import org.encodertraces.TestData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Holds our decoder to Pillow 9.4 on every file of Pillow's own test corpus
 * ({@code ../shared/data/pillow-test-images}, 1,067 files), against the outcomes recorded by
 * tools/pillow-fixtures/make_corpus_outcomes.py: for a file Pillow decodes, the sha256 of our RGB
 * bytes must equal that of {@code Image.open(f).convert("RGB").tobytes()}; for a file Pillow
 * refuses, we must refuse it too, with an error naming the file. The only exceptions are the
 * reviewed entries of {@code accepted-differences.tsv} (file, the outcome we accept, the reason),
 * and an entry whose file now matches Pillow fails too, so the list only ever shrinks. Files of
 * formats we do not claim must be refused. Writes the per-format table of docs/fidelity.md and a
 * per-file TSV to {@code parity.report.dir}.
 */
class CorpusParityTest {
    private static final Path FIXTURES = TestData.fixture("pillow/corpus");
    private static final List<String> CLAIMED = List.of("JPEG", "PNG", "GIF", "BMP", "TIFF", "WEBP");
    /** One file may take at most this long (a hang is a failure, not a wait). */
    private static final long PER_FILE_TIMEOUT_S = 60;

    /** A comparison outcome, the columns of the fidelity table. */
    enum Outcome {
        IDENTICAL("identical"), DIFFER("differ"), BOTH_FAIL("both fail"), ONLY_PILLOW("only Pillow decodes"),
        ONLY_US("only we decode");

        final String label;

        Outcome(String label) {
            this.label = label;
        }

        static Outcome parse(String s) {
            for (Outcome o : values()) {
                if (o.name().equalsIgnoreCase(s.replace('-', '_'))) {
                    return o;
                }
            }
            throw new IllegalArgumentException("unknown outcome '" + s + "'");
        }
    }

    record Pillow(String path, String format, String mode, String size, String sha256, String error) {
        boolean decoded() {
            return error.equals("-");
        }
    }

    record Ours(String format, String size, String sha256, String error, String codec) {
    }

    record Accepted(Outcome outcome, String reason) {
    }

    /** Run once per JPEG codec path: TurboJPEG (skipped where libturbojpeg.so.0 is missing) and the JDK's. */
    @ParameterizedTest(name = "JPEG codec {0}")
    @EnumSource(JpegBackend.class)
    void everyCorpusFileDecodesOrFailsAsInPillow(JpegBackend backend) throws Exception {
        JpegCodecParityTest.assumeBackend(backend);
        Path corpus = Requirements.shared("data/pillow-test-images");
        boolean libwebp = Requirements.presentOrFallback(LibWebp.available(), Requirements.libWebpMissing(LibWebp.unavailableReason()));
        List<Pillow> pillow = readOutcomes();
        Map<String, Accepted> accepted = readAccepted();
        for (String p : accepted.keySet()) {
            assertTrue(pillow.stream().anyMatch(x -> x.path().equals(p)), "accepted-differences.tsv names an unknown file " + p);
        }

        ImageDecoder decoder = new ImageDecoder(ImageDecoder.PILLOW_MAX_PIXELS, true, true, backend);
        Map<String, Ours> ours = new LinkedHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Map<String, Future<Ours>> futures = new LinkedHashMap<>();
            for (Pillow p : pillow) {
                Path file = corpus.resolve(p.path());
                futures.put(p.path(), pool.submit(() -> decodeOne(decoder, file)));
            }
            for (Map.Entry<String, Future<Ours>> e : futures.entrySet()) {
                try {
                    ours.put(e.getKey(), e.getValue().get(PER_FILE_TIMEOUT_S, TimeUnit.SECONDS));
                } catch (TimeoutException t) {
                    fail(e.getKey() + ": no result within " + PER_FILE_TIMEOUT_S + " s (hang)");
                }
            }
        } finally {
            pool.shutdownNow();
        }

        List<String> problems = new ArrayList<>();
        Map<String, int[]> table = new TreeMap<>((a, b) -> Integer.compare(order(a), order(b)) != 0
                ? Integer.compare(order(a), order(b)) : a.compareTo(b));
        StringBuilder perFile = new StringBuilder("path\tcategory\toutcome\tpillow\tours\taccepted_reason\n");
        int unclaimedDecoded = 0;
        int webpFallback = 0;
        for (Pillow p : pillow) {
            Ours o = ours.get(p.path());
            String category = category(p, o);
            Outcome got = compare(p, o);
            Accepted a = accepted.get(p.path());
            if (category == null) {
                if (o.error() == null) {
                    unclaimedDecoded++;
                    problems.add(p.path() + ": format " + p.format() + " is not one we claim, yet we decoded it as " + o.format());
                }
                perFile.append(p.path()).append("\tunclaimed:").append(p.format()).append('\t')
                        .append(o.error() == null ? "decoded" : "refused").append('\t').append(describe(p)).append('\t')
                        .append(describe(o)).append("\t-\n");
                continue;
            }
            if (o.error() != null && !o.error().contains(p.path().substring(p.path().lastIndexOf('/') + 1))) {
                problems.add(p.path() + ": our error does not name the file: " + o.error());
            }
            table.computeIfAbsent(category, k -> new int[Outcome.values().length + 1])[got.ordinal()]++;
            table.get(category)[Outcome.values().length]++;
            Outcome want = a != null ? a.outcome() : (p.decoded() ? Outcome.IDENTICAL : Outcome.BOTH_FAIL);
            if (category.equals("WEBP") && !libwebp && want == Outcome.IDENTICAL && got == Outcome.DIFFER) {
                // without libwebp the TwelveMonkeys fallback runs, a few levels off on lossy files (DecoderParityTest bounds it)
                want = Outcome.DIFFER;
                webpFallback++;
            }
            if (got != want) {
                problems.add(p.path() + ": expected '" + want.label + "'" + (a != null ? " (accepted difference)" : "")
                        + " but got '" + got.label + "'; Pillow: " + describe(p) + "; ours: " + describe(o)
                        + (a != null && (got == Outcome.IDENTICAL || got == Outcome.BOTH_FAIL)
                                ? " -- now matches Pillow: remove it from accepted-differences.tsv" : ""));
            }
            perFile.append(p.path()).append('\t').append(category).append('\t').append(got.label).append('\t')
                    .append(describe(p)).append('\t').append(describe(o)).append('\t')
                    .append(a == null ? "-" : a.reason()).append('\n');
        }

        String markdown = markdownTable(table, accepted.size(), pillow.size());
        Path dir = Path.of(System.getProperty("parity.report.dir", "target/parity"));
        Files.createDirectories(dir);
        String suffix = backend == JpegBackend.TURBOJPEG ? "" : "-jpeg-" + backend.name().toLowerCase(java.util.Locale.ROOT);
        Files.writeString(dir.resolve("corpus-parity" + suffix + ".md"), markdown);
        Files.writeString(dir.resolve("corpus-parity" + suffix + ".tsv"), perFile.toString());
        System.out.print(markdown);
        if (!libwebp) {
            System.out.println("libwebp is not installed (" + LibWebp.unavailableReason() + "): " + webpFallback
                    + " WebP file(s) decoded by the TwelveMonkeys fallback, pixel identity NOT checked; .ci/run installs libwebp7");
        }
        assertTrue(unclaimedDecoded == 0 && problems.isEmpty(),
                problems.size() + " corpus file(s) break parity with Pillow (see " + dir.resolve("corpus-parity.tsv") + "):\n  "
                        + String.join("\n  ", problems));
    }

    private static Ours decodeOne(ImageDecoder decoder, Path file) {
        try {
            DecodedImage d = decoder.decode(file);
            RgbImage img = d.image();
            return new Ours(d.format(), img.width() + "x" + img.height(), sha256(img.data()), null, d.codec());
        } catch (ImageDecodeException e) {
            return new Ours(null, null, null, e.getMessage(), null);
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            // not a clean refusal: recorded, and failed below as a difference with its class
            return new Ours(null, null, null, "UNCAUGHT " + e, null);
        }
    }

    private static Outcome compare(Pillow p, Ours o) {
        if (p.decoded() && o.error() == null) {
            return p.size().equals(o.size()) && p.sha256().equals(o.sha256()) ? Outcome.IDENTICAL : Outcome.DIFFER;
        }
        if (!p.decoded() && o.error() == null) {
            return Outcome.ONLY_US;
        }
        if (p.decoded()) {
            return Outcome.ONLY_PILLOW;
        }
        return o.error().startsWith("UNCAUGHT") ? Outcome.ONLY_PILLOW : Outcome.BOTH_FAIL;
    }

    /** The claimed format a file belongs to (Pillow's name, else ours, else the extension), or null. */
    private static String category(Pillow p, Ours o) {
        String f = p.format();
        if (f.equals("-")) {
            f = o.format() != null ? o.format() : byExtension(p.path());
        }
        f = switch (f) {
            case "MPO" -> "JPEG";
            case "DIB" -> "BMP";
            default -> f;
        };
        return CLAIMED.contains(f) ? f : null;
    }

    private static String byExtension(String path) {
        String ext = path.substring(path.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        return switch (ext) {
            case "jpg", "jpeg", "mpo" -> "JPEG";
            case "png" -> "PNG";
            case "gif" -> "GIF";
            case "bmp", "dib" -> "BMP";
            case "tif", "tiff" -> "TIFF";
            case "webp" -> "WEBP";
            default -> "-";
        };
    }

    private static int order(String category) {
        int i = CLAIMED.indexOf(category);
        return i < 0 ? CLAIMED.size() : i;
    }

    private static String describe(Pillow p) {
        return p.decoded() ? p.mode() + " " + p.size() + " " + p.sha256().substring(0, 12) : p.error();
    }

    private static String describe(Ours o) {
        return o.error() == null ? o.size() + " " + o.sha256().substring(0, 12) + " (" + o.codec() + ")"
                : o.error().replace('\t', ' ').replace('\n', ' ');
    }

    private static String markdownTable(Map<String, int[]> table, int acceptedCount, int files) {
        StringBuilder sb = new StringBuilder();
        sb.append("| format | files | identical | differ | both fail | only Pillow decodes | only we decode |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|\n");
        int[] total = new int[Outcome.values().length + 1];
        for (Map.Entry<String, int[]> e : table.entrySet()) {
            int[] c = e.getValue();
            String name = switch (e.getKey()) {
                case "JPEG" -> "JPEG (incl. MPO)";
                case "TIFF" -> "TIFF (incl. BigTIFF)";
                case "WEBP" -> "WebP";
                default -> e.getKey();
            };
            sb.append("| ").append(name).append(" | ").append(c[Outcome.values().length]);
            for (int i = 0; i < Outcome.values().length; i++) {
                sb.append(" | ").append(c[i]);
                total[i] += c[i];
            }
            total[Outcome.values().length] += c[Outcome.values().length];
            sb.append(" |\n");
        }
        sb.append("| **total** | **").append(total[Outcome.values().length]).append("**");
        for (int i = 0; i < Outcome.values().length; i++) {
            sb.append(" | **").append(total[i]).append("**");
        }
        sb.append(" |\n\n");
        sb.append(files - total[Outcome.values().length]).append(" more files of the corpus are in formats we do not claim;"
                + " all are refused. Reviewed accepted differences: ").append(acceptedCount).append(".\n");
        return sb.toString();
    }

    private static List<Pillow> readOutcomes() throws IOException {
        List<Pillow> out = new ArrayList<>();
        for (String line : Files.readAllLines(FIXTURES.resolve("outcomes.tsv"), StandardCharsets.UTF_8)) {
            if (line.startsWith("#") || line.startsWith("path\t") || line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            out.add(new Pillow(f[0], f[1], f[2], f[3], f[4], f[5]));
        }
        return out;
    }

    private static Map<String, Accepted> readAccepted() throws IOException {
        Map<String, Accepted> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(FIXTURES.resolve("accepted-differences.tsv"), StandardCharsets.UTF_8)) {
            if (line.startsWith("#") || line.startsWith("path\t") || line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            if (f.length != 3 || f[2].isBlank()) {
                throw new IllegalStateException("accepted-differences.tsv: want 'path<TAB>outcome<TAB>reason', got: " + line);
            }
            if (out.put(f[0], new Accepted(Outcome.parse(f[1]), f[2])) != null) {
                throw new IllegalStateException("accepted-differences.tsv lists " + f[0] + " twice");
            }
        }
        return out;
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
