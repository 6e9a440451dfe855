package org.encodertraces.train;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.encodertraces.provenance.ArtifactProvenance;
import org.encodertraces.result.ResultDocument;
import org.encodertraces.result.ResultFiles;

/**
 * The CLIP ablation's figures and report section ({@code traces ablation --objective clip}): per
 * run, the processing-probe accuracies (with chance and n), the kNN gaps and the zero-shot
 * retrieval recall of its own test split; per (mode, recipe), the mean and the min-max over seeds;
 * and, per mode, what each augmentation recipe changed against {@code none}, as measured.
 *
 * <p>Why recall sits beside the traces: a recipe that removes traces by learning nothing is not a
 * win, and the reader must see both at once.
 */
public final class ClipAblationReport {
    /** The recall figures reported per run, in this order (direction and k as {@link ClipEvaluation.Recall} names them). */
    public static final List<String> RECALL_KEYS = List.of("image->text R@1", "image->text R@5", "image->text R@10", "text->image R@1",
            "text->image R@5", "text->image R@10");

    /**
     * One trained CLIP's measurements.
     *
     * @param mode          scratch or finetune
     * @param recipe        image augmentation recipe
     * @param seed          training seed
     * @param init          the run a fine-tuning started from (folder), or null
     * @param recall        zero-shot retrieval recall per {@link #RECALL_KEYS} key (fraction)
     * @param recallChance  chance of each recall figure
     * @param recallN       queries of each recall figure
     * @param probes        processing-probe accuracy per task (fraction, mean over the probe's seeds)
     * @param chance        chance per task (the most frequent class's share of the probe's test rows)
     * @param probeN        probe test rows per task
     * @param knnGap        kNN gap (pos-same minus neg-same accuracy) per task
     * @param knnQueries    kNN queries per task
     * @param zeroShot      the zero-shot trace readout's accuracy per task (the run's text tower scoring processing prompts)
     * @param zeroShotChance its chance per task
     * @param zeroShotN     its test rows per task
     * @param trainSeconds  training time recorded in the run's training.json
     */
    public record Row(String mode, String recipe, long seed, String init, Map<String, Double> recall, Map<String, Double> recallChance,
                      Map<String, Integer> recallN, Map<String, Double> probes, Map<String, Double> chance, Map<String, Integer> probeN,
                      Map<String, Double> knnGap, Map<String, Integer> knnQueries, Map<String, Double> zeroShot, Map<String, Double> zeroShotChance,
                      Map<String, Integer> zeroShotN, double trainSeconds) {
        /** The mean probe accuracy over the tasks. */
        public double meanProbe() {
            return probes.values().stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        }

        /** The mean kNN gap over the tasks. */
        public double meanGap() {
            return knnGap.values().stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        }

        String group() {
            return mode + " / " + recipe;
        }
    }

