package org.encodertraces.audit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.encodertraces.data.AcquisitionSplit;
import org.encodertraces.data.Dataset;
import org.encodertraces.data.ExifDataset;
import org.encodertraces.data.SplitBuilder;
import org.encodertraces.data.SplitFile;
import org.encodertraces.data.SplitGroups;
import org.encodertraces.data.SplitRules;
import org.encodertraces.embed.EmbeddingSet;
import org.encodertraces.exif.FlickrExifLabels;
import org.encodertraces.probe.AcquisitionProbe;
import org.encodertraces.probe.FlickrExifSplit;
import org.encodertraces.probe.ProbeConfig;
import org.encodertraces.probe.ProbeResult;
import org.encodertraces.report.Note;
import org.encodertraces.rng.Protocol;

/**
 * The acquisition part of an audit: for every EXIF attribute of the FlickrExif benchmark that
 * the dataset labels, a linear probe on a class-balanced split built as the study built its
 * splits (classes with at least {@code minPerClass} photos, equal counts per class), sized by the
 * data ({@link SplitBuilder.Options#sized}: the audit's test fraction of the smallest class goes to
 * test), on the unprocessed photos and on their masked version. Photos that must stay together
 * (near-duplicates, the user's groups: {@link SplitGroups}) are kept on one side of the split; where
 * a split that ignored them would put a test photo beside its near-duplicate, that split's figure
 * is measured too, named {@code <attribute> (ungrouped)}, for contrast. An attribute without two
 * such classes is skipped with a note that says how many photos and classes it had.
 */
final class AcquisitionStage {
    /** Appended to an attribute's name for the contrast probe on a split that ignores the groups. */
    static final String UNGROUPED = org.encodertraces.report.ProbeRow.UNGROUPED;

    /** One attribute's probe, plain or masked. */
    record AttributeProbe(String attribute, boolean masked, ProbeResult result) {
    }

    /**
     * The splits of one attribute.
     *
     * @param attribute the attribute
     * @param split     the split measured: groups kept together where there are any
     * @param ungrouped the split that ignores the groups, when it would leak; else null
     * @param leaking   test photos of {@code ungrouped} with a photo of their group in its training or validation part
     * @param how       how the split was made, in words
     */
    record Splits(String attribute, SplitFile split, SplitFile ungrouped, List<String> leaking, String how) {
    }

    private AcquisitionStage() {
    }

    /** Attributes with at least two classes of {@code minPerClass} photos. */
    static List<String> qualifying(Dataset ds, int minPerClass, List<Note> notes) {
        List<String> out = new ArrayList<>();
        for (String attr : ExifDataset.ATTRIBUTES) {
            if (!ds.labelTensors().contains(attr) || !ds.labelNames().containsKey(attr)) {
                continue;
            }
            Map<String, Integer> counts = new TreeMap<>();
            ExifDataset.labelStrings(ds, attr).values().forEach(v -> counts.merge(v, 1, Integer::sum));
            long big = counts.values().stream().filter(c -> c >= minPerClass).count();
            int labelled = counts.values().stream().mapToInt(Integer::intValue).sum();
            if (big >= 2) {
                out.add(attr);
            } else if (notes != null) {
                notes.add(Note.acquisition("acquisition probe '" + attr + "' skipped: " + labelled + " photos labelled, " + big
                        + " class(es) with at least " + minPerClass + " photos (2 needed)"));
            }
        }
        return out;
    }

    static String maskOp(AuditConfig cfg) {
        return "MASK_" + cfg.maskPercent();
    }

    static void plan(Dataset ds, AuditConfig cfg, Set<String> ops, List<Audit.Step> steps, List<Note> notes) {
        boolean any = ds.labelTensors().stream().anyMatch(ExifDataset.ATTRIBUTES::contains);
        if (!any) {
            notes.add(Note.acquisition("acquisition probes skipped: the dataset carries no EXIF labels (give a folder of camera photos, e.g. exif:DIR)"));
            return;
        }
        List<String> attrs = qualifying(ds, cfg.minPerClass(), notes);
        if (attrs.isEmpty()) {
            return;
        }
        ops.add("IDENTITY");
        if (cfg.maskPercent() > 0) {
            ops.add(maskOp(cfg));
        }
        if (cfg.grouping().groupBy() != null) {
            cfg.grouping().groupBy().groups(ds); // a label the dataset lacks is refused here, before any work
        }
        for (String a : attrs) {
            Map<String, String> labels = ExifDataset.labelStrings(ds, a);
            String size;
            try {
                SplitBuilder.Options o = sizes(labels, cfg);
                long classes = classCounts(labels).values().stream().filter(c -> c >= cfg.minPerClass()).count();
                size = ", tested on about " + classes * o.testPerClass() + " photos (" + o.testPerClass() + " per class)";
            } catch (IllegalArgumentException e) {
                size = "";
            }
            steps.add(new Audit.Step("acquisition", a, "predict the photo's " + a + " from its embedding"
                    + (cfg.maskPercent() > 0 ? ", also with " + cfg.maskPercent() + "% of the crop masked" : "") + size));
            String differs = labelSetNote(a, classCounts(labels), cfg.minPerClass());
            if (differs != null) {
                notes.add(Note.acquisition(differs));
            }
        }
        if (cfg.grouping().nearDuplicates() || cfg.grouping().groupBy() != null) {
            steps.add(new Audit.Step("grouping", "acquisition splits", "keep " + cfg.grouping().describe() + " on one side of every"
                    + " acquisition split" + (cfg.grouping().nearDuplicates() ? " (every photo is decoded once more to find them)" : "")));
        }
    }

