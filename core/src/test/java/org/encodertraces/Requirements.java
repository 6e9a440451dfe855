package org.encodertraces;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.encodertraces.image.JpegBackend;
import org.junit.jupiter.api.Assumptions;
import org.opentest4j.AssertionFailedError;

/**
 * The one place where a test may be skipped. A test that needs something a checkout may lack (the
 * shared models, photos and datasets, Debian's TurboJPEG or libwebp, a headless Chromium) asks here:
 * on a developer's machine a missing piece skips the test with a message naming it and how to
 * install it; with {@value #SWITCH}{@code =1} in the environment ({@code .ci/run} sets it) the same
 * call fails the test, so a CI run that lacks one of them cannot pass while checking less than it
 * claims. What the switch does not cover (conditions of the machine such as root for a tmpfs mount
 * or a GPU present, and Python's numpy, which CI does not install) skips through {@link #skipUnless}
 * in both modes. {@code SuiteRulesTest} holds every other test
 * file to this class: none of them calls JUnit's assumptions itself.
 */
public final class Requirements {
    /** The environment variable that turns a missing requirement from a skip into a failure. */
    public static final String SWITCH = "TRACES_REQUIRE_ALL";

    private Requirements() {
    }

    /** Whether this run must have every requirement ({@value #SWITCH} is 1 or true). */
    public static boolean strict() {
        String v = System.getenv(SWITCH);
        return v != null && (v.strip().equals("1") || v.strip().toLowerCase(Locale.ROOT).equals("true"));
    }

    /**
     * A requirement of the calling test: returns when {@code present}; otherwise skips the test, or
     * fails it under the switch, with {@code missing} (what is missing and how to install it).
     */
    public static void need(boolean present, String missing) {
        check(strict(), present, missing);
    }

    /** {@link #need} with the mode given: package-private so that {@code RequirementsTest} can run both. */
    static void check(boolean strict, boolean present, String missing) {
        if (present) {
            return;
        }
        if (strict) {
            throw new AssertionFailedError(SWITCH + "=1 (set by .ci/run), so this test may not be skipped: " + missing);
        }
        Assumptions.abort("skipped: " + missing + " (with " + SWITCH + "=1 this is a failure)");
    }

    /**
     * A requirement that has a fallback worth checking: true when {@code present}; false when it is
     * missing and the caller should check the fallback instead; a failure under the switch.
     */
    public static boolean presentOrFallback(boolean present, String missing) {
        return presentOrFallback(strict(), present, missing);
    }

    static boolean presentOrFallback(boolean strict, boolean present, String missing) {
        if (!present && strict) {
            check(true, false, missing);
        }
        return present;
    }

    /**
     * A check this machine may not be able to run and CI does not promise (a tmpfs mount needs root,
     * an error path needs a machine without CUDA, numpy is optional): skips the test when
     * {@code condition} does not hold, in both modes, saying {@code why}.
     */
    public static void skipUnless(boolean condition, String why) {
        if (!condition) {
            Assumptions.abort("skipped: " + why);
        }
    }

    /** The shared folder ({@code TRACES_SHARED}, default {@code ../shared}), whether or not it is there. */
    public static Path sharedLocation() {
        String env = System.getenv("TRACES_SHARED");
        return (env != null && !env.isBlank() ? Path.of(env) : Path.of("..", "shared")).toAbsolutePath().normalize();
    }

    /** The shared folder with its {@code data/}: required. */
    public static Path shared() {
        Path p = sharedLocation();
        need(Files.isDirectory(p.resolve("data")), "the shared models, photos and datasets are not at " + p
                + ": put them at ../shared beside the checkout or set TRACES_SHARED to their folder");
        return p;
    }

    /** A file or folder under the shared folder: required. */
    public static Path shared(String relative) {
        Path root = shared();
        Path p = root.resolve(relative);
        need(Files.exists(p), "the shared folder " + root + " has no " + relative
                + ": it is incomplete (its README.md lists what it holds); set TRACES_SHARED to a complete copy");
        return p;
    }

    /** Debian's TurboJPEG library, for a test of the TurboJPEG codec path: required. */
    public static void turboJpeg() {
        need(JpegBackend.TURBOJPEG.available(), "TurboJPEG is missing, so its codec path is not tested: "
                + JpegBackend.turboJpegUnavailableReason() + "; install it with apt-get install libturbojpeg0");
    }

    /** A JPEG codec path: the JDK's is always there, TurboJPEG is {@link #turboJpeg() required}. */
    public static void jpegBackend(JpegBackend backend) {
        if (backend == JpegBackend.TURBOJPEG) {
            turboJpeg();
        }
    }

    /** What to say when Debian's libwebp is missing ({@code reason}: why it did not load). */
    public static String libWebpMissing(String reason) {
        return "libwebp is missing, so WebP decodes through the TwelveMonkeys fallback and Pillow's WebP pixels are not"
                + " checked (" + reason + "); install it with apt-get install libwebp7 libwebpdemux2";
    }

    /** Debian's headless Chromium at {@code browser}: required. */
    public static void chromium(Path browser) {
        need(Files.isExecutable(browser), "Chromium is not at " + browser
                + ", so the report is not checked in a browser; install it with apt-get install chromium"
                + " (or point -Dchromium.path at one)");
    }
}
