package org.encodertraces.image;

/** Pillow's resampling filters, under the names Pillow gives them (Image.Resampling). */
public enum ResampleFilter {
    NEAREST, BOX, BILINEAR, HAMMING, BICUBIC, LANCZOS
}
