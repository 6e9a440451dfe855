package org.encodertraces.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.encodertraces.data.DeadLeaves;
import org.encodertraces.encoder.TinyClip;
import org.encodertraces.image.PngIo;
import org.encodertraces.io.Csv;
import org.encodertraces.provenance.Hashes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code traces audit --zero-shot} through the command line, with a tiny CLIP served by a loopback Hub
 * in the Hub's CLIP layout ({@code onnx/vision_model.onnx}, {@code onnx/text_model.onnx}, a real
 * {@code tokenizer.json} at the repository's root).
 */
class ZeroShotCliTest {
    private static final String REPO = "tinyorg/tiny-clip";

    @TempDir
    Path tmp;

    private HubServer hub;
    private Path images;
    private Map<String, String> env;

    @BeforeEach
    void setUp() throws IOException {
        hub = new HubServer().lfs(REPO, "main", "onnx/vision_model.onnx", TinyClip.vision())
                .lfs(REPO, "main", "onnx/text_model.onnx", TinyClip.text())
                .page(REPO, "main", "tokenizer.json", TinyClip.tokenizerJson().getBytes(StandardCharsets.UTF_8), "application/json")
                .lfs("tinyorg/vision-only", "main", "onnx/vision_model.onnx", TinyClip.vision());
        images = tmp.resolve("images");
        for (int c = 0; c < 2; c++) {
            DeadLeaves.SceneClass cls = DeadLeaves.CLASSES.get(c);
            Files.createDirectories(images.resolve(cls.name()));
            for (int i = 0; i < 10; i++) {
                PngIo.write(DeadLeaves.render(cls, i, 48, 40, 3), images.resolve(cls.name()).resolve(i + ".png"));
            }
        }
        env = new HashMap<>(System.getenv());
        env.put("TRACES_CACHE", tmp.resolve("cache").toString());
        env.put("HF_ENDPOINT", hub.endpoint());
    }

    @AfterEach
    void tearDown() {
        hub.close();
    }

