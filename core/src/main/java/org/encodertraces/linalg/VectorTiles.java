package org.encodertraces.linalg;

import java.util.Locale;
import jdk.incubator.vector.FloatVector;

/**
 * Which Vector API register tile {@link TopK} runs: the one that keeps its accumulators in the
 * machine's vector registers without spilling. Loaded only when jdk.incubator.vector is present.
 *
 * <p>x86 with 512-bit vectors (AVX-512: 32 registers) and ARM64 (NEON and SVE: 32 registers) get
 * the 6 x 4 tile of {@link VectorStripKernel} (29 registers live). x86 whose preferred vectors are
 * narrower (AVX2 only, or AVX-512 that HotSpot runs as AVX2, e.g. {@code -XX:UseAVX=2}) has 16
 * registers, where that tile spills; it gets a 16-register tile. Every tile sums each score in
 * the same order with the same arithmetic ({@link ScoreArithmetic}), so the choice changes speed,
 * never a score.
 */
final class VectorTiles {
    private VectorTiles() {
    }

    /** The tile for this JVM ({@code auto}), or the one named: {@code 6x4} or {@code 6x2}. */
    static StripKernel create(String tile) {
        String t = tile.trim().toLowerCase(Locale.ROOT);
        if (t.isEmpty() || t.equals("auto")) {
            t = choose(System.getProperty("os.arch"), FloatVector.SPECIES_PREFERRED.vectorBitSize());
        }
        switch (t) {
            case "6x4":
                return VectorStripKernel.create();
            case "6x2":
                return VectorStripKernel6x2.create();
            default:
                throw new IllegalArgumentException("-D" + StripKernel.TILE_PROPERTY + " must be auto, 6x4 or 6x2, got '"
                        + tile + "'");
        }
    }

    /** The automatic choice for a CPU architecture and the JVM's preferred vector size in bits. */
    static String choose(String arch, int preferredBits) {
        boolean x86 = arch != null && arch.matches("amd64|x86_64|x86|i386");
        return x86 && preferredBits < 512 ? "6x2" : "6x4";
    }
}