    /** The split sizes of an attribute: the audit's test fraction of the smallest class, the probe's validation fraction of the rest. */
    static SplitBuilder.Options sizes(Map<String, String> labels, AuditConfig cfg) {
        return SplitBuilder.Options.sized(labels, cfg.minPerClass(), cfg.testFraction(), cfg.probe().valFraction(), cfg.seed());
    }

    private static Map<String, Integer> classCounts(Map<String, String> labels) {
        Map<String, Integer> counts = new TreeMap<>();
        labels.values().forEach(v -> counts.merge(v, 1, Integer::sum));
        return counts;
    }

    /**
     * A note when the classes probed here differ from the study's FlickrExif classes of the
     * attribute (their number, hence chance), so that the study's range is not read against our
     * chance line as if the two were the same task; null when they have as many classes.
     */
    static String labelSetNote(String attribute, Map<String, Integer> counts, int minPerClass) {
        Integer study = FlickrExifLabels.STUDY_CLASS_COUNTS.get(attribute);
        if (study == null) {
            return null;
        }
        List<String> kept = counts.entrySet().stream().filter(e -> e.getValue() >= minPerClass).map(Map.Entry::getKey).toList();
        String makers = "";
        if (attribute.equals("Make")) {
            java.util.Set<String> here = new java.util.TreeSet<>();
            kept.forEach(k -> here.add(org.encodertraces.exif.MakeLabels.normalise(k)));
            List<String> notThere = here.stream().filter(m -> !FlickrExifLabels.STUDY_MAKES.contains(m)).toList();
            List<String> missing = FlickrExifLabels.STUDY_MAKES.stream().filter(m -> !here.contains(m)).toList();
            if (kept.size() == study && notThere.isEmpty()) {
                return null;
            }
            makers = "; " + (notThere.isEmpty() ? "" : "not among the study's makes: " + String.join(", ", notThere) + "; ")
                    + (missing.isEmpty() ? "every make of the study is here" : "the study's makes missing here: " + String.join(", ", missing));
        } else if (kept.size() == study) {
            return null;
        }
        List<String> shown = kept.size() <= 6 ? kept : kept.subList(0, 6);
        return String.format(Locale.ROOT, "acquisition probe '%s': %d classes here (%s%s) against %d in the study's FlickrExif split, so"
                        + " chance is %.1f%% here and %.1f%% there: the study's range is drawn for orientation, not as the same task"
                        + " (classes with fewer than %d photos here are left out; the study kept its %d most frequent%s)",
                attribute, kept.size(), String.join(", ", shown), kept.size() > shown.size() ? ", ..." : "", study, 100.0 / kept.size(),
                100.0 / study, minPerClass, study, makers);
    }