    private CliRun audit(String repo, Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("audit", "--images", images.toString(), "--model", "hf:" + repo + "/onnx/vision_model.onnx",
                "--output", "image_embeds", "--mean", "0.5,0.5,0.5", "--std", "0.5,0.5,0.5", "--size", "32", "--tasks", "resizing",
                "--mask", "0", "--trials", "1", "--seeds", "1", "--threads", "2", "--quiet", "-o", out.toString()));
        args.addAll(List.of(more));
        return CliRun.withEnv(env, args.toArray(String[]::new));
    }

    @Test
    void readsEachTaskOutWithTheTextTowerOnTheProbesTestRowsBesideTheProbe() throws IOException {
        Path out = tmp.resolve("out");
        CliRun r = audit(REPO, out, "--zero-shot");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("zero-shot Resizing"), "the summary prints the readout: " + r.out());
        assertEquals(1, hub.gets(REPO, "main", "onnx/text_model.onnx"));
        assertEquals(1, hub.gets(REPO, "main", "tokenizer.json"), "the tokenizer is fetched from the repository's root");
        JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        JsonNode zs = report.get("zero_shot");
        assertEquals(1, zs.size());
        JsonNode row = zs.get(0);
        assertEquals("Resizing", row.get("task").asText());
        JsonNode probe = null;
        for (JsonNode p : report.get("probes")) {
            if (p.get("task").asText().equals("Resizing")) {
                probe = p;
            }
        }
        // the probe's test rows: 30% of 20 images under the task's 3 operations
        assertEquals(probe.get("test_samples").asInt(), row.get("test_rows").asInt());
        assertEquals(18, row.get("test_rows").asInt());
        assertEquals(probe.get("accuracy").asDouble(), row.get("probe_accuracy").asDouble(), 1e-12);
        assertEquals(1 / 3.0, row.get("chance").asDouble(), 1e-12);
        long diagonal = 0;
        long total = 0;
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                long v = row.get("confusion").get(i).get(j).asLong();
                total += v;
                diagonal += i == j ? v : 0;
            }
            long perClass = 0;
            for (int j = 0; j < 3; j++) {
                perClass += row.get("confusion").get(i).get(j).asLong();
            }
            assertEquals(6, perClass, "each operation's row holds the 6 test images");
        }
        assertEquals(18, total);
        assertEquals(diagonal, row.get("correct").asLong());
        assertEquals(diagonal / 18.0, row.get("accuracy").asDouble(), 1e-12);
        assertEquals(List.of("JPEG95_444", "RESIZE_HALF", "RESIZE_DOUBLE"),
                new ObjectMapper().convertValue(row.get("class_names"), List.class));
        assertTrue(row.get("prompts").get("RESIZE_HALF").toString().contains("a downscaled photo"), row.toString());
        // the text tower's files are in the encoder's provenance, by sha256
        JsonNode tower = report.get("provenance").get("encoders").elements().next().get("text_tower");
        assertEquals(Hashes.sha256(TinyClip.text()), tower.get("text_model_sha256").asText());
        assertEquals(Hashes.sha256(TinyClip.tokenizerJson().getBytes(StandardCharsets.UTF_8)), tower.get("tokenizer_sha256").asText());
        assertEquals("defaults", tower.get("prompts").asText());
        List<String> csv = Files.readAllLines(out.resolve("zero_shot.csv"));
        assertEquals(2, csv.size());
        List<String> cells = Csv.parse(csv.get(1));
        assertEquals("Resizing", cells.get(1));
        assertEquals(Long.toString(diagonal), cells.get(5));
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("<section id=\"zero-shot\">") && html.contains(diagonal + "/18"), "zero-shot section with its n");
        assertTrue(html.indexOf("id=\"zero-shot\"") > html.indexOf("<section id=\"processing\""), "beside the processing probes");
        // rendered again from report.json, the section is the same
        Path again = tmp.resolve("again");
        CliRun re = CliRun.withEnv(env, "report", out.resolve("report.json").toString(), "--out", again.toString());
        assertEquals(0, re.exit(), re.out() + re.err());
        assertTrue(Files.readString(again.resolve("report.html")).contains(diagonal + "/18"));
    }

    @Test
    void aUsersPromptsFileAddsToTheDefaultsOrReplacesThem() throws IOException {
        Path add = tmp.resolve("add.json");
        Files.writeString(add, "{\"tasks\": {\"resizing\": {\"RESIZE_HALF\": [\"a blurry photo\"]}}}");
        Path out = tmp.resolve("out-add");
        CliRun r = audit(REPO, out, "--zero-shot", "--prompts", add.toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        JsonNode row = new ObjectMapper().readTree(out.resolve("report.json").toFile()).get("zero_shot").get(0);
        JsonNode half = row.get("prompts").get("RESIZE_HALF");
        assertTrue(half.toString().contains("a downscaled photo") && half.toString().contains("a blurry photo"), half.toString());
        Path replace = tmp.resolve("replace.json");
        Files.writeString(replace, "{\"mode\": \"replace\", \"tasks\": {\"resizing\": {\"RESIZE_HALF\": [\"a blurry photo\"]}}}");
        Path out2 = tmp.resolve("out-replace");
        CliRun r2 = audit(REPO, out2, "--zero-shot", "--prompts", replace.toString());
        assertEquals(0, r2.exit(), r2.out() + r2.err());
        JsonNode half2 = new ObjectMapper().readTree(out2.resolve("report.json").toFile()).get("zero_shot").get(0).get("prompts").get("RESIZE_HALF");
        assertEquals("[\"a blurry photo\"]", half2.toString());
    }

    @Test
    void refusesBeforeAnyWorkAModelWithoutTextTowerAndABadPromptsFile() throws IOException {
        CliRun none = audit("tinyorg/vision-only", tmp.resolve("o1"), "--zero-shot");
        assertEquals(2, none.exit(), none.out() + none.err());
        assertTrue(none.err().contains("has no text tower on the Hub") && none.err().contains("text_model.onnx"), none.err());
        assertFalse(Files.exists(tmp.resolve("o1").resolve("embeddings")), "refused before any embedding");
        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, "{\"tasks\": {\"resizing\": {\"RESIZE_TRIPLE\": [\"a huge photo\"]}}}");
        CliRun badFile = audit(REPO, tmp.resolve("o2"), "--zero-shot", "--prompts", bad.toString());
        assertEquals(2, badFile.exit(), badFile.out() + badFile.err());
        assertTrue(badFile.err().contains(bad.toString()) && badFile.err().contains("RESIZE_TRIPLE")
                && badFile.err().contains("JPEG95_444, RESIZE_HALF, RESIZE_DOUBLE"), badFile.err());
        CliRun alone = audit(REPO, tmp.resolve("o3"), "--prompts", bad.toString());
        assertEquals(2, alone.exit(), alone.out() + alone.err());
        assertTrue(alone.err().contains("add --zero-shot"), alone.err());
    }
}
