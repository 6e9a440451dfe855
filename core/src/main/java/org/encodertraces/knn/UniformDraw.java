package org.encodertraces.knn;

/**
 * The seeded per-image operation draw of the {@link KnnSetup#UNIFORM} set-up: image i under seed s
 * gets operation {@code unsignedRemainder(splitmix64(s * 0x9E3779B97F4A7C15 + i), K)}. Stateless
 * and order-free, so it is the same whatever the threading, and a few lines of Python reproduce it
 * (tools/reference/knn_reference.py).
 */
public final class UniformDraw {
    private UniformDraw() {
    }

    /** The SplitMix64 finaliser. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The operation index (0..operations-1) of image {@code image} under {@code seed}. */
    public static int operation(long seed, int image, int operations) {
        return (int) Long.remainderUnsigned(mix(seed * 0x9E3779B97F4A7C15L + image), operations);
    }
}
