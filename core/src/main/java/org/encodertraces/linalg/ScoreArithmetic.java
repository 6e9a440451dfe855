package org.encodertraces.linalg;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * How a kNN score is summed, fixed once per JVM: the one choice that both {@link StripKernel}s
 * follow, so that they stay bit-identical to each other.
 *
 * <p>Fused (the default wherever the CPU has fused multiply-add, i.e. every x86-64 CPU since
 * 2013 and every ARM64 one): {@code s = fma(q[d], x[d], s)} for d = 0..D-1, one rounding per
 * dimension. Java specifies {@code fma} exactly (the product and sum rounded once), so these
 * scores are the same float on every such machine, Intel or AMD. Fused multiply-add also lifts
 * the kernel's ceiling on Intel, whose two vector ports execute every multiply and every add as
 * well: a separate multiply and add caps the kernel at half of the FMA peak there.
 *
 * <p>Unfused (only on a JVM without hardware FMA, where {@code Math.fma} would be emulated in
 * software, thousands of times slower): {@code s = s + q[d] * x[d]}, a rounded product then a
 * rounded sum. Scores may then differ from a fused machine's in the last bit.
 *
 * <p>HotSpot's {@code UseFMA} flag says whether the CPU has FMA; the system property
 * {@code encodertraces.knn.fma} ({@code true}, {@code false} or {@code auto}, the default)
 * overrides it, for tests and for comparing the two on one machine. Asking for {@code true}
 * on a CPU without FMA is refused: it would be correct but unusably slow.
 */
final class ScoreArithmetic {
    /** The property that overrides the choice. */
    static final String PROPERTY = "encodertraces.knn.fma";

    /** Whether scores are summed with fused multiply-add in this JVM. */
    static final boolean FUSED = decide(System.getProperty(PROPERTY, "auto"), hardwareFma());

    private ScoreArithmetic() {
    }

    /** The choice for a property value and the hardware's answer. */
    static boolean decide(String property, boolean hardware) {
        switch (property.trim().toLowerCase(Locale.ROOT)) {
            case "auto", "":
                return hardware;
            case "false":
                return false;
            case "true":
                if (!hardware) {
                    throw new IllegalStateException("-D" + PROPERTY + "=true, but this JVM has no hardware fused"
                            + " multiply-add (HotSpot's UseFMA is off): Math.fma would run in software");
                }
                return true;
            default:
                throw new IllegalArgumentException("-D" + PROPERTY + " must be true, false or auto, got '" + property + "'");
        }
    }

    /** HotSpot's {@code UseFMA}: on when the CPU has FMA and the JIT emits it; false on a JVM that does not say. */
    static boolean hardwareFma() {
        try {
            HotSpotDiagnosticMXBean hs = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            return hs != null && Boolean.parseBoolean(hs.getVMOption("UseFMA").getValue());
        } catch (RuntimeException | LinkageError e) {
            // not HotSpot, or no such flag (IllegalArgumentException): assume none, which is always fast
            return false;
        }
    }

    /** One step of the sum: {@code acc + a * b} in this JVM's arithmetic. */
    static float step(float acc, float a, float b) {
        return FUSED ? Math.fma(a, b, acc) : acc + a * b;
    }

    /** For provenance: which summation ran. */
    static String describe() {
        return FUSED ? "float32, fused multiply-add in dimension order"
                : "float32, multiply then add in dimension order (no hardware FMA)";
    }
}
