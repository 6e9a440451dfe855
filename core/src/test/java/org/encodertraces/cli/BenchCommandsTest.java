package org.encodertraces.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code traces bench-embed} and {@code traces bench-knn} at the command line: the stage costs,
 * ideal, measured throughput and ratio are printed and consistent with each other; the kNN
 * search is reported against the GEMM peak the reference script wrote; bad usage exits 2. What a
 * benchmark measured is never held to a bound here (a loaded machine measures anything): only what
 * it ran, how its figures follow from each other, and that each is a real measurement.
 */
class BenchCommandsTest {
    @TempDir
    Path tmp;

    @Test
    void benchEmbedPrintsStageCostsIdealMeasuredAndTheirRatio() throws IOException {
        Path images = SmallFlowers.copy(tmp.resolve("img"), 4);
        CliRun r = CliRun.of("bench-embed", "--images", images.toString(), "--limit", "8", "--batch-size", "4",
                "--threads", "2", "--processing", "IDENTITY,JPEG75_420");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("CPU \""), r.out());
        assertTrue(r.out().contains("set-up: 8 images of " + images + ", 2 decode workers, ONNX Runtime 2 intra-op threads, spinning off"),
                r.out());
        List<String[]> rows = r.out().lines().filter(l -> l.startsWith("| mobilenetv2-int8 |"))
                .map(l -> Arrays.stream(l.split("\\|")).map(String::trim).skip(1).toArray(String[]::new)).toList();
        assertEquals(2, rows.size(), r.out());
        assertEquals("IDENTITY", rows.get(0)[1]);
        assertEquals("JPEG75_420", rows.get(1)[1]);
        for (String[] row : rows) {
            double decode = Double.parseDouble(row[2]);
            double op = Double.parseDouble(row[3]);
            double pre = Double.parseDouble(row[4]);
            double inf = Double.parseDouble(row[5]);
            double total = Double.parseDouble(row[6]);
            double ideal = Double.parseDouble(row[7]);
            double measured = Double.parseDouble(row[8]);
            double ratio = Double.parseDouble(row[9]);
            for (int c = 2; c <= 12; c++) {
                if (c != 11) {
                    double v = Double.parseDouble(row[c]);
                    assertTrue(Double.isFinite(v) && v >= 0, "column " + c + " is a measurement: " + Arrays.toString(row));
                }
            }
            assertEquals(decode + op + pre + inf, total, 0.03, "the CPU cost is the sum of the stages");
            assertEquals(2 * 1000 / total, ideal, ideal * 0.01 + 0.1, "the ideal is 2 cores over the cost");
            assertEquals(measured / ideal, ratio, 0.01 + ratio * 0.01, "the ratio is measured over ideal");
            assertTrue(Double.parseDouble(row[10]) > 0, "the pipeline's own CPU per image");
            assertTrue(row[11].endsWith("%"), "machine idle share");
            assertEquals(total / Double.parseDouble(row[10]), Double.parseDouble(row[12]), 0.02 + 0.01 * total / Double.parseDouble(row[10]),
                    "the pipeline's CPU efficiency: stage costs over the CPU it spent");
        }
        // each image is decoded once and timed under every operation; inference is measured once on ready tensors:
        // both columns are the same figure in every row, while each operation's own columns are its own
        assertEquals(rows.get(0)[2], rows.get(1)[2], "one decode cost for all operations: " + r.out());
        assertEquals(rows.get(0)[5], rows.get(1)[5], "one inference cost for all operations: " + r.out());
        assertTrue(r.out().contains("inference on ready tensors: "), r.out());
    }

    @Test
    void benchEmbedRefusesBadUsageWithExitTwo() throws IOException {
        Path images = SmallFlowers.copy(tmp.resolve("img"), 1);
        CliRun zero = CliRun.of("bench-embed", "--images", images.toString(), "--limit", "0");
        assertEquals(2, zero.exit());
        assertTrue(zero.err().contains("--limit"), zero.err());
        CliRun op = CliRun.of("bench-embed", "--images", images.toString(), "--processing", "JPEG12_999");
        assertEquals(2, op.exit());
        assertTrue(op.err().contains("JPEG12_999"), op.err());
        Path empty = Files.createDirectories(tmp.resolve("empty/none"));
        CliRun none = CliRun.of("bench-embed", "--images", empty.getParent().toString());
        assertEquals(2, none.exit());
        assertTrue(none.err().contains("no image files"), none.err());
        assertFalse(none.err().contains("Exception"), none.err());
    }

    @Test
    void benchKnnReportsItsShareOfTheMeasuredGemmPeak() throws IOException {
        Path dir = tmp.resolve("knn");
        Files.createDirectories(dir);
        writeF32(dir.resolve("queries.f32"), 40 * 16, 1);
        writeF32(dir.resolve("database.f32"), 300 * 16, 2);
        Files.writeString(dir.resolve("shape.json"), "{\"queries\": 40, \"database\": 300, \"dims\": 16}");
        CliRun without = CliRun.of("bench-knn", dir.toString(), "--repeats", "1", "--threads", "1");
        assertEquals(0, without.exit(), without.err());
        JsonNode j = jsonLine(without.out());
        assertTrue(j.get("gemm_peak_gflops").isNull(), "no peak measured yet: " + j);
        Files.writeString(dir.resolve("gemm_peak.json"), "{\"gemm_peak_gflops\": 250.0, \"size\": 4096}");
        CliRun with = CliRun.of("bench-knn", dir.toString(), "--repeats", "2", "--threads", "2");
        assertEquals(0, with.exit(), with.err());
        assertTrue(with.out().startsWith("machine: "), with.out());
        JsonNode k = jsonLine(with.out());
        assertEquals(250.0, k.get("gemm_peak_gflops").asDouble());
        // which kernel, tile and arithmetic ran: surefire loads the Vector API; this x86 or ARM64 JVM has FMA
        assertEquals("vector", k.get("kernel").asText(), k.toString());
        assertTrue(k.get("tile").asText().matches("6x(16|32|64)"), k.toString());
        assertTrue(k.get("fma").asBoolean(), k.toString());
        assertEquals(k.get("gflops_search").asDouble() / 250.0, k.get("share_of_peak").asDouble(), 0.001);
        // this search is too short for the CPU clock: no rate rather than Infinity (which is not JSON)
        assertTrue(k.get("gflops_per_cpu_s").isNull() || k.get("gflops_per_cpu_s").isNumber(), k.toString());
    }

    @Test
    void benchKnnWithoutItsDataSaysWhatIsMissing() {
        CliRun r = CliRun.of("bench-knn", tmp.resolve("nothing").toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("shape.json"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    private static JsonNode jsonLine(String out) throws IOException {
        String line = out.lines().filter(l -> l.startsWith("{\"impl\": \"java\"")).reduce((a, b) -> b).orElseThrow();
        return new ObjectMapper().readTree(line);
    }

    private static void writeF32(Path p, int n, long seed) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        Random r = new Random(seed);
        for (int i = 0; i < n; i++) {
            b.putFloat((float) r.nextGaussian());
        }
        Files.write(p, b.array());
    }
}
