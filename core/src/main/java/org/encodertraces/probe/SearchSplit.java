package org.encodertraces.probe;

import java.util.List;
import org.encodertraces.rng.Protocol;
import org.encodertraces.rng.PythonRandom;

/**
 * The validation split of a hyper-parameter search, chosen so that a small training set still gets
 * one: the study's own split ({@link StratifiedSplit#study}) under {@link Protocol#STUDY} wherever it
 * can be formed, exactly; otherwise (a class with a single training row, which the study's split
 * cannot take) the {@link StratifiedSplit#fallback} split with a note saying why, in the user's
 * words. Under {@link Protocol#ROBUST} the order-free {@link StratifiedSplit#of}, and the fallback
 * when that leaves no validation row.
 *
 * @param split the split
 * @param note  why the fallback was used, or null
 */
record SearchSplit(StratifiedSplit split, String note) {
    /**
     * Chooses the split of training labels {@code y} in [0, k).
     *
     * @param classWord what a class is, for messages: "processing operation", "class"
     */
    static SearchSplit of(int[] y, int k, ProbeConfig cfg, List<String> classNames, String classWord) {
        StratifiedSplit sp = null;
        String note = null;
        if (cfg.protocol() == Protocol.STUDY) {
            int single = StratifiedSplit.studySingleton(y);
            if (single < 0) {
                return new SearchSplit(StratifiedSplit.study(y, cfg.valFraction(), new PythonRandom(cfg.searchSeed())), null);
            }
            note = "the study's validation split for the hyper-parameter search cannot be formed: " + classWord + " "
                    + name(classNames, single) + " has 1 of the " + y.length + " training images (the study's split needs 0 or at least"
                    + " 2 per " + classWord + "); the search used a stratified split that keeps such single images in training"
                    + " (seed " + cfg.searchSeed() + "); the final fits are the study's";
        } else {
            sp = StratifiedSplit.of(y, k, cfg.valFraction(), cfg.searchSeed());
            if (sp.val().length > 0) {
                return new SearchSplit(sp, null);
            }
            note = "the order-free validation split leaves no validation image on " + y.length + " training images; the search"
                    + " used a stratified split giving one image of each " + classWord + " with at least 2 to validation";
        }
        sp = StratifiedSplit.fallback(y, k, cfg.valFraction(), cfg.searchSeed());
        if (sp.val().length == 0 || sp.train().length == 0) {
            throw new IllegalArgumentException("the hyper-parameter search needs a validation image, but no " + classWord + " has 2 of the "
                    + y.length + " training images: give more images, or fix the hyper-parameters (--C, or --lr and --wd)");
        }
        return new SearchSplit(sp, note);
    }

    private static String name(List<String> names, int c) {
        return names != null && c >= 0 && c < names.size() ? names.get(c) : Integer.toString(c);
    }
}
