package org.encodertraces.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.encodertraces.erase.EncoderIdentity;
import org.encodertraces.erase.EraseMethod;
import org.encodertraces.erase.ErasureEvaluation;
import org.encodertraces.erase.ErasureEvaluationFiles;
import org.encodertraces.erase.ErasureFit;
import org.encodertraces.embed.OperationSets;
import org.encodertraces.knn.KnnInfluence;
import org.encodertraces.probe.FeatureNormalization;
import org.encodertraces.probe.HyperparameterSearch;
import org.encodertraces.probe.ProbeConfig;
import org.encodertraces.probe.ProcessingTask;
import org.encodertraces.probe.TrainerKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code traces erase evaluate}: the before/after measurement of erasing a processing task, over seeds, on unseen images. */
@Command(name = "evaluate", header = "Measure an erasure before and after: trace probes, kNN gap, semantic accuracy, over seeds.",
        mixinStandardHelpOptions = true,
        description = {"Per seed: fit the eraser on --fit-fraction of the images (all operations of --task), then on the "
                        + "other images only, raw and erased: the --task probe and each --check-task probe (fresh probes: "
                        + "their own seeds, the --trainer), kNN under the five set-ups (all-same accuracy, pos-same minus "
                        + "neg-same gap) and a semantic linear probe.",
                "Writes OUTDIR/erasure-<task>-<method>.json (per seed, provenance, inputs with sha256) and .csv; "
                        + "prints mean +- std.",
                "Exit status: 0 done, 2 bad usage or input."})
final class EraseEvaluateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Mixin
    EraseMethodOptions methodOptions = new EraseMethodOptions();

    @Option(names = "--task", required = true, description = "the processing task to erase")
    String task;

    @Option(names = "--check-task", paramLabel = "TASK", description = "another task probed before and after (repeatable; its sets are needed)")
    List<String> checkTasks = new ArrayList<>();

    @Option(names = "--set", required = true, paramLabel = "OP=FILE", description = "embedding set per operation (of --task and the check tasks)")
    List<String> sets;

    @Option(names = "--label-tensor", defaultValue = "label", description = "semantic class tensor (default ${DEFAULT-VALUE})")
    String labelTensor;

    @Option(names = "--seeds", defaultValue = "5", description = "seeds seed..seed+n-1 (default ${DEFAULT-VALUE})")
    int seeds;

    @Option(names = "--seed", defaultValue = "0", description = "first seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--fit-fraction", defaultValue = "0.5", description = "share of images the eraser is fitted on (default ${DEFAULT-VALUE})")
    double fitFraction;

    @Option(names = "--eval-test-fraction", defaultValue = "0.3", description = "share of the other images used as test/queries (default ${DEFAULT-VALUE})")
    double evalTestFraction;

    @Option(names = "--trainer", defaultValue = "sgd", description = "checking probes' trainer: sgd or lbfgs (default ${DEFAULT-VALUE})")
    String trainer;

    @Option(names = "--norm", defaultValue = "l2", description = "checking probes' normalisation: l2, standard, none (default ${DEFAULT-VALUE})")
    String norm;

    @Option(names = "--trials", defaultValue = "10", description = "checking probes' hyper-parameter trials (default ${DEFAULT-VALUE})")
    int trials;

    @Option(names = "--repeats", defaultValue = "3", description = "processing probes' repeats per seed (default ${DEFAULT-VALUE})")
    int repeats;

    @Option(names = "-k", defaultValue = "10", description = "kNN neighbours (default ${DEFAULT-VALUE})")
    int k;

    @Option(names = "--threads", converter = OptionValues.Threads.class, defaultValue = "0", description = "worker threads (0 = number of cores; results do not depend on it)")
    int threads;

    @Option(names = {"-o", "--out"}, converter = OptionValues.OutputPath.class, required = true, paramLabel = "OUTDIR", description = "output folder")
    Path out;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter outw = spec.commandLine().getOut();
        Instant started = Instant.now();
        try {
            int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
            ErasureFit.Options fo = methodOptions.options(seed, n);
            EraseMethod m = fo.method();
            ProcessingTask t = ProcessingTask.parse(task);
            String taskName = t.name().toLowerCase(Locale.ROOT);
            Map<String, List<String>> checks = new LinkedHashMap<>();
            for (String c : checkTasks) {
                ProcessingTask ct = ProcessingTask.parse(c);
                checks.put(ct.name().toLowerCase(Locale.ROOT), ct.operations());
            }
            if (seeds < 1) {
                throw new IllegalArgumentException("--seeds must be >= 1");
            }
            OperationSets ts = TaskSets.read(sets);
            TaskSets.of(ts, t.operations(), taskName);
            checks.forEach((name, ops) -> TaskSets.of(ts, ops, name));
            EncoderIdentity id = EncoderIdentity.of(ts.first());
            for (String op : ts.operations()) {
                id.requireSame(EncoderIdentity.of(ts.set(op)), ts.file(ts.operations().get(0)), ts.file(op));
            }
            ProbeConfig pc = new ProbeConfig(FeatureNormalization.parse(norm), TrainerKind.parse(trainer), trials,
                    HyperparameterSearch.Sampler.TPE, 0.2, seed, repeats, n, 100, 1024, 2000,
                    // the evaluation makes its own fit/evaluation split of the images, so the order-free draws apply
                    org.encodertraces.rng.Protocol.ROBUST, seed, java.util.Map.of());
            List<Long> seedList = new ArrayList<>();
            for (int i = 0; i < seeds; i++) {
                seedList.add(seed + i);
            }
            ErasureEvaluation.Config cfg = new ErasureEvaluation.Config(fo, taskName, t.operations(), checks, labelTensor, seedList,
                    fitFraction, evalTestFraction, pc, new KnnInfluence.Config(k, 10, 0, n, org.encodertraces.rng.Protocol.ROBUST));
            Instant t0 = Instant.now();
            ErasureEvaluation.Result r = new ErasureEvaluation(cfg).run(ts.byOperation(), (done, total) -> {
                err.printf(Locale.ROOT, "seed %d/%d done (%d s)%n", done, total, java.time.Duration.between(t0, Instant.now()).toSeconds());
                err.flush();
            });
            Map<String, Path> inputs = new LinkedHashMap<>();
            ts.operations().forEach(op -> inputs.put(op, ts.file(op)));
            ErasureEvaluationFiles.Written written = ErasureEvaluationFiles.write(r, cfg, id, inputs, started, out);
            outw.printf(Locale.ROOT, "%s erasure of %s on %s (D=%d, rank %s), %d seeds; eraser fitted on %d images, evaluated on %d + %d others%n",
                    m.id(), taskName, id.model(), id.dim(), java.util.Arrays.toString(r.ranks()), seeds, r.fitImages(), r.evalTrain(), r.evalTest());
            for (ErasureEvaluation.Metric x : r.metrics()) {
                double scale = 100;
                outw.printf(Locale.ROOT, "%-22s before %6.2f +- %5.2f   after %6.2f +- %5.2f%s%n", x.name(), scale * x.beforeMean(),
                        scale * x.beforeStd(), scale * x.afterMean(), scale * x.afterStd(),
                        Double.isNaN(x.chance()) ? "" : String.format(Locale.ROOT, "   (chance %.2f)", 100 * x.chance()));
            }
            outw.println("wrote " + written.json() + " and " + written.csv());
            outw.flush();
            return 0;
        } catch (IllegalArgumentException | IOException e) {
            throw new UsageException(e);
        }
    }
}
