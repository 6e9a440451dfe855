package org.encodertraces.audit;

import java.util.List;
import org.encodertraces.probe.ProbeConfig;
import org.encodertraces.probe.ProcessingTask;

/**
 * Everything an audit run can be told; {@link #defaults(List)} follows the study where it can
 * (10 seeds, kNN with k = 10, masks of 90% of the crop) with a smaller search budget so a run
 * on a laptop finishes.
 *
 * @param models the names of the models ({@code ModelRef.name()}: registry id, {@code builtin:...}, file stem, {@code id@stem})
 * @param tasks processing task groups to probe (and to run kNN on when semantic labels exist)
 * @param maskPercent the masked variants cover this percentage of the crop (0 = no masked variants)
 * @param probe probe settings (trainer, normalisation, trials, repeats, seed)
 * @param k neighbours for kNN
 * @param uniformSeeds seeds of the kNN "uniform" set-up
 * @param testFraction share of images held out as probe test set and kNN queries
 * @param minPerClass acquisition attributes need at least this many photos in at least two classes
 * @param seed seed of processing draws and splits
 * @param threads worker threads
 * @param batchSize encoder batch size
 * @param grouping photos kept on one side of the acquisition splits (near-duplicates, the user's groups)
 */
public record AuditConfig(List<String> models, List<ProcessingTask> tasks, int maskPercent, ProbeConfig probe, int k,
                          int uniformSeeds, double testFraction, int minPerClass, long seed, int threads, int batchSize,
                          Grouping grouping) {
    public AuditConfig {
        java.util.Objects.requireNonNull(grouping, "grouping");
        models = List.copyOf(models);
        tasks = List.copyOf(tasks);
        if (models.isEmpty()) {
            throw new IllegalArgumentException("an audit needs at least one model");
        }
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new IllegalArgumentException("test fraction must be in (0, 1): " + testFraction);
        }
        if (maskPercent < 0 || maskPercent >= 100) {
            throw new IllegalArgumentException("mask percent must be in [0, 100): " + maskPercent);
        }
    }

    /** Study-like defaults for the given models, with 2 threads per core count left to the caller. */
    public static AuditConfig defaults(List<String> models, int threads) {
        ProbeConfig probe = ProbeConfig.study().withBudget(10, 10).withThreads(threads);
        return new AuditConfig(models, List.of(ProcessingTask.values()), 90, probe, 10, 10, 0.3, 20, 0, threads, 32, Grouping.defaults());
    }

    public AuditConfig withProbe(ProbeConfig p) {
        return new AuditConfig(models, tasks, maskPercent, p, k, uniformSeeds, testFraction, minPerClass, seed, threads, batchSize, grouping);
    }

    public AuditConfig withTasks(List<ProcessingTask> t) {
        return new AuditConfig(models, t, maskPercent, probe, k, uniformSeeds, testFraction, minPerClass, seed, threads, batchSize, grouping);
    }

    public AuditConfig withMaskPercent(int m) {
        return new AuditConfig(models, tasks, m, probe, k, uniformSeeds, testFraction, minPerClass, seed, threads, batchSize, grouping);
    }

    public AuditConfig withK(int kk) {
        return new AuditConfig(models, tasks, maskPercent, probe, kk, uniformSeeds, testFraction, minPerClass, seed, threads, batchSize, grouping);
    }

    public AuditConfig withTestFraction(double f) {
        return new AuditConfig(models, tasks, maskPercent, probe, k, uniformSeeds, f, minPerClass, seed, threads, batchSize, grouping);
    }

    public AuditConfig withMinPerClass(int m) {
        return new AuditConfig(models, tasks, maskPercent, probe, k, uniformSeeds, testFraction, m, seed, threads, batchSize, grouping);
    }

    /** The encoder batch size (images per encoder call). */
    public AuditConfig withBatchSize(int b) {
        return new AuditConfig(models, tasks, maskPercent, probe, k, uniformSeeds, testFraction, minPerClass, seed, threads, b, grouping);
    }

    public AuditConfig withSeed(long s) {
        return new AuditConfig(models, tasks, maskPercent, probe.withSeed(s), k, uniformSeeds, testFraction, minPerClass, s, threads, batchSize, grouping);
    }

    public AuditConfig withGrouping(Grouping g) {
        return new AuditConfig(models, tasks, maskPercent, probe, k, uniformSeeds, testFraction, minPerClass, seed, threads, batchSize, g);
    }
}
