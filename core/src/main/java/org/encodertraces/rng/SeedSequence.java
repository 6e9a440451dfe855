package org.encodertraces.rng;

import java.math.BigInteger;

/**
 * numpy's {@code np.random.SeedSequence(entropy)} for a non-negative integer entropy and no spawn
 * key: the entropy's 32-bit words (least significant first) are hashed into a pool of four words
 * and {@link #generateState(int)} stretches the pool into seeding words. It is what
 * {@code np.random.default_rng(seed)} feeds {@link Pcg64}, so it must match numpy word for word.
 */
public final class SeedSequence {
    private static final int INIT_A = 0x43b0d7e5;
    private static final int MULT_A = 0x931e8875;
    private static final int INIT_B = 0x8b51f9dd;
    private static final int MULT_B = 0x58f38ded;
    private static final int MIX_MULT_L = 0xca01f9dd;
    private static final int MIX_MULT_R = 0x4973f715;
    private static final int POOL_SIZE = 4;

    private final int[] pool = new int[POOL_SIZE];

    /** The sequence of a non-negative integer seed (numpy rejects negative ones too). */
    public SeedSequence(long seed) {
        this(BigInteger.valueOf(seed));
    }

    /** The sequence of a non-negative integer of any size. */
    public SeedSequence(BigInteger seed) {
        if (seed.signum() < 0) {
            throw new IllegalArgumentException("SeedSequence expects a non-negative integer, got " + seed);
        }
        int[] entropy = words(seed);
        int[] hashConst = {INIT_A};
        for (int i = 0; i < POOL_SIZE; i++) {
            pool[i] = hashmix(i < entropy.length ? entropy[i] : 0, hashConst);
        }
        for (int src = 0; src < POOL_SIZE; src++) {
            for (int dst = 0; dst < POOL_SIZE; dst++) {
                if (src != dst) {
                    pool[dst] = mix(pool[dst], hashmix(pool[src], hashConst));
                }
            }
        }
        for (int src = POOL_SIZE; src < entropy.length; src++) {
            for (int dst = 0; dst < POOL_SIZE; dst++) {
                pool[dst] = mix(pool[dst], hashmix(entropy[src], hashConst));
            }
        }
    }

    /** The 32-bit words of n, least significant first; zero is one word 0 (numpy's _coerce_to_uint32_array). */
    static int[] words(BigInteger n) {
        int count = Math.max(1, (n.bitLength() + 31) / 32);
        int[] w = new int[count];
        for (int i = 0; i < count; i++) {
            w[i] = n.shiftRight(32 * i).intValue();
        }
        return w;
    }

    private static int hashmix(int value, int[] hashConst) {
        value ^= hashConst[0];
        hashConst[0] *= MULT_A;
        value *= hashConst[0];
        value ^= value >>> 16;
        return value;
    }

    private static int mix(int x, int y) {
        int r = MIX_MULT_L * x - MIX_MULT_R * y;
        return r ^ (r >>> 16);
    }

    /** {@code generate_state(n, np.uint32)}: n words as unsigned 32-bit values in ints. */
    public int[] generateState(int n) {
        int[] out = new int[n];
        int hashConst = INIT_B;
        for (int i = 0; i < n; i++) {
            int v = pool[i % POOL_SIZE];
            v ^= hashConst;
            hashConst *= MULT_B;
            v *= hashConst;
            v ^= v >>> 16;
            out[i] = v;
        }
        return out;
    }

    /** {@code generate_state(n, np.uint64)}: pairs of 32-bit words, the first as the low half (little-endian view). */
    public long[] generateState64(int n) {
        int[] w = generateState(2 * n);
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = (w[2 * i] & 0xFFFFFFFFL) | ((long) w[2 * i + 1] << 32);
        }
        return out;
    }
}
