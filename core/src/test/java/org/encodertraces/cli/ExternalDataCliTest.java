package org.encodertraces.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.encodertraces.embed.EmbeddingSet;
import org.encodertraces.embed.EmbeddingSetIO;
import org.encodertraces.encoder.ExternalDataModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model whose weights lie in ONNX external data (as ViT-H/14, ViT-g/14 and ConvNeXt-XXL built
 * from their checkpoints do) at the command line: {@code embed} runs it from its path, and
 * {@code erase export}, which writes one self-contained file, refuses it naming the data file.
 */
class ExternalDataCliTest {
    @TempDir
    Path tmp;

    private List<String> model(Path onnx) {
        return List.of("--model", onnx.toString(), "--output", "embedding", "--size", "32", "--mean", "0.485,0.456,0.406",
                "--std", "0.229,0.224,0.225");
    }

    private Path images() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("img"));
        try (InputStream in = ExternalDataCliTest.class.getResourceAsStream("/org/encodertraces/encoder/checkpoint/resnet50-input.png")) {
            Files.write(dir.resolve("one.png"), in.readAllBytes());
        }
        return dir;
    }

    private static String[] args(List<String> a, List<String> b, String... c) {
        java.util.ArrayList<String> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        all.addAll(List.of(c));
        return all.toArray(String[]::new);
    }

    @Test
    void embedRunsAModelWithExternalDataAndEraseExportRefusesIt() throws Exception {
        Path onnx = ExternalDataModels.tinyExternalResNet(tmp.resolve("m"));
        assertTrue(Files.isRegularFile(Path.of(onnx + ".data")));
        CliRun e = CliRun.of(args(List.of("embed", "--images", images().toString()), model(onnx), "-o", tmp.resolve("emb").toString(),
                "--quiet"));
        assertEquals(0, e.exit(), e.out() + e.err());
        try (var s = Files.list(tmp.resolve("emb"))) {
            Path set = s.filter(f -> f.toString().endsWith(".safetensors")).findFirst().orElseThrow();
            EmbeddingSet es = EmbeddingSetIO.read(set);
            assertEquals(256, es.dim());
            assertEquals(1, es.rows());
        }

        Path out = tmp.resolve("x/erased.onnx");
        CliRun x = CliRun.of(args(List.of("erase", "export"), model(onnx), "--eraser", tmp.resolve("none.safetensors").toString(),
                "-o", out.toString()));
        assertEquals(2, x.exit(), x.out() + x.err());
        assertTrue(x.err().contains("keeps its weights in ONNX external data [" + onnx.getFileName() + ".data]"), x.err());
        assertTrue(x.err().contains("traces erase apply"), x.err());
        assertFalse(Files.exists(out));
    }
}
