package org.encodertraces.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.encodertraces.encoder.TinyOnnx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 23: the batch dimension of a model's output is checked against its input on every run. A
 * model that returns one row more than it was given images (every embedding would land on the
 * next image's row) or one row whatever the batch is refused with an error naming the model, the
 * output, its rows and the batch; nothing is written as if it were right.
 */
class ModelOutputRowsCliTest {

    /** x [N,3,32,32] -> GlobalAveragePool -> Flatten -> f [N,3], then {@code tail} builds the output y from f. */
    private static Path model(Path dir, String name, boolean extraRow) throws Exception {
        TinyOnnx m = new TinyOnnx().input("x", TinyOnnx.FLOAT, -1, 3, 32, 32)
                .node("GlobalAveragePool", "x", "g").node("Flatten", "g", "f");
        if (extraRow) {
            // [mean of the batch; f]: N+1 rows, each image's embedding one row late
            m.node("ReduceMean", List.of("f"), "m", Map.of("axes", new long[] {0}, "keepdims", 1L))
                    .node("Concat", List.of("m", "f"), "y", Map.of("axis", 0L));
        } else {
            // one row whatever the batch: the mean over the batch
            m.node("ReduceMean", List.of("f"), "y", Map.of("axes", new long[] {0}, "keepdims", 1L));
        }
        return Files.write(dir.resolve(name), m.output("y", TinyOnnx.FLOAT, -1, 3).build());
    }

    private static CliRun embed(Path data, Path model, Path out) {
        return CliRun.of("embed", "--images", data.toString(), "--model", model.toString(), "--output", "y", "--size", "32",
                "--mean", "0.5,0.5,0.5", "--std", "0.25,0.25,0.25", "--batch-size", "4", "--threads", "1", "--quiet", "-o", out.toString());
    }

    @Test
    void aModelReturningOneRowMoreThanItsBatchIsRefusedNotShifted(@TempDir Path tmp) throws Exception {
        Path data = ReliabilityCliTest.scenes(tmp.resolve("s"), 3, false);
        Path out = tmp.resolve("out");
        CliRun r = embed(data, model(tmp, "plus-one.onnx", true), out);
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("plus-one.onnx") && r.err().contains("output 'y' has 5 rows for a batch of 4 images"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        assertFalse(Files.exists(out.resolve("s__IDENTITY__plus-one.safetensors")), "no set written with shifted rows");
    }

    @Test
    void aModelReturningOneRowWhateverTheBatchIsAMessageNotACrash(@TempDir Path tmp) throws Exception {
        Path data = ReliabilityCliTest.scenes(tmp.resolve("s"), 3, false);
        Path out = tmp.resolve("out");
        CliRun r = embed(data, model(tmp, "one-row.onnx", false), out);
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("one-row.onnx") && r.err().contains("output 'y' has 1 row for a batch of 4 images"), r.err());
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), r.err());

        // the audit needs a folder large enough for a figure (12 images: the sharpening probe), else it is refused before embedding
        Path adata = ReliabilityCliTest.scenes(tmp.resolve("a"), 6, false);
        Path aout = tmp.resolve("audit");
        CliRun a = CliRun.of("audit", "--images", adata.toString(), "--model", "builtin:lowlevel-stats", "--model",
                tmp.resolve("one-row.onnx").toString(), "--output", "y", "--size", "32", "--mean", "0.5,0.5,0.5", "--std", "0.25,0.25,0.25",
                "--tasks", "sharpening", "--mask", "0", "--trainer", "LBFGS", "--trials", "2", "--seeds", "1", "--quiet",
                "-o", aout.toString());
        assertEquals(2, a.exit(), a.out() + a.err());
        assertTrue(a.err().contains("one-row.onnx") && a.err().contains("has 1 row for a batch of 12 images"), a.err());
        assertFalse(a.err().contains("\tat ") || a.err().contains("Exception"), a.err());
    }
}
