package org.encodertraces.audit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.encodertraces.data.Dataset;
import org.encodertraces.data.ExifDataset;
import org.encodertraces.data.SplitBuilder;
import org.encodertraces.data.SplitFile;
import org.encodertraces.embed.EmbeddingSet;
import org.encodertraces.probe.AcquisitionProbe;
import org.encodertraces.probe.FlickrExifSplit;
import org.encodertraces.probe.ProbeResult;

/**
 * The acquisition part of an audit: for every EXIF attribute of the FlickrExif benchmark that
 * the dataset labels, a linear probe on a class-balanced split built as the study built its
 * splits (classes with at least {@code minPerClass} photos, equal val and test counts per
 * class), on the unprocessed photos and on their masked version. An attribute without two
 * such classes is skipped with a note that says how many photos and classes it had.
 */
final class AcquisitionStage {
    /** One attribute's probe, plain or masked. */
    record AttributeProbe(String attribute, boolean masked, ProbeResult result) {
    }

    private AcquisitionStage() {
    }

    /** Attributes with at least two classes of {@code minPerClass} photos. */
    static List<String> qualifying(Dataset ds, int minPerClass, List<String> notes) {
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
                notes.add("acquisition probe '" + attr + "' skipped: " + labelled + " photos labelled, " + big + " class(es) with at least "
                        + minPerClass + " photos (2 needed)");
            }
        }
        return out;
    }

    static String maskOp(AuditConfig cfg) {
        return "MASK_" + cfg.maskPercent();
    }

    static void plan(Dataset ds, AuditConfig cfg, Set<String> ops, List<Audit.Step> steps, List<String> notes) {
        boolean any = ds.labelTensors().stream().anyMatch(ExifDataset.ATTRIBUTES::contains);
        if (!any) {
            notes.add("acquisition probes skipped: the dataset carries no EXIF labels (give a folder of camera photos, e.g. exif:DIR)");
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
        for (String a : attrs) {
            steps.add(new Audit.Step("acquisition", a, "predict the photo's " + a + " from its embedding"
                    + (cfg.maskPercent() > 0 ? ", also with " + cfg.maskPercent() + "% of the crop masked" : "")));
        }
    }

    static List<AttributeProbe> run(Dataset ds, AuditConfig cfg, Map<String, EmbeddingSet> sets, Audit.Listener listener, String model,
            List<String> notes) {
        List<String> attrs = qualifying(ds, cfg.minPerClass(), null);
        List<AttributeProbe> out = new ArrayList<>();
        if (attrs.isEmpty()) {
            return out;
        }
        List<String> splitIds = ExifDataset.splitIds(ds);
        Map<String, String> toSplitId = new HashMap<>();
        for (int i = 0; i < ds.samples().size(); i++) {
            toSplitId.put(ds.samples().get(i).id(), splitIds.get(i));
        }
        int perClass = Math.max(2, cfg.minPerClass() / 5);
        for (String attr : attrs) {
            SplitFile split = SplitBuilder.build(attr, ExifDataset.labelStrings(ds, attr),
                    new SplitBuilder.Options(cfg.minPerClass(), perClass, perClass, cfg.seed(), true));
            FlickrExifSplit fes = new FlickrExifSplit(attr, split.classes(), part(split.trainIds(), split.trainLabels()),
                    part(split.valIds(), split.valLabels()), part(split.testIds(), split.testLabels()));
            List<String> variants = new ArrayList<>(List.of("IDENTITY"));
            if (cfg.maskPercent() > 0) {
                variants.add(maskOp(cfg));
            }
            for (String op : variants) {
                EmbeddingSet set = sets.get(op);
                if (set == null) {
                    continue;
                }
                listener.stage(model + ": acquisition probe " + attr + (op.equals("IDENTITY") ? "" : " (" + op + ")"));
                float[][] x = new float[set.rows()][];
                List<String> rowIds = new ArrayList<>();
                for (int i = 0; i < set.rows(); i++) {
                    x[i] = set.row(i);
                    rowIds.add(toSplitId.getOrDefault(set.ids().get(i), set.ids().get(i)));
                }
                ProbeResult r = new AcquisitionProbe(cfg.probe().protocol() == org.encodertraces.rng.Protocol.STUDY
                        ? cfg.probe().withSearchSeed(org.encodertraces.probe.ProbeConfig.STUDY_ACQUISITION_SEARCH_SEED) : cfg.probe())
                        .run(x, rowIds, fes);
                out.add(new AttributeProbe(attr, !op.equals("IDENTITY"), r));
            }
        }
        return out;
    }

    private static FlickrExifSplit.Part part(List<String> ids, List<Integer> labels) {
        return new FlickrExifSplit.Part(ids, labels.stream().mapToInt(Integer::intValue).toArray());
    }
}
