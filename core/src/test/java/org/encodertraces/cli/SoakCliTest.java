package org.encodertraces.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.encodertraces.embed.EmbeddingSet;
import org.encodertraces.embed.EmbeddingSetIO;
import org.encodertraces.io.Tsv;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 23's soak: 300 mixed files (good JPEGs, good ones with odd names, a PNG named .jpg,
 * corrupt and truncated files, one image too large for a 1 GB heap, one over Pillow's pixel limit,
 * symbolic links) through {@code process}, {@code embed} and {@code audit}, each in a child JVM
 * with {@code -Xmx1g}, once with 1 worker and once with 2. Every good image is done, every bad
 * one is listed once with a reason, exit status 1, and the two runs' outputs are byte-identical.
 *
 * <p>The CI run keeps the images small (up to 160 px); {@code tools/soak.sh} runs the full-size
 * version ({@code -Dtraces.soak.full=true}: JPEGs up to 700 px, eight of 1200 to 2360 px, a
 * second image too large for the heap) and prints the timings.
 *
 * <p>Symbolic links (docs/reliability.md's symlink rule): a link to a good file outside the folder
 * is a good image, a class folder that is a link is followed (its images are good), and a dangling
 * link or a link loop is listed once as a failure with its reason.
 */
class SoakCliTest {
    private static final boolean FULL = Boolean.getBoolean("traces.soak.full");
    private static final int FILES = 300;
    private static final String[] OPS = {"JPEG95_444", "SHARPEN_2", "SHARPEN_4"};

    /** What the folder holds, by sample id (the path under the root). */
    private record Soak(Path root, Set<String> good, Set<String> bad, Set<String> brokenLinks, Set<String> linkedFolder, int files) {
    }

    private static Path jpeg(Path file, int w, int h, int seed) throws IOException {
        return ReliabilityProcessTest.gradientJpeg(file, w, h, seed);
    }

    private static Soak build(Path tmp) throws IOException {
        Path root = tmp.resolve("soak");
        Set<String> good = new TreeSet<>();
        Set<String> bad = new TreeSet<>();
        Set<String> broken = new TreeSet<>();
        Set<String> linked = new TreeSet<>();
        int files;
        Files.createDirectories(root.resolve("x"));
        Files.createDirectories(root.resolve("y"));
        // odd names, all good images
        String[] odd = {"new\nline.jpg", "tab\tname.jpg", "space name.jpg", "\u00fcn\u00efc\u00f6d\u00e9.jpg", "-dash.jpg", "=1+1.jpg",
            "quote\"name.jpg", "back\\slash.jpg", "comma,name.jpg", "UPPER.JPEG"};
        for (int i = 0; i < odd.length; i++) {
            jpeg(root.resolve("y").resolve(odd[i]), 48 + 7 * i, 40 + 5 * i, 1000 + i);
            good.add("y/" + odd[i]);
        }
        // a PNG saved as .jpg decodes by its content, as with Pillow
        Path png = ReliabilityProcessTest.png(tmp.resolve("p/real.png"), 64, 48, 2, 8);
        Files.copy(png, root.resolve("x/png-named.jpg"));
        good.add("x/png-named.jpg");
        // corrupt: text, empty, header only, truncated, a PNG with a broken IDAT, odd names
        Files.writeString(root.resolve("x/broken-text.jpg"), "not an image");
        Files.write(root.resolve("x/zero.jpg"), new byte[0]);
        Files.write(root.resolve("y/header-only.jpg"), new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 0, 0, 0});
        byte[] whole = Files.readAllBytes(jpeg(tmp.resolve("p/whole.jpg"), 200, 150, 7));
        Files.write(root.resolve("x/truncated.jpg"), java.util.Arrays.copyOf(whole, whole.length * 2 / 5));
        byte[] pngBytes = Files.readAllBytes(png);
        int idat = new String(pngBytes, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("IDAT");
        pngBytes[idat + 6] ^= (byte) 0xFF;
        Files.write(root.resolve("y/bad-crc.png"), pngBytes);
        Files.writeString(root.resolve("y/bad\nname.jpg"), "not an image either");
        Files.writeString(root.resolve("x/tab\tbad.jpg"), "nor this");
        bad.addAll(List.of("x/broken-text.jpg", "x/zero.jpg", "y/header-only.jpg", "x/truncated.jpg", "y/bad-crc.png", "y/bad\nname.jpg",
                "x/tab\tbad.jpg"));
        // huge: too large for a 1 GB heap (decoded, about 1 GB), and over Pillow's pixel limit (a bomb)
        ReliabilityProcessTest.png(root.resolve("y/huge.png"), 13000, 13000, 2, 8);
        ReliabilityProcessTest.png(root.resolve("y/bomb.png"), 14000, 13000, 0, 8);
        bad.addAll(List.of("y/huge.png", "y/bomb.png"));
        if (FULL) {
            ReliabilityProcessTest.png(root.resolve("x/huge2.png"), 13000, 12000, 2, 8);
            bad.add("x/huge2.png");
            for (int i = 0; i < 4; i++) {
                jpeg(root.resolve("y").resolve(String.format("m%02d.jpg", i)), 1200, 900, i);
                jpeg(root.resolve("x").resolve(String.format("l%02d.jpg", i)), 2000 + 120 * i, 1500 + 90 * i, i);
                good.addAll(List.of(String.format("y/m%02d.jpg", i), String.format("x/l%02d.jpg", i)));
            }
        }
        // symbolic links: to a good file outside, dangling, a loop, and a class folder that is a link
        Path outside = jpeg(tmp.resolve("elsewhere/real.jpg"), 96, 64, 77);
        Files.createSymbolicLink(root.resolve("y/link-good.jpg"), outside);
        good.add("y/link-good.jpg");
        Files.createSymbolicLink(root.resolve("x/dangling.jpg"), tmp.resolve("nowhere.jpg"));
        Files.createSymbolicLink(root.resolve("x/loopA.jpg"), root.resolve("x/loopB.jpg"));
        Files.createSymbolicLink(root.resolve("x/loopB.jpg"), root.resolve("x/loopA.jpg"));
        broken.addAll(List.of("x/dangling.jpg", "x/loopA.jpg", "x/loopB.jpg"));
        for (int i = 0; i < 3; i++) {
            jpeg(tmp.resolve("elsewhere/z").resolve("z" + i + ".jpg"), 80, 60, 90 + i);
            linked.add("z/z" + i + ".jpg");
        }
        Files.createSymbolicLink(root.resolve("z"), tmp.resolve("elsewhere/z"));
        files = good.size() + bad.size() + broken.size() + 1;
        // plain JPEGs up to the total
        int maxW = FULL ? 700 : 160;
        int maxH = FULL ? 500 : 120;
        for (int i = 0; files < FILES; i++, files++) {
            String id = (i % 3 == 0 ? "x" : "y") + String.format("/s%03d.jpg", i);
            jpeg(root.resolve(id), 24 + (i * 97) % (maxW - 23), 24 + (i * 61) % (maxH - 23), i);
            good.add(id);
        }
        return new Soak(root, good, bad, broken, linked, files);
    }

    /** The failures of one embedding set: sample id to the number of times it is listed; each listed with a reason. */
    private static Map<String, Integer> failures(Path tsv) throws IOException {
        Map<String, Integer> out = new TreeMap<>();
        List<String> lines = Files.readAllLines(tsv);
        assertEquals("id\tfile\toperation\treason", lines.get(0));
        for (String line : lines.subList(1, lines.size())) {
            List<String> cells = Tsv.split(line);
            assertEquals(4, cells.size(), line);
            assertFalse(cells.get(3).isBlank(), "a reason for " + line);
            out.merge(cells.get(0), 1, Integer::sum);
        }
        return out;
    }

    /** Every good image embedded, no bad one; every bad one listed once, with a reason. */
    private static void checkSet(Soak s, Path set, Path failuresFile, String what) throws IOException {
        EmbeddingSet e = EmbeddingSetIO.read(set);
        Set<String> ids = new TreeSet<>(e.ids());
        assertEquals(e.rows(), ids.size(), what + ": each image once");
        assertTrue(ids.containsAll(s.good()), what + ": good images missing: " + minus(s.good(), ids));
        assertTrue(ids.containsAll(s.linkedFolder()), what + ": images of the linked class folder missing: " + minus(s.linkedFolder(), ids));
        Set<String> extra = minus(minus(ids, s.good()), s.linkedFolder());
        assertTrue(extra.isEmpty(), what + ": embedded but not good: " + extra);
        Map<String, Integer> f = failures(failuresFile);
        for (String b : s.bad()) {
            assertEquals(1, f.getOrDefault(b, 0), what + ": " + b + " listed once: " + f);
        }
        for (String b : s.brokenLinks()) {
            assertEquals(1, f.getOrDefault(b, 0), what + ": broken link " + b + " listed once: " + f);
        }
        for (Map.Entry<String, Integer> x : f.entrySet()) {
            assertTrue(s.bad().contains(x.getKey()) || s.brokenLinks().contains(x.getKey()), what + ": listed but not bad: " + x);
            assertEquals(1, x.getValue(), what + ": " + x.getKey() + " listed once");
        }
    }

    private static Set<String> minus(Set<String> a, Set<String> b) {
        Set<String> out = new TreeSet<>(a);
        out.removeAll(b);
        return out;
    }

    private static int child(Path tmp, String name, String... args) throws Exception {
        long t = System.nanoTime();
        int rc = ReliabilityProcessTest.run("-Xmx1g", tmp.resolve(name + ".log"), args);
        System.err.printf("soak: %s took %.1f s%n", name, (System.nanoTime() - t) / 1e9);
        return rc;
    }

    /** Relative path to bytes of every regular file under {@code dir} that {@code keep} accepts (not the lock or other hidden files). */
    private static Map<String, byte[]> contents(Path dir, java.util.function.Predicate<String> keep) throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> w = Files.walk(dir)) {
            for (Path p : w.filter(Files::isRegularFile).toList()) {
                String rel = dir.relativize(p).toString();
                if (keep.test(rel) && !p.getFileName().toString().startsWith(".")) {
                    out.put(rel, Files.readAllBytes(p));
                }
            }
        }
        return out;
    }

    private static void sameBytes(Map<String, byte[]> one, Map<String, byte[]> two, String what) {
        assertEquals(one.keySet(), two.keySet(), what + ": the same files");
        for (String k : one.keySet()) {
            assertArrayEquals(one.get(k), two.get(k), what + ": " + k + " identical for 1 and 2 workers");
        }
    }

    /**
     * Found by the soak: process wrote back\slash.jpg to back/slash.png, where back/slash.jpg's
     * output goes, and embed gave both the id back/slash.jpg.
     */
    @Test
    void aBackslashInAFileNameIsNotAFolderSeparator(@TempDir Path tmp) throws Exception {
        Path in = tmp.resolve("in");
        jpeg(in.resolve("back\\slash.jpg"), 40, 30, 1);
        jpeg(in.resolve("back/slash.jpg"), 40, 30, 2);
        Path out = tmp.resolve("out");
        CliRun r = CliRun.of("process", "--op", "JPEG75_420", "--threads", "1", in.toString(), "-o", out.toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("2 images written"), r.out());
        assertTrue(Files.isRegularFile(out.resolve("JPEG75_420/back\\slash.png")), "the name keeps its backslash");
        assertTrue(Files.isRegularFile(out.resolve("JPEG75_420/back/slash.png")));
        Path sets = tmp.resolve("sets");
        CliRun e = CliRun.of("embed", "--images", in.toString(), "--model", "builtin:lowlevel-stats", "--threads", "1", "--quiet",
                "-o", sets.toString());
        assertEquals(0, e.exit(), e.out() + e.err());
        assertEquals(List.of("back/slash.jpg", "back\\slash.jpg"), EmbeddingSetIO.read(sets.resolve("in__IDENTITY__builtin_lowlevel-stats.safetensors"))
                .ids(), "two files, two ids");
    }

    @Test
    void threeHundredMixedFilesThroughProcessEmbedAndAuditWithTwoWorkersMatchOneWorker(@TempDir Path tmp) throws Exception {
        long t0 = System.nanoTime();
        Soak s = build(tmp);
        assertEquals(FILES, s.files());
        System.err.printf("soak: %d files (%d good, %d bad, %d broken links, a linked class folder of %d) generated in %.1f s%n", s.files(),
                s.good().size(), s.bad().size(), s.brokenLinks().size(), s.linkedFolder().size(), (System.nanoTime() - t0) / 1e9);
        ObjectMapper json = new ObjectMapper();
        Map<Integer, Map<String, byte[]>> processed = new HashMap<>();
        Map<Integer, Map<String, byte[]>> embedded = new HashMap<>();
        Map<Integer, Map<String, byte[]>> audited = new HashMap<>();
        Map<Integer, JsonNode> processingJson = new HashMap<>();
        for (int threads : new int[] {1, 2}) {
            String n = Integer.toString(threads);
            // process
            Path pout = tmp.resolve("process" + n);
            int rc = child(tmp, "process-" + n + "-workers", "process", "--op", "JPEG75_420", "--threads", n, s.root().toString(),
                    "-o", pout.toString());
            assertEquals(1, rc, Files.readString(tmp.resolve("process-" + n + "-workers.log")));
            for (String g : s.good()) {
                Path png = pout.resolve("JPEG75_420").resolve(g.substring(0, g.lastIndexOf('.')) + ".png");
                assertTrue(Files.isRegularFile(png), "process wrote " + png);
            }
            for (String b : s.bad()) {
                assertFalse(Files.exists(pout.resolve("JPEG75_420").resolve(b.substring(0, b.lastIndexOf('.')) + ".png")), b);
            }
            JsonNode doc = json.readTree(pout.resolve("processing.json").toFile());
            Map<String, Integer> listed = new TreeMap<>();
            for (JsonNode f : doc.get("failures")) {
                assertFalse(f.path("reason").asText().isBlank(), f.toString());
                listed.merge(s.root().relativize(Path.of(f.get("file").asText())).toString(), 1, Integer::sum);
            }
            for (String b : s.bad()) {
                assertEquals(1, listed.getOrDefault(b, 0), "process lists " + b + " once: " + listed);
            }
            for (String b : s.brokenLinks()) {
                assertEquals(1, listed.getOrDefault(b, 0), "process lists the broken link " + b + " once: " + listed);
            }
            for (String l : s.linkedFolder()) {
                Path png = pout.resolve("JPEG75_420").resolve(l.substring(0, l.lastIndexOf('.')) + ".png");
                assertTrue(Files.isRegularFile(png), "process followed the linked class folder: " + png);
            }
            assertTrue(minus(minus(listed.keySet(), s.bad()), s.brokenLinks()).isEmpty(), "process lists only bad files: " + listed);
            ((ObjectNode) doc).remove("provenance");
            processingJson.put(threads, doc);
            processed.put(threads, contents(pout, rel -> rel.endsWith(".png")));

            // embed
            Path eout = tmp.resolve("embed" + n);
            rc = child(tmp, "embed-" + n + "-workers", "embed", "--images", s.root().toString(), "--model", "builtin:lowlevel-stats",
                    "--threads", n, "--shard-size", "64", "--quiet", "-o", eout.toString());
            assertEquals(1, rc, Files.readString(tmp.resolve("embed-" + n + "-workers.log")));
            String base = "soak__IDENTITY__builtin_lowlevel-stats";
            checkSet(s, eout.resolve(base + ".safetensors"), eout.resolve(base + ".failures.tsv"), "embed, " + n + " worker(s)");
            embedded.put(threads, contents(eout, rel -> !rel.endsWith(".run.json")));

            // audit
            Path aout = tmp.resolve("audit" + n);
            rc = child(tmp, "audit-" + n + "-workers", "audit", "--images", s.root().toString(), "--model", "builtin:lowlevel-stats",
                    "--tasks", "sharpening", "--mask", "0", "--trainer", "LBFGS", "--trials", "2", "--seeds", "2", "--threads", n, "--quiet",
                    "-o", aout.toString());
            String alog = Files.readString(tmp.resolve("audit-" + n + "-workers.log"));
            assertEquals(1, rc, alog);
            assertTrue(Files.isRegularFile(aout.resolve("report.html")) && Files.isRegularFile(aout.resolve("report.json")), alog);
            for (String op : OPS) {
                String set = "soak__" + op + "__builtin_lowlevel-stats";
                checkSet(s, aout.resolve("embeddings").resolve(set + ".safetensors"), aout.resolve("embeddings").resolve(set + ".failures.tsv"),
                        "audit " + op + ", " + n + " worker(s)");
            }
            audited.put(threads, contents(aout, rel -> rel.startsWith("embeddings/") && !rel.endsWith(".run.json")
                    || rel.startsWith("results/") && rel.endsWith(".csv")));
        }
        sameBytes(processed.get(1), processed.get(2), "process");
        assertEquals(processingJson.get(1), processingJson.get(2), "processing.json, apart from its times");
        sameBytes(embedded.get(1), embedded.get(2), "embed");
        sameBytes(audited.get(1), audited.get(2), "audit");
        System.err.printf("soak: done in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }
}
