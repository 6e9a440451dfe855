package org.encodertraces.exif;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Whether a photo was taken with a smartphone (a phone's camera) or another device, decided from
 * EXIF Make and Model: the "Is Smartphone" attribute of the FlickrExif benchmark.
 *
 * <p>The rule, kept here in one place so it can be maintained:
 * <ol>
 *   <li>Makes that only ever made phones (Apple's iPhone aside) are smartphones: Google, Xiaomi,
 *       Redmi, POCO, Huawei, HONOR, OnePlus, OPPO, vivo, realme, motorola, HTC, HMD Global, Nokia,
 *       Sony Ericsson, LG Electronics / LGE, BlackBerry / RIM, Fairphone, Jolla, TCT / TCL, Alcatel,
 *       ZTE, nubia, Meizu, Essential, Nothing, ASUS, Lenovo, Infinix, TECNO, itel, Sharp, Wiko,
 *       Micromax, Lava, Doogee, Ulefone, CAT / Bullitt.</li>
 *   <li>Makes that made both: Apple (model "iPhone..."), Samsung (models SM-G/N/A/S/F/M/J/C/E/W,
 *       GT-I/S/N, SGH-, SCH-, SPH-, SHV-, "Galaxy" except Galaxy Camera / Galaxy Tab), Sony
 *       (Xperia and its model codes: C/D/E/F/G/H/I/J followed by four digits, SO-xxx, SOV, XQ-),
 *       Kyocera (models starting "KC-", "KY", "E6", or containing "DuraForce"/"TORQUE"),
 *       Panasonic (models "P" + digits, "ELUGA"), and any make whose model starts with "iPhone",
 *       "Pixel", "Nexus", "Redmi", "Galaxy" (as above), "Xperia", "moto ", "Mi ".</li>
 *   <li>Anything else with a make or model is not a smartphone (cameras, scanners, drones,
 *       thermal cameras, tablets such as iPad: a tablet is not a phone).</li>
 *   <li>No make and no model: unknown.</li>
 * </ol>
 */
public enum DeviceClass {
    /** A phone's camera. */
    SMARTPHONE,
    /** Any other device with a make or model: cameras, scanners, drones, tablets, software. */
    NOT_SMARTPHONE,
    /** Neither make nor model is recorded. */
    UNKNOWN;

    private static final Set<String> PHONE_MAKES = Set.of(
            "google", "xiaomi", "redmi", "poco", "huawei", "honor", "oneplus", "oppo", "vivo", "realme", "motorola",
            "htc", "hmd global", "nokia", "sony ericsson", "sonyericsson", "lg electronics", "lge", "lg", "blackberry",
            "rim", "research in motion", "fairphone", "jolla", "tct", "tcl", "alcatel", "zte", "nubia", "meizu",
            "essential", "nothing", "asus", "lenovo", "infinix", "infinix mobility limited", "tecno", "tecno mobile limited",
            "itel", "sharp", "wiko", "micromax", "lava", "doogee", "ulefone", "cat", "bullitt", "oukitel", "blu",
            "shift", "gionee", "coolpad", "leeco", "letv", "hisense", "fih", "nextbit", "razer", "teracube");

    private static final Pattern SAMSUNG_PHONE = Pattern.compile(
            "^(SAMSUNG[- ])?(SM-[GNASFMJCEW]\\w*|GT-[ISN]\\w*|SGH-\\w*|SCH-\\w*|SPH-\\w*|SHV-\\w*|SC-\\d\\w*|SCV\\d\\w*)$",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern SONY_PHONE = Pattern.compile(
            "^(XPERIA.*|[CDEFGHIJ]\\d{4}\\w*|SO-\\d\\d\\w*|SOV\\d\\d\\w*|SOG\\d\\d\\w*|XQ-\\w+|LT\\d\\d\\w*|MT\\d\\d\\w*|ST\\d\\d\\w*)$",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern KYOCERA_PHONE = Pattern.compile("^(KC-|KY|E6\\d{3}|.*DURAFORCE|.*TORQUE).*",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern PANASONIC_PHONE = Pattern.compile("^(P\\d{2,3}\\w*|ELUGA.*)$", Pattern.CASE_INSENSITIVE);
    private static final Pattern ANY_MAKE_PHONE_MODEL = Pattern.compile(
            "^(IPHONE.*|PIXEL.*|NEXUS.*|REDMI.*|XPERIA.*|MOTO[ _].*|MI [0-9A-Z].*)$", Pattern.CASE_INSENSITIVE);
    private static final Pattern GALAXY = Pattern.compile("^(SAMSUNG[- ])?GALAXY.*", Pattern.CASE_INSENSITIVE);
    private static final Pattern GALAXY_NOT_PHONE = Pattern.compile(".*GALAXY (CAMERA|TAB|NX|PLAYER|GEAR).*|.*GALAXY\\s*TAB.*",
            Pattern.CASE_INSENSITIVE);

    /**
     * Classifies a device from its EXIF Make and Model (raw or normalised; either may be null).
     */
    public static DeviceClass of(String make, String model) {
        String mk = make == null ? "" : make.strip().toLowerCase(Locale.ROOT);
        String md = model == null ? "" : model.strip();
        if (mk.isEmpty() && md.isEmpty()) {
            return UNKNOWN;
        }
        if (ANY_MAKE_PHONE_MODEL.matcher(md).matches()) {
            return SMARTPHONE;
        }
        if (GALAXY.matcher(md).matches()) {
            return GALAXY_NOT_PHONE.matcher(md).matches() ? NOT_SMARTPHONE : SMARTPHONE;
        }
        String firstWord = mk.split("[\\s,.]+", 2)[0];
        if (PHONE_MAKES.contains(mk) || PHONE_MAKES.contains(firstWord) && !firstWord.equals("sharp") && !firstWord.equals("cat")) {
            return SMARTPHONE;
        }
        if (firstWord.equals("samsung")) {
            return SAMSUNG_PHONE.matcher(md).matches() ? SMARTPHONE : NOT_SMARTPHONE;
        }
        if (firstWord.equals("sony")) {
            return SONY_PHONE.matcher(md).matches() ? SMARTPHONE : NOT_SMARTPHONE;
        }
        if (firstWord.equals("kyocera")) {
            return KYOCERA_PHONE.matcher(md).matches() ? SMARTPHONE : NOT_SMARTPHONE;
        }
        if (firstWord.equals("panasonic")) {
            return PANASONIC_PHONE.matcher(md).matches() ? SMARTPHONE : NOT_SMARTPHONE;
        }
        return NOT_SMARTPHONE;
    }
}
