package org.encodertraces.exif;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Normalises raw EXIF values to the label strings of the FlickrExif benchmark, whose class names
 * ({@code label_encoder_classes} in the published splits) look like exiftool's printed values as
 * Flickr shows them. The rules, derived from the class lists of all ten splits (see
 * {@code docs/exif-labels.md}):
 *
 * <ul>
 *   <li><b>Make</b>: trailing NULs and white space removed, a trailing word "CORPORATION" (any
 *       case) dropped, case kept ({@code NIKON CORPORATION} becomes {@code NIKON}, the benchmark's
 *       class, while {@code EASTMAN KODAK COMPANY}, {@code OLYMPUS OPTICAL CO.,LTD} and
 *       {@code samsung} stay as written).</li>
 *   <li><b>Model</b>: as written, trimmed ({@code NIKON D750}, {@code Canon EOS 5D Mark II},
 *       {@code CYBERSHOT}, {@code NIKON Z 6_2}).</li>
 *   <li><b>Exposure</b>: exiftool's rule: up to 0.25 s, {@code 1/n} with n = round(1/t) (the reduced
 *       fraction whenever the stored rational reduces to 1/n); from 0.25 s on, the seconds with one
 *       decimal and a trailing ".0" dropped ({@code 0.4}, {@code 2}, {@code 30}).</li>
 *   <li><b>Aperture</b>: the f-number with one decimal ({@code 2.8}, {@code 11.0}).</li>
 *   <li><b>Focal Length</b>: millimetres with one decimal and " mm" ({@code 24.0 mm}, {@code 4.2 mm}).</li>
 *   <li><b>ISO Speed</b>: the integer ({@code 100}).</li>
 *   <li><b>Flash</b>: {@code with flash} when bit 0 (fired) of the Flash tag is set, else
 *       {@code without flash}.</li>
 *   <li><b>Year</b>: the year of DateTimeOriginal as a float string ({@code 2019.0}).</li>
 *   <li><b>Is Smartphone</b>: {@code True} or {@code False} by {@link DeviceClass}; <b>Smartphone
 *       Model</b>: the Model label of smartphones.</li>
 * </ul>
 *
 * <p>Decimals are rounded half-to-even on the exact binary value, as C's printf (and so exiftool
 * and Python) do: 4.25 mm is {@code 4.2 mm}, not Java's {@code String.format} {@code 4.3 mm}.
 * Values outside a plausible range give {@link #UNKNOWN}: f-number outside [0.7, 128], exposure
 * outside [1e-6, 3600] s, focal length outside [0.5, 5000] mm, ISO outside [1, 1e6] or the EXIF
 * sentinel 65535 ("65535 or more"), negative Flash, year outside [1900, 2100], and make or model
 * strings that are empty or hold control or replacement characters.
 */
public final class FlickrExifLabels {
    /** The label of a value that is missing or implausible. */
    public static final String UNKNOWN = "unknown";

    /**
     * How many classes each attribute has in the study's published FlickrExif splits
     * ({@code label_encoder_classes}; the benchmark kept each attribute's most frequent classes), so
     * that a report can say when a user's label set is not the study's.
     */
    public static final java.util.Map<String, Integer> STUDY_CLASS_COUNTS = java.util.Map.of("Make", 9, "Model", 88, "Exposure", 16,
            "Aperture", 17, "Focal Length", 13, "ISO Speed", 16, "Flash", 2, "Year", 25, "Is Smartphone", 2, "Smartphone Model", 12);

    /**
     * The study's nine Make classes, one label per manufacturer ({@link MakeLabels#normalise}; the
     * published split spells them {@code Apple}, {@code Canon}, {@code EASTMAN KODAK COMPANY},
     * {@code FUJIFILM}, {@code NIKON}, {@code OLYMPUS OPTICAL CO.,LTD}, {@code Panasonic}, {@code SONY},
     * {@code samsung}), so that a report can name the makers probed here that the study did not have.
     */
    public static final java.util.List<String> STUDY_MAKES = java.util.List.of("APPLE", "CANON", "FUJIFILM", "KODAK", "NIKON", "OLYMPUS",
            "PANASONIC", "SAMSUNG", "SONY");

    private static final Pattern CORPORATION = Pattern.compile("\\s+CORPORATION$", Pattern.CASE_INSENSITIVE);
    private static final Pattern DATE = Pattern.compile("^(\\d{4})[:\\-](\\d{2})[:\\-](\\d{2}).*");

    private FlickrExifLabels() {
    }

    /** All labels of an acquisition. */
    public static Acquisition.Labels of(Acquisition a) {
        String model = model(a.model());
        String smartphone = isSmartphone(a.make(), a.model());
        return new Acquisition.Labels(make(a.make()), model, exposure(a.exposureTime()), aperture(a.fNumber()),
                focalLength(a.focalLengthMm()), iso(a.iso()), flash(a.flash()), year(a.dateTimeOriginal()), smartphone,
                "True".equals(smartphone) ? model : UNKNOWN);
    }

    /** The Make label. */
    public static String make(String raw) {
        String s = cleanString(raw);
        if (s == null) {
            return UNKNOWN;
        }
        s = CORPORATION.matcher(s).replaceFirst("");
        return s.isEmpty() ? UNKNOWN : s;
    }

    /** The Model label. */
    public static String model(String raw) {
        String s = cleanString(raw);
        return s == null ? UNKNOWN : s;
    }

    /** The Exposure label of an exposure time in seconds. */
    public static String exposure(Fraction t) {
        if (t == null) {
            return UNKNOWN;
        }
        double secs = t.value();
        if (!(secs >= 1e-6 && secs <= 3600)) {
            return UNKNOWN;
        }
        if (secs < 0.25001) {
            Fraction r = t.reduced();
            if (r.numerator() == 1) {
                return "1/" + r.denominator();
            }
            return "1/" + (long) Math.floor(0.5 + 1 / secs);
        }
        String s = printf(secs, 1);
        return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
    }

    /** The Aperture label of an f-number. */
    public static String aperture(Double f) {
        if (f == null || !(f >= 0.7 && f <= 128)) {
            return UNKNOWN;
        }
        return printf(f, f < 1 ? 2 : 1); // exiftool PrintFNumber: two decimals below 1
    }

    /** The Focal Length label of a focal length in millimetres. */
    public static String focalLength(Double mm) {
        if (mm == null || !(mm >= 0.5 && mm <= 5000)) {
            return UNKNOWN;
        }
        return printf(mm, 1) + " mm";
    }

    /** The ISO Speed label. */
    public static String iso(Integer iso) {
        if (iso == null || iso < 1 || iso > 1_000_000 || iso == 65535) {
            return UNKNOWN;
        }
        return Integer.toString(iso);
    }

    /** The Flash label of a raw Flash tag value. */
    public static String flash(Integer flash) {
        if (flash == null || flash < 0) {
            return UNKNOWN;
        }
        return (flash & 1) == 1 ? "with flash" : "without flash";
    }

    /** The Year label of a DateTimeOriginal string such as "2019:06:09 12:57:32". */
    public static String year(String dateTimeOriginal) {
        if (dateTimeOriginal == null) {
            return UNKNOWN;
        }
        Matcher m = DATE.matcher(dateTimeOriginal.strip());
        if (!m.matches()) {
            return UNKNOWN;
        }
        int y = Integer.parseInt(m.group(1));
        int mo = Integer.parseInt(m.group(2));
        int d = Integer.parseInt(m.group(3));
        if (y < 1900 || y > 2100 || mo < 1 || mo > 12 || d < 1 || d > 31) {
            return UNKNOWN;
        }
        return y + ".0";
    }

    /** The Is Smartphone label: "True", "False" or unknown. */
    public static String isSmartphone(String make, String model) {
        return switch (DeviceClass.of(cleanString(make), cleanString(model))) {
            case SMARTPHONE -> "True";
            case NOT_SMARTPHONE -> "False";
            case UNKNOWN -> UNKNOWN;
        };
    }

    /** Trimmed string, or null when empty or holding control / replacement characters. */
    static String cleanString(String raw) {
        if (raw == null) {
            return null;
        }
        String s = raw.replace('\0', ' ').strip();
        if (s.isEmpty()) {
            return null;
        }
        boolean hasLetterOrDigit = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c) || c == '\uFFFD') {
                return null;
            }
            hasLetterOrDigit |= Character.isLetterOrDigit(c);
        }
        return hasLetterOrDigit ? s : null;
    }

    /** C printf("%.Nf") of a double: half-to-even rounding of its exact binary value. */
    static String printf(double v, int decimals) {
        return new BigDecimal(v).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
    }
}
