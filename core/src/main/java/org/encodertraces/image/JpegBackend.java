package org.encodertraces.image;

import java.util.Locale;

/**
 * Which JPEG codec decodes JPEG files and runs the study's JPEG operations: libjpeg-turbo through
 * TurboJPEG (the library Debian's Pillow links, about twice as fast) or the JDK's ImageIO codec.
 * Both give Pillow's bytes and pixels on the study's settings (JpegCodecParityTest); the choice
 * is the system property {@value #PROPERTY} ({@code auto}, the default: TurboJPEG when
 * libturbojpeg.so.0 loads, else the JDK; {@code turbojpeg}; {@code jdk}).
 */
public enum JpegBackend {
    /** The JDK's ImageIO codec (IJG libjpeg 6b), always present. */
    JDK,
    /** The system's libjpeg-turbo through the TurboJPEG API, when installed. */
    TURBOJPEG;

    /** The system property that selects the codec: auto, turbojpeg or jdk. */
    public static final String PROPERTY = "traces.jpeg.codec";

    /** Whether this codec can run on this machine. */
    public boolean available() {
        return this == JDK || TurboJpeg.available();
    }

    /** Why TurboJPEG cannot run here (the loader's message), or null when it can. */
    public static String turboJpegUnavailableReason() {
        return TurboJpeg.available() ? null : "libturbojpeg.so.0 not loadable (install Debian's libturbojpeg0): "
                + TurboJpeg.unavailableReason();
    }

    /**
     * The codec selected by {@value #PROPERTY}.
     *
     * @throws IllegalArgumentException when the property is not auto/turbojpeg/jdk, or asks for
     *     TurboJPEG where the library is missing
     */
    public static JpegBackend selected() {
        String v = System.getProperty(PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "auto", "" -> TurboJpeg.available() ? TURBOJPEG : JDK;
            case "jdk" -> JDK;
            case "turbojpeg" -> {
                if (!TurboJpeg.available()) {
                    throw new IllegalArgumentException(PROPERTY + "=turbojpeg but " + turboJpegUnavailableReason());
                }
                yield TURBOJPEG;
            }
            default -> throw new IllegalArgumentException(PROPERTY + " must be auto, turbojpeg or jdk, not '" + v + "'");
        };
    }

    /** The codec's name and version, for provenance. */
    public String codecName() {
        return this == TURBOJPEG ? TurboJpeg.codecName()
                : "JDK ImageIO JPEG (IJG libjpeg 6b) " + System.getProperty("java.vm.vendor") + " " + System.getProperty("java.version")
                        + (TurboJpeg.available() ? "" : " (fallback: " + turboJpegUnavailableReason() + ")");
    }
}
