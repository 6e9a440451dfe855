package org.encodertraces.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.encodertraces.TestData;
import org.encodertraces.image.ResampleFilter;
import org.encodertraces.image.RgbImage;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Preprocessing parity with torchvision 0.14 + Pillow 9.4 (fixtures from
 * tools/pillow-fixtures/make_preprocess_fixtures.py). Tolerances: the cropped uint8 image must
 * be identical (max abs difference 0) and the float32 tensor bit-identical (sha256 of its
 * little-endian bytes; the max abs difference after normalisation is therefore 0).
 */
class PreprocessorParityTest {
    private static final Path DIR = TestData.fixture("torchvision/preprocess");

    static Stream<Arguments> cases() throws Exception {
        JsonNode m = new ObjectMapper().readTree(DIR.resolve("manifest.json").toFile());
        List<Arguments> out = new ArrayList<>();
        for (JsonNode c : m.get("cases")) {
            out.add(Arguments.of(c.get("variant").asText(), c.get("input").asText(), c));
        }
        return out.stream();
    }

    private static List<Double> list(JsonNode a) {
        List<Double> l = new ArrayList<>();
        a.forEach(x -> l.add(x.asDouble()));
        return l;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void matchesTorchvision(String variant, String input, JsonNode c) throws Exception {
        RgbImage in = TestData.readRgbPng(DIR.resolve("inputs").resolve(input));
        boolean squash = c.get("resize").isArray();
        int size = squash ? c.get("resize").get(0).asInt() : c.get("resize").asInt();
        ResampleFilter filter = ResampleFilter.valueOf(c.get("interpolation").asText().toUpperCase());
        PreprocessSpec spec = new PreprocessSpec(size, squash ? PreprocessSpec.ResizeMode.SQUASH : PreprocessSpec.ResizeMode.SHORTER_SIDE,
                filter, true, c.get("crop").asInt(), 1.0 / 255.0, list(c.get("mean")), list(c.get("std")),
                PreprocessSpec.ChannelOrder.RGB, PreprocessSpec.Layout.NCHW, true);
        RgbImage cropped = Preprocessor.resizeAndCrop(in, spec);
        RgbImage want = TestData.readRgbPng(DIR.resolve("expected").resolve(c.get("cropped").asText()));
        assertEquals(0, want.maxAbsDiff(cropped), variant + " cropped pixels (mean " + want.meanAbsDiff(cropped) + ")");
        float[] t = Preprocessor.tensor(in, spec);
        ByteBuffer bb = ByteBuffer.allocate(t.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        double sum = 0;
        for (float f : t) {
            bb.putFloat(f);
            sum += f;
        }
        for (int i = 0; i < 8; i++) {
            assertEquals(c.get("tensor_first").get(i).asDouble(), t[i], 0.0, "element " + i);
        }
        assertEquals(c.get("tensor_sum").asDouble(), sum, 1e-6 * Math.max(1, Math.abs(sum)), "tensor sum");
        assertEquals(c.get("tensor_sha256").asText(), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bb.array())),
                variant + ": float32 tensor bytes");
    }
}
