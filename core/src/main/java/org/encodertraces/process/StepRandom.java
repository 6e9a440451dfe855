package org.encodertraces.process;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The random draw of one step for one image, derived only from the run's seed, the image id,
 * the operation name and the step's position, so results do not depend on processing order or
 * thread count.
 */
public final class StepRandom {
    private final long bits;

    private StepRandom(long bits) {
        this.bits = bits;
    }

    /** The draw for (seed, image id, operation, step index). */
    public static StepRandom of(long seed, String imageId, String opName, int stepIndex) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((seed + "\u0000" + imageId + "\u0000" + opName + "\u0000" + stepIndex).getBytes(StandardCharsets.UTF_8));
            byte[] d = sha.digest();
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (d[i] & 0xFF);
            }
            return new StepRandom(v);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    /** A uniform double in [0, 1) with 53 random bits. */
    public double uniform() {
        return (bits >>> 11) * 0x1.0p-53;
    }
}
