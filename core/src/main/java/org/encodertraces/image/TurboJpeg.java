package org.encodertraces.image;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.NativeLongByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * JPEG decoding and encoding through the system's libjpeg-turbo (Debian's {@code libturbojpeg0}:
 * {@code libturbojpeg.so.0}, the library build Debian's Pillow 9.4 links), called through JNA's
 * TurboJPEG C API. Pillow decodes with libjpeg's defaults (islow IDCT, fancy upsampling) and
 * encodes with the islow forward DCT, which is what TurboJPEG does with default decode flags and
 * {@code TJFLAG_ACCURATEDCT} on compress, so pixels and bytes are Pillow's, faster than the JDK.
 *
 * <p>Loaded by the versioned name, so the {@code -dev} package is not needed. When the library is
 * missing, {@link #available()} is false and {@link JpegBackend} falls back to the JDK codec.
 */
final class TurboJpeg {
    private static final int TJPF_RGB = 0;
    private static final int TJFLAG_ACCURATEDCT = 4096;
    /** tjGetErrorCode's TJERR_WARNING: the image was decoded, with a libjpeg warning. */
    private static final int TJERR_WARNING = 0;

    /** The C functions used, from libturbojpeg.so.0 (TurboJPEG API 2.0+). */
    interface Tj extends Library {
        Pointer tjInitDecompress();

        Pointer tjInitCompress();

        int tjDecompressHeader3(Pointer handle, byte[] buf, NativeLong size, IntByReference w, IntByReference h,
                IntByReference subsamp, IntByReference colorspace);

        int tjDecompress2(Pointer handle, byte[] buf, NativeLong size, byte[] dst, int width, int pitch, int height,
                int pixelFormat, int flags);

        int tjCompress2(Pointer handle, byte[] src, int width, int pitch, int height, int pixelFormat,
                PointerByReference jpegBuf, NativeLongByReference jpegSize, int subsamp, int quality, int flags);

        void tjFree(Pointer buf);

        int tjDestroy(Pointer handle);

        String tjGetErrorStr2(Pointer handle);

        int tjGetErrorCode(Pointer handle);
    }

    private static final Tj TJ;
    private static final String MISSING;
    /** One decompressor and one compressor per thread (handles are not thread-safe). */
    private static final ThreadLocal<Pointer> DECOMPRESSOR = ThreadLocal.withInitial(() -> init(true));
    private static final ThreadLocal<Pointer> COMPRESSOR = ThreadLocal.withInitial(() -> init(false));

    static {
        Tj t = null;
        String missing = null;
        try {
            t = Native.load("libturbojpeg.so.0", Tj.class);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            missing = firstReason(e.getMessage());
        }
        TJ = t;
        MISSING = missing;
    }

    private TurboJpeg() {
    }

    /** JNA's message lists every place it looked (the whole class path): keep the dlopen reason only. */
    private static String firstReason(String message) {
        if (message == null) {
            return "unknown reason";
        }
        String[] lines = message.split("\\R");
        return (lines.length > 1 ? lines[1] : lines[0]).trim();
    }

    private static Pointer init(boolean decompress) {
        Pointer p = decompress ? TJ.tjInitDecompress() : TJ.tjInitCompress();
        if (p == null) {
            throw new IllegalStateException("TurboJPEG could not create a " + (decompress ? "decompressor" : "compressor"));
        }
        return p;
    }

    /** Whether libturbojpeg.so.0 could be loaded. */
    static boolean available() {
        return TJ != null;
    }

    /** Why the library is not available (the loader's message), or null when it is. */
    static String unavailableReason() {
        return MISSING;
    }

    /** The codec's name for provenance. */
    static String codecName() {
        return "libjpeg-turbo TurboJPEG (system libturbojpeg.so.0, via JNA; islow DCT, fancy upsampling)";
    }

    /**
     * Decodes to RGB with libjpeg's defaults (as Pillow), or returns null when TurboJPEG cannot
     * read the header (unusual sampling factors): the caller then uses the JDK path. Size and
     * format checks are the caller's, done before this is called.
     */
    static RgbImage decode(byte[] jpeg, String name) throws ImageDecodeException {
        Pointer h = DECOMPRESSOR.get();
        IntByReference w = new IntByReference();
        IntByReference ht = new IntByReference();
        IntByReference sub = new IntByReference();
        IntByReference cs = new IntByReference();
        NativeLong size = new NativeLong(jpeg.length);
        if (TJ.tjDecompressHeader3(h, jpeg, size, w, ht, sub, cs) != 0) {
            return null;
        }
        int width = w.getValue();
        int height = ht.getValue();
        byte[] rgb = new byte[Math.multiplyExact(Math.multiplyExact(width, height), 3)];
        if (TJ.tjDecompress2(h, jpeg, size, rgb, width, width * 3, height, TJPF_RGB, 0) != 0) {
            String msg = TJ.tjGetErrorStr2(h);
            String lower = msg == null ? "" : msg.toLowerCase(java.util.Locale.ROOT);
            // the JDK path's rule: a warning (e.g. extraneous bytes) still yields Pillow's image;
            // data that ends early is refused, as Pillow does without LOAD_TRUNCATED_IMAGES
            if (lower.contains("premature end")) {
                throw new ImageDecodeException(name, "image file is truncated (" + msg + ")");
            }
            if (TJ.tjGetErrorCode(h) != TJERR_WARNING) {
                throw new ImageDecodeException(name, "cannot decode the JPEG: " + msg);
            }
        }
        return new RgbImage(width, height, rgb);
    }

    /** Encodes RGB pixels as Pillow's {@code save(quality=, subsampling=)} does (islow forward DCT). */
    static byte[] encode(RgbImage image, int quality, ChromaSubsampling s) {
        Pointer h = COMPRESSOR.get();
        PointerByReference buf = new PointerByReference();
        NativeLongByReference size = new NativeLongByReference();
        int tjSub = switch (s) {
            case S444 -> 0;
            case S422 -> 1;
            case S420 -> 2;
        };
        int rc = TJ.tjCompress2(h, image.data(), image.width(), image.width() * 3, image.height(), TJPF_RGB,
                buf, size, tjSub, quality, TJFLAG_ACCURATEDCT);
        Pointer out = buf.getValue();
        try {
            if (rc != 0) {
                throw new IllegalStateException("TurboJPEG encoding failed: " + TJ.tjGetErrorStr2(h));
            }
            return out.getByteArray(0, (int) size.getValue().longValue());
        } finally {
            if (out != null) {
                TJ.tjFree(out);
            }
        }
    }
}
