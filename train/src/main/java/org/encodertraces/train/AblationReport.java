package org.encodertraces.train;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.encodertraces.provenance.ArtifactProvenance;
import org.encodertraces.result.ResultDocument;
import org.encodertraces.result.ResultFiles;

/**
 * The ablation's figures and its report section: for each recipe, the trace sensitivity of the
 * encoders trained under it (processing-probe accuracy per task, kNN gap) as mean and spread over
 * seeds, next to the semantic test accuracy they reached.
 *
 * <p>Why the semantic accuracy sits beside the traces: a recipe that removes traces by not
 * learning anything is not a win, and the reader must see both at once.
 */
public final class AblationReport {
    /**
     * One trained encoder's measurements.
     *
     * @param recipe        recipe name
     * @param seed          training seed
     * @param testAccuracy  semantic accuracy on the test split (fraction)
     * @param probes        processing-probe accuracy per task (fraction, mean over the probe's seeds)
     * @param chance        chance level per task (fraction)
     * @param knnGap        kNN accuracy gap pos-same minus neg-same per task (fraction)
     * @param trainSeconds  training time
     */
    public record Row(String recipe, long seed, double testAccuracy, Map<String, Double> probes, Map<String, Double> chance,
                      Map<String, Double> knnGap, double trainSeconds) {
    }

    private AblationReport() {
    }

    /** Mean and population standard deviation. */
    static double[] meanStd(List<Double> v) {
        double m = v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        double s = Math.sqrt(v.stream().mapToDouble(x -> (x - m) * (x - m)).average().orElse(Double.NaN));
        return new double[] {m, s};
    }

    /** The markdown section (one table of means ± std over seeds, one row per recipe, then the per-run table). */
    public static String markdown(List<Row> rows, String setup) {
        List<String> recipes = rows.stream().map(Row::recipe).distinct().toList();
        List<String> tasks = rows.isEmpty() ? List.of() : new ArrayList<>(rows.get(0).probes().keySet());
        List<String> knnTasks = rows.isEmpty() ? List.of() : new ArrayList<>(rows.get(0).knnGap().keySet());
        StringBuilder sb = new StringBuilder();
        sb.append("## Training with and without augmentation: trace sensitivity per recipe\n\n");
        sb.append(setup).append("\n\n");
        sb.append("Mean ± std over seeds (population std). Processing-probe and semantic accuracies in %, chance in brackets.\n\n");
        sb.append("| recipe | seeds | semantic test accuracy |");
        for (String t : tasks) {
            sb.append(' ').append(t).append(String.format(Locale.ROOT, " (%.1f)", 100 * rows.get(0).chance().get(t))).append(" |");
        }
        sb.append("\n|---|---|---|").append("---|".repeat(tasks.size())).append('\n');
        for (String r : recipes) {
            List<Row> rs = rows.stream().filter(x -> x.recipe().equals(r)).toList();
            sb.append("| ").append(r).append(" | ").append(rs.size()).append(" | ").append(pm(rs.stream().map(Row::testAccuracy).toList(), 100)).append(" |");
            for (String t : tasks) {
                sb.append(' ').append(pm(rs.stream().map(x -> x.probes().get(t)).toList(), 100)).append(" |");
            }
            sb.append('\n');
        }
        sb.append("\nkNN gap per task (points; how much same-processing neighbours lift the accuracy, the study's pos-same minus neg-same):\n\n");
        sb.append("| recipe |");
        for (String t : knnTasks) {
            sb.append(' ').append(t).append(" |");
        }
        sb.append(" mean |\n|---|").append("---|".repeat(knnTasks.size() + 1)).append('\n');
        for (String r : recipes) {
            List<Row> rs = rows.stream().filter(x -> x.recipe().equals(r)).toList();
            sb.append("| ").append(r).append(" |");
            for (String t : knnTasks) {
                sb.append(' ').append(pmSigned(rs.stream().map(x -> x.knnGap().get(t)).toList())).append(" |");
            }
            sb.append(' ').append(pmSigned(rs.stream().map(x -> meanOf(x.knnGap(), knnTasks)).toList())).append(" |\n");
        }
        sb.append("\nPer run:\n\n| recipe | seed | test acc. |");
        for (String t : tasks) {
            sb.append(' ').append(t).append(" |");
        }
        sb.append(" kNN gap (mean) | training time |\n|---|---|---|").append("---|".repeat(tasks.size())).append("---|---|\n");
        for (Row x : rows) {
            sb.append("| ").append(x.recipe()).append(" | ").append(x.seed()).append(" | ").append(pct(x.testAccuracy())).append(" |");
            for (String t : tasks) {
                sb.append(' ').append(pct(x.probes().get(t))).append(" |");
            }
            sb.append(' ').append(String.format(Locale.ROOT, "%+.1f", 100 * meanOf(x.knnGap(), knnTasks))).append(" | ")
                    .append(String.format(Locale.ROOT, "%.0f s", x.trainSeconds())).append(" |\n");
        }
        return sb.toString();
    }

