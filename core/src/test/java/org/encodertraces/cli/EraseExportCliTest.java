package org.encodertraces.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.encodertraces.embed.EmbeddingSet;
import org.encodertraces.embed.EmbeddingSetIO;
import org.encodertraces.provenance.Hashes;
import org.encodertraces.process.ProcessingOp;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code traces erase export} at the command line on the shared MobileNetV2 (INT8; its embedding is
 * the global average of the intermediate feature map '627', promoted by the encoder): 8 flower
 * photos embedded under the sharpening task, a LEACE eraser fitted on them, the exported graph
 * embedded again. The exported model's embeddings must equal {@code erase apply}'s on the same
 * images within 1e-5 (absolute, per value); the graph must load in ONNX Runtime with strict
 * shape and type inference; the spec must record both sha256s and the eraser's fit provenance;
 * erasers of another encoder or width are refused in one line with exit status 2.
 */
class EraseExportCliTest {
    static final String MODEL = "mobilenetv2-int8";
    static final String MODEL_SHA = "cc028fe6cae7bc11a4ff53cfc9b79c920e8be65ce33a904ec3e2a8f66d77f95f";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Path eraser;
    static List<Path> sets = new ArrayList<>();
    static Path images;

    @BeforeAll
    static void fitEraser() throws Exception {
        images = SmallFlowers.copy(dir.resolve("img"), 4);
        CliRun e = CliRun.of("embed", "--images", images.toString(), "--model", MODEL, "--processing",
                String.join(",", ProcessingOp.SHARPENING_TASK), "-o", dir.resolve("emb").toString(), "--quiet", "--threads", "2");
        assertEquals(0, e.exit(), e.err());
        List<String> fit = new ArrayList<>(List.of("erase", "fit", "--task", "sharpening", "--all-images"));
        for (String op : ProcessingOp.SHARPENING_TASK) {
            Path set = dir.resolve("emb").resolve("img__" + op + "__" + MODEL + ".safetensors");
            sets.add(set);
            fit.add("--set");
            fit.add(op + "=" + set);
        }
        eraser = dir.resolve("sharpening.safetensors");
        fit.addAll(List.of("-o", eraser.toString()));
        CliRun f = CliRun.of(fit.toArray(String[]::new));
        assertEquals(0, f.exit(), f.err());
    }

    @Test
    void exportedModelGivesWhatEraseApplyGivesWithin1e5() throws Exception {
        Path out = dir.resolve("export").resolve("trace-free.onnx");
        CliRun x = CliRun.of("erase", "export", "--model", MODEL, "--eraser", eraser.toString(), "-o", out.toString());
        assertEquals(0, x.exit(), x.err());
        assertTrue(x.out().contains("self-check"), x.out());

        CliRun applied = CliRun.of(concat(List.of("erase", "apply", "--eraser", eraser.toString()), sets,
                List.of("-o", dir.resolve("applied").toString())));
        assertEquals(0, applied.exit(), applied.err());
        CliRun embedded = CliRun.of("embed", "--images", images.toString(), "--model", out.toString(), "--processing",
                String.join(",", ProcessingOp.SHARPENING_TASK), "-o", dir.resolve("emb-export").toString(), "--quiet", "--threads", "2");
        assertEquals(0, embedded.exit(), embedded.err());

        double worst = 0;
        for (String op : ProcessingOp.SHARPENING_TASK) {
            EmbeddingSet want = EmbeddingSetIO.read(dir.resolve("applied").resolve("img__" + op + "__" + MODEL + ".safetensors"));
            EmbeddingSet got = EmbeddingSetIO.read(dir.resolve("emb-export").resolve("img__" + op + "__trace-free.safetensors"));
            assertEquals(want.ids(), got.ids());
            assertEquals(want.dim(), got.dim());
            float[] a = want.embeddings();
            float[] b = got.embeddings();
            assertEquals(a.length, b.length);
            for (int i = 0; i < a.length; i++) {
                worst = Math.max(worst, Math.abs(a[i] - b[i]));
            }
            // the eraser removed something: the export is not the plain encoder
            EmbeddingSet plain = EmbeddingSetIO.read(dir.resolve("emb").resolve("img__" + op + "__" + MODEL + ".safetensors"));
            double moved = 0;
            for (int i = 0; i < a.length; i++) {
                moved = Math.max(moved, Math.abs(plain.embeddings()[i] - b[i]));
            }
            assertTrue(moved > 1e-3, "the exported model's embeddings equal the unerased ones (" + moved + ")");
        }
        assertTrue(worst <= 1e-5, "exported model vs erase apply differ by " + worst);

        // ONNX Runtime loads the graph with strict shape and type inference; one output, [N, 1280] float
        try (OrtEnvironment env = OrtEnvironment.getEnvironment(); OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.addConfigEntry("session.strict_shape_type_inference", "1");
            try (OrtSession s = env.createSession(out.toString(), so)) {
                assertEquals(List.of("erased_embedding"), new ArrayList<>(s.getOutputNames()));
                long[] shape = ((TensorInfo) s.getOutputInfo().get("erased_embedding").getInfo()).getShape();
                assertEquals(2, shape.length);
                assertEquals(1280, shape[1]);
            }
        }

        JsonNode spec = JSON.readTree(dir.resolve("export").resolve("trace-free.spec.json").toFile());
        assertEquals(Hashes.sha256(out), spec.path("sha256").asText());
        assertEquals(MODEL_SHA, spec.path("erased_from").path("model_sha256").asText());
        assertEquals("627", spec.path("erased_from").path("embedding_tensor").asText());
        assertEquals("GLOBAL_AVERAGE", spec.path("erased_from").path("pooling").asText());
        assertEquals(Hashes.sha256(eraser), spec.path("eraser").path("sha256").asText());
        assertEquals("leace", spec.path("eraser").path("method").asText());
        assertEquals(8, spec.path("eraser").path("fitted_images").asInt());
        assertFalse(spec.path("eraser").path("provenance").path("tool_version").isMissingNode(), spec.toString());
        assertFalse(spec.path("provenance").path("tool_version").isMissingNode(), spec.toString());
    }

