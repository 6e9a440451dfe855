package org.encodertraces.encoder;

import org.encodertraces.image.Resampler;
import org.encodertraces.image.RgbImage;

/**
 * Applies a {@link PreprocessSpec} exactly as torchvision 0.14 on a PIL image does:
 * {@code Resize} (shorter side to the size with {@code int(size * long / short)} for the other
 * side, or both sides for squash; Pillow's antialiased resampling), {@code CenterCrop} (offsets
 * {@code int(round((n - crop) / 2.0))}, rounding half to even), then {@code ToTensor} and
 * {@code Normalize} in float32 with the same operation order, so tensors match bit for bit.
 */
public final class Preprocessor {
    private Preprocessor() {
    }

    /** The resized and centre-cropped image, before any after-crop processing and normalisation. */
    public static RgbImage resizeAndCrop(RgbImage in, PreprocessSpec spec) {
        if (spec.resizeMode() == PreprocessSpec.ResizeMode.NONE) {
            return gridAlignedCrop(in, spec.cropSize());
        }
        int w = in.width();
        int h = in.height();
        int nw;
        int nh;
        if (spec.resizeMode() == PreprocessSpec.ResizeMode.SQUASH) {
            nw = spec.resizeSize();
            nh = spec.resizeSize();
        } else {
            int s = spec.resizeSize();
            int shortSide = Math.min(w, h);
            int longSide = Math.max(w, h);
            int newLong = (int) ((double) ((long) s * longSide) / shortSide);
            nw = w <= h ? s : newLong;
            nh = w <= h ? newLong : s;
        }
        if (!spec.antialias()) {
            throw new IllegalArgumentException("only antialiased (Pillow) resizing is implemented; the spec asks for antialias=false");
        }
        int crop = spec.cropSize();
        if (nw < crop || nh < crop) {
            throw new IllegalArgumentException("resized image " + nw + "x" + nh + " is smaller than the crop " + crop);
        }
        int top = (int) Math.rint((nh - crop) / 2.0);
        int left = (int) Math.rint((nw - crop) / 2.0);
        if (nw == w && nh == h) {
            return top == 0 && left == 0 && w == crop && h == crop ? in : in.crop(left, top, crop, crop);
        }
        // resize then crop, computing only the pixels the crop keeps (bit-identical)
        return Resampler.resizeAndCrop(in, nw, nh, spec.filter(), left, top, crop, crop);
    }

    /** Centre crop with offsets rounded down to multiples of 8, black padding when the image is smaller. */
    static RgbImage gridAlignedCrop(RgbImage in, int crop) {
        int left = Math.max(0, (in.width() - crop) / 2) / 8 * 8;
        int top = Math.max(0, (in.height() - crop) / 2) / 8 * 8;
        if (in.width() >= crop && in.height() >= crop) {
            return in.crop(left, top, crop, crop);
        }
        RgbImage out = RgbImage.black(crop, crop);
        int w = Math.min(crop, in.width());
        int h = Math.min(crop, in.height());
        for (int y = 0; y < h; y++) {
            System.arraycopy(in.data(), ((top + y) * in.width() + left) * 3, out.data(), y * crop * 3, w * 3);
        }
        return out;
    }

    /**
     * Writes the normalised tensor of a cropped image (cropSize x cropSize) into {@code dst}
     * at {@code offset}, in the spec's layout and channel order.
     */
    public static void writeTensor(RgbImage cropped, PreprocessSpec spec, float[] dst, int offset) {
        int n = spec.cropSize();
        if (cropped.width() != n || cropped.height() != n) {
            throw new IllegalArgumentException("expected a " + n + "x" + n + " image, got " + cropped.width() + "x" + cropped.height());
        }
        // torchvision: img.float().div(255) then sub_(mean).div_(std), all float32
        boolean div255 = spec.scale() == 1.0 / 255.0;
        float scale = (float) spec.scale();
        float[] mean = new float[3];
        float[] std = new float[3];
        for (int c = 0; c < 3; c++) {
            mean[c] = spec.mean().get(c).floatValue();
            std[c] = spec.std().get(c).floatValue();
        }
        float[] lut = new float[256 * 3];
        for (int c = 0; c < 3; c++) {
            for (int p = 0; p < 256; p++) {
                float x = div255 ? p / 255f : p * scale;
                lut[c * 256 + p] = (x - mean[c]) / std[c];
            }
        }
        boolean bgr = spec.channelOrder() == PreprocessSpec.ChannelOrder.BGR;
        byte[] d = cropped.data();
        int plane = n * n;
        if (spec.layout() == PreprocessSpec.Layout.NCHW) {
            for (int c = 0; c < 3; c++) {
                int src = bgr ? 2 - c : c;
                int o = offset + c * plane;
                for (int i = 0; i < plane; i++) {
                    dst[o + i] = lut[src * 256 + (d[3 * i + src] & 0xFF)];
                }
            }
        } else {
            for (int i = 0; i < plane; i++) {
                for (int c = 0; c < 3; c++) {
                    int src = bgr ? 2 - c : c;
                    dst[offset + 3 * i + c] = lut[src * 256 + (d[3 * i + src] & 0xFF)];
                }
            }
        }
    }

    /** Convenience: the whole tensor of one image (no after-crop processing). */
    public static float[] tensor(RgbImage in, PreprocessSpec spec) {
        float[] out = new float[3 * spec.cropSize() * spec.cropSize()];
        writeTensor(resizeAndCrop(in, spec), spec, out, 0);
        return out;
    }
}
