package org.encodertraces.rng;

import java.math.BigInteger;

/**
 * numpy's {@code PCG64} bit generator: a 128-bit LCG with the XSL-RR output function, seeded
 * from a {@link SeedSequence} as numpy does (state and increment from four 64-bit words), with
 * numpy's 32-bit half-word buffer (a 64-bit output serves two 32-bit draws, low half first).
 * {@link #advance(BigInteger)} and {@link #jumped(long)} move the stream in O(log n) steps, so an
 * index-based draw can start anywhere without drawing the values before it.
 */
public final class Pcg64 {
    private static final long MULT_HI = 0x2360ED051FC65DA4L;
    private static final long MULT_LO = 0x4385DF649FCCF645L;
    private static final BigInteger MASK128 = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);
    /** numpy's jump step: (phi - 1) * 2^128, made odd. */
    private static final BigInteger JUMP = new BigInteger("9e3779b97f4a7c15f39cc0605cedc835", 16);

    private long stateHi;
    private long stateLo;
    private long incHi;
    private long incLo;
    private boolean hasUint32;
    private int uinteger;

    /** {@code np.random.PCG64(seed)}. */
    public Pcg64(long seed) {
        this(new SeedSequence(seed));
    }

    /** {@code np.random.PCG64(seedSequence)}. */
    public Pcg64(SeedSequence seq) {
        long[] v = seq.generateState64(4);
        // pcg64_set_seed: seed = (v[0] high, v[1] low), inc = (v[2] high, v[3] low); pcg_setseq_128_srandom_r
        incHi = (v[2] << 1) | (v[3] >>> 63);
        incLo = (v[3] << 1) | 1L;
        stateHi = 0;
        stateLo = 0;
        step();
        long lo = stateLo + v[1];
        long carry = Long.compareUnsigned(lo, stateLo) < 0 ? 1 : 0;
        stateHi = stateHi + v[0] + carry;
        stateLo = lo;
        step();
    }

    private Pcg64(long sh, long sl, long ih, long il) {
        stateHi = sh;
        stateLo = sl;
        incHi = ih;
        incLo = il;
    }

    /** A copy with the same state (buffer included). */
    public Pcg64 copy() {
        Pcg64 c = new Pcg64(stateHi, stateLo, incHi, incLo);
        c.hasUint32 = hasUint32;
        c.uinteger = uinteger;
        return c;
    }

    /** The 128-bit LCG state, as numpy's {@code bit_generator.state["state"]["state"]} shows it. */
    public BigInteger state() {
        return u128(stateHi, stateLo);
    }

    /** The 128-bit increment, as numpy's {@code bit_generator.state["state"]["inc"]} shows it. */
    public BigInteger increment() {
        return u128(incHi, incLo);
    }

    private static BigInteger u128(long hi, long lo) {
        return new BigInteger(Long.toUnsignedString(hi)).shiftLeft(64).or(new BigInteger(Long.toUnsignedString(lo)));
    }

    private void step() {
        // state = state * MULT + inc (mod 2^128)
        long lo = stateLo * MULT_LO;
        long hi = unsignedMultiplyHigh(stateLo, MULT_LO) + stateLo * MULT_HI + stateHi * MULT_LO;
        long lo2 = lo + incLo;
        long carry = Long.compareUnsigned(lo2, lo) < 0 ? 1 : 0;
        stateHi = hi + incHi + carry;
        stateLo = lo2;
    }

    /** The high 64 bits of the unsigned 128-bit product a * b. */
    static long unsignedMultiplyHigh(long a, long b) {
        return Math.multiplyHigh(a, b) + ((a >> 63) & b) + ((b >> 63) & a);
    }

    /** The next 64-bit output ({@code random_raw}); does not touch the 32-bit buffer, as in numpy. */
    public long nextLong() {
        step();
        long x = stateHi ^ stateLo;
        int rot = (int) (stateHi >>> 58);
        return Long.rotateRight(x, rot);
    }

    /** The next 32-bit output as numpy's {@code pcg64_next32}: the buffered high half, else the low half of a new output. */
    public int nextInt() {
        if (hasUint32) {
            hasUint32 = false;
            return uinteger;
        }
        long next = nextLong();
        hasUint32 = true;
        uinteger = (int) (next >>> 32);
        return (int) next;
    }

    /** A double in [0, 1) as numpy's {@code next_double}: the top 53 bits of a 64-bit output. */
    public double nextDouble() {
        return (nextLong() >>> 11) * (1.0 / 9007199254740992.0);
    }

    /** Moves the stream {@code delta} (mod 2^128) outputs ahead and clears the 32-bit buffer, as numpy's {@code advance}. */
    public Pcg64 advance(BigInteger delta) {
        BigInteger d = delta.and(MASK128);
        // pcg_advance_lcg_128: accumulate multiplier and increment by squaring
        BigInteger curMult = u128(MULT_HI, MULT_LO);
        BigInteger curPlus = increment();
        BigInteger accMult = BigInteger.ONE;
        BigInteger accPlus = BigInteger.ZERO;
        while (d.signum() > 0) {
            if (d.testBit(0)) {
                accMult = accMult.multiply(curMult).and(MASK128);
                accPlus = accPlus.multiply(curMult).add(curPlus).and(MASK128);
            }
            curPlus = curMult.add(BigInteger.ONE).multiply(curPlus).and(MASK128);
            curMult = curMult.multiply(curMult).and(MASK128);
            d = d.shiftRight(1);
        }
        BigInteger s = accMult.multiply(state()).add(accPlus).and(MASK128);
        stateHi = s.shiftRight(64).longValue();
        stateLo = s.longValue();
        hasUint32 = false;
        uinteger = 0;
        return this;
    }

    /** Moves the stream {@code delta} outputs ahead (see {@link #advance(BigInteger)}). */
    public Pcg64 advance(long delta) {
        return advance(BigInteger.valueOf(delta));
    }

    /** numpy's {@code jumped(jumps)}: a new generator advanced by jumps * 0x9e3779b97f4a7c15f39cc0605cedc835. */
    public Pcg64 jumped(long jumps) {
        return copy().advance(JUMP.multiply(BigInteger.valueOf(jumps)));
    }
}
