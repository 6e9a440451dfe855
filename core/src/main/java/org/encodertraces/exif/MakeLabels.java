package org.encodertraces.exif;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * How camera makes become class labels. EXIF Make is free text written by the firmware, so one
 * manufacturer appears under several spellings ({@code EASTMAN KODAK COMPANY} and
 * {@code Eastman Kodak Company}, {@code Hewlett-Packard} and {@code Hewlett-Packard Company},
 * {@code OLYMPUS OPTICAL CO.,LTD} and {@code OLYMPUS IMAGING CORP.}); as separate classes they split
 * one maker's photos into classes too small to probe, and a probe that tells them apart reads the
 * firmware's spelling, not the camera.
 *
 * <ul>
 *   <li>{@link #NORMALISED} (the default): one label per manufacturer: upper case, white space
 *       collapsed; trailing company forms removed ({@code CORPORATION}, {@code CORP.},
 *       {@code COMPANY}, {@code CO., LTD.}, {@code LTD}, {@code INC.}, {@code GMBH}, {@code AG},
 *       {@code AB}, {@code S.A.}, {@code LLC}, {@code PLC}, {@code K.K.}...) and then trailing
 *       division words ({@code ELECTRIC}, {@code ELECTRONICS}, {@code COMPUTER}, {@code OPTICAL},
 *       {@code IMAGING}, {@code SYSTEMS}, {@code TECHWIN}, {@code CAMERA}), repeatedly; then a few known former names
 *       ({@code EASTMAN KODAK} is {@code KODAK}, {@code FUJI PHOTO FILM} and {@code FUJI} are
 *       {@code FUJIFILM}, {@code ASAHI} is {@code PENTAX}). A make that would be left empty keeps its
 *       upper-case form.</li>
 *   <li>{@link #FLICKREXIF}: the FlickrExif benchmark's labels exactly ({@link FlickrExifLabels#make}),
 *       for parity with the study's published splits and class names.</li>
 * </ul>
 */
public enum MakeLabels {
    NORMALISED, FLICKREXIF;

    private static final Pattern COMPANY = Pattern.compile(
            "[\\s,.&]*\\b(CO\\.?,?\\s*LTD|CO|LTD|LIMITED|INC|INCORPORATED|CORP|CORPORATION|COMPANY|GMBH|AG|AB|S\\.?\\s?A|LLC|PLC|K\\.?\\s?K|OY|SPA|S\\.?P\\.?A|B\\.?V|N\\.?V)"
                    + "[\\s,.]*$");
    private static final Pattern DIVISION = Pattern.compile("\\s+(ELECTRIC|ELECTRONICS|COMPUTER|OPTICAL|IMAGING|SYSTEMS|TECHWIN|CAMERA)[\\s,.]*$");
    private static final Map<String, String> FORMER = Map.of("EASTMAN KODAK", "KODAK", "FUJI PHOTO FILM", "FUJIFILM", "FUJI", "FUJIFILM",
            "ASAHI", "PENTAX");

    /** Parses {@code normalised} (or {@code normalized}) and {@code flickrexif}; anything else is refused with the choices. */
    public static MakeLabels parse(String s) {
        String t = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "normalised", "normalized", "normalise", "normalize" -> NORMALISED;
            case "flickrexif", "flickr-exif", "exact", "study" -> FLICKREXIF;
            default -> throw new IllegalArgumentException("make labels '" + s + "': use normalised (one label per manufacturer, the default)"
                    + " or flickrexif (the FlickrExif benchmark's labels exactly)");
        };
    }

    /** The label of a FlickrExif Make label ({@link FlickrExifLabels#make}) under this rule; unknown stays unknown. */
    public String apply(String flickrExifMake) {
        return this == FLICKREXIF || flickrExifMake == null || FlickrExifLabels.UNKNOWN.equals(flickrExifMake) ? flickrExifMake
                : normalise(flickrExifMake);
    }

    /** One label per manufacturer (see the class comment). */
    public static String normalise(String make) {
        String s = make.strip().replaceAll("\\s+", " ").toUpperCase(Locale.ROOT);
        String start = s;
        String prev;
        do {
            prev = s;
            s = strip(COMPANY, s);
            s = strip(DIVISION, s);
        } while (!s.equals(prev));
        s = s.replaceAll("[\\s,.]+$", "");
        s = FORMER.getOrDefault(s, s);
        return s.isEmpty() ? start : s;
    }

    private static String strip(Pattern p, String s) {
        String t = p.matcher(s).replaceFirst("").strip();
        return t.isEmpty() ? s : t;
    }

    /** The choices, for help texts. */
    public static List<String> names() {
        return List.of("normalised", "flickrexif");
    }
}
