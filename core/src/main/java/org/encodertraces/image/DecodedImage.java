package org.encodertraces.image;

/**
 * A decoded file: the RGB raster Pillow's {@code Image.open(f).convert("RGB")} yields, plus what
 * the file said about itself.
 *
 * @param image the pixels, never rotated by EXIF orientation (TIFF pages are turned upright by their Orientation tag, as in Pillow)
 * @param format container format ("JPEG", "PNG", "GIF", "BMP", "TIFF", "WEBP")
 * @param sourceMode the Pillow mode the file opens as ("RGB", "L", "P", "CMYK", "RGBA", "LA", "I", "1")
 * @param detail format details (e.g. "baseline 4:2:0 YCbCr", "16-bit")
 * @param orientation the EXIF orientation tag (1..8) recorded but not applied; 0 when absent or already applied (TIFF)
 * @param codec the decoder that produced the pixels (e.g. "libwebp 1.2.4", "JDK ImageIO"), for provenance
 */
public record DecodedImage(RgbImage image, String format, String sourceMode, String detail, int orientation, String codec) {
}
