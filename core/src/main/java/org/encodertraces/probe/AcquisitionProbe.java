package org.encodertraces.probe;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The study's acquisition-prediction protocol: labels and train/val/test ids from a
 * {@link FlickrExifSplit}, embeddings from one matrix whose rows are named by an id list;
 * search on val, refit on train + val, evaluate on test. Split ids without an embedding row are
 * left out and counted in the result's notes (the run does not die on a few missing photos).
 */
public final class AcquisitionProbe {
    private final LinearProbe probe;

    /** An acquisition probe with the given settings. */
    public AcquisitionProbe(ProbeConfig config) {
        this.probe = new LinearProbe(config);
    }

    /** Runs the protocol; {@code rowIds.get(i)} is the photo id of {@code x[i]}. */
    public ProbeResult run(float[][] x, List<String> rowIds, FlickrExifSplit split) {
        if (x.length != rowIds.size()) {
            throw new IllegalArgumentException(x.length + " embedding rows but " + rowIds.size() + " ids");
        }
        Map<String, Integer> row = new HashMap<>();
        for (int i = 0; i < rowIds.size(); i++) {
            if (row.put(rowIds.get(i), i) != null) {
                throw new IllegalArgumentException("id " + rowIds.get(i) + " names more than one embedding row");
            }
        }
        List<String> notes = new ArrayList<>();
        Picked tr = pick(x, row, split.train(), "train", notes);
        Picked va = pick(x, row, split.val(), "val", notes);
        Picked te = pick(x, row, split.test(), "test", notes);
        if (tr.x.length == 0 || te.x.length == 0 || (va.x.length == 0 && !split.val().ids().isEmpty())) {
            throw new IllegalArgumentException("no embeddings for the split's ids (train " + tr.x.length + ", val " + va.x.length
                    + ", test " + te.x.length + " found): do the embedding set's ids match the split's photo ids?");
        }
        ProbeResult r;
        if (va.x.length == 0) {
            // a split with no validation part (a grouped split whose groups left none): the search holds out part of train
            notes.add("the split has no validation photos: the search validated on a stratified " + Math.round(100 * probe.config().valFraction())
                    + "% of the training photos");
            r = probe.run(split.targetAttribute(), split.classes(), tr.x, tr.y, te.x, te.y);
        } else {
            r = probe.run(split.targetAttribute(), split.classes(), tr.x, tr.y, va.x, va.y, te.x, te.y);
        }
        return new ProbeResult(r.task(), r.classNames(), r.config(), r.metrics(), r.repeats(), r.accuracyMean(), r.accuracyStd(),
                r.bestParams(), r.trials(), r.trainSize(), r.searchTrainSize(), r.valSize(), r.testSize(), notes);
    }

    private record Picked(float[][] x, int[] y) {
    }

    private static Picked pick(float[][] x, Map<String, Integer> row, FlickrExifSplit.Part part, String name, List<String> notes) {
        List<float[]> xs = new ArrayList<>();
        List<Integer> ys = new ArrayList<>();
        int missing = 0;
        for (int i = 0; i < part.ids().size(); i++) {
            Integer r = row.get(part.ids().get(i));
            if (r == null) {
                missing++;
            } else {
                xs.add(x[r]);
                ys.add(part.labels()[i]);
            }
        }
        if (missing > 0) {
            notes.add(missing + " of " + part.ids().size() + " " + name + " ids have no embedding row and were left out");
        }
        return new Picked(xs.toArray(new float[0][]), ys.stream().mapToInt(Integer::intValue).toArray());
    }
}
