package org.encodertraces.encoder;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A small model written with ONNX external data, for tests outside this package: the committed
 * MoCo-style ResNet of width 8 (256 wide) built as registry entry mocov3-rn50 with the inline
 * threshold at 0, so its weights go to {@code NAME.onnx.data} as a model past 2 GB's would.
 */
public final class ExternalDataModels {
    private ExternalDataModels() {
    }

    /** mocov3-rn50 as registered, but 256 wide: the committed tiny ResNet's width. */
    static RegistryEntry tinyMocoEntry() {
        RegistryEntry e = Registry.builtIn().get("mocov3-rn50");
        return new RegistryEntry(e.id(), e.studyName(), e.family(), e.architecture(), e.trainingData(), 256, e.inputName(),
                e.embedding(), e.preprocessing(), e.nativeResizeSize(), e.preprocessingSource(), e.source(), e.notes());
    }

    /** The committed tiny MoCo-style ResNet checkpoint, copied into {@code dir}. */
    static Path tinyCheckpoint(Path dir) throws IOException {
        Path f = dir.resolve("tiny-resnet-moco.pth.tar");
        try (InputStream in = ExternalDataModels.class.getResourceAsStream("/org/encodertraces/encoder/checkpoint/tiny-resnet-moco.pth.tar")) {
            Files.write(f, in.readAllBytes());
        }
        return f;
    }

    /**
     * The tiny ResNet built under {@code dir} with its weights in external data.
     *
     * @return the model file; {@code MODEL.data} lies beside it
     */
    public static Path tinyExternalResNet(Path dir) throws IOException {
        Files.createDirectories(dir);
        return CheckpointModels.build(tinyMocoEntry(), tinyCheckpoint(dir), dir.resolve("cache"), 0);
    }
}
