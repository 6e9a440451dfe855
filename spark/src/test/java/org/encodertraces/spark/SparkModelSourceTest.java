package org.encodertraces.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.encodertraces.encoder.Encoder;
import org.encodertraces.encoder.EncoderFactory;
import org.encodertraces.encoder.ExecutionProvider;
import org.encodertraces.encoder.FileModelOptions;
import org.encodertraces.encoder.ModelRef;
import org.encodertraces.encoder.Pooling;
import org.encodertraces.encoder.Registry;
import org.junit.jupiter.api.Test;

/**
 * What an executor receives for a {@code --model}: the driver's parsed reference, serialised with
 * the source, opens the same encoder as on the driver (a model file with its options included),
 * with no command line parsed again.
 */
class SparkModelSourceTest {
    @Test
    void aModelFileWithItsOptionsOpensOnTheExecutorAsOnTheDriver() throws Exception {
        Path model = Requirements.shared("models/mobilenetv2-12-int8.onnx");
        Path shared = model.getParent().getParent();
        Map<String, String> env = Map.of("TRACES_SHARED", shared.toString());
        FileModelOptions options = new FileModelOptions("input", "627", Pooling.GLOBAL_AVERAGE, null, null, null, null,
                List.of(0.485, 0.456, 0.406), List.of(0.229, 0.224, 0.225));
        ModelRef ref = ModelRef.parse(model.toString(), options, Registry.builtIn(), shared);
        EncoderFactory.Settings settings = EncoderFactory.fromEnvironment(env, 1, ExecutionProvider.CPU);
        EncoderFactory.Prepared prepared = EncoderFactory.prepare(ref, settings);

        SparkModelSource source = new SparkModelSource(ref, env, false, prepared.file().toAbsolutePath().toString(), null);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(source);
        }
        SparkModelSource shipped;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            shipped = (SparkModelSource) in.readObject();
        }
        assertEquals(source, shipped);
        try (Encoder driver = EncoderFactory.open(prepared, settings); Encoder executor = shipped.open(1)) {
            assertEquals(1280, executor.embeddingDim());
            assertEquals(driver.preprocessing(), executor.preprocessing());
            // the same model file, embedding and preprocessing; the source names the file by the absolute path the executor opened
            Map<String, Object> d = new java.util.HashMap<>(driver.provenance());
            Map<String, Object> e = new java.util.HashMap<>(executor.provenance());
            assertEquals("file " + prepared.file().toAbsolutePath() + " (command-line options)", e.remove("model_source"));
            d.remove("model_source");
            assertEquals(d, e);
        }
    }
}
