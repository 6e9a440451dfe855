package org.encodertraces.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.encodertraces.encoder.Encoder;
import org.encodertraces.encoder.EncoderFactory;
import org.encodertraces.encoder.ExecutionProvider;
import org.encodertraces.encoder.CheckpointModels;
import org.encodertraces.encoder.CheckpointSizes;
import org.encodertraces.encoder.ModelSource;
import org.encodertraces.encoder.Registry;
import org.encodertraces.encoder.RegistryEntry;
import org.encodertraces.encoder.builtin.BuiltinEncoders;
import org.encodertraces.encoder.hub.HubFile;
import org.encodertraces.encoder.hub.UrlFiles;
import org.encodertraces.io.Tsv;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code traces models}: the registry, where each model comes from, and what is available locally. */
@Command(name = "models", header = "List the encoders (registry, shared, built-in) and what is available locally.", mixinStandardHelpOptions = true,
        description = {"List the encoders: the study's 47 (registry), the local shared models and the built-in reference "
                        + "encoders, with family, embedding size, input size, where the ONNX file comes from (a Hub download "
                        + "with its size, the shared folder, or an export recipe to run first), whether it is available "
                        + "locally, and the counts."})
public final class ModelsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--available", description = "only models that can run now without a download or export")
    boolean availableOnly;

    @Override
    public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        Map<String, String> env = CliEnv.of(spec);
        EncoderFactory.Settings s = EncoderFactory.fromEnvironment(env, 1, ExecutionProvider.CPU);
        Registry registry;
        try {
            registry = Registry.fromEnvironment(env);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e);
        }
        o.println("id\tfamily\tdim\tinput\tdownload\tdownload_mb\tweights\tlocal\tlocal_mb\tstudy_name");
        int available = 0;
        for (String id : BuiltinEncoders.IDS) {
            try (Encoder enc = BuiltinEncoders.open(id)) {
                o.printf("%s\tREF\t%d\t%d (no resize)\tbuilt-in\t0\t-\tyes\t0\t-%n", id, enc.embeddingDim(), enc.preprocessing().cropSize());
                available++;
            }
        }
        int study = 0;
        int hubSame = 0;
        int hubLikely = 0;
        int recipes = 0;
        int builtHub = 0;
        int builtUrl = 0;
        for (RegistryEntry e : registry.entries()) {
            Optional<Path> local = localFile(e, s);
            if (e.inStudy()) {
                study++;
                if (e.source() instanceof ModelSource.HubFile h) {
                    hubSame += "likely".equals(h.weights()) ? 0 : 1;
                    hubLikely += "likely".equals(h.weights()) ? 1 : 0;
                } else if (e.source() instanceof ModelSource.Recipe r && r.checkpoint() != null && CheckpointModels.forEntry(e).isPresent()) {
                    if (r.checkpoint().onHub()) {
                        builtHub++;
                    } else {
                        builtUrl++;
                    }
                } else if (e.source() instanceof ModelSource.Recipe) {
                    recipes++;
                }
            }
            available += local.isPresent() ? 1 : 0;
            if (availableOnly && local.isEmpty()) {
                continue;
            }
            String size = local.map(ModelsCommand::megabytes).orElse("-");
            o.print(Tsv.line(e.id(), e.family(), e.embeddingDim(), e.preprocessing().cropSize(), describe(e),
                    downloadSize(e), weights(e.source()), local.isPresent() ? "yes" : "no", size,
                    e.studyName() == null ? "-" : e.studyName()));
        }
        o.printf("# %d study encoders: %d download from the Hub as ONNX (%d with the study's weights, %d likely the same), %d are"
                + " built in Java from their published checkpoint (%d downloaded from the Hub, %d from their authors' servers, their"
                + " sha256 trust-on-first-use), %d need the export recipe (tools/export-onnx/export_onnx.py)%n", study, hubSame + hubLikely, hubSame,
                hubLikely, builtHub + builtUrl, builtHub, builtUrl, recipes);
        o.printf("# %d models ready to run now; cache: %s%s%n", available, s.cache().root(), s.cache().offline() ? " (offline)" : "");
        o.flush();
        return 0;
    }

    private static String megabytes(Path p) {
        try {
            return String.format("%.1f", Files.size(p) / 1e6);
        } catch (java.io.IOException ex) {
            return "?";
        }
    }

    private static String describe(RegistryEntry e) {
        if (e.source() instanceof ModelSource.Recipe r && r.checkpoint() != null && CheckpointModels.forEntry(e).isPresent()) {
            ModelSource.PublishedCheckpoint c = r.checkpoint();
            return "checkpoint:" + (c.onHub() ? "hf:" + c.repo() + "/" + c.file() : c.url() + (c.sha256() != null ? " (published sha256)"
                    : " (no published sha256: trust-on-first-use, pinned at the first download)"));
        }
        return describe(e.source());
    }

    private static String describe(ModelSource src) {
        if (src instanceof ModelSource.SharedFile f) {
            return "shared:" + f.path();
        }
        if (src instanceof ModelSource.HubFile h) {
            return "hf:" + h.repo() + (h.revision().equals("main") ? "" : "@" + h.revision().substring(0, Math.min(7, h.revision().length())))
                    + "/" + h.file() + (Boolean.TRUE.equals(h.l2NormalizedInGraph()) ? " (L2-normalised in graph)" : "");
        }
        return "recipe:" + ((ModelSource.Recipe) src).script();
    }

    private static String downloadSize(RegistryEntry e) {
        if (e.source() instanceof ModelSource.Recipe r && r.checkpoint() != null && CheckpointModels.forEntry(e).isPresent()) {
            if (r.checkpoint().sizeMb() != null) {
                return String.format("%.0f", r.checkpoint().sizeMb());
            }
            // no published size was read: computed from the architecture's tensor shapes (float32)
            return CheckpointSizes.of(e).map(sz -> sz.label() + " (computed)").orElse("?");
        }
        return downloadSize(e.source());
    }

    private static String downloadSize(ModelSource src) {
        if (src instanceof ModelSource.HubFile h) {
            return h.sizeMb() == null ? "?" : String.format("%.0f", h.sizeMb());
        }
        return "-";
    }

    private static String weights(ModelSource src) {
        return src instanceof ModelSource.HubFile h && h.weights() != null ? h.weights() : "-";
    }

    private static Optional<Path> localFile(RegistryEntry e, EncoderFactory.Settings s) {
        if (e.source() instanceof ModelSource.SharedFile f) {
            Path p = s.sharedDir().resolve(f.path());
            return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
        }
        if (e.source() instanceof ModelSource.HubFile h) {
            return s.cache().find(new HubFile(h.repo(), h.revision(), h.file()));
        }
        if (e.source() instanceof ModelSource.Recipe r && r.checkpoint() != null && CheckpointModels.forEntry(e).isPresent()) {
            // the downloaded checkpoint (its ONNX build is made from it on first use)
            ModelSource.PublishedCheckpoint c = r.checkpoint();
            if (c.onHub()) {
                return s.cache().find(new HubFile(c.repo(), c.revision(), c.file()));
            }
            Path p = UrlFiles.pathFor(s.cache(), java.net.URI.create(c.url()));
            return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
        }
        return Optional.empty();
    }
}
