package org.encodertraces.rng;

/**
 * numpy's {@code Generator} over {@link Pcg64}, i.e. {@code np.random.default_rng(seed)}, for the
 * draws the study makes: {@link #integers(long, long, int)} (dtype int64, numpy's bounded-integer
 * path: Lemire's multiply-shift with rejection on 32-bit draws when the range fits in 32 bits,
 * on 64-bit draws otherwise), {@link #integers32(int, int, int)} (dtype int32), {@link #choice(int, int)}
 * ({@code choice(a, n)} with replacement and no weights, which numpy turns into
 * {@code integers(0, a, n)}), and {@link #random()}.
 */
public final class NumpyGenerator {
    private final Pcg64 bits;

    /** {@code np.random.default_rng(seed)} for a non-negative seed. */
    public NumpyGenerator(long seed) {
        this(new Pcg64(seed));
    }

    /** A generator drawing from the given bit generator (which it advances). */
    public NumpyGenerator(Pcg64 bits) {
        this.bits = bits;
    }

    /** The bit generator underneath. */
    public Pcg64 bitGenerator() {
        return bits;
    }

    /** {@code integers(low, high, size)} with the default dtype int64: size values in [low, high). */
    public long[] integers(long low, long high, int size) {
        if (high <= low) {
            throw new IllegalArgumentException("high <= low: [" + low + ", " + high + ")");
        }
        long rng = high - low - 1; // as unsigned: high - low - 1 < 2^64
        long[] out = new long[size];
        for (int i = 0; i < size; i++) {
            out[i] = low + boundedUint64(rng);
        }
        return out;
    }

    /** One {@code integers(low, high)} (int64). */
    public long integer(long low, long high) {
        return integers(low, high, 1)[0];
    }

    /** {@code integers(low, high, size, dtype=np.int32)}. */
    public int[] integers32(int low, int high, int size) {
        if (high <= low) {
            throw new IllegalArgumentException("high <= low: [" + low + ", " + high + ")");
        }
        int rng = high - low - 1; // unsigned
        int[] out = new int[size];
        for (int i = 0; i < size; i++) {
            out[i] = low + boundedUint32(rng);
        }
        return out;
    }

    /** {@code choice(a, n)} (replace=True, p=None): n indices in [0, a), exactly numpy's draws. */
    public int[] choice(int a, int n) {
        if (a < 1) {
            throw new IllegalArgumentException("choice needs a population of at least 1, got " + a);
        }
        long[] v = integers(0, a, n);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = (int) v[i];
        }
        return out;
    }

    /** {@code random()}: a double in [0, 1). */
    public double random() {
        return bits.nextDouble();
    }

    /** numpy's random_bounded_uint64 for one value in [0, rng] (rng unsigned), use_masked=False. */
    private long boundedUint64(long rng) {
        if (rng == 0) {
            return 0;
        }
        if (Long.compareUnsigned(rng, 0xFFFFFFFFL) <= 0) {
            if (rng == 0xFFFFFFFFL) {
                return bits.nextInt() & 0xFFFFFFFFL;
            }
            return boundedUint32((int) rng) & 0xFFFFFFFFL;
        }
        if (rng == -1L) {
            return bits.nextLong();
        }
        return lemire64(rng);
    }

    /** numpy's buffered_bounded_lemire_uint32 (the buffer is PCG64's own half-word buffer). */
    private int boundedUint32(int rng) {
        if (rng == 0) {
            return 0;
        }
        if (rng == -1) {
            return bits.nextInt();
        }
        long rngExcl = (rng & 0xFFFFFFFFL) + 1;
        long m = (bits.nextInt() & 0xFFFFFFFFL) * rngExcl;
        long leftover = m & 0xFFFFFFFFL;
        if (leftover < rngExcl) {
            long threshold = (0xFFFFFFFFL - (rng & 0xFFFFFFFFL)) % rngExcl;
            while (leftover < threshold) {
                m = (bits.nextInt() & 0xFFFFFFFFL) * rngExcl;
                leftover = m & 0xFFFFFFFFL;
            }
        }
        return (int) (m >>> 32);
    }

    /** numpy's bounded_lemire_uint64 for rng in (2^32 - 1, 2^64 - 1). */
    private long lemire64(long rng) {
        long rngExcl = rng + 1;
        long x = bits.nextLong();
        long leftover = x * rngExcl;
        if (Long.compareUnsigned(leftover, rngExcl) < 0) {
            long threshold = Long.remainderUnsigned(-1L - rng, rngExcl);
            while (Long.compareUnsigned(leftover, threshold) < 0) {
                x = bits.nextLong();
                leftover = x * rngExcl;
            }
        }
        return Pcg64.unsignedMultiplyHigh(x, rngExcl);
    }
}
