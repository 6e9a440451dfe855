package org.encodertraces.result;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The kinds of result document and how each one's body is read: which key holds its per-class
 * figures and which of its metrics are its headline figures (each with n and chance).
 *
 * <p>The {@code experiment} field decides the kind. The audit names each of its probe documents
 * after the probe's task (written so since the audit existed, kept so its files read as before);
 * such a document is a probe by its body ({@code metrics.accuracy_mean}).
 */
public enum ResultKind {
    /** A linear probe ({@code traces probe}, the audit's probes). */
    PROBE("probe", "per_class"),
    /** kNN under controlled processing ({@code traces knn}, the audit's). */
    KNN("knn", "per_class_accuracy"),
    /** PairCams-style pair retrieval ({@code traces retrieval}, the audit's). */
    RETRIEVAL("retrieval", null),
    /** An eraser's before/after evaluation ({@code traces erase evaluate}). */
    ERASURE_EVALUATION("erasure-evaluation", null),
    /** The audit's measurements after erasure. */
    AFTER_ERASURE("after-erasure", null),
    /** The audit's near-duplicate groups. */
    NEAR_DUPLICATES("near-duplicates", null),
    /** {@code traces dedup-check}: processed copies retrieving their originals, per operation. */
    DEDUP_CHECK("dedup-check", null),
    /** The training module's augmentation ablation. */
    ABLATION("ablation", null),
    /** The processing probes and kNN gap at every depth of an encoder ({@code traces audit --layers}). */
    LAYERS("layers", null),
    /** A kind this version does not know (written by a later one): listed, with no figures. */
    OTHER(null, null);

    /**
     * The name of a kNN document's gap figure (pos-same minus neg-same accuracy): a difference, not a
     * share, whose interval the report combines from the two accuracies'.
     */
    public static final String KNN_GAP = "kNN gap (pos-same minus neg-same)";

    /** Top-level keys every kind shares. */
    static final String INPUTS = "inputs";
    static final String PARAMETERS = "parameters";
    static final String METRICS = "metrics";
    static final String PROVENANCE = "provenance";

    private final String id;
    private final String perClassKey;

    ResultKind(String id, String perClassKey) {
        this.id = id;
        this.perClassKey = perClassKey;
    }

    /** The {@code experiment} value of this kind (null for {@link #OTHER}). */
    public String id() {
        return id;
    }

    /** The key of the per-class figures, or null when the kind has none. */
    public String perClassKey() {
        return perClassKey;
    }

    /** The kind of a document: by its {@code experiment} value, else a probe by its body, else {@link #OTHER}. */
    public static ResultKind of(ResultDocument d) {
        for (ResultKind k : values()) {
            if (k.id != null && k.id.equals(d.experiment())) {
                return k;
            }
        }
        JsonNode m = d.field(METRICS);
        if (m != null && m.isObject() && m.has("accuracy_mean")) {
            return PROBE;
        }
        return OTHER;
    }

