package org.encodertraces.exif;

import java.util.List;

/**
 * How a photo was made, as its metadata records it: the raw EXIF values (typed, {@code null}
 * when absent or undecodable) and, through {@link #labels()}, the same facts normalised to the
 * label vocabulary of the FlickrExif benchmark.
 *
 * <p>Raw values are what the file says, as exiftool's numeric mode ({@code -n}) would print them:
 * a value that is present and decodes to a finite number is kept even when it is implausible
 * (an f-number of 0, ISO 65535); such values become {@link FlickrExifLabels#UNKNOWN} only in the
 * labels. A value that does not decode (a zero denominator, a non-numeric string where a number
 * belongs, the wrong EXIF type) is {@code null} here and explained in {@link #warnings()}.
 *
 * @param format           the container format detected from the bytes ("JPEG", "HEIF", "PNG", ...)
 * @param make             IFD0 Make (0x010F), trailing NULs and spaces removed
 * @param model            IFD0 Model (0x0110), trailing NULs and spaces removed
 * @param fNumber          FNumber (0x829D)
 * @param exposureTime     ExposureTime (0x829A) in seconds, as the stored fraction
 * @param iso              ISOSpeedRatings / PhotographicSensitivity (0x8827); the first value when
 *                         the tag holds several; without that tag, the ISO a maker note records
 *                         ({@link ExifReader}: Canon, Casio, Kodak, Nikon), rounded to an integer
 * @param focalLengthMm    FocalLength (0x920A) in millimetres
 * @param flash            the raw Flash value (0x9209); bit 0 says whether the flash fired
 * @param dateTimeOriginal DateTimeOriginal (0x9003) exactly as stored (trimmed), e.g. "2019:06:09 12:57:32"
 * @param orientation      IFD0 Orientation (0x0112), 1..8 when valid
 * @param software         IFD0 Software (0x0131)
 * @param lensModel        LensModel (0xA434)
 * @param width            pixel width from the image's own header (JPEG SOF, PNG IHDR), or the
 *                         EXIF image width for containers without one we read
 * @param height           pixel height, likewise
 * @param warnings         what was wrong with the metadata (undecodable values, truncated or
 *                         malformed segments); empty for clean files
 * @param isoSource        where {@code iso} came from: {@code EXIF}, or the maker note that held it
 *                         when the file has no EXIF ISO ({@code Canon maker note}, ...); null without ISO
 */
public record Acquisition(String format, String make, String model, Double fNumber, Fraction exposureTime,
                          Integer iso, Double focalLengthMm, Integer flash, String dateTimeOriginal,
                          Integer orientation, String software, String lensModel, Integer width, Integer height,
                          List<String> warnings, String isoSource) {

    public Acquisition {
        warnings = List.copyOf(warnings);
    }

    /** ExposureTime in seconds, or {@code null}. */
    public Double exposureTimeSeconds() {
        return exposureTime == null ? null : exposureTime.value();
    }

    /** The normalised labels, computed from the raw values by {@link FlickrExifLabels#of(Acquisition)}. */
    public Labels labels() {
        return FlickrExifLabels.of(this);
    }

    /**
     * The acquisition attributes in the FlickrExif benchmark's vocabulary, one per target attribute
     * of the benchmark's splits; each is {@link FlickrExifLabels#UNKNOWN} when the raw value is
     * missing or implausible. A label may be a value that is not among the benchmark's classes
     * (for example exposure {@code 1/178}); the benchmark only kept its most frequent classes.
     *
     * @param make            "Make", e.g. {@code NIKON}, {@code Canon}, {@code samsung}
     * @param model           "Model", e.g. {@code NIKON D750}, {@code iPhone XR}
     * @param exposure        "Exposure", e.g. {@code 1/100}; {@code 0.4} or {@code 2} from 0.25 s up
     * @param aperture        "Aperture", e.g. {@code 2.8}, {@code 11.0}
     * @param focalLength     "Focal Length", e.g. {@code 24.0 mm}
     * @param iso             "ISO Speed", e.g. {@code 100}
     * @param flash           "Flash": {@code with flash} or {@code without flash}
     * @param year            "Year", e.g. {@code 2019.0}
     * @param isSmartphone    "Is Smartphone": {@code True} or {@code False}
     * @param smartphoneModel "Smartphone Model": the model label for smartphones, else unknown
     */
    public record Labels(String make, String model, String exposure, String aperture, String focalLength,
                         String iso, String flash, String year, String isSmartphone, String smartphoneModel) {
    }
}