    @Test
    void refusesAnEraserFittedOnAnotherModel() throws Exception {
        Path copy = dir.resolve("other").resolve("e.safetensors");
        Files.createDirectories(copy.getParent());
        Files.copy(eraser, copy);
        ObjectNode side = (ObjectNode) JSON.readTree(dir.resolve("sharpening.json").toFile());
        ((ObjectNode) side.get("encoder")).put("model_sha256", "5e216ac7bf38618e33db3c98e24068c76374a19a3b1d8e88200e6b3ca84c92ed")
                .put("model", "nsfwjs-mobilenetv2");
        Files.writeString(copy.resolveSibling("e.json"), side.toString());
        Path out = dir.resolve("other").resolve("x.onnx");
        CliRun r = CliRun.of("erase", "export", "--model", MODEL, "--eraser", copy.toString(), "-o", out.toString());
        assertEquals(2, r.exit(), r.out() + r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("traces erase export: "), r.err());
        assertTrue(r.err().contains("nsfwjs-mobilenetv2") && r.err().contains(MODEL_SHA) && r.err().contains("fitted on"), r.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void refusesAnEraserOfAnotherWidth() throws Exception {
        Path small = dir.resolve("narrow");
        Files.createDirectories(small);
        Map<String, Path> files = new LinkedHashMap<>();
        List<String> args = new ArrayList<>();
        EraseCommandTest.writeSets(small, MODEL, MODEL_SHA, 16, files, args);
        List<String> fit = new ArrayList<>(List.of("erase", "fit", "--task", "jpeg", "--all-images"));
        files.forEach((op, f) -> {
            fit.add("--set");
            fit.add(op + "=" + f);
        });
        Path e16 = small.resolve("e16.safetensors");
        fit.addAll(List.of("-o", e16.toString()));
        assertEquals(0, CliRun.of(fit.toArray(String[]::new)).exit());
        Path out = small.resolve("x.onnx");
        CliRun r = CliRun.of("erase", "export", "--model", MODEL, "--eraser", e16.toString(), "-o", out.toString());
        assertEquals(2, r.exit(), r.out() + r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("16-dimensional") && r.err().contains("1280-dimensional"), r.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void refusesABuiltinEncoderAndAnOutputThatIsNoOnnxFile() {
        CliRun b = CliRun.of("erase", "export", "--model", "builtin:lowlevel-stats", "--eraser", eraser.toString(), "-o",
                dir.resolve("b.onnx").toString());
        assertEquals(2, b.exit(), b.out() + b.err());
        assertTrue(b.err().contains("built-in encoder"), b.err());
        CliRun o = CliRun.of("erase", "export", "--model", MODEL, "--eraser", eraser.toString(), "-o", dir.resolve("x.bin").toString());
        assertEquals(2, o.exit(), o.out() + o.err());
        assertTrue(o.err().contains("must end in .onnx"), o.err());
        assertEquals(1, o.err().strip().lines().count(), o.err());
    }

    private static String[] concat(List<String> head, List<Path> middle, List<String> tail) {
        List<String> all = new ArrayList<>(head);
        middle.forEach(p -> all.add(p.toString()));
        all.addAll(tail);
        return all.toArray(String[]::new);
    }
}
