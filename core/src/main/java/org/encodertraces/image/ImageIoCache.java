package org.encodertraces.image;

import javax.imageio.ImageIO;

/**
 * Turns ImageIO's disk cache off. With it on (the JDK's default), every stream ImageIO wraps
 * around an {@code OutputStream} or {@code InputStream} spools through a {@code imageio*.tmp}
 * file in {@code java.io.tmpdir}: a killed run leaves one behind each time, a full disk fails
 * there first, and at shutdown (Ctrl-C) ImageIO's own hook closes those streams under the
 * workers' feet and prints a stack trace. Our images are in memory anyway.
 */
final class ImageIoCache {
    static {
        ImageIO.setUseCache(false);
    }

    private ImageIoCache() {
    }

    /** Makes sure the cache is off (the class initialiser does it once per JVM). */
    static void off() {
        // the work is done by the class initialiser; this call only triggers it
    }
}
