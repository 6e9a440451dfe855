package org.encodertraces.exif;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.encodertraces.image.ImageDecodeException;
import org.encodertraces.image.JpegQuantization;
import org.encodertraces.image.PngStructure;
import org.encodertraces.io.FileBytes;
import org.encodertraces.io.FileProblems;

/**
 * Reads one photo file as far as its metadata goes: the EXIF with its FlickrExif labels, the
 * JPEG's quantization tables (IJG quality estimate and chroma subsampling), a PNG's chunk
 * structure, and whether the file's extension fits its content.
 *
 * <p>Why: {@code traces exif} and anything else that lists photos need the same per-file verdict
 * (read completely, partly, or not at all, and why); the caller only chooses how to print it.
 * A file that cannot be read is an {@link Inspection} with status {@link Status#ERROR} and the
 * reason, never an exception, so a batch goes on.
 */
public final class PhotoInspector {
    private final ExifReader reader = new ExifReader();

    /** How completely a file could be read. */
    public enum Status {
        /** Everything read. */
        OK,
        /** The metadata was read, the pixels and JPEG quantization are not supported (HEIC/HEIF, AVIF). */
        PARTIAL,
        /** The file, its metadata or its structure could not be read ({@link Inspection#error()} says why). */
        ERROR;

        /** The word used in listings: {@code ok}, {@code partial}, {@code error}. */
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * The JPEG quantization of a file.
     *
     * @param quality the IJG quality estimate
     * @param exact whether the scaled IJG tables reproduce the file's exactly
     * @param error the distance at that quality (0 when exact)
     * @param subsampling the chroma subsampling, e.g. {@code 4:2:0}
     */
    public record JpegTables(int quality, boolean exact, double error, String subsampling) {
    }

    /**
     * What one file holds.
     *
     * @param file the file
     * @param status how completely it was read
     * @param error why it was not read completely, or null
     * @param acquisition its metadata, or null when the file or its metadata could not be read
     * @param jpeg its quantization tables, or null when it is not a JPEG or they could not be read
     * @param warnings what was odd but readable, in order: the metadata's, the JPEG's, the extension
     */
    public record Inspection(Path file, Status status, String error, Acquisition acquisition, JpegTables jpeg, List<String> warnings) {
        /** Copies the warnings. */
        public Inspection {
            warnings = List.copyOf(warnings);
        }
    }

    /** Reads one file; never throws for what is wrong with the file. */
    public Inspection inspect(Path f) {
        byte[] data;
        try {
            data = FileBytes.read(f);
        } catch (IOException e) {
            return failed(f, f + ": cannot read file: " + FileProblems.describe(f, e));
        }
        Acquisition a;
        try {
            a = reader.read(data, f.toString());
        } catch (ExifReadException e) {
            return failed(f, e.getMessage());
        }
        List<String> warnings = new ArrayList<>(a.warnings());
        Status status = Status.OK;
        String problem = null;
        JpegTables jpeg = null;
        switch (a.format()) {
            case "JPEG" -> {
                try {
                    JpegQuantization q = JpegQuantization.parse(data, f.toString());
                    jpeg = new JpegTables(q.quality().quality(), q.quality().exact(), q.quality().error(), q.subsampling());
                    warnings.addAll(q.warnings());
                } catch (ImageDecodeException e) {
                    status = Status.ERROR;
                    problem = e.getMessage();
                }
            }
            case "HEIF", "AVIF" -> {
                status = Status.PARTIAL;
                problem = f + ": " + (a.format().equals("AVIF") ? "AVIF" : "HEIC/HEIF")
                        + " is not supported for pixels or JPEG quantization; only its EXIF was read";
            }
            case "PNG" -> {
                try {
                    PngStructure.verify(data, f.toString());
                } catch (ImageDecodeException e) {
                    status = Status.ERROR;
                    problem = e.getMessage();
                }
            }
            default -> {
                // other containers metadata-extractor reads (TIFF, WebP, ...): EXIF only, nothing to check here
            }
        }
        String ext = extension(f);
        if (!ext.isEmpty() && !extensionFits(ext, a.format())) {
            warnings.add("file extension ." + ext + " but the content is " + a.format());
        }
        return new Inspection(f, status, problem, a, jpeg, warnings);
    }

    private static Inspection failed(Path f, String message) {
        return new Inspection(f, Status.ERROR, message, null, null, List.of());
    }

    private static String extension(Path f) {
        String n = f.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot < 0 ? "" : n.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    /** Whether a file extension is one the content's format goes by. */
    static boolean extensionFits(String ext, String format) {
        return switch (format) {
            case "JPEG" -> ext.equals("jpg") || ext.equals("jpeg") || ext.equals("jpe") || ext.equals("jfif");
            case "HEIF" -> ext.equals("heic") || ext.equals("heif") || ext.equals("hif");
            case "AVIF" -> ext.equals("avif");
            case "PNG" -> ext.equals("png");
            case "TIFF" -> ext.equals("tif") || ext.equals("tiff") || ext.equals("dng");
            default -> true;
        };
    }
}
