package org.encodertraces.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.encodertraces.Requirements;
import org.encodertraces.probe.ProcessingTask;
import org.encodertraces.report.Chromium;
import org.encodertraces.report.ErasureRow;
import org.encodertraces.report.ReportData;
import org.encodertraces.report.ReportJson;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code traces audit --erase / --eraser} on 120 real flowers17 photos (4 classes) with the built-in
 * forensic encoder: the report's "After erasure" section measures the raw and the erased embeddings
 * on images the eraser was never fitted on, an eraser file is evaluated only on the images its
 * sidecar does not list, one fitted on every image is reported as not evaluable (exit 1), and bad
 * requests are refused before any work (exit 2).
 */
class AuditErasureCliTest {
    static final String MODEL = "builtin:jpeg-forensic";
    static final String FILE_MODEL = "builtin_jpeg-forensic";

    @TempDir
    static Path tmp;
    static Path images;
    static CliRun inside;

    @BeforeAll
    static void auditWithAnEraserFittedInside() throws Exception {
        Path flowers = Requirements.shared("data/flowers17");
        images = tmp.resolve("flowers");
        for (String c : List.of("daisy", "iris", "sunflower", "tulip")) {
            Files.createDirectories(images.resolve(c));
            try (Stream<Path> s = Files.list(flowers.resolve(c))) {
                for (Path p : s.sorted().limit(30).toList()) {
                    Files.copy(p, images.resolve(c).resolve(p.getFileName()));
                }
            }
        }
        inside = audit(tmp.resolve("inside"), "--erase", "leace:jpeg");
    }