    /**
     * The split of every qualifying attribute, with the groups of {@code groups} (keyed by sample id)
     * kept together; what a reader should know about each goes to {@code notes}.
     */
    static Map<String, Splits> splits(Dataset ds, AuditConfig cfg, SplitRules rules, List<Note> notes) {
        Map<String, Splits> out = new LinkedHashMap<>();
        List<String> attrs = qualifying(ds, cfg.minPerClass(), null);
        if (attrs.isEmpty()) {
            return out;
        }
        List<String> splitIds = ExifDataset.splitIds(ds);
        Map<String, String> toSplitId = new HashMap<>();
        for (int i = 0; i < ds.samples().size(); i++) {
            toSplitId.put(ds.samples().get(i).id(), splitIds.get(i));
        }
        SplitRules r = rules.mapIds(toSplitId::get);
        SplitGroups g = r.together();
        for (String attr : attrs) {
            Map<String, String> labels = ExifDataset.labelStrings(ds, attr);
            List<String> why = new ArrayList<>();
            AcquisitionSplit a;
            try {
                a = AcquisitionSplit.of(attr, labels, cfg.minPerClass(), cfg.testFraction(), cfg.probe().valFraction(), cfg.seed(), g,
                        r.nearDuplicates(), why);
            } catch (IllegalArgumentException e) {
                why.forEach(w -> notes.add(Note.acquisition("acquisition probe '" + attr + "': " + w)));
                notes.add(Note.acquisition("acquisition probe '" + attr + "' skipped: " + e.getMessage()));
                continue;
            }
            why.forEach(w -> notes.add(Note.acquisition("acquisition probe '" + attr + "': " + w)));
            String sized = a.split().testIds().size() + " test photos (" + a.sizes().testPerClass() + " per class: "
                    + Math.round(100 * cfg.testFraction()) + "% of the smallest class's " + a.smallestClass() + ")"
                    + (a.collapsed() > 0 ? ", each near-duplicate group counted once (" + a.collapsed() + " test photos left out)" : "");
            if (a.ungrouped() == null) {
                out.put(attr, new Splits(attr, a.split(), null, List.of(), "split sized by the data: " + sized
                        + (g.restrictTo(labels.keySet()).isEmpty() ? "" : "; every group of " + cfg.grouping().describe()
                        + " on one side")));
                continue;
            }
            String how = "split keeping " + cfg.grouping().describe() + " together: " + a.split().testIds().size() + " test photos"
                    + (a.collapsed() > 0 ? ", each near-duplicate group counted once (" + a.collapsed() + " test photos left out)" : "");
            notes.add(Note.acquisition("acquisition probe '" + attr + "': a plain split would put " + a.leaking().size() + " of its "
                    + a.ungrouped().testIds().size() + " test photos beside a photo of their group in training; the figure is on a split"
                    + " that keeps groups together (" + a.split().testIds().size() + " test photos" + (a.collapsed() > 0
                    ? ", a near-duplicate group counted once" : "") + "), and '" + attr + UNGROUPED + "' on the plain split, for"
                    + " contrast only"));
            out.put(attr, new Splits(attr, a.split(), a.ungrouped(), a.leaking(), how));
        }
        return out;
    }

    static List<AttributeProbe> run(Dataset ds, AuditConfig cfg, Map<String, EmbeddingSet> sets, Audit.Listener listener, String model,
            List<Note> notes, SplitRules rules) {
        List<AttributeProbe> out = new ArrayList<>();
        Map<String, Splits> splits = splits(ds, cfg, rules, new ArrayList<>());
        if (splits.isEmpty()) {
            return out;
        }
        List<String> splitIds = ExifDataset.splitIds(ds);
        Map<String, String> toSplitId = new HashMap<>();
        for (int i = 0; i < ds.samples().size(); i++) {
            toSplitId.put(ds.samples().get(i).id(), splitIds.get(i));
        }
        ProbeConfig pc = cfg.probe().protocol() == Protocol.STUDY ? cfg.probe().withSearchSeed(ProbeConfig.STUDY_ACQUISITION_SEARCH_SEED)
                : cfg.probe();
        for (Splits s : splits.values()) {
            List<String> variants = new ArrayList<>(List.of("IDENTITY"));
            if (cfg.maskPercent() > 0) {
                variants.add(maskOp(cfg));
            }
            for (String op : variants) {
                EmbeddingSet set = sets.get(op);
                if (set == null) {
                    continue;
                }
                String attr = s.attribute();
                listener.stage(model + ": acquisition probe " + attr + (op.equals("IDENTITY") ? "" : " (" + op + ")"));
                float[][] x = new float[set.rows()][];
                List<String> rowIds = new ArrayList<>();
                for (int i = 0; i < set.rows(); i++) {
                    x[i] = set.row(i);
                    rowIds.add(toSplitId.getOrDefault(set.ids().get(i), set.ids().get(i)));
                }
                ProbeResult r = new AcquisitionProbe(pc).run(x, rowIds, FlickrExifSplit.of(s.split()));
                out.add(new AttributeProbe(attr, !op.equals("IDENTITY"), withNote(r, s.how())));
                if (s.ungrouped() != null && op.equals("IDENTITY")) {
                    listener.stage(model + ": acquisition probe " + attr + UNGROUPED);
                    ProbeResult u = new AcquisitionProbe(pc).run(x, rowIds, FlickrExifSplit.of(s.ungrouped()));
                    out.add(new AttributeProbe(attr + UNGROUPED, false, withNote(u, "contrast only: a split that ignores the groups; "
                            + s.leaking().size() + " of its test photos have a photo of their group in training")));
                }
            }
        }
        return out;
    }

    private static ProbeResult withNote(ProbeResult r, String note) {
        List<String> notes = new ArrayList<>(r.notes());
        notes.add(0, note);
        return new ProbeResult(r.task(), r.classNames(), r.config(), r.metrics(), r.repeats(), r.accuracyMean(), r.accuracyStd(),
                r.bestParams(), r.trials(), r.trainSize(), r.searchTrainSize(), r.valSize(), r.testSize(), notes);
    }
}
