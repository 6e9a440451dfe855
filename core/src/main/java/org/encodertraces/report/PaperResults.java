package org.encodertraces.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import org.encodertraces.io.Csv;

/**
 * The study's published per-encoder figures, read from its four CSVs
 * ({@code probe_processing.csv}, {@code probe_acquisition.csv}, {@code knn_influence.csv},
 * {@code paircams_retrieval.csv}). Every value is returned as a fraction in [0, 1] whatever unit
 * the file uses (the probe and kNN files are in percent, the retrieval file in fractions).
 *
 * <p>Lookups are by the study's encoder name exactly as in its tables (see
 * {@link EncoderInfo#studyName()}); dataset and task names are matched without regard to case,
 * and the dataset spellings of the files ({@code iNat}, {@code iNaturalist2018}) are one dataset.
 */
public final class PaperResults {
    /** The four file names, in a stable order. */
    public static final List<String> FILES = List.of("probe_processing.csv", "probe_acquisition.csv",
            "knn_influence.csv", "paircams_retrieval.csv");

    /**
     * The study's kNN accuracies for one encoder, dataset and task (fractions).
     *
     * @param allSame all-same set-up
     * @param posSame pos-same set-up
     * @param negSame neg-same set-up
     * @param allDiff all-diff set-up
     * @param uniform uniform set-up
     */
    public record Knn(double allSame, double posSame, double negSame, double allDiff, double uniform) {
        /** posSame minus negSame. */
        public double gap() {
            return posSame - negSame;
        }
    }

    /**
     * The study's PairCams recall@1 for one encoder (fractions).
     *
     * @param recallAt1OtherDevice distractors from the other device
     * @param recallAt1QueryDevice distractors from the query's own device
     */
    public record Retrieval(double recallAt1OtherDevice, double recallAt1QueryDevice) {
        /** Other-device recall minus query-device recall. */
        public double drop() {
            return recallAt1OtherDevice - recallAt1QueryDevice;
        }
    }

    /**
     * The spread of one study figure over the study's encoders of one family (fractions, or
     * fraction differences for gaps and drops).
     *
     * @param group the study's family, CVL, SUP or SSL
     * @param min smallest value
     * @param mean mean over the family's encoders
     * @param max largest value
     * @param encoders how many of the study's encoders the range is over
     */
    public record Range(String group, double min, double mean, double max, int encoders) {
    }

    private final Path dir;
    private final Map<String, String> sha256;
    private final Map<String, Double> processing;
    private final Map<String, Double> acquisition;
    private final Map<String, Knn> knn;
    private final Map<String, Retrieval> retrieval;
    private final Map<String, String> groups;

    private PaperResults(Path dir, Map<String, String> sha256, Map<String, Double> processing,
                         Map<String, Double> acquisition, Map<String, Knn> knn, Map<String, Retrieval> retrieval,
                         Map<String, String> groups) {
        this.dir = dir;
        this.sha256 = sha256;
        this.processing = processing;
        this.acquisition = acquisition;
        this.knn = knn;
        this.retrieval = retrieval;
        this.groups = groups;
    }

