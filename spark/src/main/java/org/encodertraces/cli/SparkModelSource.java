package org.encodertraces.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkFiles;
import org.encodertraces.encoder.Encoder;
import org.encodertraces.encoder.EncoderFactory;
import org.encodertraces.encoder.ExecutionProvider;
import org.encodertraces.encoder.ModelRef;
import org.encodertraces.spark.SparkEmbed;
import picocli.CommandLine;

/**
 * Opens one {@code --model} on an executor exactly as the driver parsed it: the same model
 * options (re-parsed from their command-line form), the same environment, and the model file the
 * driver prepared, at its path when the executor sees it, else the copy Spark shipped
 * ({@code SparkFiles}).
 *
 * <p>Why: parsed model references are not serializable and hold paths of the driver's machine;
 * their command-line form is, and parsing it again goes through the same checks.
 *
 * @param args {@code --model X} and the file-model options as the user wrote them
 * @param env the driver's {@code TRACES_*} and {@code HF_*} variables
 * @param driverFile the model file the driver prepared, or null for a built-in encoder
 * @param shippedName the file's name among the files added to the Spark context, or null
 */
record SparkModelSource(List<String> args, Map<String, String> env, boolean gpu, String driverFile, String shippedName)
        implements SparkEmbed.EncoderSource {
    private static final long serialVersionUID = 1L;

    /** Holds the model options for re-parsing. */
    @CommandLine.Command(name = "model")
    static final class Holder {
        @CommandLine.Mixin
        ModelOptions options = new ModelOptions();
    }

    SparkModelSource {
        args = List.copyOf(args);
        env = Map.copyOf(env);
    }

    /** The model reference these arguments name. */
    ModelRef ref() {
        Holder h = new Holder();
        new CommandLine(h).setCaseInsensitiveEnumValuesAllowed(true).parseArgs(args.toArray(String[]::new));
        return h.options.parse(env, List.of()).get(0);
    }

    @Override
    public Encoder open(int threads) throws IOException {
        ModelRef ref = ref();
        if (ref instanceof ModelRef.Onnx m && driverFile != null) {
            Path file = Path.of(driverFile);
            if (!Files.isRegularFile(file) && shippedName != null) {
                file = Path.of(SparkFiles.get(shippedName));
            }
            ref = new ModelRef.Onnx(m.text(), m.name(), m.entry(), file, null, m.expectedSha256(), null, m.inputName(),
                    m.embedding(), m.preprocessing(), m.setupFrom());
        }
        EncoderFactory.Settings settings = EncoderFactory.fromEnvironment(env, threads, gpu ? ExecutionProvider.CUDA : ExecutionProvider.CPU);
        return EncoderFactory.open(EncoderFactory.prepare(ref, settings), settings);
    }
}
