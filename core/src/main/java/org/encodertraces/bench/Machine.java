package org.encodertraces.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * The one line a benchmark prints about where it ran: date, CPU model, cores, Java, load average.
 * Why: every table in BENCHMARKS.md must say which machine measured it, and copying that by
 * hand is how rows from two machines got mixed up.
 */
public final class Machine {
    private Machine() {
    }

    /** The CPU's model name as {@code /proc/cpuinfo} gives it (Linux), else the architecture. */
    public static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or not readable: fall back
        }
        return System.getProperty("os.arch");
    }

    /**
     * The machine's idle and total CPU time so far, all cores, in clock ticks ({@code /proc/stat});
     * {0, 0} where it cannot be read. Idle time during a run says whether the run left cores
     * unused, or other processes took them.
     */
    public static long[] cpuTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                total += Long.parseLong(f[i]);
            }
            return new long[] {Long.parseLong(f[4]) + Long.parseLong(f[5]), total};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }

    /** Share of all cores' time that was idle between two {@link #cpuTicks()} readings, or NaN. */
    public static double idleShare(long[] before, long[] after) {
        long total = after[1] - before[1];
        return total <= 0 ? Double.NaN : (double) (after[0] - before[0]) / total;
    }

    /** Date, CPU, cores, Java and the 1-minute load average, on one line. */
    public static String describe() {
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return String.format(Locale.ROOT, "machine: %s UTC, CPU \"%s\", %d cores, Java %s, load average %.2f",
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString().replace('T', ' ').replace("Z", ""), cpuModel(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), load);
    }
}
