package org.encodertraces.report;

import org.encodertraces.encoder.EncoderFamily;

/**
 * The family an encoder is reported under: the study's three groups plus {@code REF} for the
 * built-in forensic reference encoders, which are shown as a yardstick rather than a contestant.
 */
public enum EncoderGroup {
    /** Contrastive vision-language (CLIP, OpenCLIP, SigLIP). */
    CVL,
    /** Supervised classification pre-training. */
    SUP,
    /** Self-supervised. */
    SSL,
    /** A model given by file whose training the tool does not know. */
    OTHER,
    /** A forensic or low-level reference encoder (ids such as {@code builtin:jpeg-forensic}). */
    REF;

    /** The report group of a registry family. */
    public static EncoderGroup of(EncoderFamily family) {
        return switch (family) {
            case CVL -> CVL;
            case SUP -> SUP;
            case SSL -> SSL;
            case REF -> REF;
            case OTHER -> OTHER;
        };
    }
}
