package org.encodertraces.image;

import com.drew.imaging.ImageMetadataReader;
import com.drew.metadata.Metadata;
import com.drew.metadata.exif.ExifIFD0Directory;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DirectColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicReference;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.w3c.dom.NodeList;

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
 */
public final class ImageDecoder {
    static {
        ImageIoCache.off(); // no imageio*.tmp spool files (see ImageIoCache)
    }

    /** Pillow's default refusal threshold: twice {@code Image.MAX_IMAGE_PIXELS} (89,478,485). */
    public static final long PILLOW_MAX_PIXELS = 2L * 89_478_485L;

    private static final String JDK_JPEG = "JDK ImageIO JPEG (IJG libjpeg 6b)";
    private static final String IMAGEIO = "JDK ImageIO";

    private final long maxPixels;
    private final boolean readOrientation;
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
        this.maxPixels = maxPixels;
        this.readOrientation = readOrientation;
        this.useLibWebp = useLibWebp;
    }

    public long maxPixels() {
        return maxPixels;
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
                case "JPEG" -> decodeJpeg(bytes, name);
                case "GIF" -> decodeGif(bytes, name);
                case "PNG" -> {
                    PngChunks.Header png = PngChunks.check(bytes, name);
                    yield decodeGeneric(bytes, name, format, png, null);
                }
                case "TIFF" -> {
                    TiffRules.Info tiff = TiffRules.check(bytes, name);
                    DecodedImage d = decodeGeneric(bytes, name, format, null, tiff);
                    // Pillow turns TIFF pages upright on load (unlike JPEG's EXIF orientation, which it leaves)
                    yield tiff.orientation() >= 2 && tiff.orientation() <= 8
                            ? new DecodedImage(TiffRules.orient(d.image(), tiff.orientation()), d.format(), d.sourceMode(),
                                    d.detail() + ", Orientation " + tiff.orientation() + " applied", 0, d.codec())
                            : d;
                }
                case "WEBP" -> useLibWebp && LibWebp.available() ? decodeWebp(bytes, name) : decodeGeneric(bytes, name, format, null, null);
                case "BMP", "DIB" -> BmpDecoder.decode(bytes, name, format.equals("DIB"), (w, h) -> checkSize(name, w, h));
                default -> decodeGeneric(bytes, name, format, null, null);
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
        if (startsWith(b, 0, new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'})) {
            return "PNG";
        }
        if (startsWith(b, 0, "GIF87a".getBytes()) || startsWith(b, 0, "GIF89a".getBytes())) {
            return "GIF";
        }
        if (startsWith(b, 0, "BM".getBytes())) {
            return "BMP";
        }
        if (startsWith(b, 0, new byte[] {'I', 'I', 42, 0}) || startsWith(b, 0, new byte[] {'M', 'M', 0, 42})) {
            return "TIFF";
        }
        if (startsWith(b, 0, "RIFF".getBytes()) && startsWith(b, 8, "WEBP".getBytes())) {
            return "WEBP";
        }
        if (b.length >= 12 && startsWith(b, 4, "ftyp".getBytes())) {
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

    private static boolean startsWith(byte[] b, int off, byte[] prefix) {
        if (b.length < off + prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[off + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private void checkSize(String name, long w, long h) throws ImageDecodeException {
        if (w <= 0 || h <= 0) {
            throw new ImageDecodeException(name, "invalid image size " + w + "x" + h);
        }
        if (w * h > maxPixels) {
            throw new ImageDecodeException(name, "image size " + w + "x" + h + " (" + (w * h)
                    + " pixels) exceeds the limit of " + maxPixels + " pixels: possible decompression bomb");
        }
    }

    private int orientation(byte[] bytes) {
        if (!readOrientation) {
            return 0;
        }
        try {
            Metadata md = ImageMetadataReader.readMetadata(new ByteArrayInputStream(bytes), bytes.length);
            ExifIFD0Directory d = md.getFirstDirectoryOfType(ExifIFD0Directory.class);
            if (d != null && d.containsTag(ExifIFD0Directory.TAG_ORIENTATION)) {
                int o = d.getInt(ExifIFD0Directory.TAG_ORIENTATION);
                return o >= 1 && o <= 8 ? o : 0;
            }
        } catch (Exception | StackOverflowError e) {
            // malformed metadata never stops decoding: orientation is unknown
        }
        return 0;
    }

    // ---------------------------------------------------------------- JPEG

    private DecodedImage decodeJpeg(byte[] bytes, String name) throws IOException {
        // One rule with `traces exif`: the marker stream must be complete from SOI to EOI, so a
        // JPEG missing only its EOI marker is refused (as Pillow does with LOAD_TRUNCATED_IMAGES off)
        JpegQuantization.parse(bytes, name);
        checkExifHeader(bytes, name);
        JpegHeader header;
        try {
            header = JpegHeader.parse(bytes);
        } catch (IllegalArgumentException e) {
            throw new ImageDecodeException(name, e.getMessage());
        }
        checkSize(name, header.width(), header.height());
        if (!header.isHuffmanDct()) {
            throw new ImageDecodeException(name, header.frameName() + " JPEG is not supported by the JDK's JPEG codec");
        }
        if (header.precision() != 8) {
            throw new ImageDecodeException(name, header.precision() + "-bit JPEG is not supported (8-bit only)");
        }
        int n = header.components().size();
        if (n != 1 && n != 3 && n != 4) {
            throw new ImageDecodeException(name, "JPEG with " + n + " components is not supported");
        }
        String cs = header.colorSpace();
        String detail = header.frameName() + " " + header.subsampling() + " " + cs;
        if (jpegBackend == JpegBackend.TURBOJPEG && (n == 1 || cs.equals("YCbCr"))) {
            RgbImage rgb = TurboJpeg.decode(bytes, name);
            if (rgb != null) {
                return new DecodedImage(rgb, "JPEG", n == 1 ? "L" : "RGB", detail, orientation(bytes), TurboJpeg.codecName());
            }
        }
        Raster raster;
        try {
            raster = readJpegRaster(bytes, name);
        } catch (javax.imageio.IIOException e) {
            if (e.getMessage() == null || !e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("icc profile")) {
                throw e;
            }
            // the JDK's reader rejects ICC segments it cannot assemble (e.g. placed after the frame
            // header); libjpeg and Pillow ignore them, and no ICC profile changes our pixels anyway
            raster = readJpegRaster(withoutIccSegments(bytes), name);
        }
        RgbImage rgb = JpegColor.toRgb(raster, cs);
        String mode = switch (n) {
            case 1 -> "L";
            case 4 -> "CMYK";
            default -> "RGB";
        };
        return new DecodedImage(rgb, "JPEG", mode, detail, orientation(bytes), JDK_JPEG);
    }

    /**
     * Pillow's JPEG plugin parses the EXIF segment's TIFF header while opening (to find a DPI when
     * no JFIF density is given) and fails to identify the file when that header is cut short.
     */
    private static void checkExifHeader(byte[] b, String name) throws ImageDecodeException {
        boolean dpi = false;
        int pos = 2;
        while (pos + 4 <= b.length && (b[pos] & 0xFF) == 0xFF) {
            int marker = b[pos + 1] & 0xFF;
            if (marker == 0xDA || marker == 0xD9) {
                return;
            }
            int len = ((b[pos + 2] & 0xFF) << 8) | (b[pos + 3] & 0xFF);
            int s = pos + 4;
            int e = Math.min(b.length, pos + 2 + len);
            if (marker == 0xE0 && e - s >= 12 && startsWith(b, s, "JFIF".getBytes()) && (b[s + 7] & 0xFF) == 1) {
                dpi = true;
            }
            if (marker == 0xE1 && !dpi && e - s >= 5 && startsWith(b, s, new byte[] {'E', 'x', 'i', 'f', 0})) {
                int d = startsWith(b, s, new byte[] {'E', 'x', 'i', 'f', 0, 0}) ? s + 6 : s;
                boolean tiff = e - d >= 2 && ((b[d] == 'I' && b[d + 1] == 'I') || (b[d] == 'M' && b[d + 1] == 'M'));
                if (tiff && e - d < 8) {
                    throw new ImageDecodeException(name, "cannot identify the JPEG: its EXIF segment's TIFF header is truncated ("
                            + (e - d) + " of 8 bytes)");
                }
                return; // Pillow reads the first EXIF segment once
            }
            pos += 2 + len;
        }
    }

    private static Raster readJpegRaster(byte[] bytes, String name) throws IOException {
        try (ImageInputStream in = memoryStream(bytes)) {
            ImageReader reader = jpegReader();
            try {
                AtomicReference<String> truncated = new AtomicReference<>();
                reader.addIIOReadWarningListener(truncationListener(truncated));
                reader.setInput(in, true, true);
                Raster raster = reader.readRaster(0, null);
                if (truncated.get() != null) {
                    throw new ImageDecodeException(name, "image file is truncated (" + truncated.get() + ")");
                }
                return raster;
            } finally {
                reader.dispose();
            }
        }
    }

    /** The stream with its APP2 ICC_PROFILE segments (before the first scan) left out. */
    private static byte[] withoutIccSegments(byte[] b) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(b.length);
        out.write(b, 0, 2);
        int pos = 2;
        while (pos + 4 <= b.length && (b[pos] & 0xFF) == 0xFF) {
            int marker = b[pos + 1] & 0xFF;
            if (marker == 0xDA) {
                break;
            }
            int len = ((b[pos + 2] & 0xFF) << 8) | (b[pos + 3] & 0xFF);
            int end = Math.min(b.length, pos + 2 + len);
            boolean icc = marker == 0xE2 && end - (pos + 4) >= 12 && startsWith(b, pos + 4, "ICC_PROFILE\0".getBytes());
            if (!icc) {
                out.write(b, pos, end - pos);
            }
            pos = end;
        }
        out.write(b, pos, b.length - pos);
        return out.toByteArray();
    }

    private static ImageReader jpegReader() throws ImageDecodeException {
        Iterator<ImageReader> it = ImageIO.getImageReadersByFormatName("jpeg");
        while (it.hasNext()) {
            ImageReader r = it.next();
            // the JDK's own reader wraps IJG libjpeg; plugins (e.g. TwelveMonkeys) would decode differently
            if (r.getClass().getName().startsWith("com.sun.imageio.plugins.jpeg")) {
                return r;
            }
            r.dispose();
        }
        throw new IllegalStateException("the JDK's JPEG reader is not available");
    }

    private static IIOReadWarningListener truncationListener(AtomicReference<String> sink) {
        return (source, warning) -> {
            String w = warning == null ? "" : warning.toLowerCase();
            if (w.contains("premature end") || w.contains("missing eoi")) {
                sink.compareAndSet(null, warning.trim());
            }
        };
    }

    /**
     * An image input stream over bytes already in memory. (ImageIO.createImageInputStream would
     * spool them to a temporary file whenever ImageIO's disk cache is on, its default.)
     */
    private static ImageInputStream memoryStream(byte[] bytes) {
        return new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes));
    }

    /**
     * The codec used for JPEG by decoders built with the default ({@link JpegBackend#selected()}),
     * for provenance; CMYK, YCCK and Adobe RGB files always go through the JDK's codec.
     */
    public static String jpegCodecName() {
        JpegBackend b = JpegBackend.selected();
        return b == JpegBackend.TURBOJPEG ? b.codecName() + " for YCbCr and greyscale, JDK ImageIO for CMYK/YCCK/RGB"
                : b.codecName();
    }

    // ---------------------------------------------------------------- WebP

    private DecodedImage decodeWebp(byte[] bytes, String name) throws ImageDecodeException {
        LibWebp.Frame f = LibWebp.decode(bytes, name, (w, h) -> checkSize(name, w, h));
        return new DecodedImage(new RgbImage(f.width(), f.height(), f.rgb()), "WEBP", f.mode(), "first frame", 0,
                LibWebp.codecName());
    }

    /**
     * The codec that decodes WebP here: libwebp when the system has it (as Pillow), otherwise the
     * TwelveMonkeys reader, whose lossy output differs from libwebp's by a few levels.
     */
    public static String webpCodecName() {
        return LibWebp.available() ? LibWebp.codecName()
                : "TwelveMonkeys imageio-webp (fallback: libwebp not loadable: " + LibWebp.unavailableReason() + ")";
    }

    /** Every decoder's name in one line, for provenance. */
    public static String decoderDescription() {
        return "Pillow-compatible (JPEG: " + jpegCodecName() + "; WebP: " + webpCodecName()
                + "; BMP, PNG chunk rules: ours after Pillow 9.4; other formats: JDK ImageIO)";
    }

    // ---------------------------------------------------------------- GIF

    /**
     * The JDK GIF reader's failures in words, where its own text is an internal one ("I/O error
     * reading image: Invalid block length for LZW encoded image data", "Bad code size:12"); null
     * for the others, which the generic {@link #reason} puts well enough.
     */
    static String gifReason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage() == null ? "" : t.getMessage();
            if (m.contains("Invalid block length for LZW")) {
                return "broken GIF: the image data ends early or its blocks are damaged (a truncated file?)";
            }
            java.util.regex.Matcher code = java.util.regex.Pattern.compile("Bad code size:\\s*(-?\\d+)").matcher(m);
            if (code.find()) {
                return "broken GIF: its LZW code size is " + code.group(1) + ", outside the 2 to 11 a GIF decoder can read";
            }
            if (t instanceof java.io.EOFException) {
                return "broken GIF: the file ends before its image data (truncated)";
            }
        }
        return null;
    }

    private DecodedImage decodeGif(byte[] bytes, String name) throws IOException {
        if (bytes.length < 10) {
            throw new ImageDecodeException(name, "truncated GIF header");
        }
        int screenW = (bytes[6] & 0xFF) | ((bytes[7] & 0xFF) << 8);
        int screenH = (bytes[8] & 0xFF) | ((bytes[9] & 0xFF) << 8);
        checkSize(name, screenW, screenH);
        // Pillow grows the image to the first frame's extent when the frame reaches past the
        // logical screen, and applies its pixel limit to that: measure it before allocating
        int[] frame0 = firstGifFrame(bytes);
        if (frame0 != null) {
            long extW = Math.max(screenW, (long) frame0[0] + frame0[2]);
            long extH = Math.max(screenH, (long) frame0[1] + frame0[3]);
            checkSize(name, extW, extH);
            screenW = (int) extW;
            screenH = (int) extH;
        }
        if (frame0 != null && frame0[4] > 8 && frame0[4] <= 11) {
            // an LZW minimum code size above the format's 8, which the JDK's reader refuses ("Bad
            // code size") and Pillow's decoder reads: decode the first frame ourselves
            return GifLzw.firstFrame(bytes, name, screenW, screenH);
        }
        try (ImageInputStream in = memoryStream(bytes)) {
            ImageReader reader = ImageIO.getImageReaders(in).next();
            try {
                reader.setInput(in, false, false);
                checkSize(name, reader.getWidth(0), reader.getHeight(0));
                BufferedImage frame;
                try {
                    frame = reader.read(0);
                } catch (IOException | RuntimeException e) {
                    String why = gifReason(e);
                    if (why != null) {
                        throw new ImageDecodeException(name, why, e);
                    }
                    throw e;
                }
                IIOMetadata md = reader.getImageMetadata(0);
                int left = 0;
                int top = 0;
                int transparent = -1;
                IIOMetadataNode root = (IIOMetadataNode) md.getAsTree("javax_imageio_gif_image_1.0");
                NodeList desc = root.getElementsByTagName("ImageDescriptor");
                if (desc.getLength() > 0) {
                    IIOMetadataNode d = (IIOMetadataNode) desc.item(0);
                    left = Integer.parseInt(d.getAttribute("imageLeftPosition"));
                    top = Integer.parseInt(d.getAttribute("imageTopPosition"));
                }
                NodeList gce = root.getElementsByTagName("GraphicControlExtension");
                if (gce.getLength() > 0) {
                    IIOMetadataNode g = (IIOMetadataNode) gce.item(0);
                    if ("TRUE".equalsIgnoreCase(g.getAttribute("transparentColorFlag"))) {
                        transparent = Integer.parseInt(g.getAttribute("transparentColorIndex"));
                    }
                }
                ColorModel cm = frame.getColorModel();
                if (!(cm instanceof IndexColorModel icm)) {
                    return new DecodedImage(toRgb(frame, name), "GIF", "P", "non-indexed frame", 0, IMAGEIO);
                }
                int[] pal = new int[icm.getMapSize()];
                for (int i = 0; i < pal.length; i++) {
                    pal[i] = icm.getRGB(i);
                }
                int[] idx = frame.getRaster().getSamples(0, 0, frame.getWidth(), frame.getHeight(), 0, (int[]) null);
                return new DecodedImage(composeGif(screenW, screenH, left, top, frame.getWidth(), frame.getHeight(), idx, pal, transparent),
                        "GIF", "P", "first frame", 0, IMAGEIO);
            } finally {
                reader.dispose();
            }
        }
    }

    /**
     * Pillow's first GIF frame on the logical screen: filled with the transparent index (or index
     * 0) where the frame does not cover it; indices beyond the palette black.
     */
    static RgbImage composeGif(int screenW, int screenH, int left, int top, int fw, int fh, int[] idx, int[] pal, int transparent) {
        int fill = transparent >= 0 ? transparent : 0;
        int fillRgb = fill < pal.length ? pal[fill] : 0;
        byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(screenW, screenH), 3)];
        for (int i = 0; i < screenW * screenH; i++) {
            out[3 * i] = (byte) (fillRgb >> 16);
            out[3 * i + 1] = (byte) (fillRgb >> 8);
            out[3 * i + 2] = (byte) fillRgb;
        }
        for (int y = 0; y < fh; y++) {
            int sy = y + top;
            if (sy < 0 || sy >= screenH) {
                continue;
            }
            for (int x = 0; x < fw; x++) {
                int sx = x + left;
                if (sx < 0 || sx >= screenW) {
                    continue;
                }
                int v = idx[y * fw + x];
                int c = v >= 0 && v < pal.length ? pal[v] : 0;
                int o = (sy * screenW + sx) * 3;
                out[o] = (byte) (c >> 16);
                out[o + 1] = (byte) (c >> 8);
                out[o + 2] = (byte) c;
            }
        }
        return new RgbImage(screenW, screenH, out);
    }

    /** The first image descriptor's left, top, width, height and LZW minimum code size, or null when there is none. */
    private static int[] firstGifFrame(byte[] b) {
        int pos = 13;
        if ((b[10] & 0x80) != 0) {
            pos += 3 * (1 << ((b[10] & 7) + 1));
        }
        while (pos < b.length) {
            int block = b[pos] & 0xFF;
            if (block == 0x2C) {
                if (pos + 9 > b.length) {
                    return null;
                }
                int lzw = -1;
                int at = pos + 10 + ((b[pos + 9] & 0x80) != 0 ? 3 * (1 << ((b[pos + 9] & 7) + 1)) : 0);
                if (at < b.length) {
                    lzw = b[at] & 0xFF;
                }
                return new int[] {u16le(b, pos + 1), u16le(b, pos + 3), u16le(b, pos + 5), u16le(b, pos + 7), lzw};
            } else if (block == 0x21) {
                pos += 2;
                while (pos < b.length && (b[pos] & 0xFF) != 0) {
                    pos += 1 + (b[pos] & 0xFF);
                }
                pos++;
            } else {
                return null;
            }
        }
        return null;
    }

    private static int u16le(byte[] b, int o) {
        return (b[o] & 0xFF) | ((b[o + 1] & 0xFF) << 8);
    }

    // ---------------------------------------------------------------- PNG, BMP, TIFF, WebP

    private DecodedImage decodeGeneric(byte[] bytes, String name, String format, PngChunks.Header png, TiffRules.Info tiff)
            throws IOException {
        try (ImageInputStream in = memoryStream(bytes)) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new ImageDecodeException(name, format + " is recognised but no reader is installed for it");
            }
            ImageReader reader = readers.next();
            try {
                AtomicReference<String> warned = new AtomicReference<>();
                reader.addIIOReadWarningListener((source, warning) -> warned.compareAndSet(null, String.valueOf(warning).trim()));
                reader.setInput(in, true, false);
                checkSize(name, reader.getWidth(0), reader.getHeight(0));
                BufferedImage img = reader.read(0);
                String warning = warned.get();
                if ("TIFF".equals(format) && warning != null && warning.toLowerCase(java.util.Locale.ROOT).matches(".*(entrance code|invalid code|bad code).*")) {
                    // the JDK's fax decoder skips a bad code word; libtiff (Pillow) stops with an error
                    throw new ImageDecodeException(name, "corrupt CCITT-compressed TIFF data: " + warning);
                }
                String mode = png != null ? png.pillowMode() : tiff != null ? tiff.mode() : pillowMode(img);
                int orientation = "PNG".equals(format) ? 0 : orientation(bytes);
                RgbImage rgb;
                if (tiff != null && tiff.palette() != null) {
                    rgb = lookUp(img, tiff.palette());
                } else if (tiff != null && mode.startsWith("I;16") && tiff.bitsPerSample() > 8 && tiff.bitsPerSample() < 16
                        && img.getColorModel().getComponentSize(0) == tiff.bitsPerSample() && img.getRaster().getNumBands() == 1) {
                    // 9..15-bit grey (Pillow mode "I;16", raw mode e.g. "I;12"): Pillow's RGB keeps the top 8 bits
                    // of each sample (measured on the corpus's 12bit.cropped.tif; the JDK gives the stored values)
                    int shift = tiff.bitsPerSample() - 8;
                    int[] lut = new int[1 << tiff.bitsPerSample()];
                    for (int v = 0; v < lut.length; v++) {
                        lut[v] = (v >> shift) * 0x010101;
                    }
                    rgb = lookUp(img, lut);
                } else {
                    if (tiff != null && tiff.compression() == 7 && mode.equals("CMYK") && img.getColorModel().getComponentSize(0) == 8
                            && img.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_CMYK) {
                        // JPEG-in-TIFF CMYK: the JDK hands back the JPEG's inverted (Adobe-style) samples; libtiff does not
                        java.awt.image.WritableRaster wr = img.getRaster();
                        int[] px = null;
                        for (int y = 0; y < wr.getHeight(); y++) {
                            px = wr.getPixels(0, y, wr.getWidth(), 1, px);
                            for (int i = 0; i < px.length; i++) {
                                px[i] = 255 - px[i];
                            }
                            wr.setPixels(0, y, wr.getWidth(), 1, px);
                        }
                    }
                    rgb = toRgb(img, name, "I".equals(mode) || mode.startsWith("I;16"));
                }
                return new DecodedImage(rgb, format, mode, sampleDetail(img), orientation, reader.getClass().getName());
            } finally {
                reader.dispose();
            }
        }
    }

    /** Band 0 as palette indices into {@code palette} (Pillow's own reading of a TIFF colour map). */
    private static RgbImage lookUp(BufferedImage img, int[] palette) {
        int w = img.getWidth();
        int h = img.getHeight();
        byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(w, h), 3)];
        int[] row = new int[w];
        Raster r = img.getRaster();
        for (int y = 0; y < h; y++) {
            r.getSamples(0, y, w, 1, 0, row);
            for (int x = 0; x < w; x++) {
                int c = row[x] >= 0 && row[x] < palette.length ? palette[row[x]] : 0;
                int o = (y * w + x) * 3;
                out[o] = (byte) (c >> 16);
                out[o + 1] = (byte) (c >> 8);
                out[o + 2] = (byte) c;
            }
        }
        return new RgbImage(w, h, out);
    }

    private static String sampleDetail(BufferedImage img) {
        ColorModel cm = img.getColorModel();
        return cm.getNumComponents() + " components, " + cm.getComponentSize(0) + "-bit"
                + (cm instanceof IndexColorModel ? ", palette" : "");
    }

    private static String pillowMode(BufferedImage img) {
        ColorModel cm = img.getColorModel();
        if (cm instanceof IndexColorModel icm) {
            return icm.getMapSize() == 2 && icm.getPixelSize() == 1 ? "1" : "P";
        }
        int color = cm.getNumColorComponents();
        boolean alpha = cm.hasAlpha();
        if (cm.getColorSpace().getType() == ColorSpace.TYPE_CMYK) {
            return "CMYK";
        }
        if (color == 1) {
            if (cm.getComponentSize(0) > 8 && !alpha) {
                return "I";
            }
            return alpha ? "LA" : "L";
        }
        return alpha ? "RGBA" : "RGB";
    }

    /**
     * Maps any ImageIO raster to RGB the way Pillow's convert("RGB") maps the corresponding
     * Pillow mode. Reads raw samples, never {@code getRGB}, so no colour management applies.
     */
    static RgbImage toRgb(BufferedImage img, String name) throws ImageDecodeException {
        return toRgb(img, name, false);
    }

    /**
     * @param clipGray16 16-bit grey is Pillow's mode "I" even when the JDK adds an alpha band for a
     *     tRNS chunk: clip at 255 rather than take the high byte
     */
    static RgbImage toRgb(BufferedImage img, String name, boolean clipGray16) throws ImageDecodeException {
        int w = img.getWidth();
        int h = img.getHeight();
        byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(w, h), 3)];
        ColorModel cm = img.getColorModel();
        Raster r = img.getRaster();
        if (cm instanceof IndexColorModel icm) {
            int size = icm.getMapSize();
            int[] lut = new int[256];
            for (int i = 0; i < 256; i++) {
                lut[i] = i < size ? icm.getRGB(i) : 0;
            }
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                r.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    int c = row[x] < 256 ? lut[row[x]] : 0;
                    int o = (y * w + x) * 3;
                    out[o] = (byte) (c >> 16);
                    out[o + 1] = (byte) (c >> 8);
                    out[o + 2] = (byte) c;
                }
            }
            return new RgbImage(w, h, out);
        }
        if (cm instanceof DirectColorModel dcm) {
            Object pixel = null;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    pixel = r.getDataElements(x, y, pixel);
                    int o = (y * w + x) * 3;
                    out[o] = (byte) dcm.getRed(pixel);
                    out[o + 1] = (byte) dcm.getGreen(pixel);
                    out[o + 2] = (byte) dcm.getBlue(pixel);
                }
            }
            return new RgbImage(w, h, out);
        }
        int bands = r.getNumBands();
        int colors = cm.getNumColorComponents();
        int bits = cm.getComponentSize(0);
        boolean cmyk = cm.getColorSpace().getType() == ColorSpace.TYPE_CMYK;
        if (bits == 32 && colors == 1 && bands == 1) {
            // 32-bit grey, Pillow mode "I" (integers) or "F" (floats): convert clips to 0..255, truncating floats
            double[] row = new double[w];
            for (int y = 0; y < h; y++) {
                r.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    double v = row[x];
                    int g = v <= 0 || Double.isNaN(v) ? 0 : v >= 255 ? 255 : (int) v;
                    int o = (y * w + x) * 3;
                    out[o] = out[o + 1] = out[o + 2] = (byte) g;
                }
            }
            return new RgbImage(w, h, out);
        }
        if (bits > 16 || (colors != 1 && colors != 3 && !(cmyk && colors == 4))) {
            throw new ImageDecodeException(name, "unsupported pixel layout: " + colors + " colour components of " + bits + " bits");
        }
        boolean premultiplied = cm.isAlphaPremultiplied() && colors == 3 && bands >= 4;
        int[] row = new int[w * bands];
        for (int y = 0; y < h; y++) {
            r.getPixels(0, y, w, 1, row);
            for (int x = 0; x < w; x++) {
                int i = x * bands;
                int o = (y * w + x) * 3;
                if (colors == 1) {
                    int v = row[i];
                    int g;
                    if (bits > 8) {
                        // 9..16-bit gray opens as Pillow mode "I"/"I;16" (clipped at 255 by convert), with alpha as "LA" (high byte)
                        g = cm.hasAlpha() && !clipGray16 ? v >> 8 : Math.min(v, 255);
                    } else if (bits < 8) {
                        g = v * 255 / ((1 << bits) - 1);
                    } else {
                        g = v;
                    }
                    out[o] = out[o + 1] = out[o + 2] = (byte) g;
                } else if (cmyk) {
                    int shift = bits == 16 ? 8 : 0;
                    int nk = 255 - (row[i + 3] >> shift);
                    for (int c = 0; c < 3; c++) {
                        out[o + c] = (byte) JpegColor.clip8(nk - JpegColor.mulDiv255(row[i + c] >> shift, nk));
                    }
                } else if (premultiplied) {
                    // Pillow's "RGBa" unpacker on the high bytes: 0 where alpha is 0, else clip(v * 255 / a)
                    int shift = bits == 16 ? 8 : 0;
                    int a = row[i + 3] >> shift;
                    for (int c = 0; c < 3; c++) {
                        int v = row[i + c] >> shift;
                        out[o + c] = (byte) (a == 0 ? 0 : a == 255 ? v : Math.min(255, v * 255 / a));
                    }
                } else {
                    int shift = bits == 16 ? 8 : 0;
                    out[o] = (byte) (row[i] >> shift);
                    out[o + 1] = (byte) (row[i + 1] >> shift);
                    out[o + 2] = (byte) (row[i + 2] >> shift);
                }
            }
        }
        return new RgbImage(w, h, out);
    }
}
