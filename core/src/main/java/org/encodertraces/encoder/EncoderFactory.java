package org.encodertraces.encoder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.encodertraces.encoder.builtin.JpegForensicEncoder;
import org.encodertraces.encoder.builtin.LowLevelStatsEncoder;
import org.encodertraces.encoder.hub.HubClient;
import org.encodertraces.encoder.hub.HubFile;
import org.encodertraces.encoder.hub.ModelCache;

/**
 * Turns what a user passes to {@code --model} into an open {@link Encoder}: a built-in encoder
 * id ({@code builtin:jpeg-forensic}, {@code builtin:lowlevel-stats}), a registry id (shared
 * file, Hub file downloaded into the cache, or an export recipe to run first), or a path to an
 * ONNX file with an explicit embedding selection and preprocessing.
 */
public final class EncoderFactory {
    /** Where to find things and how to run them. */
    public record Settings(Path sharedDir, ModelCache cache, HubClient hub, int threads, ExecutionProvider provider) {
    }

    /** A model given by file: the tensor to take and how to preprocess. */
    public record FileModel(Path file, String inputName, EmbeddingSelection embedding, PreprocessSpec spec) {
    }

    private EncoderFactory() {
    }

    /** True for ids of the built-in encoders. */
    public static boolean isBuiltin(String id) {
        return id.startsWith("builtin:");
    }

    /** A name safe for file names: the registry or built-in id, or the ONNX file's stem. */
    public static String fileSafeName(String idOrFile) {
        String s = idOrFile;
        if (s.toLowerCase(Locale.ROOT).endsWith(".onnx")) {
            s = Path.of(s).getFileName().toString();
            s = s.substring(0, s.length() - 5);
        }
        return s.replaceAll("[^A-Za-z0-9._-]+", "_");
    }

    /** Opens a built-in or registry encoder by id. */
    public static Encoder open(String id, Registry registry, Settings settings) throws IOException {
        if (isBuiltin(id)) {
            return switch (id) {
                case JpegForensicEncoder.ID -> new JpegForensicEncoder();
                case LowLevelStatsEncoder.ID -> new LowLevelStatsEncoder();
                default -> throw new IllegalArgumentException("unknown built-in encoder '" + id + "'; built-in: "
                        + JpegForensicEncoder.ID + ", " + LowLevelStatsEncoder.ID);
            };
        }
        RegistryEntry e = registry.find(id).orElseThrow(() -> new IllegalArgumentException("unknown model '" + id
                + "': not a registry id (see 'traces models'), not a built-in encoder, and not an .onnx file"));
        Path file = resolve(e, settings);
        OnnxEncoderOptions o = OnnxEncoderOptions.cpu(file, e.embedding(), e.preprocessing())
                .withIntraOpThreads(settings.threads()).withProvider(settings.provider(), 0);
        if (e.inputName() != null) {
            o = o.withInputName(e.inputName());
        }
        return OnnxEncoder.open(o);
    }

    /** Opens an ONNX file with an explicit selection and spec. */
    public static Encoder open(FileModel m, Settings settings) {
        if (!Files.isRegularFile(m.file())) {
            throw new IllegalArgumentException(m.file() + ": model file not found");
        }
        OnnxEncoderOptions o = OnnxEncoderOptions.cpu(m.file(), m.embedding(), m.spec())
                .withIntraOpThreads(settings.threads()).withProvider(settings.provider(), 0);
        if (m.inputName() != null) {
            o = o.withInputName(m.inputName());
        }
        return OnnxEncoder.open(o);
    }

    /** The local model file of a registry entry, downloading Hub files into the cache when needed. */
    public static Path resolve(RegistryEntry e, Settings settings) throws IOException {
        ModelSource src = e.source();
        if (src instanceof ModelSource.SharedFile f) {
            Path p = settings.sharedDir().resolve(f.path());
            if (!Files.isRegularFile(p)) {
                throw new IOException("model " + e.id() + ": shared file " + p + " not found (set TRACES_SHARED)");
            }
            return p;
        }
        if (src instanceof ModelSource.HubFile h) {
            HubFile hf = new HubFile(h.repo(), h.revision(), h.file());
            if (settings.hub() == null) {
                return settings.cache().require(hf);
            }
            return settings.hub().download(hf, h.sha256(), null);
        }
        ModelSource.Recipe r = (ModelSource.Recipe) src;
        throw new IOException("model " + e.id() + " has no ready ONNX export: run 'python3 " + r.script() + " "
                + String.join(" ", r.args()) + "' on a machine with torch/open_clip/timm, then pass the written file with "
                + "--model FILE.onnx and the spec it prints");
    }

    /** Reads environment settings the CLI passes in (shared folder, cache, offline). */
    public static Settings fromEnvironment(Map<String, String> env, int threads, ExecutionProvider provider) {
        String shared = env.getOrDefault("TRACES_SHARED", "../shared");
        ModelCache cache = ModelCache.fromEnvironment(env, Path.of(System.getProperty("user.home")), System.getProperty("os.name"));
        HubClient hub = cache.offline() ? null : HubClient.fromEnvironment(env, cache);
        return new Settings(Path.of(shared), cache, hub, threads, provider);
    }
}
