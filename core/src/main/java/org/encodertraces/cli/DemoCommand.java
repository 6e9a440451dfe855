package org.encodertraces.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.encodertraces.audit.AuditConfig;
import org.encodertraces.data.Dataset;
import org.encodertraces.data.DemoData;
import org.encodertraces.data.Manifests;
import org.encodertraces.encoder.EncoderFactory;
import org.encodertraces.encoder.ExecutionProvider;
import org.encodertraces.encoder.Registry;
import org.encodertraces.encoder.builtin.JpegForensicEncoder;
import org.encodertraces.encoder.builtin.LowLevelStatsEncoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code traces demo}: the audit on a built-in, deterministically generated dataset, offline,
 * with the built-in reference encoders, plus any local real encoder (given with --model, or
 * the shared MobileNetV2 when it is present).
 */
@Command(name = "demo", header = "Offline demo: the full audit on generated camera/phone scenes, with the report.", mixinStandardHelpOptions = true,
        description = {"Offline demo: generates dead-leaves scenes in 5 classes, each photographed by a simulated camera and a",
                "simulated phone, and runs the full audit (processing probes, masked variant, kNN set-ups, pair retrieval) with the",
                "built-in reference encoders and any real local encoder; writes the report and prints where it is."})
public final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-o", "--out"}, defaultValue = "traces-demo", description = "output folder (default ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--scenes", defaultValue = "16", description = "scenes per class, each photographed twice (default ${DEFAULT-VALUE})")
    int scenes;

    @Option(names = "--model", description = "an extra encoder (registry id or builtin:...); repeatable")
    List<String> extra = new ArrayList<>();

    @Option(names = "--no-real", description = "do not add the shared MobileNetV2 even when it is available")
    boolean noReal;

    @Option(names = "--seed", defaultValue = "0", description = "seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--quiet", description = "no progress output")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int threads = Runtime.getRuntime().availableProcessors();
        Path manifest = DemoData.generate(out.resolve("data"), scenes, 288, 256, seed);
        Dataset ds = Manifests.open(manifest);
        List<String> models = new ArrayList<>(List.of(JpegForensicEncoder.ID, LowLevelStatsEncoder.ID));
        models.addAll(extra);
        if (!noReal && !models.contains("mobilenetv2-int8")) {
            EncoderFactory.Settings s = EncoderFactory.fromEnvironment(System.getenv(), 1, ExecutionProvider.CPU);
            try {
                Path f = EncoderFactory.resolve(Registry.builtIn().get("mobilenetv2-int8"), s);
                if (Files.isRegularFile(f)) {
                    models.add("mobilenetv2-int8");
                }
            } catch (java.io.IOException | RuntimeException e) {
                o.println("demo: no real encoder available locally (" + e.getMessage() + "); using the built-in reference encoders");
            }
        }
        AuditConfig base = AuditConfig.defaults(models, threads);
        AuditConfig cfg = base.withProbe(base.probe().withBudget(8, 5)).withSeed(seed);
        o.printf("traces demo: %d generated photos (%d classes x %d scenes x 2 devices) in %s%n", ds.samples().size(),
                5, scenes, out.resolve("data"));
        o.flush();
        return AuditCommand.run(ds, cfg, out.resolve("report"), quiet, o, err);
    }
}
