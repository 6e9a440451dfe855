package org.encodertraces.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.encodertraces.encoder.EncoderFactory;
import org.encodertraces.encoder.ExecutionProvider;
import org.encodertraces.encoder.ModelSource;
import org.encodertraces.encoder.Registry;
import org.encodertraces.encoder.RegistryEntry;
import org.encodertraces.encoder.builtin.JpegForensicEncoder;
import org.encodertraces.encoder.builtin.LowLevelStatsEncoder;
import org.encodertraces.encoder.hub.HubFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code traces models}: the registry, where each model comes from, and what is available locally. */
@Command(name = "models", header = "List the encoders (registry, shared, built-in) and what is available locally.", mixinStandardHelpOptions = true,
        description = {"List the encoders: the study's 47 (registry), the local shared models and the built-in reference encoders,",
                "with family, embedding size, input size, source, and whether the ONNX file is available locally (with its size)."})
public final class ModelsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--available", description = "only models that can run now without a download or export")
    boolean availableOnly;

    @Override
    public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        EncoderFactory.Settings s = EncoderFactory.fromEnvironment(System.getenv(), 1, ExecutionProvider.CPU);
        o.println("id\tfamily\tdim\tinput\tsource\tlocal\tsize_mb\tstudy_name");
        o.printf("%s\tREF\t%d\t256 (no resize)\tbuilt-in\tyes\t0\t-%n", JpegForensicEncoder.ID, new JpegForensicEncoder().embeddingDim());
        o.printf("%s\tREF\t%d\t256 (no resize)\tbuilt-in\tyes\t0\t-%n", LowLevelStatsEncoder.ID, new LowLevelStatsEncoder().embeddingDim());
        int available = 2;
        for (RegistryEntry e : Registry.builtIn().entries()) {
            Optional<Path> local = localFile(e, s);
            if (availableOnly && local.isEmpty()) {
                continue;
            }
            available += local.isPresent() ? 1 : 0;
            String size = local.map(p -> {
                try {
                    return String.format("%.1f", Files.size(p) / 1e6);
                } catch (java.io.IOException ex) {
                    return "?";
                }
            }).orElse("-");
            o.printf("%s\t%s\t%d\t%d\t%s\t%s\t%s\t%s%n", e.id(), e.family(), e.embeddingDim(), e.preprocessing().cropSize(),
                    describe(e.source()), local.isPresent() ? "yes" : "no", size, e.studyName() == null ? "-" : e.studyName());
        }
        o.printf("# %d models ready to run; cache: %s%s%n", available, s.cache().root(), s.cache().offline() ? " (offline)" : "");
        o.flush();
        return 0;
    }

    private static String describe(ModelSource src) {
        if (src instanceof ModelSource.SharedFile f) {
            return "shared:" + f.path();
        }
        if (src instanceof ModelSource.HubFile h) {
            return "hub:" + h.repo() + "/" + h.file();
        }
        return "recipe:" + ((ModelSource.Recipe) src).script();
    }

    private static Optional<Path> localFile(RegistryEntry e, EncoderFactory.Settings s) {
        if (e.source() instanceof ModelSource.SharedFile f) {
            Path p = s.sharedDir().resolve(f.path());
            return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
        }
        if (e.source() instanceof ModelSource.HubFile h) {
            return s.cache().find(new HubFile(h.repo(), h.revision(), h.file()));
        }
        return Optional.empty();
    }
}
