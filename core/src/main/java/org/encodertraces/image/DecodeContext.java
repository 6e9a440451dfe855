package org.encodertraces.image;

import com.drew.imaging.ImageMetadataReader;
import com.drew.metadata.Metadata;
import com.drew.metadata.exif.ExifIFD0Directory;
import java.io.ByteArrayInputStream;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * What every format's decoder is held to and shares: the pixel limit, checked from the header
 * before any pixel is allocated, and whether the EXIF orientation is read (recorded, never applied).
 *
 * @param maxPixels       images with more pixels (width times height) are refused
 * @param readOrientation whether to parse EXIF for the orientation tag (costs a metadata pass)
 */
record DecodeContext(long maxPixels, boolean readOrientation) {

    /** Refuses a size that is not positive or is over the pixel limit, naming the file. */
    void checkSize(String name, long w, long h) throws ImageDecodeException {
        if (w <= 0 || h <= 0) {
            throw new ImageDecodeException(name, "invalid image size " + w + "x" + h);
        }
        if (w * h > maxPixels) {
            throw new ImageDecodeException(name, "image size " + w + "x" + h + " (" + (w * h)
                    + " pixels) exceeds the limit of " + maxPixels + " pixels: possible decompression bomb");
        }
    }

    /** The EXIF orientation (1..8) of a file, or 0 when absent, unreadable or not asked for. */
    int orientation(byte[] bytes) {
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

    /**
     * An image input stream over bytes already in memory. (ImageIO.createImageInputStream would
     * spool them to a temporary file whenever ImageIO's disk cache is on, its default.)
     */
    static ImageInputStream memoryStream(byte[] bytes) {
        return new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes));
    }

    /** Whether {@code b} holds {@code prefix} at {@code off}. */
    static boolean startsWith(byte[] b, int off, byte[] prefix) {
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
}
