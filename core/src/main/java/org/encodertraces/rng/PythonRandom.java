package org.encodertraces.rng;

import java.math.BigInteger;

/**
 * CPython's {@code random.Random}: MT19937 seeded from an integer as {@code random.seed(n)} does
 * ({@code init_by_array} on the 32-bit words of |n|, least significant first), with
 * {@code getrandbits}, {@code _randbelow} ({@code randrange(n)}, rejection on getrandbits of
 * n's bit length) and {@code shuffle} (Fisher-Yates from the end). The study splits its
 * validation set with {@code random.shuffle} after {@code random.seed(22)}; this reproduces it.
 */
public final class PythonRandom {
    private static final int N = 624;
    private static final int M = 397;
    private final int[] mt = new int[N];
    private int mti = N + 1;

    /** {@code random.seed(seed)} for an int seed. */
    public PythonRandom(long seed) {
        this(BigInteger.valueOf(seed));
    }

    /** {@code random.seed(seed)} for an int seed of any size (its absolute value is used, as CPython does). */
    public PythonRandom(BigInteger seed) {
        initByArray(SeedSequence.words(seed.abs()));
    }

    private void initGenrand(int s) {
        mt[0] = s;
        for (mti = 1; mti < N; mti++) {
            mt[mti] = 1812433253 * (mt[mti - 1] ^ (mt[mti - 1] >>> 30)) + mti;
        }
    }

    private void initByArray(int[] key) {
        initGenrand(19650218);
        int i = 1;
        int j = 0;
        for (int k = Math.max(N, key.length); k > 0; k--) {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >>> 30)) * 1664525)) + key[j] + j;
            i++;
            j++;
            if (i >= N) {
                mt[0] = mt[N - 1];
                i = 1;
            }
            if (j >= key.length) {
                j = 0;
            }
        }
        for (int k = N - 1; k > 0; k--) {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >>> 30)) * 1566083941)) - i;
            i++;
            if (i >= N) {
                mt[0] = mt[N - 1];
                i = 1;
            }
        }
        mt[0] = 0x80000000;
    }

    /** The next 32-bit MT19937 output (genrand_uint32), as an unsigned value in an int. */
    public int nextInt() {
        int y;
        if (mti >= N) {
            int kk;
            for (kk = 0; kk < N - M; kk++) {
                y = (mt[kk] & 0x80000000) | (mt[kk + 1] & 0x7fffffff);
                mt[kk] = mt[kk + M] ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0);
            }
            for (; kk < N - 1; kk++) {
                y = (mt[kk] & 0x80000000) | (mt[kk + 1] & 0x7fffffff);
                mt[kk] = mt[kk + (M - N)] ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0);
            }
            y = (mt[N - 1] & 0x80000000) | (mt[0] & 0x7fffffff);
            mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0);
            mti = 0;
        }
        y = mt[mti++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y;
    }

    /** {@code getrandbits(k)} for 0 <= k <= 63. */
    public long getrandbits(int k) {
        if (k < 0 || k > 63) {
            throw new IllegalArgumentException("getrandbits(k) here takes 0 <= k <= 63, got " + k);
        }
        if (k == 0) {
            return 0;
        }
        if (k <= 32) {
            return (nextInt() & 0xFFFFFFFFL) >>> (32 - k);
        }
        long lo = nextInt() & 0xFFFFFFFFL;
        long hi = (nextInt() & 0xFFFFFFFFL) >>> (64 - k);
        return lo | (hi << 32);
    }

    /** {@code getrandbits(k)} for any k >= 0: 32-bit words filled from the least significant end, the last one truncated. */
    public BigInteger getrandbitsBig(int k) {
        if (k < 0) {
            throw new IllegalArgumentException("number of bits must be non-negative");
        }
        BigInteger r = BigInteger.ZERO;
        int shift = 0;
        for (int left = k; left > 0; left -= 32) {
            long w = nextInt() & 0xFFFFFFFFL;
            if (left < 32) {
                w >>>= 32 - left;
            }
            r = r.or(BigInteger.valueOf(w).shiftLeft(shift));
            shift += 32;
        }
        return r;
    }

    /** {@code _randbelow(n)} ({@code randrange(n)}): uniform in [0, n) for n >= 1. */
    public long randbelow(long n) {
        if (n < 1) {
            throw new IllegalArgumentException("randbelow needs n >= 1, got " + n);
        }
        int k = 64 - Long.numberOfLeadingZeros(n); // n.bit_length()
        long r = getrandbits(k);
        while (r >= n) {
            r = getrandbits(k);
        }
        return r;
    }

    /** {@code random.shuffle(x)} in place. */
    public void shuffle(int[] x) {
        for (int i = x.length - 1; i > 0; i--) {
            int j = (int) randbelow(i + 1L);
            int t = x[i];
            x[i] = x[j];
            x[j] = t;
        }
    }
}
