package org.encodertraces.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.encodertraces.embed.EmbeddingSet;
import org.encodertraces.embed.EmbeddingSetIO;
import org.encodertraces.process.ProcessingOp;
import org.encodertraces.report.Chromium;
import org.encodertraces.report.ReportJson;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code traces audit --layers} at the command line on the shared MobileNetV2s and 16 flower photos of
 * two classes under the sharpening task: every residual block's output found from the INT8 graph
 * (its {@code QLinearAdd}s, dequantized), read in one pass beside the embedding, probed and kNN-tested
 * at each depth with intervals in the report, CSV and LaTeX; named tensors of the float MobileNetV2
 * read as {@code embed --output NAME --pooling GLOBAL_AVERAGE} reads them; refusals before any work. The
 * shared models are required ({@link org.encodertraces.Requirements}).
 */
class AuditLayersCliTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<Integer> INT8_DIMS = List.of(24, 32, 32, 64, 64, 64, 96, 96, 160, 160, 1280);

    @TempDir
    static Path dir;
    static Path images;
    static Path out;
    static CliRun run;

    @BeforeAll
    static void audit() throws Exception {
        images = SmallFlowers.copy(dir.resolve("img"), 8);
        out = dir.resolve("audit");
        run = CliRun.of("audit", "--images", images.toString(), "--model", "mobilenetv2-int8", "--tasks", "sharpening", "--layers", "auto",
                "--trials", "2", "--seeds", "2", "--mask", "0", "-k", "3", "--near-duplicates", "off", "--threads", "2", "--quiet",
                "-o", out.toString());
    }

    @Test
    void everyResidualBlockOfTheInt8GraphIsADepthWithItsProbeAndKnnGap() throws Exception {
        assertEquals(0, run.exit(), run.out() + run.err());
        assertTrue(run.out().contains("- layers"), run.out());
        JsonNode doc = JSON.readTree(out.resolve("results/mobilenetv2-int8/layers.json").toFile());
        List<Integer> dims = new ArrayList<>();
        List<String> names = new ArrayList<>();
        doc.get("layers").forEach(l -> {
            dims.add(l.get("dim").asInt());
            names.add(l.get("tensor").asText());
        });
        assertEquals(INT8_DIMS, dims, names.toString());
        assertEquals("339_quantized", names.get(0));
        assertEquals("embedding (627)", names.get(10));
        assertEquals("layers", doc.get("experiment").asText());
        assertEquals(11, doc.get("metrics").size());
        for (JsonNode p : doc.get("metrics")) {
            assertEquals("Sharpening", p.get("task").asText());
            assertTrue(p.has("knn_gap") && p.get("knn_queries").asInt() > 0, p.toString());
            assertEquals(3 * 5, p.get("test_rows").asInt(), p.toString()); // 5 test images x 3 operations
        }
        assertEquals(3, doc.get("inputs").size());
        assertFalse(doc.path("provenance").path("tool_version").isMissingNode());

        // the report: 11 layer rows, one probe chart and one kNN gap chart with an interval bar per depth, the table with n
        JsonNode report = JSON.readTree(out.resolve("report.json").toFile());
        assertEquals(11, report.get("layers").size());
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("<section id=\"layers\">"), "no layers section");
        assertEquals(2, count(html, "<svg class=\"chart\" data-kind=\"layers\""));
        Matcher m = Pattern.compile("(?s)<svg class=\"chart\" data-kind=\"layers\".*?</svg>").matcher(html);
        while (m.find()) {
            assertEquals(11, count(m.group(), "<rect class=\"bar\""), "one interval bar per depth");
        }
        assertEquals(11, count(html, "<tr class=\"layer-row\""));
        String csv = Files.readString(out.resolve("layers.csv"));
        assertTrue(csv.startsWith("encoder_id,depth,depths,tensor,dim,task,accuracy,accuracy_std,accuracy_lo,accuracy_hi"), csv);
        assertEquals(12, csv.lines().count());
        String tex = Files.readString(out.resolve("table-layers.tex"));
        assertTrue(tex.contains("339\\_quantized") && tex.contains("n (probe)"), tex);

        // report.json carries the curves: traces report renders them again
        CliRun again = CliRun.of("report", out.resolve("report.json").toString(), "--out", dir.resolve("again").toString());
        assertEquals(0, again.exit(), again.err());
        assertEquals(11, count(Files.readString(dir.resolve("again/report.html")), "<tr class=\"layer-row\""));

        // in the browser: every chart drawn with its interval bars, no text outside its chart, exports work
        Chromium.require();
        String dom = Chromium.dom(dir, "layers-dom", out.resolve("report.html"), "#export-selftest");
        Chromium.assertReportPage(new ReportJson().read(out.resolve("report.json")), dom);
        int section = dom.indexOf("<section id=\"layers\">");
        assertTrue(section > dom.indexOf("id=\"probes-processing\"") && section < dom.indexOf("id=\"audit\""), "Traces over depth sits"
                + " after the probes, before the dataset audit");
    }

    @Test
    void theLastDepthIsTheEncodersOwnEmbeddingReadInTheSamePass() throws Exception {
        assertEquals(0, run.exit(), run.out() + run.err());
        for (String op : ProcessingOp.SHARPENING_TASK) {
            EmbeddingSet layers = EmbeddingSetIO.read(out.resolve("embeddings/img__" + op + "__mobilenetv2-int8.layers.safetensors"));
            EmbeddingSet plain = EmbeddingSetIO.read(out.resolve("embeddings/img__" + op + "__mobilenetv2-int8.safetensors"));
            assertEquals(plain.ids(), layers.ids());
            int total = INT8_DIMS.stream().mapToInt(Integer::intValue).sum();
            assertEquals(total, layers.dim());
            for (int i = 0; i < plain.rows(); i++) {
                float[] own = Arrays.copyOfRange(layers.embeddings(), i * total + total - 1280, (i + 1) * total);
                float[] want = Arrays.copyOfRange(plain.embeddings(), i * 1280, (i + 1) * 1280);
                assertArrayEquals(want, own, "row " + i + " under " + op);
            }
        }
        // so the curve's last point is the audit's own Sharpening probe, measured again on the same split and seeds
        JsonNode report = JSON.readTree(out.resolve("report.json").toFile());
        double probe = report.get("probes").get(0).get("accuracy").asDouble();
        double last = report.get("layers").get(10).get("accuracy").asDouble();
        assertEquals(probe, last, 1e-12);
    }

    @Test
    void namedTensorsOfAFloatGraphAreReadAsEmbedReadsThem() throws Exception {
        Path o = dir.resolve("named");
        // the float MobileNetV2 by file, with the same preprocessing options for the audit and for embed (its output 'embedding'
        // is the pooled 1280-d vector, [N,1280])
        String model = org.encodertraces.Requirements.shared("models/nsfwjs-mobilenetv2-224.onnx").toString();
        List<String> pre = List.of("--mean", "0.5,0.5,0.5", "--std", "0.5,0.5,0.5");
        List<String> a = new ArrayList<>(List.of("audit", "--images", images.toString(), "--model", model, "--output", "embedding"));
        a.addAll(pre);
        a.addAll(List.of("--tasks", "sharpening", "--layers", "block_2_add,block_15_add", "--trials", "1", "--seeds", "1", "--mask", "0",
                "--near-duplicates", "off", "--threads", "2", "--quiet", "-o", o.toString()));
        CliRun r = CliRun.of(a.toArray(String[]::new));
        assertEquals(0, r.exit(), r.out() + r.err());
        Path e = dir.resolve("embed-block2");
        List<String> b = new ArrayList<>(List.of("embed", "--images", images.toString(), "--model", model, "--output", "block_2_add",
                "--pooling", "GLOBAL_AVERAGE"));
        b.addAll(pre);
        b.addAll(List.of("--processing", "SHARPEN_4", "-o", e.toString(), "--quiet", "--threads", "2"));
        CliRun emb = CliRun.of(b.toArray(String[]::new));
        assertEquals(0, emb.exit(), emb.err());
        EmbeddingSet want = EmbeddingSetIO.read(e.resolve("img__SHARPEN_4__nsfwjs-mobilenetv2-224.safetensors"));
        // named tensors: the sets' name carries the choice's key, so another choice never reuses them
        Path set;
        try (var files = Files.list(o.resolve("embeddings"))) {
            set = files.filter(f -> f.getFileName().toString().matches("img__SHARPEN_4__nsfwjs-mobilenetv2-224\\.layers-[0-9a-f]{8}\\.safetensors"))
                    .findFirst().orElseThrow();
        }
        EmbeddingSet layers = EmbeddingSetIO.read(set);
        assertEquals(want.ids(), layers.ids());
        assertEquals(24, want.dim());
        assertEquals(24 + 160 + 1280, layers.dim());
        double worst = 0;
        for (int i = 0; i < want.rows(); i++) {
            for (int j = 0; j < 24; j++) {
                worst = Math.max(worst, Math.abs(want.embeddings()[i * 24 + j] - layers.embeddings()[i * layers.dim() + j]));
            }
        }
        assertTrue(worst <= 1e-6, "depth 1 differs from embed --output block_2_add by " + worst);
        JsonNode doc = JSON.readTree(o.resolve("results/nsfwjs-mobilenetv2-224/layers.json").toFile());
        // a vector graph output is taken as it is, feature maps by their global average
        assertEquals(3, doc.get("layers").size());
        assertEquals("embedding (embedding)", doc.get("layers").get(2).get("tensor").asText());
    }

    @Test
    void refusesBeforeAnyWork() {
        Path o = dir.resolve("refused");
        CliRun unknown = CliRun.of("audit", "--images", images.toString(), "--model", "mobilenetv2-int8", "--tasks", "sharpening",
                "--layers", "no_such_tensor", "-o", o.toString());
        assertEquals(2, unknown.exit(), unknown.out() + unknown.err());
        assertTrue(unknown.err().contains("no_such_tensor") && unknown.err().contains("mobilenetv2-12-int8.onnx"), unknown.err());
        assertEquals(1, unknown.err().strip().lines().count(), unknown.err());
        CliRun builtin = CliRun.of("audit", "--images", images.toString(), "--model", "builtin:lowlevel-stats", "--tasks", "sharpening",
                "--layers", "auto", "-o", o.toString());
        assertEquals(2, builtin.exit(), builtin.out() + builtin.err());
        assertTrue(builtin.err().contains("built-in encoder"), builtin.err());
        CliRun both = CliRun.of("audit", "--images", images.toString(), "--model", "mobilenetv2-int8", "--tasks", "sharpening",
                "--layers", "auto,627", "-o", o.toString());
        assertEquals(2, both.exit(), both.out() + both.err());
        assertFalse(Files.exists(o.resolve("embeddings")), "nothing is embedded for a refused run");
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
