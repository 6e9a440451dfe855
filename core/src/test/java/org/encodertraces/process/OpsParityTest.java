package org.encodertraces.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.encodertraces.Requirements;
import org.encodertraces.TestData;
import org.encodertraces.image.ChromaSubsampling;
import org.encodertraces.image.JpegBackend;
import org.encodertraces.image.JpegCodec;
import org.encodertraces.image.ResampleFilter;
import org.encodertraces.image.RgbImage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every processing operation of the study against Pillow 9.4 goldens made by
 * tools/pillow-fixtures/make_ops_fixtures.py. Tolerance: bit-exact (max abs difference 0).
 * The INTERPOLATION fixtures fix the factor (the random draw is ours), so those cases call the
 * resize step with the fixture's factor. The measured table is printed at the end.
 */
class OpsParityTest {
    private static final Path DIR = TestData.fixture("pillow/ops");
    private static final Map<String, double[]> TABLE = new TreeMap<>();

    static Stream<Arguments> cases() throws Exception {
        JsonNode m = new ObjectMapper().readTree(DIR.resolve("manifest.json").toFile());
        List<Arguments> out = new ArrayList<>();
        for (JsonNode c : m.get("cases")) {
            double scale = c.has("params") ? c.get("params").get("scale").asDouble() : Double.NaN;
            String op = c.get("op").asText();
            // operations that run the JPEG codec are checked on both codec paths
            boolean jpeg = op.startsWith("INTERPOLATION_") || op.matches("JPEG\\d+_\\d{3}");
            for (JpegBackend b : jpeg ? JpegBackend.values() : new JpegBackend[] {null}) {
                out.add(Arguments.of(op, c.get("input").asText(), c.get("expected").asText(), scale, b));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1} {3} {4}")
    @MethodSource("cases")
    void matchesPillow(String op, String input, String expected, double scale, JpegBackend backend) throws Exception {
        if (backend != null) {
            Requirements.jpegBackend(backend);
        }
        RgbImage in = TestData.readRgbPng(DIR.resolve("inputs").resolve(input));
        RgbImage got;
        if (op.startsWith("INTERPOLATION_")) {
            ResampleFilter f = ResampleFilter.valueOf(op.substring("INTERPOLATION_".length()));
            got = JpegCodec.roundTrip(ProcessingStep.Resize.resizeBy(in, scale, f), 95, ChromaSubsampling.S444, backend);
        } else if (backend != null && backend != JpegBackend.selected()) {
            // the default codec goes through the operation itself (below); the other one is called directly
            int quality = Integer.parseInt(op.substring(4, op.indexOf('_')));
            got = JpegCodec.roundTrip(in, quality, ChromaSubsampling.valueOf("S" + op.substring(op.indexOf('_') + 1)), backend);
        } else {
            got = ProcessingOp.parse(op).apply(in, input, 0).image();
        }
        RgbImage want = TestData.readRgbPng(DIR.resolve("expected").resolve(expected));
        assertEquals(want.width() + "x" + want.height(), got.width() + "x" + got.height(), op + " size");
        int max = want.maxAbsDiff(got);
        double mean = want.meanAbsDiff(got);
        synchronized (TABLE) {
            double[] row = TABLE.computeIfAbsent(backend == null ? op : op + " (" + backend + ")", k -> new double[3]);
            row[0] = Math.max(row[0], max);
            row[1] += mean;
            row[2] += 1;
        }
        assertEquals(0, max, op + " on " + input + ": max abs diff " + max + ", mean " + mean);
    }

    @AfterAll
    static void printTable() {
        System.out.println("| operation | cases | max abs diff | mean abs diff |");
        TABLE.forEach((op, r) -> System.out.printf("| %s | %d | %d | %.4f |%n", op, (int) r[2], (int) r[0], r[1] / r[2]));
        assertTrue(TABLE.isEmpty() || TABLE.size() > 10);
    }
}
