package org.encodertraces.process;

import org.encodertraces.image.RgbImage;

/**
 * How strongly an operation changed an image's pixels: mean absolute difference and PSNR against
 * the unprocessed image (same size only; resizing operations are compared after nothing, so
 * they report size change instead). Used by the demo to show that each trace is small to the
 * eye yet present in the pixels.
 */
public record TraceStrength(double meanAbsDiff, double psnrDb, int width, int height) {

    /** Compares a processed image to its original; PSNR is NaN when sizes differ, infinite when identical. */
    public static TraceStrength of(RgbImage original, RgbImage processed) {
        if (original.width() != processed.width() || original.height() != processed.height()) {
            return new TraceStrength(Double.NaN, Double.NaN, processed.width(), processed.height());
        }
        byte[] a = original.data();
        byte[] b = processed.data();
        long abs = 0;
        long sq = 0;
        for (int i = 0; i < a.length; i++) {
            int d = (a[i] & 0xFF) - (b[i] & 0xFF);
            abs += Math.abs(d);
            sq += (long) d * d;
        }
        double mse = (double) sq / a.length;
        double psnr = mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255.0 * 255.0 / mse);
        return new TraceStrength((double) abs / a.length, psnr, processed.width(), processed.height());
    }
}
