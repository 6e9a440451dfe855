package org.encodertraces.report;

/** Whether a probe task reads a processing trace (applied by us) or an acquisition trace (from EXIF). */
public enum ProbeKind {
    /** JPEG, sharpening, resizing, interpolation: applied to the images, labels known by construction. */
    PROCESSING,
    /** Make, model, phone vs camera, exposure, ...: read from each photo's EXIF. */
    ACQUISITION
}
