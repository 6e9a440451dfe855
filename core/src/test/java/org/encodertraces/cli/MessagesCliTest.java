package org.encodertraces.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.encodertraces.embed.EmbeddingSet;
import org.encodertraces.embed.EmbeddingSetIO;
import org.encodertraces.encoder.TinyOnnx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 23's unclear messages: each names the file, the field or option, and the reason, with the
 * exit status README gives (2 for bad input), and no Jackson internals or bare paths.
 */
class MessagesCliTest {

    private static void clear(CliRun r) {
        String all = r.out() + r.err();
        assertFalse(all.contains("\tat ") || all.contains("Exception") || all.contains("Jackson") || all.contains("JsonToken")
                || all.contains("reference chain") || all.contains("JsonReadFeature"), all);
    }

    @Test
    void aSpecFileWithAWrongValueNamesTheField(@TempDir Path tmp) throws Exception {
        Path model = Files.write(tmp.resolve("m.onnx"), new TinyOnnx().input("x", TinyOnnx.FLOAT, -1, 3, 32, 32)
                .node("GlobalAveragePool", "x", "g").node("Flatten", "g", "y").output("y", TinyOnnx.FLOAT, -1, 3).build());
        String spec = """
                {"preprocessing": {"resizeSize": 32, "resizeMode": "SQUASH", "filter": "BILINEAR", "antialias": true,
                  "cropSize": 32, "scale": 0.00392156862745098, "mean": MEAN, "std": [0.5, 0.5, 0.5],
                  "channelOrder": "RGB", "layout": "NCHW", "maskAfterCrop": true},
                 "inputName": "x", "output": "y", "pooling": "NONE", "l2Normalize": false, "embeddingDim": DIM}
                """;
        Path data = ReliabilityCliTest.scenes(tmp.resolve("s"), 1, false);
        Files.writeString(tmp.resolve("m.spec.json"), spec.replace("MEAN", "\"oops\"").replace("DIM", "3"));
        CliRun mean = CliRun.of("embed", "--images", data.toString(), "--model", model.toString(), "--quiet", "-o", tmp.resolve("o").toString());
        assertEquals(2, mean.exit(), mean.err());
        assertTrue(mean.err().contains("m.spec.json") && mean.err().contains("field 'preprocessing.mean' is \"oops\""), mean.err());
        clear(mean);

        Files.writeString(tmp.resolve("m.spec.json"), spec.replace("MEAN", "[0.5, 0.5, 0.5]").replace("DIM", "\"thirty\""));
        CliRun dim = CliRun.of("embed", "--images", data.toString(), "--model", model.toString(), "--quiet", "-o", tmp.resolve("o").toString());
        assertEquals(2, dim.exit(), dim.err());
        assertTrue(dim.err().contains("field 'embeddingDim' is \"thirty\", not a positive whole number"), "not read as 0: " + dim.err());
        clear(dim);
    }

    private static Path set(Path file) throws Exception {
        int rows = 20;
        float[] emb = new float[rows * 2];
        long[] label = new long[rows];
        long[] subject = new long[rows];
        long[] device = new long[rows];
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            emb[2 * i] = i;
            emb[2 * i + 1] = i % 3;
            label[i] = i % 2;
            subject[i] = i / 2;
            device[i] = i % 2;
            ids.add("img" + i);
        }
        Map<String, long[]> labels = new LinkedHashMap<>();
        labels.put("label", label);
        labels.put("subject", subject);
        labels.put("device", device);
        EmbeddingSetIO.write(file, new EmbeddingSet(rows, 2, emb, labels, ids, null));
        return file;
    }

    @Test
    void aSidecarWhoseRowsAreTextIsNamedNotReadAsMinusOne(@TempDir Path tmp) throws Exception {
        Path a = set(tmp.resolve("a.safetensors"));
        Path b = set(tmp.resolve("b.safetensors"));
        Path side = EmbeddingSetIO.sidecarOf(b);
        Files.writeString(side, Files.readString(side).replaceFirst("\"rows\"\\s*:\\s*20", "\"rows\": \"thirty\""));
        CliRun r = CliRun.of("knn", "--train=A=" + a, "--test=A=" + b, "-o", tmp.resolve("k").toString());
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("b.json: field 'rows' is \"thirty\", not a whole number"), r.err());
        assertFalse(r.err().contains("-1 x"), r.err());
    }

    @Test
    void aMissingEmbeddingSetIsSaidToBeMissing(@TempDir Path tmp) throws Exception {
        Path a = set(tmp.resolve("a.safetensors"));
        Path gone = tmp.resolve("gone.safetensors");
        CliRun knn = CliRun.of("knn", "--train=A=" + gone, "--test=A=" + a, "-o", tmp.resolve("k").toString());
        assertEquals(2, knn.exit(), knn.err());
        assertTrue(knn.err().contains(gone + ": no such file"), knn.err());
        CliRun ret = CliRun.of("retrieval", "--set", gone.toString(), "-o", tmp.resolve("r").toString());
        assertEquals(2, ret.exit(), ret.err());
        assertTrue(ret.err().contains(gone + ": no such file"), ret.err());
        clear(knn);
        clear(ret);
    }

    @Test
    void reportOnNanAnArrayOrNoFileIsAClearMessageWithExit2(@TempDir Path tmp) throws Exception {
        String sample = Files.readString(Path.of("docs/report-sample.json"));
        Path nan = Files.writeString(tmp.resolve("nan.json"), sample.replaceFirst("\"chance\"\\s*:\\s*[0-9.]+", "\"chance\": NaN"));
        assertTrue(Files.readString(nan).contains("NaN"), "the sample has a chance figure to spoil");
        CliRun n = CliRun.of("report", nan.toString(), "--out", tmp.resolve("o").toString());
        assertEquals(2, n.exit(), n.err());
        assertTrue(n.err().contains("nan.json") && n.err().contains("NaN is not a JSON number") && n.err().matches("(?s).*line \\d+.*"), n.err());
        clear(n);
        Path array = Files.writeString(tmp.resolve("array.json"), "[1, 2, 3]");
        CliRun a = CliRun.of("report", array.toString(), "--out", tmp.resolve("o").toString());
        assertEquals(2, a.exit(), a.err());
        assertTrue(a.err().contains("array.json") && a.err().contains("a JSON array, not an object"), a.err());
        clear(a);
        CliRun m = CliRun.of("report", tmp.resolve("none.json").toString(), "--out", tmp.resolve("o").toString());
        assertEquals(2, m.exit(), "a missing input is bad usage, as for probe and knn: " + m.err());
        assertTrue(m.err().contains("none.json: no such file"), m.err());
    }

    @Test
    void auditSeedsZeroNamesSeeds(@TempDir Path tmp) throws Exception {
        Path data = ReliabilityCliTest.scenes(tmp.resolve("s"), 1, false);
        CliRun r = CliRun.of("audit", "--images", data.toString(), "--model", "builtin:lowlevel-stats", "--seeds", "0", "--quiet",
                "-o", tmp.resolve("a").toString());
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("--seeds") && r.err().contains("got 0"), r.err());
        CliRun p = CliRun.of("probe", "--task", "sharpening", "--set", "JPEG95_444=x", "--repeats", "0", "-o", tmp.resolve("p").toString());
        assertEquals(2, p.exit(), p.err());
        assertTrue(p.err().contains("repeats must be at least 1, got 0"), "one option named, not five: " + p.err());
    }
}
