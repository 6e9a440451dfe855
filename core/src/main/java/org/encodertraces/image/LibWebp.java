package org.encodertraces.image;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * WebP decoding through the system's libwebp (Debian's {@code libwebp7}: {@code libwebp.so.7}
 * and {@code libwebpdemux.so.2}, the libraries Debian's Pillow links), called through JNA the
 * way Pillow 9.4's {@code _webp.c} calls it: the animation decoder in {@code MODE_RGBA} without
 * threads, whose first frame is what {@code Image.open(f).convert("RGB")} keeps. So lossy WebP
 * gives Pillow's pixels exactly, which no Java VP8 decoder does.
 *
 * <p>When the libraries are not installed, {@link #available()} is false and the decoder falls
 * back to the TwelveMonkeys reader (see {@link ImageDecoder}); the codec that ran is named in
 * each {@link DecodedImage}.
 */
final class LibWebp {
    /** libwebp's WEBP_DECODER_ABI_VERSION and WEBP_DEMUX_ABI_VERSION of the 1.x series (only the major byte is checked). */
    private static final int DECODER_ABI = 0x0209;
    private static final int DEMUX_ABI = 0x0107;
    private static final int MODE_RGBA = 1;

    /** The C functions used, from libwebp.so.7. */
    interface Webp extends Library {
        int WebPGetDecoderVersion();

        int WebPGetFeaturesInternal(Pointer data, long size, Pointer features, int version);
    }

    /** The C functions used, from libwebpdemux.so.2. */
    interface Demux extends Library {
        int WebPAnimDecoderOptionsInitInternal(Pointer options, int version);

        Pointer WebPAnimDecoderNewInternal(Pointer webpData, Pointer options, int version);

        int WebPAnimDecoderGetInfo(Pointer decoder, Pointer info);

        int WebPAnimDecoderGetNext(Pointer decoder, PointerByReference buf, IntByReference timestamp);

        void WebPAnimDecoderDelete(Pointer decoder);
    }

    private static final Webp WEBP;
    private static final Demux DEMUX;
    private static final String VERSION;
    private static final String MISSING;

    static {
        Webp w = null;
        Demux d = null;
        String version = null;
        String missing = null;
        try {
            w = Native.load("libwebp.so.7", Webp.class);
            d = Native.load("libwebpdemux.so.2", Demux.class);
            int v = w.WebPGetDecoderVersion();
            version = (v >> 16) + "." + ((v >> 8) & 0xFF) + "." + (v & 0xFF);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            w = null;
            d = null;
            missing = e.getMessage();
        }
        WEBP = w;
        DEMUX = d;
        VERSION = version;
        MISSING = missing;
    }

    private LibWebp() {
    }

    /** Whether libwebp could be loaded. */
    static boolean available() {
        return DEMUX != null;
    }

    /** Why libwebp is not available (the loader's message), or null when it is. */
    static String unavailableReason() {
        return MISSING;
    }

    /** The codec's name for provenance, e.g. "libwebp 1.2.4 (system, via JNA)". */
    static String codecName() {
        return "libwebp " + VERSION + " (system library, via JNA)";
    }

    /** Decoded first frame: canvas size, Pillow's mode ("RGB" or "RGBA"), RGB bytes. */
    record Frame(int width, int height, String mode, byte[] rgb) {
    }

    /**
     * Decodes the first frame as Pillow does.
     *
     * @param sizeCheck called with the canvas size before the pixels are decoded
     */
    static Frame decode(byte[] file, String name, BmpDecoder.SizeCheck sizeCheck) throws ImageDecodeException {
        Memory data = new Memory(Math.max(1, file.length));
        data.write(0, file, 0, file.length);
        Memory features = new Memory(64);
        features.clear();
        if (WEBP.WebPGetFeaturesInternal(data, file.length, features, DECODER_ABI) != 0) {
            throw new ImageDecodeException(name, "corrupt WebP data: libwebp cannot read its header");
        }
        boolean alpha = features.getInt(8) != 0;
        Memory webpData = new Memory(16);
        webpData.setPointer(0, data);
        webpData.setLong(8, file.length);
        Memory options = new Memory(64);
        options.clear();
        if (DEMUX.WebPAnimDecoderOptionsInitInternal(options, DEMUX_ABI) == 0) {
            throw new IllegalStateException("libwebp refused its own ABI version");
        }
        options.setInt(0, MODE_RGBA);
        options.setInt(4, 0); // use_threads
        Pointer dec = DEMUX.WebPAnimDecoderNewInternal(webpData, options, DEMUX_ABI);
        if (dec == null) {
            throw new ImageDecodeException(name, "corrupt WebP data: libwebp could not create a decoder for it");
        }
        try {
            Memory info = new Memory(64);
            info.clear();
            if (DEMUX.WebPAnimDecoderGetInfo(dec, info) == 0) {
                throw new ImageDecodeException(name, "corrupt WebP data: libwebp cannot read the canvas");
            }
            int w = info.getInt(0);
            int h = info.getInt(4);
            sizeCheck.check(Integer.toUnsignedLong(w), Integer.toUnsignedLong(h));
            PointerByReference buf = new PointerByReference();
            IntByReference ts = new IntByReference();
            if (DEMUX.WebPAnimDecoderGetNext(dec, buf, ts) == 0) {
                throw new ImageDecodeException(name, "corrupt WebP data: failed to decode the first frame");
            }
            byte[] rgba = buf.getValue().getByteArray(0, Math.multiplyExact(Math.multiplyExact(w, h), 4));
            byte[] rgb = new byte[w * h * 3];
            for (int i = 0, o = 0; i < rgba.length; i += 4, o += 3) {
                rgb[o] = rgba[i];
                rgb[o + 1] = rgba[i + 1];
                rgb[o + 2] = rgba[i + 2];
            }
            return new Frame(w, h, alpha ? "RGBA" : "RGB", rgb);
        } finally {
            DEMUX.WebPAnimDecoderDelete(dec);
            java.lang.ref.Reference.reachabilityFence(data); // the decoder reads the bytes in place
        }
    }
}
