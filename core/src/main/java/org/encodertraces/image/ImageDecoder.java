package org.encodertraces.image;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Decodes image files to the 8-bit RGB raster that Pillow 9.4's
 * {@code Image.open(path).convert("RGB")} produces, which is what the study fed its encoders.
 *
 * <p>JPEG goes through the JDK's IJG libjpeg (islow IDCT, fancy upsampling, the same as the
 * libjpeg-turbo Pillow links) reading raw components, and the colour conversion is done here
 * with libjpeg's integer tables and Pillow's CMYK rules. WebP goes through the system's libwebp
 * ({@link LibWebp}, TwelveMonkeys when it is missing), BMP through our port of Pillow's plugin
 * ({@link BmpDecoder}); PNG, GIF and TIFF through ImageIO readers after Pillow's own checks
 * ({@link PngChunks}, {@link TiffRules}), mapped to RGB by Pillow's rules: alpha dropped without
 * compositing, 16-bit samples reduced to their high byte, 16-bit gray clipped at 255 (Pillow's
 * "I" to "RGB" conversion), palettes looked up. The EXIF orientation of JPEG, PNG and WebP is
 * recorded, never applied; TIFF pages are turned upright by their Orientation tag, as Pillow
 * does. Sizes are checked against a pixel limit from the header alone (for GIF, the first frame's
 * extent), before the pixels are allocated. Every file Pillow 9.4 refuses in its own test corpus
 * is refused here too (CorpusParityTest).
 *
 * <p>This class is the one entry point: it identifies the format from the first bytes (never from
 * the file name) and hands the file to that format's decoder ({@link JpegDecoder}, {@link PngDecoder},
 * {@link GifDecoder}, {@link BmpDecoder}, {@link TiffDecoder}, {@link WebpDecoder}), each held to the
 * same pixel limit and orientation rule ({@link DecodeContext}).
 */
public final class ImageDecoder {
    static {
        ImageIoCache.off(); // no imageio*.tmp spool files (see ImageIoCache)
    }

    /** Pillow's default refusal threshold: twice {@code Image.MAX_IMAGE_PIXELS} (89,478,485). */
    public static final long PILLOW_MAX_PIXELS = 2L * 89_478_485L;

    private final DecodeContext context;
    private final boolean useLibWebp;
    private final JpegBackend jpegBackend;

    /** A decoder with Pillow's default pixel limit that records EXIF orientation. */
    public ImageDecoder() {
        this(PILLOW_MAX_PIXELS, true);
    }

    /**
     * @param maxPixels images with more pixels (width times height, from the header) are refused
     * @param readOrientation whether to parse EXIF for the orientation tag (costs a metadata pass)
     */
    public ImageDecoder(long maxPixels, boolean readOrientation) {
        this(maxPixels, readOrientation, true);
    }

    /**
     * @param useLibWebp decode WebP with the system's libwebp when it is installed (Pillow's
     *     pixels); false forces the TwelveMonkeys fallback (lossy output a few levels off)
     */
    public ImageDecoder(long maxPixels, boolean readOrientation, boolean useLibWebp) {
        this(maxPixels, readOrientation, useLibWebp, JpegBackend.selected());
    }

    /**
     * @param jpegBackend the codec for 8-bit Huffman YCbCr and greyscale JPEG (see {@link JpegBackend});
     *     CMYK, YCCK, Adobe RGB and unusual sampling factors always take the JDK path
     * @throws IllegalArgumentException when the backend cannot run on this machine
     */
    public ImageDecoder(long maxPixels, boolean readOrientation, boolean useLibWebp, JpegBackend jpegBackend) {
        if (!jpegBackend.available()) {
            throw new IllegalArgumentException("JPEG codec " + jpegBackend + " is not available: " + JpegBackend.turboJpegUnavailableReason());
        }
        this.jpegBackend = jpegBackend;
        if (maxPixels <= 0) {
            throw new IllegalArgumentException("pixel limit must be positive: " + maxPixels);
        }
        this.context = new DecodeContext(maxPixels, readOrientation);
        this.useLibWebp = useLibWebp;
    }

    public long maxPixels() {
        return context.maxPixels();
    }

    /** Decodes a file; the error names the file and the reason. */
    public DecodedImage decode(Path file) throws ImageDecodeException {
        byte[] bytes;
        try {
            bytes = org.encodertraces.io.FileBytes.read(file);
        } catch (IOException e) {
            throw new ImageDecodeException(file.toString(), org.encodertraces.io.FileProblems.describe(file, e), e);
        }
        return decode(bytes, file.toString());
    }

