package org.encodertraces.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.encodertraces.image.ResampleFilter;
import org.junit.jupiter.api.Test;

/**
 * The registry against the two reference tables of the shared folder: every export that
 * {@code onnx-exports.tsv} marks as holding the study's weights is wired as a Hub source with the
 * table's coordinates, and every study encoder's preprocessing and checkpoint are the ones
 * {@code study-preprocessing.tsv} says the study's code ran. ({@code tools/registry/apply_reference.py}
 * applies them.)
 */
class RegistryReferenceTest {
    private final Registry registry = Registry.builtIn();

    private static List<Map<String, String>> tsv(String name) throws IOException {
        Path p = SharedData.require("reference/" + name);
        List<String> lines = Files.readAllLines(p, StandardCharsets.UTF_8);
        List<String> header = Arrays.asList(lines.get(0).split("\t", -1));
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < header.size(); i++) {
                row.put(header.get(i), i < f.length ? f[i] : "");
            }
            rows.add(row);
        }
        return rows;
    }

    @Test
    void everySameWeightsExportIsWiredWithItsCoordinatesAndOutputHandling() throws IOException {
        int same = 0;
        int likely = 0;
        for (Map<String, String> row : tsv("onnx-exports.tsv")) {
            RegistryEntry e = registry.get(row.get("registry_id"));
            String sw = row.get("same_weights");
            boolean isSame = sw.startsWith("yes");
            boolean isLikely = sw.startsWith("unsure, likely yes");
            if (!isSame && !isLikely) {
                assertTrue(e.source() instanceof ModelSource.Recipe, e.id() + ": no same-weights export, so a recipe: " + e.source());
                continue;
            }
            same += isSame ? 1 : 0;
            likely += isLikely ? 1 : 0;
            assertTrue(e.source() instanceof ModelSource.HubFile, e.id() + " should download from " + row.get("hub_repo"));
            ModelSource.HubFile h = (ModelSource.HubFile) e.source();
            assertEquals(row.get("hub_repo"), h.repo(), e.id());
            assertEquals(row.get("hub_path"), h.file(), e.id());
            assertEquals(row.get("revision").isBlank() ? "main" : row.get("revision"), h.revision(), e.id() + ": revision pinned");
            assertEquals(isSame ? "same" : "likely", h.weights(), e.id());
            Matcher sha = Pattern.compile("sha256 ([0-9a-f]{64})").matcher(sw.split("Alt")[0]);
            if (sha.find()) {
                assertEquals(sha.group(1), h.sha256(), e.id() + ": the table's sha256 is checked on download");
            }
            if (!row.get("size_mb").isBlank()) {
                assertEquals(Double.parseDouble(row.get("size_mb")), h.sizeMb(), 1e-9, e.id());
            }
            String out = row.get("output_tensor");
            String tensor = e.embedding().tensor();
            if (out.contains("logits ONLY")) {
                assertEquals("classifier-input:logits", tensor, e.id() + ": the pre-logits tensor is exposed");
            } else if (out.contains("last_hidden_state") && !out.contains("pooler_output (")) {
                assertEquals("last_hidden_state", tensor, e.id());
                assertEquals(Pooling.CLS_TOKEN, e.embedding().pooling(), e.id() + ": [:,0] of the sequence, not pooler_output");
            } else {
                String named = out.replaceAll("^(outputs \\[)?'?([A-Za-z_]+)'?.*$", "$2");
                assertEquals(named, tensor, e.id() + ": output per " + out);
            }
            assertEquals(out.contains("L2-NORMALIZED"), Boolean.TRUE.equals(h.l2NormalizedInGraph()), e.id());
            assertFalse(e.embedding().l2Normalize(), e.id() + ": the study used the raw output");
        }
        assertEquals(26, same, "same-weights rows of onnx-exports.tsv");
        assertEquals(2, likely, "likely rows of onnx-exports.tsv");
        long hub = registry.studyEntries().stream().filter(x -> x.source() instanceof ModelSource.HubFile).count();
        assertEquals(28, hub);
    }

    @Test
    void everyStudyEncoderIsPreprocessedAsTheStudyRanIt() throws IOException {
        int rows = 0;
        Pattern numbers = Pattern.compile("\\[([^]]+)]");
        for (Map<String, String> row : tsv("study-preprocessing.tsv")) {
            RegistryEntry e = registry.get(row.get("registry_id"));
            PreprocessSpec p = e.preprocessing();
            rows++;
            assertEquals(Integer.parseInt(row.get("input_size").split("x")[0]), p.cropSize(), e.id() + ": crop");
            Matcher rs = Pattern.compile("^(\\d+) \\(shorter side").matcher(row.get("resize_size_as_study_ran"));
            assertTrue(rs.find(), row.get("resize_size_as_study_ran"));
            assertEquals(Integer.parseInt(rs.group(1)), p.resizeSize(), e.id() + ": resize size");
            assertEquals(PreprocessSpec.ResizeMode.SHORTER_SIDE, p.resizeMode(), e.id() + ": shorter side, then centre crop");
            assertTrue(row.get("crop").startsWith("centre crop"), row.get("crop"));
            assertEquals(ResampleFilter.valueOf(row.get("resize_interpolation").trim()), p.filter(), e.id() + ": filter");
            for (String channel : List.of("mean", "std")) {
                Matcher m = numbers.matcher(row.get(channel));
                assertTrue(m.find(), row.get(channel));
                List<Double> want = Arrays.stream(m.group(1).split(",")).map(String::trim).map(Double::valueOf).toList();
                assertEquals(want, channel.equals("mean") ? p.mean() : p.std(), e.id() + ": " + channel);
            }
            assertTrue(p.antialias(), e.id());
            assertEquals(1.0 / 255.0, p.scale(), 1e-15, e.id());
            // the checkpoint the study loaded is the one the recipe exports (or the notes name)
            String loader = row.get("study_loader");
            Matcher tag = Pattern.compile("-> default ([\\w.]+)|^timm:([\\w.]+)|\\(= \\S+ (\\w+)\\)").matcher(loader);
            if (tag.find()) {
                String ckpt = tag.group(1) != null ? tag.group(1) : tag.group(2) != null ? tag.group(2) : tag.group(3);
                String recipe = e.source() instanceof ModelSource.Recipe r ? String.join(" ", r.args()) : "";
                assertNotNull(e.notes(), e.id());
                assertTrue(recipe.contains(ckpt) || e.notes().contains(ckpt), e.id() + ": the study's checkpoint " + ckpt
                        + " in the recipe or notes: " + recipe + " | " + e.notes());
            }
            if (row.get("differs").startsWith("yes") && row.get("differs").contains("checkpoint")
                    && e.source() instanceof ModelSource.Recipe r) {
                assertTrue(e.notes().contains("different weights"), e.id() + ": the earlier checkpoint is recorded as different weights");
                assertTrue(String.join(" ", r.args()).contains("--size " + p.cropSize()), e.id() + ": the recipe exports at the study's size");
            }
        }
        assertEquals(47, rows);
    }
}
