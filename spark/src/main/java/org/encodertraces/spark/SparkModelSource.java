package org.encodertraces.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.SparkFiles;
import org.encodertraces.encoder.Encoder;
import org.encodertraces.encoder.EncoderFactory;
import org.encodertraces.encoder.ExecutionProvider;
import org.encodertraces.encoder.ModelRef;

/**
 * Opens one {@code --model} on an executor exactly as the driver parsed it: the driver's
 * {@link ModelRef} itself (serialised with its registry entry, spec-file settings and file
 * options), the same environment, and the model file the driver prepared, at its path when the
 * executor sees it, else the copy Spark shipped ({@code SparkFiles}).
 *
 * <p>Why: parsing the command line again on each executor went through picocli and the checks of
 * a path the executor may not have; the parsed reference needs neither.
 *
 * @param ref the model reference the driver parsed
 * @param env the driver's {@code TRACES_*} and {@code HF_*} variables
 * @param gpu whether to run on the CUDA execution provider
 * @param driverFile the model file the driver prepared, or null for a built-in encoder
 * @param shippedName the file's name among the files added to the Spark context, or null
 */
public record SparkModelSource(ModelRef ref, Map<String, String> env, boolean gpu, String driverFile, String shippedName)
        implements SparkEmbed.EncoderSource {
    private static final long serialVersionUID = 2L;

    /** Copies. */
    public SparkModelSource {
        Objects.requireNonNull(ref, "ref");
        env = Map.copyOf(env);
    }

    @Override
    public Encoder open(int threads) throws IOException {
        ModelRef r = ref;
        if (r instanceof ModelRef.Onnx m && driverFile != null) {
            Path file = Path.of(driverFile);
            if (!Files.isRegularFile(file) && shippedName != null) {
                file = Path.of(SparkFiles.get(shippedName));
            }
            r = new ModelRef.Onnx(m.text(), m.name(), m.entry(), file, null, m.expectedSha256(), null, m.inputName(),
                    m.embedding(), m.preprocessing(), m.setupFrom());
        }
        EncoderFactory.Settings settings = EncoderFactory.fromEnvironment(env, threads, gpu ? ExecutionProvider.CUDA : ExecutionProvider.CPU);
        return EncoderFactory.open(EncoderFactory.prepare(r, settings), settings);
    }
}
