package org.encodertraces.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.encodertraces.encoder.TinyOnnx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 22, item 9: {@code traces train} writes {@code DIR/model.onnx} with {@code model.spec.json}
 * beside it, so every trained model's file stem is "model". Two of them in one embed or audit used
 * to collide (both sets {@code ...__model}); a model file named {@code model.onnx} is now named after
 * its run folder. The run folders here hold what train writes, with a tiny generated network.
 */
@Timeout(120)
class TrainedModelNamesCliTest {
    /** A run folder as traces train leaves it: model.onnx (32 px in, a 3-d embedding out) and its spec. */
    static Path runFolder(Path dir, int variant) throws IOException {
        Files.createDirectories(dir);
        TinyOnnx m = new TinyOnnx().input("pixel_values", TinyOnnx.FLOAT, -1, 3, 32, 32);
        // two different networks, so that their embeddings (and sha256) differ
        if (variant == 0) {
            m.node("GlobalAveragePool", "pixel_values", "pooled");
        } else {
            m.node("GlobalMaxPool", "pixel_values", "pooled");
        }
        byte[] onnx = m.node("Flatten", "pooled", "embedding").output("embedding", TinyOnnx.FLOAT, -1, 3).build();
        Files.write(dir.resolve("model.onnx"), onnx);
        Files.writeString(dir.resolve("model.spec.json"), """
                {"preprocessing": {"resizeSize": 32, "resizeMode": "SHORTER_SIDE", "filter": "BICUBIC", "antialias": true,
                  "cropSize": 32, "scale": 0.00392156862745098, "mean": [0.4914, 0.4822, 0.4465], "std": [0.2470, 0.2435, 0.2616],
                  "channelOrder": "RGB", "layout": "NCHW", "maskAfterCrop": true},
                 "embeddingDim": 3, "onnx": "model.onnx", "inputName": "pixel_values", "output": "embedding", "pooling": "NONE",
                 "l2Normalize": false, "trainedBy": "traces train (test stand-in)"}
                """);
        return dir.resolve("model.onnx");
    }

    @Test
    void twoTrainedModelsInOneEmbedAndAuditGetSetsOfTheirOwn(@TempDir Path tmp) throws Exception {
        Path a = runFolder(tmp.resolve("runs/crop-flip-s0"), 0);
        Path b = runFolder(tmp.resolve("runs/none-s0"), 1);
        Path images = AuditEstimateCliTest.folder(tmp.resolve("img"), 20, 64, 48);
        Path emb = tmp.resolve("emb");
        CliRun e = CliRun.of("embed", "--images", images.toString(), "--model", a.toString(), "--model", b.toString(), "--quiet",
                "-o", emb.toString());
        assertEquals(0, e.exit(), e.out() + e.err());
        assertTrue(Files.isRegularFile(emb.resolve("img__IDENTITY__crop-flip-s0.safetensors")), e.out());
        assertTrue(Files.isRegularFile(emb.resolve("img__IDENTITY__none-s0.safetensors")), e.out());

        Path out = tmp.resolve("audit");
        List<String> args = new ArrayList<>(List.of("audit", "--images", images.toString(), "--model", a.toString(), "--model",
                b.toString(), "--tasks", "sharpening", "--mask", "0", "--protocol", "robust", "--trials", "1", "--seeds", "1",
                "--quiet", "-o", out.toString()));
        CliRun r = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.out() + r.err());
        JsonNode encoders = new ObjectMapper().readTree(out.resolve("report.json").toFile()).get("encoders");
        List<String> ids = new ArrayList<>();
        encoders.forEach(x -> ids.add(x.get("id").asText()));
        assertEquals(List.of("crop-flip-s0", "none-s0"), ids);
        assertTrue(Files.isRegularFile(out.resolve("embeddings/img__SHARPEN_2__crop-flip-s0.safetensors")));
        assertTrue(Files.isRegularFile(out.resolve("embeddings/img__SHARPEN_2__none-s0.safetensors")));
    }
}
