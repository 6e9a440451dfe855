package org.encodertraces.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.encodertraces.encoder.EncoderFactory;
import org.encodertraces.encoder.ExecutionProvider;
import org.encodertraces.encoder.FileModelOptions;
import org.encodertraces.encoder.ModelRef;
import org.encodertraces.encoder.Pooling;
import org.encodertraces.encoder.PreprocessSpec;
import org.encodertraces.encoder.Registry;
import org.encodertraces.image.ResampleFilter;
import picocli.CommandLine.Option;

/**
 * The {@code --model} option and the options of a model given by file, shared by every command
 * that takes encoders (a picocli mixin), so that they all accept the same model references. Part of
 * the CLI-support API the optional modules' commands use.
 */
public final class ModelOptions {
    static final String MODEL_HELP = "encoder: registry id (see 'traces models'), builtin:jpeg-forensic, builtin:lowlevel-stats,"
            + " FILE.onnx (with --output and --mean/--std, or its FILE.spec.json beside it), ID=FILE.onnx (a file declared as"
            + " the registry's encoder ID: its preprocessing and output apply), or hf:ORG/REPO[@REV]/PATH.onnx; repeatable";

    @Option(names = "--model", paramLabel = "MODEL", description = MODEL_HELP)
    List<String> models = new ArrayList<>();

    @Option(names = "--input-name", paramLabel = "NAME", description = "for a model file: the input to feed (default: its only input)")
    String inputName;

    @Option(names = "--output", paramLabel = "TENSOR", description = "for a model file: graph output or intermediate tensor holding the embedding")
    String output;

    @Option(names = "--pooling", description = "for a model file: ${COMPLETION-CANDIDATES} (default NONE)")
    Pooling pooling;

    @Option(names = "--l2", description = "for a model file: L2-normalise embeddings")
    Boolean l2;

    @Option(names = "--size", description = "for a model file: crop size; the resize size equals it, as in the study (default 224)")
    Integer size;

    @Option(names = "--resize-mode", description = "for a model file: ${COMPLETION-CANDIDATES} (default SHORTER_SIDE)")
    PreprocessSpec.ResizeMode resizeMode;

    @Option(names = "--filter", description = "for a model file: resize filter (default BICUBIC)")
    ResampleFilter filter;

    @Option(names = "--mean", split = ",", paramLabel = "R,G,B", description = "for a model file: per-channel mean after x/255 (required unless a spec file gives it)")
    List<Double> mean;

    @Option(names = "--std", split = ",", paramLabel = "R,G,B", description = "for a model file: per-channel std (required unless a spec file gives it)")
    List<Double> std;

    /** The file-model options as the library's record. */
    FileModelOptions fileOptions() {
        return new FileModelOptions(inputName, output, pooling, l2, size, resizeMode, filter, mean, std);
    }

    /**
     * The models named, parsed and checked; {@code fallback} when none was given.
     *
     * @throws IllegalArgumentException with what is wrong and how to fix it
     */
    public List<ModelRef> parse(Map<String, String> env, List<String> fallback) {
        return parseNames(env, models.isEmpty() ? fallback : models);
    }

    /** Parses and checks these names with this command's file-model options. */
    List<ModelRef> parseNames(Map<String, String> env, List<String> names) {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("give at least one --model (" + MODEL_HELP + ")");
        }
        Registry registry = Registry.fromEnvironment(env);
        Path shared = Path.of(env.getOrDefault("TRACES_SHARED", "../shared"));
        List<ModelRef> refs = ModelRef.parseAll(names, fileOptions(), registry, shared);
        Map<String, String> seen = new LinkedHashMap<>();
        for (ModelRef r : refs) {
            String other = seen.putIfAbsent(r.fileName(), r.text());
            if (other != null) {
                throw new IllegalArgumentException("--model " + other + " and --model " + r.text() + " would write the same files ("
                        + r.fileName() + "); give each model once");
            }
        }
        return refs;
    }

    /** Settings from the environment, with the CLI's download progress bars on {@code err}. */
    public static EncoderFactory.Settings settings(Map<String, String> env, int threads, ExecutionProvider provider, PrintWriter err,
                                            boolean quiet) {
        return EncoderFactory.fromEnvironment(env, threads, provider).withProgress(f -> DownloadBar.of(err, f.toString(), quiet));
    }
}
