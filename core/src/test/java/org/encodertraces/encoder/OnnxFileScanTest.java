package org.encodertraces.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.encodertraces.encoder.onnx.OnnxFileScan;
import org.encodertraces.encoder.onnx.OnnxGraphInfo;
import org.encodertraces.encoder.onnx.OnnxModelEditor;
import org.encodertraces.encoder.onnx.ProtoFormatException;
import org.encodertraces.encoder.onnx.ProtoWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The streaming ONNX check that downloads and cached copies pass: real models, an HTML page, truncation, external data. */
class OnnxFileScanTest {
    @TempDir
    Path tmp;

    @Test
    void readsTheInputsOfTheSharedModels() throws IOException {
        OnnxFileScan nsfw = OnnxFileScan.of(SharedData.require("models/nsfwjs-mobilenetv2-224.onnx"));
        assertEquals(List.of("input_1"), nsfw.inputNames());
        assertEquals(List.of("embedding", "dense_3"), nsfw.outputs().stream().map(o -> o.name()).toList());
        assertTrue(nsfw.externalData().isEmpty());
        OnnxFileScan mobilenet = OnnxFileScan.of(SharedData.require("models/mobilenetv2-12-int8.onnx"));
        assertEquals(List.of("input"), mobilenet.inputNames(), "initializers are not inputs");
        assertEquals(List.of(-1L, 3L, 224L, 224L), mobilenet.inputs().get(0).dims());
    }

    @Test
    void refusesAnHtmlPageAnEmptyFileAndATruncatedModel() throws IOException {
        Path html = Files.writeString(tmp.resolve("page.onnx"), "<!DOCTYPE html><html><body>Not found</body></html>");
        ProtoFormatException e = assertThrows(ProtoFormatException.class, () -> OnnxFileScan.of(html));
        assertTrue(e.getMessage().contains("not an ONNX model"), e.getMessage());
        Path empty = Files.write(tmp.resolve("empty.onnx"), new byte[0]);
        assertThrows(ProtoFormatException.class, () -> OnnxFileScan.of(empty));
        byte[] model = Files.readAllBytes(SharedData.require("models/nsfwjs-mobilenetv2-224.onnx"));
        Path cut = Files.write(tmp.resolve("cut.onnx"), Arrays.copyOf(model, model.length / 2));
        ProtoFormatException t = assertThrows(ProtoFormatException.class, () -> OnnxFileScan.of(cut));
        assertTrue(t.getMessage().contains("past the end") || t.getMessage().contains("truncated"), t.getMessage());
    }

    @Test
    void findsExternalDataLocationsAndTheClassifierInput() throws IOException {
        ProtoWriter external = new ProtoWriter().string(1, "location").string(2, "model.onnx_data");
        ProtoWriter weight = new ProtoWriter().varint(1, 512).varint(1, 3).varint(2, 1).string(8, "W")
                .message(13, external).message(13, new ProtoWriter().string(1, "offset").string(2, "0")).varint(14, 1);
        ProtoWriter graph = new ProtoWriter()
                .message(1, new ProtoWriter().string(1, "x").string(2, "pooled").string(4, "GlobalAveragePool"))
                .message(1, new ProtoWriter().string(1, "pooled").string(2, "flat").string(4, "Flatten"))
                .message(1, new ProtoWriter().string(1, "flat").string(1, "W").string(2, "mm").string(4, "MatMul"))
                .message(1, new ProtoWriter().string(1, "mm").string(1, "b").string(2, "logits").string(4, "Add"))
                .string(2, "g").message(5, weight)
                .message(11, OnnxModelEditor.valueInfo("x", 1, -1, 3, 224, 224))
                .message(11, OnnxModelEditor.valueInfo("W", 1, 3, 512))
                .message(12, OnnxModelEditor.valueInfo("logits", 1, -1, 512));
        byte[] model = new ProtoWriter().varint(1, 8).message(7, graph).toByteArray();
        OnnxFileScan scan = OnnxFileScan.of(Files.write(tmp.resolve("ext.onnx"), model));
        assertEquals(List.of("x"), scan.inputNames());
        assertEquals(List.of("model.onnx_data"), scan.externalData());
        assertEquals("flat", OnnxGraphInfo.classifierInput(model, "logits"), "through the bias Add to the MatMul's input");
        assertThrows(IllegalArgumentException.class, () -> OnnxGraphInfo.classifierInput(model, "pooled"));
        assertEquals(8, scan.irVersion());
        assertTrue(new String(model, StandardCharsets.ISO_8859_1).contains("model.onnx_data"));
    }
}