    /**
     * Loads the four CSVs from {@code dir} (such as {@code ../shared/reference/paper-results}).
     *
     * @throws IOException naming the file and line when a file is missing or malformed
     */
    public static PaperResults load(Path dir) throws IOException {
        Map<String, String> sha = new LinkedHashMap<>();
        Map<String, Double> processing = new HashMap<>();
        Map<String, Double> acquisition = new HashMap<>();
        Map<String, Knn> knn = new HashMap<>();
        Map<String, Retrieval> retrieval = new HashMap<>();
        Map<String, String> groups = new LinkedHashMap<>();
        for (String name : FILES) {
            Path f = dir.resolve(name);
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(f);
            } catch (NoSuchFileException e) {
                throw new IOException("study results file missing: " + f, e);
            }
            sha.put(name, sha256(bytes));
            String text = new String(bytes, StandardCharsets.UTF_8);
            if (text.startsWith("\uFEFF")) {
                text = text.substring(1);
            }
            List<String> lines = text.lines().filter(l -> !l.isBlank()).toList();
            if (lines.isEmpty()) {
                throw new IOException(f + ": empty");
            }
            Map<String, Integer> col = header(Csv.parse(lines.get(0)));
            for (int i = 1; i < lines.size(); i++) {
                String where = f + " line " + (i + 1);
                List<String> r;
                try {
                    r = Csv.parse(lines.get(i));
                } catch (IllegalArgumentException e) {
                    throw new IOException(where + ": " + e.getMessage(), e);
                }
                if (r.size() != col.size()) {
                    throw new IOException(where + ": " + r.size() + " fields, header has " + col.size());
                }
                String model = get(r, col, "model", where);
                groups.putIfAbsent(model, get(r, col, "group", where));
                switch (name) {
                    case "probe_processing.csv" -> processing.put(
                            key(dataset(get(r, col, "dataset", where)), task(get(r, col, "task", where)), model),
                            pct(r, col, "accuracy_pct", where));
                    case "probe_acquisition.csv" -> acquisition.put(key(task(get(r, col, "attribute", where)), model),
                            pct(r, col, "accuracy_pct", where));
                    case "knn_influence.csv" -> knn.put(
                            key(dataset(get(r, col, "dataset", where)), task(get(r, col, "task", where)), model),
                            new Knn(pct(r, col, "all_same", where), pct(r, col, "pos_same", where),
                                    pct(r, col, "neg_same", where), pct(r, col, "all_diff", where),
                                    pct(r, col, "uniform", where)));
                    default -> retrieval.put(model,
                            new Retrieval(frac(r, col, "recall1_negatives_other_camera", where),
                                    frac(r, col, "recall1_negatives_query_camera", where)));
                }
            }
        }
        return new PaperResults(dir, Map.copyOf(sha), Map.copyOf(processing), Map.copyOf(acquisition),
                Map.copyOf(knn), Map.copyOf(retrieval), java.util.Collections.unmodifiableMap(groups));
    }

    /** The folder the files were read from. */
    public Path source() {
        return dir;
    }

    /** sha256 of each file as read, for the provenance appendix. */
    public Map<String, String> fileSha256() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String f : FILES) {
            m.put(f, sha256.get(f));
        }
        return m;
    }

    /** Every encoder name in the files, in first-seen order. */
    public Set<String> models() {
        return new LinkedHashSet<>(groups.keySet());
    }

    /** The study's group (CVL, SUP, SSL) of an encoder. */
    public Optional<String> group(String studyName) {
        return Optional.ofNullable(groups.get(studyName));
    }

    /** Processing-probe accuracy on {@code dataset} ({@code ImageNet} or {@code iNaturalist}) for a task such as {@code JPEG}. */
    public OptionalDouble processingProbe(String dataset, String task, String studyName) {
        return opt(processing.get(key(dataset(dataset), task(task), studyName)));
    }

    /** Acquisition-probe accuracy on FlickrExif for an attribute such as {@code Make} or {@code Model (smart vs non-smart)}. */
    public OptionalDouble acquisitionProbe(String attribute, String studyName) {
        return opt(acquisition.get(key(task(attribute), studyName)));
    }

    /** kNN accuracies under the five set-ups. */
    public Optional<Knn> knn(String dataset, String task, String studyName) {
        return Optional.ofNullable(knn.get(key(dataset(dataset), task(task), studyName)));
    }

    /** PairCams recall@1 in the two distractor set-ups. */
    public Optional<Retrieval> retrieval(String studyName) {
        return Optional.ofNullable(retrieval.get(studyName));
    }

    /** The study's encoders of a family (CVL, SUP, SSL), in first-seen order. */
    public List<String> modelsOf(String group) {
        return groups.entrySet().stream().filter(e -> e.getValue().equalsIgnoreCase(group)).map(Map.Entry::getKey)
                .toList();
    }

    /**
     * The range of a figure over the study's encoders of {@code group}; empty when the study published
     * it for none of them.
     *
     * @param figure the figure of one study encoder (by its study name), empty where not published
     */
    public Optional<Range> range(String group, java.util.function.Function<String, OptionalDouble> figure) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        int n = 0;
        for (String m : modelsOf(group)) {
            OptionalDouble v = figure.apply(m);
            if (v.isPresent()) {
                min = Math.min(min, v.getAsDouble());
                max = Math.max(max, v.getAsDouble());
                sum += v.getAsDouble();
                n++;
            }
        }
        return n == 0 ? Optional.empty() : Optional.of(new Range(group.toUpperCase(Locale.ROOT), min, sum / n, max, n));
    }

    /** The canonical spelling of a dataset name: {@code imagenet} or {@code inaturalist} (lowercase otherwise). */
    static String dataset(String name) {
        String d = name.trim().toLowerCase(Locale.ROOT);
        return d.equals("inat") || d.startsWith("inaturalist") ? "inaturalist" : d;
    }

    static String task(String name) {
        return name.trim().toLowerCase(Locale.ROOT);
    }

    private static String key(String... parts) {
        return String.join("\u0000", parts);
    }

    private static OptionalDouble opt(Double v) {
        return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
    }

    private static Map<String, Integer> header(List<String> h) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int i = 0; i < h.size(); i++) {
            m.put(h.get(i).trim(), i);
        }
        return m;
    }

    private static String get(List<String> r, Map<String, Integer> col, String name, String where)
            throws IOException {
        Integer i = col.get(name);
        if (i == null) {
            throw new IOException(where + ": no column " + name);
        }
        return r.get(i).trim();
    }

    private static double pct(List<String> r, Map<String, Integer> col, String name, String where)
            throws IOException {
        return number(r, col, name, where, 100);
    }

    private static double frac(List<String> r, Map<String, Integer> col, String name, String where)
            throws IOException {
        return number(r, col, name, where, 1);
    }

    private static double number(List<String> r, Map<String, Integer> col, String name, String where, double scale)
            throws IOException {
        String s = get(r, col, name, where);
        double v;
        try {
            v = Double.parseDouble(s) / scale;
        } catch (NumberFormatException e) {
            throw new IOException(where + ": " + name + " is not a number: " + s, e);
        }
        if (!(v >= 0 && v <= 1)) {
            throw new IOException(where + ": " + name + " out of range: " + s);
        }
        return v;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
