package org.encodertraces.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.encodertraces.audit.AuditConfig;
import org.encodertraces.data.Dataset;
import org.encodertraces.data.DemoData;
import org.encodertraces.data.Manifests;
import org.encodertraces.encoder.ModelRef;
import org.encodertraces.encoder.builtin.BuiltinEncoders;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code traces demo}: the audit on a built-in, deterministically generated dataset, offline,
 * with the built-in reference encoders, plus any local real encoder (given with --model, or
 * the shared MobileNetV2 when it is present).
 */
@Command(name = "demo", header = "Offline demo: the full audit on generated camera/phone scenes, with the report.", mixinStandardHelpOptions = true,
        description = {"Offline demo: generates dead-leaves scenes in 5 classes, each photographed by a simulated camera "
                        + "and a simulated phone, and runs the full audit (processing probes, masked variant, kNN set-ups, "
                        + "pair retrieval) with the built-in reference encoders and any real local encoder; writes the report "
                        + "and prints where it is."})
public final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-o", "--out"}, converter = OptionValues.OutputPath.class, defaultValue = "traces-demo", description = "output folder (default ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--scenes", defaultValue = "16", description = "scenes per class, each photographed twice (default ${DEFAULT-VALUE})")
    int scenes;

    /** Extra encoders (any model reference) beside the built-in ones. */
    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--no-real", description = "do not add the shared MobileNetV2 even when it is available")
    boolean noReal;

    @Option(names = "--seed", defaultValue = "0", description = "seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--quiet", description = "no progress output")
    boolean quiet;

    private static final String REAL = "mobilenetv2-int8";

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int threads = Runtime.getRuntime().availableProcessors();
        Map<String, String> env = CliEnv.of(spec);
        List<String> names = new ArrayList<>(BuiltinEncoders.IDS);
        names.addAll(modelOptions.models);
        Models models;
        try {
            // a demo already running into this folder: refused before anything is generated
            org.encodertraces.io.OutputLock.checkFree(out.resolve("report"));
            List<ModelRef> refs = new ArrayList<>(modelOptions.parseNames(env, names));
            if (!noReal && refs.stream().noneMatch(r -> r.name().equals(REAL))) {
                List<ModelRef> real = modelOptions.parseNames(env, List.of(REAL));
                try {
                    Models.prepare(real, env, threads, err, true);
                    refs.addAll(real);
                } catch (java.io.IOException | IllegalArgumentException e) {
                    o.println("demo: no real encoder available locally (" + e.getMessage() + "); using the built-in reference encoders");
                }
            }
            models = Models.prepare(refs, env, threads, err, quiet);
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw new UsageException(e);
        }
        Path manifest = DemoData.generate(out.resolve("data"), scenes, 288, 256, seed);
        Dataset ds = Manifests.open(manifest);
        AuditConfig base = AuditConfig.defaults(models.names(), threads);
        AuditConfig cfg = base.withProbe(base.probe().withBudget(8, 5)).withSeed(seed);
        o.printf("traces demo: %d generated photos (%d classes x %d scenes x 2 devices) in %s%n", ds.samples().size(),
                5, scenes, out.resolve("data"));
        o.flush();
        return AuditCommand.run(ds, cfg, models, out.resolve("report"), quiet, o, err, env);
    }
}