    /** The document's headline figures. */
    List<Figure> figures(ResultDocument d) {
        List<Figure> out = new ArrayList<>();
        JsonNode m = d.metrics();
        switch (this) {
            case PROBE -> {
                Integer n = whole(m, "test_size");
                Double chance = num(m, "chance");
                out.add(new Figure("accuracy", num(m, "accuracy_mean"), num(m, "accuracy_std"), n, chance));
                if (m.has("mean_per_class_accuracy")) {
                    out.add(new Figure("mean per-class accuracy", num(m, "mean_per_class_accuracy"), null, n, chance));
                }
            }
            case KNN -> {
                Integer n = whole(m, "queries");
                Double chance = num(m, "chance");
                for (Iterator<Map.Entry<String, JsonNode>> it = m.path("accuracy").fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    out.add(new Figure("accuracy " + e.getKey(), value(e.getValue()), null, n, chance));
                }
                if (m.has("gap_pos_minus_neg")) {
                    out.add(new Figure(KNN_GAP, num(m, "gap_pos_minus_neg"), null, n, 0.0, false));
                }
            }
            case RETRIEVAL -> {
                Integer subjects = whole(d.parameters(), "subjects");
                for (JsonNode r : m.path("recall")) {
                    int k = r.path("k").asInt();
                    Double chance = subjects == null || subjects < 1 ? null : Math.min(1.0, k / (double) subjects);
                    out.add(new Figure("recall@" + k + " " + r.path("negatives").asText() + " " + r.path("query_class").asText(),
                            value(r.get("recall")), null, whole(r, "queries"), chance));
                }
            }
            case ERASURE_EVALUATION -> {
                JsonNode test = d.field("eval_test_images");
                Integer n = test != null && test.isIntegralNumber() ? test.intValue() : null;
                for (JsonNode x : m) {
                    String name = x.path("name").asText();
                    Double chance = num(x, "chance");
                    boolean share = !name.contains("gap");
                    out.add(new Figure(name + " before erasure", num(x, "before_mean"), num(x, "before_std"), n, chance, share));
                    out.add(new Figure(name + " after erasure", num(x, "after_mean"), num(x, "after_std"), n, chance, share));
                }
            }
            case DEDUP_CHECK -> {
                for (JsonNode op : m.path("operations")) {
                    String o = op.path("operation").asText();
                    share(out, "recall@1 " + o, op.path("recall_at_1"), num(op, "chance_at_1"));
                    share(out, "recall@5 " + o, op.path("recall_at_5"), num(op, "chance_at_5"));
                    share(out, "missed at the threshold (held out) " + o, op.path("threshold").path("miss_rate"), null);
                    share(out, "false alarms at the threshold (held out) " + o, op.path("threshold").path("false_alarm_rate"), null);
                    share(out, "outranked by another photo's processed copy " + o, op.path("outranked_by_processed"), null);
                }
            }
            case ABLATION -> {
                // before the one document the runs stood at the top level with camelCase keys
                JsonNode runs = m.has("runs") ? m.path("runs") : d.toJson().path("runs");
                for (JsonNode run : runs) {
                    // a CLIP ablation's runs have a mode (scratch, finetune), probe n, and zero-shot recall in place of a test accuracy
                    String who = (run.has("mode") ? run.path("mode").asText() + " " : "") + run.path("recipe").asText() + " seed " + run.path("seed").asText();
                    if (run.has("test_accuracy") || run.has("testAccuracy")) {
                        out.add(new Figure("semantic test accuracy, " + who, run.has("test_accuracy") ? num(run, "test_accuracy")
                                : num(run, "testAccuracy"), null, null, null));
                    }
                    JsonNode probes = run.has("probe_accuracy") ? run.path("probe_accuracy") : run.path("probeAccuracy");
                    for (Iterator<Map.Entry<String, JsonNode>> it = probes.fields(); it.hasNext(); ) {
                        Map.Entry<String, JsonNode> e = it.next();
                        out.add(new Figure("probe " + e.getKey() + ", " + who, value(e.getValue()), null, whole(run.path("probe_test_rows"), e.getKey()),
                                num(run.path("chance"), e.getKey())));
                    }
                    for (Iterator<Map.Entry<String, JsonNode>> it = run.path("zero_shot_recall").fields(); it.hasNext(); ) {
                        Map.Entry<String, JsonNode> e = it.next();
                        out.add(new Figure("zero-shot " + e.getKey() + ", " + who, num(e.getValue(), "value"), null, whole(e.getValue(), "n"),
                                num(e.getValue(), "chance")));
                    }
                    for (Iterator<Map.Entry<String, JsonNode>> it = run.path("zero_shot_trace_readout").fields(); it.hasNext(); ) {
                        Map.Entry<String, JsonNode> e = it.next();
                        out.add(new Figure("zero-shot readout " + e.getKey() + ", " + who, num(e.getValue(), "value"), null, whole(e.getValue(), "n"),
                                num(e.getValue(), "chance")));
                    }
                }
            }
            case LAYERS -> {
                for (JsonNode p : m) {
                    String at = p.path("task").asText() + " at depth " + p.path("depth").asText() + " (" + p.path("tensor").asText() + ")";
                    out.add(new Figure("probe " + at, num(p, "accuracy"), num(p, "accuracy_std"), whole(p, "test_rows"), num(p, "chance")));
                    if (p.has("knn_gap")) {
                        out.add(new Figure("kNN gap " + at, num(p, "knn_gap"), null, whole(p, "knn_queries"), null, false));
                    }
                }
            }
            default -> {
            }
        }
        return out;
    }

    /** A share recorded as {@code {value, count, n, interval}}. */
    private static void share(List<Figure> out, String name, JsonNode f, Double chance) {
        if (f.isObject()) {
            out.add(new Figure(name, num(f, "value"), null, whole(f, "n"), chance));
        }
    }

    private static Double value(JsonNode v) {
        return v != null && v.isNumber() ? v.doubleValue() : null;
    }

    private static Double num(JsonNode o, String key) {
        return value(o.get(key));
    }

    private static Integer whole(JsonNode o, String key) {
        JsonNode v = o.get(key);
        return v != null && v.isIntegralNumber() && v.canConvertToInt() ? v.intValue() : null;
    }
}
