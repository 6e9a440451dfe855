package org.encodertraces.rng;

import java.util.Locale;

/**
 * Which random draws, splits and search seeds an experiment uses. {@code STUDY} reproduces the
 * study's code (numpy's {@code default_rng(seed).choice} for processing draws, Python's
 * {@code random.shuffle} after {@code random.seed(22)} for the per-class validation hold-out,
 * search seed 22 for processing and 42 for acquisition), so the same embeddings give the same
 * numbers. {@code ROBUST} is this project's earlier protocol: the kNN uniform draw of image i is
 * a hash of (seed, i) (no draw depends on the number or order of the other images, so a database
 * can grow or be sharded without changing the images already in it), probe draws and splits come
 * from {@code SplittableRandom}, and the search uses the base seed.
 */
public enum Protocol {
    STUDY, ROBUST;

    /** Parses "study" or "robust" (any case). */
    public static Protocol parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown protocol '" + s + "' (study, robust)");
        }
    }

    /** The lower-case name results record. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
