package org.encodertraces.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOInvalidTreeException;
import javax.imageio.plugins.jpeg.JPEGQTable;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Baseline JPEG encoding as Pillow 9.4 does it ({@code im.save(f, "JPEG", quality=q,
 * subsampling=s)}): IJG standard tables scaled by the quality with libjpeg's formula, standard
 * Huffman tables, JFIF 1.01 header, islow DCT. The JDK's JPEG writer wraps IJG libjpeg, so
 * setting libjpeg's integer-scaled tables, the sampling factors and the JFIF version through
 * the metadata tree reproduces Pillow's bytes; decoding goes through {@link ImageDecoder}.
 * When libjpeg-turbo is installed the same work goes through TurboJPEG instead (the library
 * Pillow links, same bytes and pixels, faster): see {@link JpegBackend} for the choice.
 */
public final class JpegCodec {
    static {
        ImageIoCache.off(); // no imageio*.tmp spool files (see ImageIoCache)
    }

    private JpegCodec() {
    }

    /** Encodes to JPEG bytes with the given IJG quality (1..100) and chroma subsampling. */
    public static byte[] encode(RgbImage image, int quality, ChromaSubsampling subsampling) {
        return encode(image, quality, subsampling, JpegBackend.selected());
    }

    /** As {@link #encode(RgbImage, int, ChromaSubsampling)} with the given codec. */
    public static byte[] encode(RgbImage image, int quality, ChromaSubsampling subsampling, JpegBackend backend) {
        if (quality < 1 || quality > 100) {
            throw new IllegalArgumentException("JPEG quality must be in 1..100: " + quality);
        }
        if (backend == JpegBackend.TURBOJPEG) {
            if (!TurboJpeg.available()) {
                throw new IllegalArgumentException("JPEG codec TURBOJPEG is not available: " + JpegBackend.turboJpegUnavailableReason());
            }
            return TurboJpeg.encode(image, quality, subsampling);
        }
        ImageWriter writer = jdkJpegWriter();
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream(image.width() * image.height() / 2 + 1024)) {
            // in memory: ImageIO.createImageOutputStream would spool to a temporary file when
            // ImageIO's disk cache is on (its default)
            try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
                writer.setOutput(out);
                ImageWriteParam param = writer.getDefaultWriteParam();
                BufferedImage buffered = PngIo.toBufferedImage(image);
                IIOMetadata md = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(buffered), param);
                configure(md, quality, subsampling);
                writer.write(null, new IIOImage(buffered, null, md), param);
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("JPEG encoding failed: " + e.getMessage(), e);
        } finally {
            writer.dispose();
        }
    }

    /** Encodes then decodes again, as every JPEG processing step of the study does. */
    public static RgbImage roundTrip(RgbImage image, int quality, ChromaSubsampling subsampling) {
        return roundTrip(image, quality, subsampling, JpegBackend.selected());
    }

    /** As {@link #roundTrip(RgbImage, int, ChromaSubsampling)} with the given codec for both halves. */
    public static RgbImage roundTrip(RgbImage image, int quality, ChromaSubsampling subsampling, JpegBackend backend) {
        byte[] jpeg = encode(image, quality, subsampling, backend);
        try {
            if (backend == JpegBackend.TURBOJPEG) {
                // our own baseline YCbCr stream: no need for the file checks of ImageDecoder
                RgbImage out = TurboJpeg.decode(jpeg, "in-memory JPEG");
                if (out == null) {
                    throw new IllegalStateException("TurboJPEG cannot read the header of its own JPEG");
                }
                return out;
            }
            return new ImageDecoder(Long.MAX_VALUE, false, true, JpegBackend.JDK).decode(jpeg, "in-memory JPEG").image();
        } catch (ImageDecodeException e) {
            throw new IllegalStateException("could not decode our own JPEG: " + e.getMessage(), e);
        }
    }

    /** Name and version of the codec used by default (encode and decode), for provenance. */
    public static String codecName() {
        return JpegBackend.selected().codecName();
    }

    private static ImageWriter jdkJpegWriter() {
        Iterator<ImageWriter> it = ImageIO.getImageWritersByFormatName("jpeg");
        while (it.hasNext()) {
            ImageWriter w = it.next();
            if (w.getClass().getName().startsWith("com.sun.imageio.plugins.jpeg")) {
                return w;
            }
            w.dispose();
        }
        throw new IllegalStateException("the JDK's JPEG writer is not available");
    }

    /**
     * libjpeg's {@code jpeg_quality_scaling} followed by {@code jpeg_add_quant_table} with
     * force_baseline: the IJG standard table scaled in integer arithmetic, clamped to 1..255.
     * (The JDK's own quality parameter scales in float and differs from libjpeg at some
     * qualities, 85 among them, so we scale the tables ourselves.)
     */
    static int[] scaledTable(int[] base, int quality) {
        int scale = quality < 50 ? 5000 / quality : 200 - quality * 2;
        int[] out = new int[64];
        for (int i = 0; i < 64; i++) {
            long v = ((long) base[i] * scale + 50) / 100;
            out[i] = (int) Math.max(1, Math.min(255, v));
        }
        return out;
    }

    private static void configure(IIOMetadata md, int quality, ChromaSubsampling s) throws IIOInvalidTreeException {
        String format = "javax_imageio_jpeg_image_1.0";
        Node root = md.getAsTree(format);
        NodeList dqt = ((IIOMetadataNode) root).getElementsByTagName("dqtable");
        for (int i = 0; i < dqt.getLength(); i++) {
            IIOMetadataNode t = (IIOMetadataNode) dqt.item(i);
            int id = Integer.parseInt(t.getAttribute("qtableId"));
            JPEGQTable base = id == 0 ? JPEGQTable.K1Luminance : JPEGQTable.K2Chrominance;
            t.setUserObject(new JPEGQTable(scaledTable(base.getTable(), quality)));
        }
        NodeList sofs = ((IIOMetadataNode) root).getElementsByTagName("sof");
        if (sofs.getLength() != 1) {
            throw new IllegalStateException("JPEG metadata has no frame header to set sampling factors on");
        }
        NodeList comps = ((IIOMetadataNode) sofs.item(0)).getElementsByTagName("componentSpec");
        for (int i = 0; i < comps.getLength(); i++) {
            IIOMetadataNode c = (IIOMetadataNode) comps.item(i);
            c.setAttribute("HsamplingFactor", Integer.toString(i == 0 ? s.lumaH() : 1));
            c.setAttribute("VsamplingFactor", Integer.toString(i == 0 ? s.lumaV() : 1));
        }
        // libjpeg (and so Pillow) writes JFIF 1.01; the JDK defaults to 1.02
        NodeList jfif = ((IIOMetadataNode) root).getElementsByTagName("app0JFIF");
        for (int i = 0; i < jfif.getLength(); i++) {
            IIOMetadataNode j = (IIOMetadataNode) jfif.item(i);
            j.setAttribute("majorVersion", "1");
            j.setAttribute("minorVersion", "1");
        }
        md.setFromTree(format, root);
    }
}
