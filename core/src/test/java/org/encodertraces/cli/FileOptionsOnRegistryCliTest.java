package org.encodertraces.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file-model options ({@code --output}, {@code --pooling}, preprocessing...) describe a model
 * file; given with only registry or built-in encoders they would be ignored, so the command is
 * refused (exit 2) naming them, before anything is read or written.
 */
class FileOptionsOnRegistryCliTest {
    @TempDir
    Path tmp;

    @Test
    void fileOptionsWithOnlyARegistryEncoderAreRefusedNamingThem() throws Exception {
        Path img = Files.createDirectories(tmp.resolve("img"));
        CliRun r = CliRun.of("embed", "--images", img.toString(), "--model", "resnet50-in1k", "--output", "pooled", "--pooling", "GLOBAL_AVERAGE",
                "-o", tmp.resolve("out").toString());
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("--output, --pooling apply only to a model file or Hub address given without a registry id, and would"
                + " be ignored: resnet50-in1k is a registry or built-in encoder"), r.err());
        assertFalse(Files.exists(tmp.resolve("out")), "nothing was written");

        CliRun b = CliRun.of("embed", "--images", img.toString(), "--model", "builtin:lowlevel-stats", "--mean", "0.5,0.5,0.5",
                "--std", "0.5,0.5,0.5", "-o", tmp.resolve("out2").toString());
        assertEquals(2, b.exit(), b.out() + b.err());
        assertTrue(b.err().contains("preprocessing (--size/--resize-mode/--filter/--mean/--std) apply only to a model file"), b.err());
    }
}
