package org.encodertraces.exif;

import com.drew.imaging.FileType;
import com.drew.imaging.FileTypeDetector;
import com.drew.imaging.ImageMetadataReader;
import com.drew.imaging.jpeg.JpegSegmentType;
import com.drew.lang.Rational;
import com.drew.metadata.Directory;
import com.drew.metadata.Metadata;
import com.drew.metadata.StringValue;
import com.drew.metadata.exif.ExifDirectoryBase;
import com.drew.metadata.exif.ExifIFD0Directory;
import com.drew.metadata.exif.ExifSubIFDDirectory;
import com.drew.metadata.exif.makernotes.CanonMakernoteDirectory;
import com.drew.metadata.exif.makernotes.CasioType2MakernoteDirectory;
import com.drew.metadata.exif.makernotes.KodakMakernoteDirectory;
import com.drew.metadata.exif.makernotes.NikonType2MakernoteDirectory;
import com.drew.metadata.jpeg.JpegDirectory;
import com.drew.metadata.png.PngDirectory;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Array;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads a photo's EXIF into an {@link Acquisition}, through metadata-extractor's one facade
 * ({@code ImageMetadataReader}), for every container it knows (JPEG, HEIF/HEIC, PNG, TIFF, WebP...).
 * Values come from the EXIF tags (IFD0 and the Exif sub-IFD), except ISO, which without its EXIF tag
 * is read from the maker note where metadata-extractor exposes it ({@link #makerNoteIso}).
 *
 * <p>It never throws for bad EXIF: a malformed value, a truncated or garbled EXIF segment, or
 * metadata-extractor failing inside a file whose format was recognised gives {@code null} fields and
 * a warning. It throws an {@link ExifReadException} naming the file only when the file itself is
 * unusable: it cannot be read, it is empty, or its bytes are no image format metadata-extractor
 * recognises. Stateless and thread-safe.
 */
public final class ExifReader {
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern FRACTION = Pattern.compile("\\s*(\\d+)\\s*/\\s*(\\d+)\\s*");

    /** A reader; it holds no state. */
    public ExifReader() {
    }

    /** Reads the metadata of a file. */
    public Acquisition read(Path file) throws ExifReadException {
        byte[] data;
        try {
            data = org.encodertraces.io.FileBytes.read(file);
        } catch (IOException e) {
            String why = org.encodertraces.io.FileProblems.describe(file, e);
            throw new ExifReadException(file.toString(), why.equals("no such file") ? why : "cannot read file: " + why, e);
        }
        return read(data, file.toString());
    }

    /**
     * Reads the metadata of a file's bytes.
     *
     * @param name the file or sample name for error messages
     */
    public Acquisition read(byte[] data, String name) throws ExifReadException {
        if (data.length == 0) {
            throw new ExifReadException(name, "empty file", null);
        }
        FileType type;
        try (InputStream in = new BufferedInputStream(new ByteArrayInputStream(data))) {
            type = FileTypeDetector.detectFileType(in);
        } catch (IOException | RuntimeException e) {
            throw new ExifReadException(name, "cannot detect the file format: " + e.getMessage(), e);
        }
        if (type == FileType.Unknown) {
            throw new ExifReadException(name, "unrecognised file format (not an image format with EXIF that we read)", null);
        }
        boolean avif = isAvif(data);
        String mime = type.getMimeType() == null ? "" : type.getMimeType();
        if (!avif && (mime.startsWith("audio/") || mime.startsWith("video/"))) {
            // metadata-extractor's sniffing takes e.g. FLI animations for MP3 and AVIF for QuickTime
            throw new ExifReadException(name, "not a photo: the bytes look like " + type.getName() + " (" + mime
                    + "), an audio or video format", null);
        }
        List<String> warnings = new ArrayList<>();
        Metadata md;
        try {
            md = ImageMetadataReader.readMetadata(new ByteArrayInputStream(data), data.length);
        } catch (Exception | StackOverflowError e) {
            warnings.add("metadata unreadable: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            md = type == FileType.Jpeg ? salvageJpegExif(data, warnings) : new Metadata();
        }
        for (Directory d : md.getDirectories()) {
            for (String err : d.getErrors()) {
                warnings.add(d.getName() + ": " + err);
            }
        }
        String make = string(md, ExifIFD0Directory.class, ExifDirectoryBase.TAG_MAKE);
        String format = avif ? "AVIF" : type == FileType.Heif ? "HEIF" : type == FileType.Arw ? tiffOrArw(make) : type.getName();
        String model = string(md, ExifIFD0Directory.class, ExifDirectoryBase.TAG_MODEL);
        String software = string(md, ExifIFD0Directory.class, ExifDirectoryBase.TAG_SOFTWARE);
        Integer orientation = integer(md, ExifIFD0Directory.class, ExifDirectoryBase.TAG_ORIENTATION, "Orientation", warnings);
        Double fNumber = number(md, ExifDirectoryBase.TAG_FNUMBER, "FNumber", warnings);
        Fraction exposure = fraction(md, ExifDirectoryBase.TAG_EXPOSURE_TIME, "ExposureTime", warnings);
        Integer iso = integer(md, ExifSubIFDDirectory.class, ExifDirectoryBase.TAG_ISO_EQUIVALENT, "ISO", warnings);
        Double focal = number(md, ExifDirectoryBase.TAG_FOCAL_LENGTH, "FocalLength", warnings);
        Integer flash = integer(md, ExifSubIFDDirectory.class, ExifDirectoryBase.TAG_FLASH, "Flash", warnings);
        String dto = string(md, ExifSubIFDDirectory.class, ExifDirectoryBase.TAG_DATETIME_ORIGINAL);
        String lens = string(md, ExifSubIFDDirectory.class, ExifDirectoryBase.TAG_LENS_MODEL);
        Integer width = null;
        Integer height = null;
        JpegDirectory jpeg = md.getFirstDirectoryOfType(JpegDirectory.class);
        PngDirectory png = md.getFirstDirectoryOfType(PngDirectory.class);
        if (jpeg != null) {
            width = integer(jpeg, JpegDirectory.TAG_IMAGE_WIDTH);
            height = integer(jpeg, JpegDirectory.TAG_IMAGE_HEIGHT);
        } else if (png != null) {
            width = integer(png, PngDirectory.TAG_IMAGE_WIDTH);
            height = integer(png, PngDirectory.TAG_IMAGE_HEIGHT);
        }
        if (width == null || height == null) {
            width = integer(md, ExifSubIFDDirectory.class, ExifDirectoryBase.TAG_EXIF_IMAGE_WIDTH, "ExifImageWidth", warnings);
            height = integer(md, ExifSubIFDDirectory.class, ExifDirectoryBase.TAG_EXIF_IMAGE_HEIGHT, "ExifImageHeight", warnings);
        }
        String isoSource = iso != null ? "EXIF" : null;
        if (iso == null) {
            MakerNoteIso m = makerNoteIso(md);
            if (m != null) {
                iso = m.iso();
                isoSource = m.source();
            }
        }
        return new Acquisition(format, make, model, fNumber, exposure, iso, focal, flash, dto, orientation, software, lens,
                width, height, warnings, isoSource);
    }

    /** An ISO read from a maker note, and which. */
    record MakerNoteIso(int iso, String source) {
    }

    /**
     * The ISO a maker note records, for files without the EXIF tag (older compacts: Canon PowerShots
     * and IXUSes, Casio, Kodak, the Nikon D1X), as exiftool reads it:
     * <ul>
     *   <li>Canon: CameraSettings ISO when it is a set value (16..20: ISO 50..800; with bit 0x4000: the
     *       value in the low bits); for "Auto" or "not specified", exiftool's Composite ISO =
     *       BaseISO x AutoISO / 100 from ShotInfo (BaseISO = 2^(raw/32) x 100/32, AutoISO = 2^(raw/32) x 100;
     *       a raw BaseISO of 0 means none), rounded;</li>
     *   <li>Casio (type 2): CCD ISO Sensitivity (0x3014);</li>
     *   <li>Kodak: ISO (0x60), when within 6..6400 (metadata-extractor reads some Kodak maker notes in
     *       the wrong byte order, e.g. 27648 for 108);</li>
     *   <li>Nikon (type 2): ISO (0x0002), whose second value is the ISO.</li>
     * </ul>
     * Null when none of these is present.
     */
    static MakerNoteIso makerNoteIso(Metadata md) {
        for (CanonMakernoteDirectory d : md.getDirectoriesOfType(CanonMakernoteDirectory.class)) {
            Integer cam = d.getInteger(CanonMakernoteDirectory.CameraSettings.TAG_ISO);
            if (cam != null && cam >= 16 && cam <= 20) {
                return new MakerNoteIso(50 << (cam - 16), "Canon maker note");
            }
            if (cam != null && (cam & 0x4000) != 0 && cam != 0x7FFF && (cam & 0x3FFF) > 0) {
                return new MakerNoteIso(cam & 0x3FFF, "Canon maker note");
            }
            Integer base = d.getInteger(CanonMakernoteDirectory.ShotInfo.TAG_BASE_ISO);
            Integer auto = d.getInteger(CanonMakernoteDirectory.ShotInfo.TAG_AUTO_ISO);
            if (base != null && base != 0 && auto != null) {
                double iso = Math.pow(2, base / 32.0) * 100 / 32 * Math.pow(2, auto / 32.0);
                if (iso >= 1 && iso <= 1e6) {
                    return new MakerNoteIso((int) Math.round(iso), "Canon maker note (BaseISO x AutoISO)");
                }
            }
        }
        for (CasioType2MakernoteDirectory d : md.getDirectoriesOfType(CasioType2MakernoteDirectory.class)) {
            Integer v = d.getInteger(CasioType2MakernoteDirectory.TAG_CCD_ISO_SENSITIVITY);
            if (v != null && v >= 0) {
                return new MakerNoteIso(v, "Casio maker note");
            }
        }
        for (KodakMakernoteDirectory d : md.getDirectoriesOfType(KodakMakernoteDirectory.class)) {
            Integer v = d.getInteger(KodakMakernoteDirectory.TAG_ISO);
            if (v != null && v >= 6 && v <= 6400) {
                return new MakerNoteIso(v, "Kodak maker note");
            }
        }
        for (NikonType2MakernoteDirectory d : md.getDirectoriesOfType(NikonType2MakernoteDirectory.class)) {
            int[] v = d.getIntArray(NikonType2MakernoteDirectory.TAG_ISO_1);
            if (v != null && v.length >= 2 && v[1] > 0) {
                return new MakerNoteIso(v[1], "Nikon maker note");
            }
        }
        return null;
    }

    /**
     * metadata-extractor takes every little-endian TIFF whose first IFD is at offset 8 ({@code II*\0 08 00 00 00},
     * the layout Pillow, libtiff and most writers use) for Sony's ARW raw format, whose header is the same. Only a
     * file made by a Sony camera is called ARW; anything else with that header is a plain TIFF.
     */
    static String tiffOrArw(String make) {
        return make != null && make.strip().toUpperCase(java.util.Locale.ROOT).startsWith("SONY") ? "ARW" : "TIFF";
    }

    /**
     * When metadata-extractor gives up on a JPEG (a segment further on is cut short), reads the
     * complete APP1 Exif segments before the damage, so a truncated file still gives its EXIF.
     */
    private static Metadata salvageJpegExif(byte[] data, List<String> warnings) {
        Metadata md = new Metadata();
        List<byte[]> segments = new ArrayList<>();
        int pos = 2;
        while (pos + 4 <= data.length && (data[pos] & 0xFF) == 0xFF) {
            int marker = data[pos + 1] & 0xFF;
            if (marker == 0xDA || marker == 0xD9) {
                break;
            }
            int len = ((data[pos + 2] & 0xFF) << 8) | (data[pos + 3] & 0xFF);
            if (len < 2 || pos + 2 + len > data.length) {
                break;
            }
            if (marker == 0xE1) {
                segments.add(Arrays.copyOfRange(data, pos + 4, pos + 2 + len));
            }
            pos += 2 + len;
        }
        try {
            new com.drew.metadata.exif.ExifReader().readJpegSegments(segments, md, JpegSegmentType.APP1);
            if (!segments.isEmpty()) {
                warnings.add("EXIF read from the " + segments.size() + " complete APP1 segment(s) before the damage");
            }
        } catch (Exception | StackOverflowError e) {
            warnings.add("EXIF unreadable: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            return new Metadata();
        }
        return md;
    }

    /** The first directory of the type that holds the tag, or null. */
    private static <T extends Directory> Directory first(Metadata md, Class<T> type, int tag) {
        for (T d : md.getDirectoriesOfType(type)) {
            if (d.containsTag(tag)) {
                return d;
            }
        }
        return null;
    }

    /** The Exif sub-IFD holding the tag, else IFD0 holding it, else null. */
    private static Directory exifOrIfd0(Metadata md, int tag) {
        Directory d = first(md, ExifSubIFDDirectory.class, tag);
        return d != null ? d : first(md, ExifIFD0Directory.class, tag);
    }

    private static String string(Metadata md, Class<? extends Directory> type, int tag) {
        Directory d = first(md, type, tag);
        if (d == null) {
            return null;
        }
        Object o = d.getObject(tag);
        String s;
        if (o instanceof StringValue sv) {
            s = sv.toString(StandardCharsets.UTF_8);
            if (s.indexOf('\uFFFD') >= 0) {
                s = sv.toString(StandardCharsets.ISO_8859_1); // not UTF-8: keep the bytes as Latin-1
            }
        } else {
            s = d.getString(tag);
        }
        if (s == null) {
            return null;
        }
        int nul = s.indexOf('\0');
        if (nul >= 0) {
            s = s.substring(0, nul); // ASCII values end at the first NUL, as in exiftool
        }
        s = s.strip();
        return s.isEmpty() ? null : s;
    }

    /** A numeric (rational, integer or numeric string) tag of the IFD0 or Exif sub-IFD, as a finite double. */
    private static Double number(Metadata md, int tag, String field, List<String> warnings) {
        Directory d = exifOrIfd0(md, tag);
        if (d == null) {
            return null;
        }
        Object o = firstElement(d.getObject(tag));
        Double v = null;
        if (o instanceof Rational r) {
            if (r.getDenominator() == 0) {
                warnings.add(field + ": zero denominator (" + r + ")");
                return null;
            }
            v = r.doubleValue();
        } else if (o instanceof Number n) {
            v = n.doubleValue();
        } else if (o instanceof StringValue || o instanceof String) {
            String s = o.toString().replace('\0', ' ').strip();
            if (NUMBER.matcher(s).matches()) {
                v = Double.parseDouble(s);
            }
        }
        if (v == null || !Double.isFinite(v)) {
            warnings.add(field + ": not a number (" + describe(d.getObject(tag)) + ")");
            return null;
        }
        return v;
    }

    private static Fraction fraction(Metadata md, int tag, String field, List<String> warnings) {
        Directory d = exifOrIfd0(md, tag);
        if (d == null) {
            return null;
        }
        Object o = firstElement(d.getObject(tag));
        if (o instanceof Rational r) {
            if (r.getDenominator() == 0) {
                warnings.add(field + ": zero denominator (" + r + ")");
                return null;
            }
            return new Fraction(r.getNumerator(), r.getDenominator());
        }
        if (o instanceof Integer || o instanceof Long || o instanceof Short) {
            return new Fraction(((Number) o).longValue(), 1);
        }
        if (o instanceof StringValue || o instanceof String) {
            var m = FRACTION.matcher(o.toString().replace('\0', ' '));
            if (m.matches() && !m.group(2).matches("0+")) {
                try {
                    return new Fraction(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
                } catch (NumberFormatException e) {
                    // too many digits: not a value
                }
            }
        }
        warnings.add(field + ": not a fraction (" + describe(d.getObject(tag)) + ")");
        return null;
    }

    private static Integer integer(Metadata md, Class<? extends Directory> type, int tag, String field, List<String> warnings) {
        Directory d = first(md, type, tag);
        if (d == null) {
            return null;
        }
        Object o = firstElement(d.getObject(tag));
        if (o instanceof Integer || o instanceof Short || o instanceof Byte) {
            return ((Number) o).intValue();
        }
        if (o instanceof Long l && l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
            return l.intValue();
        }
        if (o instanceof Rational r && r.getDenominator() != 0 && r.isInteger()) {
            return r.intValue();
        }
        if (o instanceof StringValue || o instanceof String) {
            String s = o.toString().replace('\0', ' ').strip();
            if (s.matches("[+-]?\\d{1,9}")) {
                return Integer.parseInt(s);
            }
        }
        warnings.add(field + ": not an integer (" + describe(d.getObject(tag)) + ")");
        return null;
    }

    private static Integer integer(Directory d, int tag) {
        Object o = d.getObject(tag);
        return o instanceof Number n ? Integer.valueOf(n.intValue()) : null;
    }

    /** The first element of an array value (EXIF counts above 1), or the value itself. */
    private static Object firstElement(Object o) {
        if (o != null && o.getClass().isArray() && !(o instanceof byte[])) {
            return Array.getLength(o) == 0 ? null : Array.get(o, 0);
        }
        return o;
    }

    private static String describe(Object o) {
        if (o == null) {
            return "empty";
        }
        String type = o.getClass().getSimpleName();
        String s = o.getClass().isArray() ? type + " of " + Array.getLength(o) : type + " " + o;
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }

    /** An ISO media file whose major brand is AVIF ("avif" still image, "avis" sequence). */
    static boolean isAvif(byte[] b) {
        if (b.length < 12 || b[4] != 'f' || b[5] != 't' || b[6] != 'y' || b[7] != 'p') {
            return false;
        }
        String brand = new String(b, 8, 4, java.nio.charset.StandardCharsets.US_ASCII);
        return brand.equals("avif") || brand.equals("avis");
    }
}
