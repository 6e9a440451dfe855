package org.encodertraces.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.encodertraces.encoder.TinyOnnx;
import org.encodertraces.io.Csv;
import org.encodertraces.io.Tsv;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 23: the tables we write stay tables whatever the names in them. A file name with a
 * newline or a tab is one row of {@code .failures.tsv} and of {@code exif --format tsv}, read back
 * exactly; a model named {@code =1+1} is text in every CSV, not a spreadsheet formula.
 */
class TablesCliTest {

    /** Two decodable scenes and two corrupt files whose names hold a newline and a tab. */
    private static Path oddNames(Path dir) throws Exception {
        ReliabilityCliTest.scenes(dir, 2, false);
        Path c = dir.resolve("autumn");
        Files.writeString(c.resolve("bad\nname.jpg"), "not an image");
        Files.writeString(c.resolve("tab\there.jpg"), "not an image either");
        return dir;
    }

    @Test
    void aNameWithANewlineOrATabIsOneRowOfTheFailuresFileAndReadsBack(@TempDir Path tmp) throws Exception {
        Path data = oddNames(tmp.resolve("s"));
        Path out = tmp.resolve("out");
        CliRun r = CliRun.of("embed", "--images", data.toString(), "--model", "builtin:lowlevel-stats", "--quiet", "--threads", "2",
                "-o", out.toString());
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.out().contains("4 rows, 2 failed"), r.out());
        List<String> lines = Files.readAllLines(out.resolve("s__IDENTITY__builtin_lowlevel-stats.failures.tsv"));
        assertEquals(3, lines.size(), "a header and one line per failure: " + lines);
        List<String> ids = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            List<String> cells = Tsv.split(line);
            assertEquals(4, cells.size(), line);
            ids.add(cells.get(0));
            assertTrue(cells.get(1).endsWith(cells.get(0).substring("autumn/".length())), "the file cell reads back too: " + cells);
        }
        assertEquals(List.of("autumn/bad\nname.jpg", "autumn/tab\there.jpg"), ids);

        CliRun exif = CliRun.of("exif", data.resolve("autumn").toString(), "--format", "tsv");
        List<String> rows = exif.out().lines().toList();
        assertEquals(5, rows.size(), "a header and one row per file: " + exif.out());
        List<String> paths = rows.subList(1, rows.size()).stream().map(l -> Tsv.split(l).get(0)).toList();
        assertTrue(paths.contains(data.resolve("autumn/bad\nname.jpg").toString()), paths.toString());
        assertTrue(paths.contains(data.resolve("autumn/tab\there.jpg").toString()), paths.toString());
    }

    @Test
    void anAuditCountsAndLeavesOutFailuresWithOddNamesOnce(@TempDir Path tmp) throws Exception {
        Path data = oddNames(tmp.resolve("s"));
        ReliabilityCliTest.scenes(data, 6, false);
        Path out = tmp.resolve("audit");
        CliRun r = CliRun.of("audit", "--images", data.toString(), "--model", "builtin:lowlevel-stats", "--tasks", "sharpening",
                "--mask", "0", "--trainer", "LBFGS", "--trials", "2", "--seeds", "1", "--quiet", "-o", out.toString());
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.out().contains("6 image embedding(s) failed"), "2 files x 3 operations, not one per line: " + r.out());
        assertTrue(r.out().contains("dataset audit: 2 image(s) that could not be decoded are left out of it"), r.out());
    }

    @Test
    void aModelNamedLikeAFormulaIsTextInEveryCsv(@TempDir Path tmp) throws Exception {
        Path data = ReliabilityCliTest.scenes(tmp.resolve("s"), 6, false);
        byte[] model = new TinyOnnx().input("x", TinyOnnx.FLOAT, -1, 3, 32, 32)
                .node("GlobalAveragePool", "x", "pooled").node("Flatten", "pooled", "y")
                .output("y", TinyOnnx.FLOAT, -1, 3).build();
        Path file = Files.write(tmp.resolve("=1+1.onnx"), model);
        Path out = tmp.resolve("audit");
        CliRun r = CliRun.of("audit", "--images", data.toString(), "--model", file.toString(), "--output", "y", "--size", "32",
                "--mean", "0.5,0.5,0.5", "--std", "0.25,0.25,0.25", "--tasks", "sharpening", "--mask", "0", "--trainer", "LBFGS",
                "--trials", "2", "--seeds", "1", "--quiet", "-o", out.toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        List<Path> csvs;
        try (Stream<Path> s = Files.walk(out)) {
            csvs = s.filter(p -> p.toString().endsWith(".csv")).sorted().toList();
        }
        assertTrue(csvs.size() >= 5, csvs.toString());
        int named = 0;
        for (Path csv : csvs) {
            for (String line : Files.readAllLines(csv)) {
                for (String cell : rawCells(line)) {
                    assertFalse(cell.startsWith("=") || cell.startsWith("@"), csv + ": " + line);
                    if (cell.startsWith("-") || cell.startsWith("+")) {
                        assertTrue(cell.matches("[+-][0-9.]+(e[+-]?[0-9]+)?"), "only numbers may start with a sign: " + csv + ": " + line);
                    }
                }
                if (line.contains("'=1+1")) {
                    named++;
                    assertTrue(Csv.parse(line).contains("=1+1"), "reads back as the model's name: " + line);
                }
            }
        }
        assertTrue(named >= 2, "the model's name is in the tables, guarded: " + named);
    }

    /** The cells of a CSV record as written (quotes removed, nothing else undone). */
    private static List<String> rawCells(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                if (quoted && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else {
                    quoted = !quoted;
                }
            } else if (c == ',' && !quoted) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }
}
