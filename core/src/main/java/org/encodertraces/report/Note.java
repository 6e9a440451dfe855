package org.encodertraces.report;

import java.util.Objects;

/**
 * One remark a reader of the report must see (what was skipped and why, what was left out, what
 * differs from the study), with the part of the report it is about. The code that makes the remark
 * names that part, so a note lands under its own experiment whatever words it uses.
 *
 * @param section the part of the report the note belongs to
 * @param text the remark, one line of plain text
 */
public record Note(Section section, String text) {
    /** The part of a report a note is about; {@link #GENERAL} notes head the page. */
    public enum Section {
        /** The run as a whole: the dataset, failed images, what was not run at all. */
        GENERAL,
        /** The processing probes (JPEG, sharpening, resizing, interpolation, masked variants). */
        PROCESSING,
        /** The acquisition probes (EXIF attributes) and their splits. */
        ACQUISITION,
        /** kNN influence under the five processing set-ups. */
        KNN,
        /** Phone/camera pair retrieval. */
        RETRIEVAL,
        /** The "after erasure" measurements. */
        ERASURE,
        /** The dataset audit: trace labels against the semantic class. */
        AUDIT,
        /** The trace curves over the encoder's depth ({@code audit --layers}). */
        LAYERS
    }

    /** Validates. */
    public Note {
        Objects.requireNonNull(section, "note section");
        Objects.requireNonNull(text, "note text");
    }

    /** A note about the run as a whole. */
    public static Note general(String text) {
        return new Note(Section.GENERAL, text);
    }

    /** A note about the processing probes. */
    public static Note processing(String text) {
        return new Note(Section.PROCESSING, text);
    }

    /** A note about the acquisition probes. */
    public static Note acquisition(String text) {
        return new Note(Section.ACQUISITION, text);
    }

    /** A note about kNN influence. */
    public static Note knn(String text) {
        return new Note(Section.KNN, text);
    }

    /** A note about pair retrieval. */
    public static Note retrieval(String text) {
        return new Note(Section.RETRIEVAL, text);
    }

    /** A note about the "after erasure" measurements. */
    public static Note erasure(String text) {
        return new Note(Section.ERASURE, text);
    }

    /** A note about the dataset audit. */
    public static Note audit(String text) {
        return new Note(Section.AUDIT, text);
    }

    /** A note about the trace curves over depth. */
    public static Note layers(String text) {
        return new Note(Section.LAYERS, text);
    }

    /** The same note with {@code prefix} before its text (such as the model it was made on), in the same section. */
    public Note prefixed(String prefix) {
        return new Note(section, prefix + text);
    }

    /** The text, so that a list of notes prints as the lines a reader sees. */
    @Override
    public String toString() {
        return text;
    }
}
