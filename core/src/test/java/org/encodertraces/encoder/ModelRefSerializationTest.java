package org.encodertraces.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.encodertraces.image.ResampleFilter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A parsed {@code --model} survives Java serialisation unchanged, in every form: what a Spark
 * executor receives is the reference the driver parsed, with its registry entry, spec-file
 * settings and file options, not a command line to parse again.
 */
class ModelRefSerializationTest {
    private final Registry registry = Registry.builtIn();
    @TempDir
    Path tmp;

    private static ModelRef roundTrip(ModelRef ref) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(ref);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (ModelRef) in.readObject();
        }
    }

    @Test
    void everyFormOfModelReferenceComesBackEqual() throws Exception {
        Path onnx = Files.write(tmp.resolve("export.onnx"), new byte[] {8, 1});
        Files.writeString(tmp.resolve("export.spec.json"), """
                {"format": "encoder-traces-export-spec", "preprocessing": {"resizeSize": 256, "resizeMode": "SHORTER_SIDE",
                 "filter": "BICUBIC", "antialias": true, "cropSize": 256, "scale": 0.00392156862745098, "mean": [0.5, 0.5, 0.5],
                 "std": [0.5, 0.5, 0.5], "channelOrder": "RGB", "layout": "NCHW", "maskAfterCrop": true},
                 "inputName": "pixel_values", "output": "embedding", "pooling": "NONE", "l2Normalize": false, "registryId": null}
                """);
        FileModelOptions options = new FileModelOptions("input", "627", Pooling.GLOBAL_AVERAGE, true, 192, null, ResampleFilter.BILINEAR,
                List.of(0.485, 0.456, 0.406), List.of(0.229, 0.224, 0.225));
        List<ModelRef> refs = List.of(
                ModelRef.parse("builtin:jpeg-forensic", FileModelOptions.NONE, registry, tmp),
                ModelRef.parse("clip-vit-b32", FileModelOptions.NONE, registry, tmp),         // a Hub file with its sha256
                ModelRef.parse("mobilenetv2-int8", FileModelOptions.NONE, registry, tmp),     // a shared file
                ModelRef.parse("dinov2-reg-vitg14", FileModelOptions.NONE, registry, tmp),    // a recipe entry fetched from its authors' server
                ModelRef.parse(onnx.toString(), FileModelOptions.NONE, registry, tmp),        // the spec file beside it
                ModelRef.parse(onnx.toString(), options, registry, tmp),                      // the spec and options over it
                ModelRef.parse("clip-vit-b32=" + onnx, FileModelOptions.NONE, registry, tmp), // declared as a registry encoder
                ModelRef.parse("hf:org/repo@v1/onnx/model.onnx", FileModelOptions.NONE, registry, tmp),
                ModelRef.parse("hf:org/repo/onnx/model.onnx", options, registry, tmp),
                ModelRef.parse("resnet50-in1k", FileModelOptions.NONE, registry, tmp));      // a published checkpoint built in Java
        assertInstanceOf(ModelRef.HubWithSpec.class, refs.get(7));
        assertNotNull(((ModelRef.Onnx) refs.get(3)).recipe());
        for (ModelRef ref : refs) {
            ModelRef back = roundTrip(ref);
            assertEquals(ref, back, ref.text());
            assertEquals(ref.getClass(), back.getClass());
        }
        ModelRef.Onnx file = (ModelRef.Onnx) roundTrip(refs.get(5));
        assertEquals(onnx, file.localFile(), "the file's path, as a Path again");
        assertEquals(192, file.preprocessing().cropSize());
        assertEquals(ResampleFilter.BILINEAR, file.preprocessing().filter());
        assertEquals("627", file.embedding().tensor());
    }
}