    /** Mean over the named tasks. */
    static double meanOf(Map<String, Double> m, List<String> keys) {
        return keys.stream().mapToDouble(m::get).average().orElse(Double.NaN);
    }

    private static String pm(List<Double> v, double scale) {
        double[] ms = meanStd(v);
        return String.format(Locale.ROOT, "%.1f ± %.1f", scale * ms[0], scale * ms[1]);
    }

    private static String pmSigned(List<Double> v) {
        double[] ms = meanStd(v);
        return String.format(Locale.ROOT, "%+.1f ± %.1f", 100 * ms[0], 100 * ms[1]);
    }

    private static String pct(Double v) {
        return v == null || v.isNaN() ? "n/a" : String.format(Locale.ROOT, "%.1f", 100 * v);
    }

    /** A row as a JSON-friendly map. */
    public static Map<String, Object> toMap(Row r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("recipe", r.recipe());
        m.put("seed", r.seed());
        m.put("test_accuracy", r.testAccuracy());
        m.put("probe_accuracy", r.probes());
        m.put("chance", r.chance());
        m.put("knn_gap", r.knnGap());
        m.put("train_seconds", r.trainSeconds());
        return m;
    }

    /**
     * A set of images the ablation used, for its result document.
     *
     * @param name where the images came from
     * @param images how many
     * @param manifestSha256 the dataset's manifest hash
     */
    public record ImagesUsed(String name, int images, String manifestSha256) {
        Map<String, Object> toJson(String nameKey) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put(nameKey, name);
            m.put("images", images);
            m.put("manifest_sha256", manifestSha256);
            return m;
        }
    }

    /**
     * The ablation as a result document: its set-up, architecture, the training, test and probe
     * images, each run's figures (under {@code metrics.runs}), the libraries that trained them and
     * the provenance. Keys are snake_case as in every other document (before, this file had its
     * own camelCase keys and a {@code kind} in place of {@code experiment}).
     */
    public static ResultDocument document(List<Row> rows, String setup, Map<String, Object> architecture, ImagesUsed train,
                                          ImagesUsed test, ImagesUsed probeImages, Map<String, String> libraries, List<String> knnSetups,
                                          Instant started, Instant updated) {
        return ResultDocument.builder("ablation")
                .field("setup", setup)
                .field("architecture", snakeCase(architecture))
                .field("train", train.toJson("source"))
                .field("test", test.toJson("source"))
                .field("probe_images", probeImages.toJson("name"))
                .parameters(Map.of("knn_setups", knnSetups))
                .metrics(Map.of("runs", rows.stream().map(AblationReport::toMap).toList()))
                .field("libraries", libraries)
                .provenance(ArtifactProvenance.between(started, updated))
                .build();
    }

    /** The architecture's description with snake_case keys, as every result document writes them ({@code inputSize} -> {@code input_size}). */
    private static Map<String, Object> snakeCase(Map<String, Object> m) {
        var naming = new com.fasterxml.jackson.databind.PropertyNamingStrategies.SnakeCaseStrategy();
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(naming.translate(k), v));
        return out;
    }

    /** The ablation's CSV: one row per run, probe accuracy and kNN gap per task. */
    public static ResultFiles.Table table(List<Row> rows) {
        List<String> tasks = new ArrayList<>(rows.get(0).probes().keySet());
        List<String> knn = new ArrayList<>(rows.get(0).knnGap().keySet());
        List<String> header = new ArrayList<>(List.of("recipe", "seed", "test_accuracy"));
        tasks.forEach(t -> header.add("probe_" + t.replace(' ', '_')));
        knn.forEach(t -> header.add("knn_gap_" + t.replace(' ', '_')));
        header.add("train_seconds");
        List<List<?>> out = new ArrayList<>();
        for (Row r : rows) {
            List<Object> row = new ArrayList<>(List.of(r.recipe(), Long.toString(r.seed()), Double.toString(r.testAccuracy())));
            tasks.forEach(t -> row.add(String.valueOf(r.probes().get(t))));
            knn.forEach(t -> row.add(String.valueOf(r.knnGap().get(t))));
            row.add(Double.toString(r.trainSeconds()));
            out.add(row);
        }
        return new ResultFiles.Table(header, out);
    }
}
