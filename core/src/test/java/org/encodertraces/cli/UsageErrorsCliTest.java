package org.encodertraces.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A command's refusal is one line on standard error, {@code traces COMMAND: message} under the
 * command's full name (nested commands included), and exit status 2: printed once, by
 * {@link CliErrors}, whatever command threw the {@link UsageException}.
 */
class UsageErrorsCliTest {
    @TempDir
    Path tmp;

    private void refused(String expected, String... args) {
        CliRun r = CliRun.of(args);
        assertEquals(2, r.exit(), r.err());
        assertEquals(expected + System.lineSeparator(), r.err());
        assertEquals("", r.out());
    }

    @Test
    void refusalsAreOneLineUnderTheCommandsFullNameWithExitTwo() throws IOException {
        Path gone = tmp.resolve("gone.safetensors");
        refused("traces erase fit: " + gone + ": no such embedding set",
                "erase", "fit", "--set", gone.toString(), "--label-tensor", "label", "-o", tmp.resolve("e.safetensors").toString());
        refused("traces erase evaluate: --seeds must be >= 1",
                "erase", "evaluate", "--task", "jpeg", "--set", "A=" + gone, "--seeds", "0", "-o", tmp.resolve("ev").toString());
        refused("traces datasets audit: " + tmp.resolve("none") + ": no such file or folder",
                "datasets", "audit", "--images", tmp.resolve("none").toString());
        refused("traces knn: k must be at least 1, got 0", "knn", "-k", "0", "--set", "A=" + gone, "-o", tmp.resolve("k").toString());
        Path file = Files.writeString(tmp.resolve("afile"), "x");
        refused("traces process: -o " + file + " is an existing file, not a folder",
                "process", "--op", "JPEG75_420", "-o", file.toString(), tmp.toString());
        Path data = Files.createDirectories(tmp.resolve("knn-data"));
        refused("traces bench-knn: " + data.resolve("shape.json") + " not found: write the data with /usr/bin/python3"
                + " tools/reference/bench_knn.py --generate " + data, "bench-knn", data.toString(), "--repeats", "0");
        for (String f : new String[] {"shape.json", "queries.f32", "database.f32"}) {
            Files.writeString(data.resolve(f), "");
        }
        refused("traces bench-knn: --repeats and -k must be positive, --threads not negative", "bench-knn", data.toString(), "--repeats", "0");
    }
}