    /** Decodes in-memory file bytes; {@code name} is used in error messages. */
    public DecodedImage decode(byte[] bytes, String name) throws ImageDecodeException {
        String format = sniff(bytes, name);
        try {
            return switch (format) {
                case "JPEG" -> JpegDecoder.decode(bytes, name, context, jpegBackend);
                case "PNG" -> PngDecoder.decode(bytes, name, context);
                case "GIF" -> GifDecoder.decode(bytes, name, context);
                case "BMP", "DIB" -> BmpDecoder.decode(bytes, name, format.equals("DIB"), (w, h) -> context.checkSize(name, w, h));
                case "TIFF" -> TiffDecoder.decode(bytes, name, context);
                case "WEBP" -> WebpDecoder.decode(bytes, name, context, useLibWebp);
                default -> ImageIoDecoder.decode(bytes, name, format, context, null, true);
            };
        } catch (ImageDecodeException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new ImageDecodeException(name, "corrupt or unsupported " + format + " data: " + reason(e), e);
        }
    }

    /**
     * A readable reason from an ImageIO failure: the JDK's readers wrap the real cause in
     * messages such as "Caught exception during read: " (with an empty reason), "Error reading
     * PNG metadata" or "I/O error reading PNG header!", so the cause chain is spelt out.
     */
    static String reason(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String top = e.getMessage() == null ? "" : e.getMessage().trim();
        String what;
        if (root instanceof java.io.EOFException) {
            what = "the file ends early (truncated)";
        } else if (root instanceof java.util.zip.ZipException || root instanceof java.util.zip.DataFormatException) {
            what = "the compressed image data is corrupt (zlib: " + (root.getMessage() == null ? "invalid stream" : root.getMessage()) + ")";
        } else if (root.getMessage() != null && !root.getMessage().isBlank()) {
            what = root.getMessage().trim();
        } else {
            what = root.getClass().getSimpleName();
        }
        if (root == e || top.isEmpty()) {
            return what;
        }
        String where;
        if (top.startsWith("Caught exception during read")) {
            where = "reading the pixels";
        } else if (top.startsWith("Error reading PNG metadata")) {
            where = "reading the chunks before the image data";
        } else if (top.startsWith("I/O error reading PNG header")) {
            where = "reading the IHDR header";
        } else {
            where = top.replaceAll("[!.:]+$", "");
        }
        return where + ": " + what;
    }

    /** Identifies the container format from the first bytes, like Pillow does (never from the extension). */
    static String sniff(byte[] b, String name) throws ImageDecodeException {
        if (b.length == 0) {
            throw new ImageDecodeException(name, "empty file");
        }
        if (b.length >= 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8 && (b[2] & 0xFF) == 0xFF) {
            return "JPEG";
        }
        if (DecodeContext.startsWith(b, 0, new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'})) {
            return "PNG";
        }
        if (DecodeContext.startsWith(b, 0, "GIF87a".getBytes()) || DecodeContext.startsWith(b, 0, "GIF89a".getBytes())) {
            return "GIF";
        }
        if (DecodeContext.startsWith(b, 0, "BM".getBytes())) {
            return "BMP";
        }
        if (DecodeContext.startsWith(b, 0, new byte[] {'I', 'I', 42, 0}) || DecodeContext.startsWith(b, 0, new byte[] {'M', 'M', 0, 42})) {
            return "TIFF";
        }
        if (DecodeContext.startsWith(b, 0, "RIFF".getBytes()) && DecodeContext.startsWith(b, 8, "WEBP".getBytes())) {
            return "WEBP";
        }
        if (b.length >= 12 && DecodeContext.startsWith(b, 4, "ftyp".getBytes())) {
            String brand = new String(b, 8, 4, java.nio.charset.StandardCharsets.US_ASCII);
            if (brand.startsWith("hei") || brand.startsWith("hev") || brand.equals("mif1") || brand.equals("msf1")
                    || brand.startsWith("avi")) {
                throw new ImageDecodeException(name, "HEIC/HEIF/AVIF image (brand '" + brand.trim()
                        + "') is not supported: convert it to JPEG or PNG first (Pillow 9.4 cannot open it either)");
            }
            throw new ImageDecodeException(name, "ISO media file (brand '" + brand.trim() + "') is not an image format we read");
        }
        if (BmpDecoder.isDib(b)) {
            return "DIB";
        }
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < Math.min(8, b.length); i++) {
            hex.append(String.format("%02x", b[i] & 0xFF));
        }
        throw new ImageDecodeException(name, "unrecognised image format (first bytes " + hex + ")");
    }

    /**
     * The codec used for JPEG by decoders built with the default ({@link JpegBackend#selected()}),
     * for provenance; CMYK, YCCK and Adobe RGB files always go through the JDK's codec.
     */
    public static String jpegCodecName() {
        return JpegDecoder.codecName();
    }

    /**
     * The codec that decodes WebP here: libwebp when the system has it (as Pillow), otherwise the
     * TwelveMonkeys reader, whose lossy output differs from libwebp's by a few levels.
     */
    public static String webpCodecName() {
        return WebpDecoder.codecName();
    }

    /** Every decoder's name in one line, for provenance. */
    public static String decoderDescription() {
        return "Pillow-compatible (JPEG: " + jpegCodecName() + "; WebP: " + webpCodecName()
                + "; BMP, PNG chunk rules: ours after Pillow 9.4; other formats: JDK ImageIO)";
    }
}