    /**
     * Mean, min and max over seeds.
     *
     * @param mean mean
     * @param min  smallest
     * @param max  largest
     * @param n    seeds
     */
    public record Spread(double mean, double min, double max, int n) {
        static Spread of(List<Double> v) {
            return new Spread(v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN),
                    v.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN),
                    v.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN), v.size());
        }

        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("mean", mean);
            m.put("min", min);
            m.put("max", max);
            m.put("seeds", n);
            return m;
        }

        String pct() {
            return String.format(Locale.ROOT, "%.1f (%.1f-%.1f)", 100 * mean, 100 * min, 100 * max);
        }

        String signed() {
            return String.format(Locale.ROOT, "%+.1f (%+.1f to %+.1f)", 100 * mean, 100 * min, 100 * max);
        }
    }

    private ClipAblationReport() {
    }

    /** The (mode, recipe) groups in the rows' order. */
    static List<String> groups(List<Row> rows) {
        return rows.stream().map(Row::group).distinct().toList();
    }

    private static Spread spread(List<Row> rows, String group, Function<Row, Double> f) {
        return Spread.of(rows.stream().filter(r -> r.group().equals(group)).map(f).toList());
    }

    /**
     * Per mode, each recipe other than {@code none} against {@code none}: the change of the mean
     * probe accuracy over the tasks and of the mean kNN gap, with their seed ranges, and whether the
     * ranges overlap. Sentences as measured, whichever way they point.
     */
    public static List<String> verdicts(List<Row> rows) {
        List<String> out = new ArrayList<>();
        for (String mode : rows.stream().map(Row::mode).distinct().toList()) {
            List<Row> base = rows.stream().filter(r -> r.mode().equals(mode) && r.recipe().equals("none")).toList();
            if (base.isEmpty()) {
                continue;
            }
            Spread bp = Spread.of(base.stream().map(Row::meanProbe).toList());
            Spread bg = Spread.of(base.stream().map(Row::meanGap).toList());
            for (String recipe : rows.stream().filter(r -> r.mode().equals(mode)).map(Row::recipe).distinct().toList()) {
                if (recipe.equals("none")) {
                    continue;
                }
                List<Row> other = rows.stream().filter(r -> r.mode().equals(mode) && r.recipe().equals(recipe)).toList();
                Spread op = Spread.of(other.stream().map(Row::meanProbe).toList());
                Spread og = Spread.of(other.stream().map(Row::meanGap).toList());
                String dir = op.max() < bp.min() ? "lowered" : op.min() > bp.max() ? "raised" : "did not clearly change";
                out.add(String.format(Locale.ROOT,
                        "%s: %s %s trace sensitivity against none: mean processing-probe accuracy over the tasks %.1f%% (seeds %.1f-%.1f, n = %d) "
                                + "against %.1f%% (%.1f-%.1f, n = %d), %s; mean kNN gap %+.1f against %+.1f points%s.",
                        mode, recipe, dir, 100 * op.mean(), 100 * op.min(), 100 * op.max(), op.n(), 100 * bp.mean(), 100 * bp.min(), 100 * bp.max(),
                        bp.n(), dir.startsWith("did") ? "the seed ranges overlap" : "the seed ranges do not overlap", 100 * og.mean(), 100 * bg.mean(),
                        base.size() < 2 || other.size() < 2 ? " (one seed: no spread to judge by)" : ""));
            }
        }
        return out;
    }

    /** The markdown section, no run failed. */
    public static String markdown(List<Row> rows, String setup) {
        return markdown(rows, setup, List.of());
    }

    /** The markdown section; {@code failed}: the runs left out, each with why. */
    public static String markdown(List<Row> rows, String setup, List<String> failed) {
        String body = body(rows, setup);
        if (failed.isEmpty()) {
            return body;
        }
        StringBuilder sb = new StringBuilder(body).append("\nFailed runs, left out of every table above:\n\n");
        failed.forEach(f -> sb.append("- ").append(f).append('\n'));
        return sb.toString();
    }

    private static String body(List<Row> rows, String setup) {
        List<String> tasks = rows.isEmpty() ? List.of() : new ArrayList<>(rows.get(0).probes().keySet());
        List<String> knnTasks = rows.isEmpty() ? List.of() : new ArrayList<>(rows.get(0).knnGap().keySet());
        StringBuilder sb = new StringBuilder();
        sb.append("## CLIP trained with and without augmentation: trace sensitivity per mode and recipe\n\n");
        sb.append(setup).append("\n\n");
        if (rows.isEmpty()) {
            return sb.append("No run has finished yet.\n").toString();
        }
        for (String v : verdicts(rows)) {
            sb.append("- ").append(v).append('\n');
        }
        Row first = rows.get(0);
        sb.append("\nProcessing-probe accuracy in %, mean over seeds with the seed range (min-max); chance and probe test rows (n) in the header.\n\n");
        sb.append("| mode | recipe | seeds |");
        for (String t : tasks) {
            sb.append(' ').append(t).append(String.format(Locale.ROOT, " (chance %.1f, n = %d)", 100 * first.chance().get(t), first.probeN().get(t)))
                    .append(" |");
        }
        sb.append(" mean over tasks |\n|---|---|---|").append("---|".repeat(tasks.size() + 1)).append('\n');
        for (String g : groups(rows)) {
            List<Row> rs = rows.stream().filter(r -> r.group().equals(g)).toList();
            sb.append("| ").append(rs.get(0).mode()).append(" | ").append(rs.get(0).recipe()).append(" | ").append(rs.size()).append(" |");
            for (String t : tasks) {
                sb.append(' ').append(spread(rows, g, r -> r.probes().get(t)).pct()).append(" |");
            }
            sb.append(' ').append(spread(rows, g, Row::meanProbe).pct()).append(" |\n");
        }
        sb.append("\nkNN gap in points (pos-same minus neg-same accuracy; 0 = processing does not sway the neighbours), mean (min to max) over seeds; "
                + "queries (n) in the header:\n\n| mode | recipe |");
        for (String t : knnTasks) {
            sb.append(' ').append(t).append(" (n = ").append(first.knnQueries().get(t)).append(") |");
        }
        sb.append(" mean |\n|---|---|").append("---|".repeat(knnTasks.size() + 1)).append('\n');
        for (String g : groups(rows)) {
            List<Row> rs = rows.stream().filter(r -> r.group().equals(g)).toList();
            sb.append("| ").append(rs.get(0).mode()).append(" | ").append(rs.get(0).recipe()).append(" |");
            for (String t : knnTasks) {
                sb.append(' ').append(spread(rows, g, r -> r.knnGap().get(t)).signed()).append(" |");
            }
            sb.append(' ').append(spread(rows, g, Row::meanGap).signed()).append(" |\n");
        }
        sb.append("\nZero-shot retrieval on the test split in %, mean (min-max) over seeds; chance and queries (n) in the header:\n\n| mode | recipe |");
        for (String k : RECALL_KEYS) {
            sb.append(' ').append(k).append(String.format(Locale.ROOT, " (chance %.1f, n = %d)", 100 * first.recallChance().get(k), first.recallN().get(k)))
                    .append(" |");
        }
        sb.append("\n|---|---|").append("---|".repeat(RECALL_KEYS.size())).append('\n');
        for (String g : groups(rows)) {
            List<Row> rs = rows.stream().filter(r -> r.group().equals(g)).toList();
            sb.append("| ").append(rs.get(0).mode()).append(" | ").append(rs.get(0).recipe()).append(" |");
            for (String k : RECALL_KEYS) {
                sb.append(' ').append(spread(rows, g, r -> r.recall().get(k)).pct()).append(" |");
            }
            sb.append('\n');
        }
        List<String> zsTasks = new ArrayList<>(first.zeroShot().keySet());
        if (!zsTasks.isEmpty()) {
            sb.append("\nZero-shot trace readout in % (each run's text tower scores prompts naming each processing class, e.g. \"a heavily compressed "
                    + "photo\"; the study's question of whether the traces are nameable), mean (min-max) over seeds; chance and test rows (n) in the header:"
                    + "\n\n| mode | recipe |");
            for (String t : zsTasks) {
                sb.append(' ').append(t).append(String.format(Locale.ROOT, " (chance %.1f, n = %d)", 100 * first.zeroShotChance().get(t),
                        first.zeroShotN().get(t))).append(" |");
            }
            sb.append("\n|---|---|").append("---|".repeat(zsTasks.size())).append('\n');
            for (String g : groups(rows)) {
                List<Row> rs = rows.stream().filter(r -> r.group().equals(g)).toList();
                sb.append("| ").append(rs.get(0).mode()).append(" | ").append(rs.get(0).recipe()).append(" |");
                for (String t : zsTasks) {
                    sb.append(' ').append(spread(rows, g, r -> r.zeroShot().get(t)).pct()).append(" |");
                }
                sb.append('\n');
            }
        }
        sb.append("\nPer run:\n\n| mode | recipe | seed |");
        for (String t : tasks) {
            sb.append(' ').append(t).append(" |");
        }
        sb.append(" kNN gap (mean) | image->text R@5 | text->image R@5 | training time | started from |\n|---|---|---|")
                .append("---|".repeat(tasks.size())).append("---|---|---|---|---|\n");
        for (Row x : rows) {
            sb.append("| ").append(x.mode()).append(" | ").append(x.recipe()).append(" | ").append(x.seed()).append(" |");
            for (String t : tasks) {
                sb.append(' ').append(pct(x.probes().get(t))).append(" |");
            }
            sb.append(String.format(Locale.ROOT, " %+.1f | %s | %s | %.0f s | %s |%n", 100 * x.meanGap(), pct(x.recall().get("image->text R@5")),
                    pct(x.recall().get("text->image R@5")), x.trainSeconds(), x.init() == null ? "scratch" : x.init()));
        }
        return sb.toString();
    }

    private static String pct(Double v) {
        return v == null || v.isNaN() ? "n/a" : String.format(Locale.ROOT, "%.1f", 100 * v);
    }

    /** A row as a JSON-friendly map (snake_case keys, as every result document). */
    public static Map<String, Object> toMap(Row r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mode", r.mode());
        m.put("recipe", r.recipe());
        m.put("seed", r.seed());
        m.put("init", r.init());
        Map<String, Object> recall = new LinkedHashMap<>();
        for (String k : RECALL_KEYS) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("value", r.recall().get(k));
            x.put("chance", r.recallChance().get(k));
            x.put("n", r.recallN().get(k));
            recall.put(k, x);
        }
        m.put("zero_shot_recall", recall);
        m.put("probe_accuracy", r.probes());
        m.put("chance", r.chance());
        m.put("probe_test_rows", r.probeN());
        m.put("knn_gap", r.knnGap());
        m.put("knn_queries", r.knnQueries());
        Map<String, Object> zs = new LinkedHashMap<>();
        r.zeroShot().forEach((t, v) -> {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("value", v);
            x.put("chance", r.zeroShotChance().get(t));
            x.put("n", r.zeroShotN().get(t));
            zs.put(t, x);
        });
        m.put("zero_shot_trace_readout", zs);
        m.put("train_seconds", r.trainSeconds());
        return m;
    }

    /** Per (mode, recipe): the spread over seeds of every probe, kNN gap and recall figure. */
    static List<Map<String, Object>> summary(List<Row> rows) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String g : groups(rows)) {
            List<Row> rs = rows.stream().filter(r -> r.group().equals(g)).toList();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("mode", rs.get(0).mode());
            m.put("recipe", rs.get(0).recipe());
            Map<String, Object> probes = new LinkedHashMap<>();
            rs.get(0).probes().keySet().forEach(t -> probes.put(t, spread(rows, g, r -> r.probes().get(t)).toJson()));
            probes.put("mean over tasks", spread(rows, g, Row::meanProbe).toJson());
            m.put("probe_accuracy", probes);
            Map<String, Object> gaps = new LinkedHashMap<>();
            rs.get(0).knnGap().keySet().forEach(t -> gaps.put(t, spread(rows, g, r -> r.knnGap().get(t)).toJson()));
            gaps.put("mean over tasks", spread(rows, g, Row::meanGap).toJson());
            m.put("knn_gap", gaps);
            Map<String, Object> rec = new LinkedHashMap<>();
            RECALL_KEYS.forEach(k -> rec.put(k, spread(rows, g, r -> r.recall().get(k)).toJson()));
            m.put("zero_shot_recall", rec);
            Map<String, Object> zs = new LinkedHashMap<>();
            rs.get(0).zeroShot().keySet().forEach(t -> zs.put(t, spread(rows, g, r -> r.zeroShot().get(t)).toJson()));
            m.put("zero_shot_trace_readout", zs);
            out.add(m);
        }
        return out;
    }

    /**
     * The ablation as a result document ({@code experiment: ablation}, {@code parameters.objective: clip}): set-up,
     * towers, the images used, each run's figures under {@code metrics.runs}, the per (mode, recipe) spreads under
     * {@code metrics.summary}, the verdict sentences, libraries and provenance.
     */
    public static ResultDocument document(List<Row> rows, String setup, Map<String, Object> architecture, AblationReport.ImagesUsed train,
                                          AblationReport.ImagesUsed test, AblationReport.ImagesUsed probeImages, String classRule,
                                          List<String> failed, Map<String, String> libraries, List<String> knnSetups, Instant started, Instant updated) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("objective", "clip");
        params.put("knn_setups", knnSetups);
        params.put("class_rule", classRule);
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("runs", rows.stream().map(ClipAblationReport::toMap).toList());
        metrics.put("summary", summary(rows));
        metrics.put("verdicts", verdicts(rows));
        metrics.put("failed_runs", failed);
        return ResultDocument.builder("ablation")
                .field("setup", setup)
                .field("architecture", architecture)
                .field("train", trainJson(train, "source"))
                .field("test", trainJson(test, "source"))
                .field("probe_images", trainJson(probeImages, "name"))
                .parameters(params)
                .metrics(metrics)
                .field("libraries", libraries)
                .provenance(ArtifactProvenance.between(started, updated))
                .build();
    }

    private static Map<String, Object> trainJson(AblationReport.ImagesUsed u, String key) {
        return u.toJson(key);
    }

    /** One CSV row per run: mode, recipe, seed, each probe with chance and n, each kNN gap, each recall with chance and n. */
    public static ResultFiles.Table table(List<Row> rows) {
        if (rows.isEmpty()) {
            return new ResultFiles.Table(List.of("mode", "recipe", "seed", "train_seconds"), List.of());
        }
        List<String> tasks = new ArrayList<>(rows.get(0).probes().keySet());
        List<String> knn = new ArrayList<>(rows.get(0).knnGap().keySet());
        List<String> header = new ArrayList<>(List.of("mode", "recipe", "seed"));
        tasks.forEach(t -> header.addAll(List.of("probe_" + slug(t), "chance_" + slug(t), "n_" + slug(t))));
        knn.forEach(t -> header.addAll(List.of("knn_gap_" + slug(t), "knn_queries_" + slug(t))));
        RECALL_KEYS.forEach(k -> header.addAll(List.of(slug(k), "chance_" + slug(k), "n_" + slug(k))));
        header.add("train_seconds");
        List<List<?>> out = new ArrayList<>();
        for (Row r : rows) {
            List<Object> row = new ArrayList<>(List.of(r.mode(), r.recipe(), Long.toString(r.seed())));
            tasks.forEach(t -> row.addAll(List.of(String.valueOf(r.probes().get(t)), String.valueOf(r.chance().get(t)), String.valueOf(r.probeN().get(t)))));
            knn.forEach(t -> row.addAll(List.of(String.valueOf(r.knnGap().get(t)), String.valueOf(r.knnQueries().get(t)))));
            RECALL_KEYS.forEach(k -> row.addAll(List.of(String.valueOf(r.recall().get(k)), String.valueOf(r.recallChance().get(k)),
                    String.valueOf(r.recallN().get(k)))));
            row.add(Double.toString(r.trainSeconds()));
            out.add(row);
        }
        return new ResultFiles.Table(header, out);
    }

    private static String slug(String s) {
        return s.toLowerCase(Locale.ROOT).replace("->", "_to_").replace("@", "at").replaceAll("[^a-z0-9]+", "_").replaceAll("^_|_$", "");
    }
}