    /** The audit's arguments for these tests: JPEG and sharpening, no masks, a small search, half the images held out. */
    static CliRun audit(Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of("audit", "--images", images.toString(), "--model", MODEL, "--tasks", "jpeg,sharpening",
                "--mask", "0", "--trials", "2", "--seeds", "2", "--test-fraction", "0.5", "--quiet", "-o", out.toString()));
        a.addAll(List.of(extra));
        return CliRun.of(a.toArray(new String[0]));
    }

    static ErasureRow row(ReportData d, String eraser, String measure) {
        return d.erasure().stream().filter(r -> r.eraser().equals(eraser) && r.measure().equals(measure)).findFirst()
                .orElseThrow(() -> new AssertionError("no erasure row " + eraser + " / " + measure + " in " + d.erasure()));
    }

    @Test
    void eraserFittedInsideTheAuditIsMeasuredOnTheOtherImages() throws Exception {
        assertEquals(0, inside.exit(), inside.err() + inside.out());
        Path out = tmp.resolve("inside");
        ReportData d = new ReportJson().read(out.resolve("report.json"));
        // fitted on the JPEG probe's training split (half of the 120 images), measured on the other 60 only
        ErasureRow jpeg = row(d, "leace:jpeg", "probe JPEG");
        assertTrue(jpeg.erased());
        assertEquals(60, jpeg.evaluatedImages());
        assertEquals(1.0 / 6, jpeg.chance(), 1e-12);
        // measured 70.6% -> 31.7% (standardised features, 60 fitting images in 926 dimensions: see README's caveat)
        assertTrue(jpeg.before() > 0.5 && jpeg.after() < jpeg.before() - 0.2, jpeg.toString());
        ErasureRow sharp = row(d, "leace:jpeg", "probe Sharpening");
        assertTrue(!sharp.erased() && sharp.before() > 0.6, "sharpening is measured, not erased: " + sharp);
        // measured +44.3 -> +0.8 points
        ErasureRow gap = row(d, "leace:jpeg", "kNN gap JPEG");
        assertTrue(gap.before() > 0.2 && Math.abs(gap.after()) < gap.before() / 2, gap.toString());
        ErasureRow sem = row(d, "leace:jpeg", "semantic probe");
        assertEquals(0.25, sem.chance(), 1e-12);
        assertTrue(sem.before() > 0.25, sem.toString());
        row(d, "leace:jpeg", "kNN all-same JPEG");
        // the raw section is the audit's own, on all images, unchanged by the erasure
        assertTrue(d.probes().stream().anyMatch(p -> p.task().equals("JPEG") && p.testSamples() == 60 * 6), d.probes().toString());

        JsonNode res = new ObjectMapper().readTree(out.resolve("results").resolve(FILE_MODEL).resolve("erasure_leace_jpeg.json").toFile());
        assertEquals(true, res.path("fitted_inside_audit").asBoolean());
        assertEquals(60, res.path("fitted_images_of_this_dataset").asInt());
        assertEquals(60, res.path("evaluated_images").asInt());
        assertEquals(5, res.path("rank").asInt(), "LEACE on 6 operations removes 5 directions");
        assertTrue(res.path("measures").size() >= 7, res.toString());
        String md = Files.readString(out.resolve("summary.md"));
        assertTrue(md.contains("## After erasure") && md.contains("**probe JPEG (16.7%)**"), md);
        assertTrue(Files.readString(out.resolve("erasure.csv")).contains("leace:jpeg"), "erasure.csv");
        String tex = Files.readString(out.resolve("table-erasure.tex"));
        assertTrue(tex.contains("\\toprule") && tex.contains("probe JPEG (erased)"), tex);
        assertTrue(inside.out().contains("erased leace:jpeg"), inside.out());

        Chromium.require();
        String dom = Chromium.dom(tmp, "erasure-dom", out.resolve("report.html"), "#export-selftest");
        Chromium.assertReportPage(d, dom);
        int section = dom.indexOf("<section id=\"erasure\">");
        assertTrue(section > dom.indexOf("id=\"retrieval\"") && section < dom.indexOf("id=\"audit\""), "After erasure sits before the dataset audit");
        assertTrue(dom.contains("<h2>After erasure</h2>") && dom.contains("<b>probe JPEG</b> (erased)"), "erased row marked");
        assertEquals(d.erasure().size(), dom.split("<tr class=\"erasure-row", -1).length - 1, "one table row per measure");
        Chromium.screenshot(tmp, "audit-erasure", out.resolve("report.html"), 3000);
    }

    @Test
    void eraserFilesAreMeasuredOnlyOnImagesTheyWereNotFittedOn() throws Exception {
        assertEquals(0, inside.exit(), inside.err());
        Path emb = tmp.resolve("inside").resolve("embeddings");
        List<String> sets = new ArrayList<>();
        for (String op : ProcessingTask.JPEG.operations()) {
            sets.add("--set");
            sets.add(op + "=" + emb.resolve("flowers__" + op + "__" + FILE_MODEL + ".safetensors"));
        }
        Path half = tmp.resolve("half.safetensors");
        Path all = tmp.resolve("all.safetensors");
        List<String> fit = new ArrayList<>(List.of("erase", "fit", "--method", "leace", "--task", "jpeg", "--test-fraction", "0.5", "--seed", "7"));
        fit.addAll(sets);
        List<String> fitAll = new ArrayList<>(fit);
        fit.addAll(List.of("-o", half.toString()));
        fitAll.addAll(List.of("--all-images", "-o", all.toString()));
        assertEquals(0, CliRun.of(fit.toArray(new String[0])).exit());
        assertEquals(0, CliRun.of(fitAll.toArray(new String[0])).exit());
        int fitted = new ObjectMapper().readTree(tmp.resolve("half.json").toFile()).path("fit").path("image_ids").size();
        assertEquals(60, fitted, "erase fit keeps half of the 120 images out");

        Path out = tmp.resolve("files");
        CliRun r = audit(out, "--eraser", half.toString(), "--eraser", all.toString());
        // the eraser fitted on every image cannot be evaluated without its own fitting images: listed, exit 1
        assertEquals(1, r.exit(), r.err() + r.out());
        assertTrue(r.out().contains("eraser all.safetensors could not be evaluated on builtin:jpeg-forensic: only 0 of the images"), r.out());
        ReportData d = new ReportJson().read(out.resolve("report.json"));
        ErasureRow jpeg = row(d, "half.safetensors", "probe JPEG");
        assertEquals(120 - fitted, jpeg.evaluatedImages());
        assertTrue(jpeg.erased() && jpeg.after() < jpeg.before(), jpeg.toString());
        assertTrue(d.erasure().stream().noneMatch(x -> x.eraser().equals("all.safetensors")), "nothing measured for the all-images eraser");
        assertTrue(d.notes().stream().anyMatch(n -> n.text().contains("eraser all.safetensors not evaluated")), d.notes().toString());
        @SuppressWarnings("unchecked")
        List<java.util.Map<String, Object>> erasers = (List<java.util.Map<String, Object>>) d.provenance().get("erasers");
        assertEquals(2, erasers.size());
        assertEquals(org.encodertraces.provenance.Hashes.sha256(half), erasers.get(0).get("sha256"));
        String html = Files.readString(out.resolve("report.html"));
        int section = html.indexOf("<section id=\"erasure\">");
        assertTrue(section > 0 && html.indexOf("eraser all.safetensors not evaluated", section) > section, "the note sits in the section");
    }

    @Test
    void badErasureRequestsAreRefusedBeforeAnyWork() throws Exception {
        assertEquals(0, inside.exit(), inside.err());
        Path e = tmp.resolve("other.safetensors");
        List<String> fit = new ArrayList<>(List.of("erase", "fit", "--task", "jpeg", "-o", e.toString()));
        for (String op : ProcessingTask.JPEG.operations()) {
            fit.addAll(List.of("--set", op + "=" + tmp.resolve("inside/embeddings/flowers__" + op + "__" + FILE_MODEL + ".safetensors")));
        }
        assertEquals(0, CliRun.of(fit.toArray(new String[0])).exit());
        Path out = tmp.resolve("refused");
        CliRun other = CliRun.of("audit", "--images", images.toString(), "--model", "builtin:lowlevel-stats", "--eraser", e.toString(),
                "--quiet", "-o", out.toString());
        assertEquals(2, other.exit(), other.out());
        assertTrue(other.err().contains("was fitted on embeddings of builtin_jpeg-forensic, which this audit does not run"), other.err());
        CliRun task = audit(out, "--erase", "leace:resizing");
        assertEquals(2, task.exit());
        assertTrue(task.err().contains("the audit does not run the resizing task (add it to --tasks)"), task.err());
        CliRun spec = audit(out, "--erase", "leace");
        assertEquals(2, spec.exit());
        assertTrue(spec.err().contains("--erase wants METHOD:TASK such as leace:jpeg"), spec.err());
        CliRun method = audit(out, "--erase", "pca:jpeg");
        assertEquals(2, method.exit());
        assertTrue(!method.err().contains("Exception"), method.err());
        assertTrue(!Files.exists(out), "nothing written for a refused audit");
    }
}
