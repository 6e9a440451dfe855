package org.encodertraces.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.encodertraces.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code traces embed} into a folder the last version before typed provenance filled (the golden
 * files of commit 3b9d983, {@code fixtures/golden/v0.1.0-3b9d983}) reuses its complete sets, byte for
 * byte, and resumes from the shards its interrupted run left: upgrading never recomputes nor refuses
 * work the same job already did. The sets are made under IDENTITY, whose provenance names no JPEG
 * codec (which would differ between machines with and without libjpeg-turbo).
 */
class GoldenReuseCliTest {
    private static Path golden(String relative) {
        return TestData.fixture("golden/v0.1.0-3b9d983").resolve(relative);
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static Map<String, byte[]> files(Path dir, String set) throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        for (String ext : List.of(".safetensors", ".json", ".failures.tsv", ".run.json")) {
            m.put(set + ext, Files.readAllBytes(dir.resolve(set + ext)));
        }
        return m;
    }

    private static void reusesUntouched(Path tmp, String model, String set) throws IOException {
        copy(golden("photos"), tmp.resolve("photos"));
        copy(golden("embed"), tmp.resolve("embed"));
        Map<String, byte[]> before = files(tmp.resolve("embed"), set);
        CliRun r = CliRun.of("embed", "--images", tmp.resolve("photos").toString(), "--model", model, "--processing", "IDENTITY",
                "-o", tmp.resolve("embed").toString());
        assertEquals(1, r.exit(), "the set has one failed image: " + r.err());
        assertTrue(r.out().contains(set + ".safetensors: 12 rows, 1 failed (already complete: reused, made with the same seed,"
                + " processing, model and dataset)"), r.out() + r.err());
        Map<String, byte[]> after = files(tmp.resolve("embed"), set);
        for (String f : before.keySet()) {
            assertArrayEquals(before.get(f), after.get(f), f + " is kept as the last version wrote it");
        }
    }

    @Test
    void embedIntoAFolderTheLastVersionMadeReusesItsBuiltinEncodersSet(@TempDir Path tmp) throws IOException {
        reusesUntouched(tmp, "builtin:lowlevel-stats", "photos__IDENTITY__builtin_lowlevel-stats");
    }

    @Test
    void embedIntoAFolderTheLastVersionMadeReusesItsOnnxModelsSet(@TempDir Path tmp) throws IOException {
        TestData.shared(); // the model file is ../shared's mobilenetv2-12-int8.onnx
        reusesUntouched(tmp, "mobilenetv2-int8", "photos__IDENTITY__mobilenetv2-int8");
    }

    @Test
    void theShardsTheLastVersionsInterruptedRunLeftAreResumed(@TempDir Path tmp) throws IOException {
        copy(golden("photos"), tmp.resolve("photos"));
        copy(golden("interrupted"), tmp.resolve("out"));
        String set = "photos__IDENTITY__builtin_lowlevel-stats";
        CliRun r = CliRun.of("embed", "--images", tmp.resolve("photos").toString(), "--model", "builtin:lowlevel-stats",
                "--processing", "IDENTITY", "--shard-size", "4", "--threads", "1", "-o", tmp.resolve("out").toString());
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.out().contains("(resumed: 1 of 4 shard(s) reused from the interrupted run)"), r.out() + r.err());
        assertFalse(Files.exists(tmp.resolve("out/.work")), "the shards are gone once the set is committed");
        // the resumed set holds what one uninterrupted run of the last version computed
        assertArrayEquals(Files.readAllBytes(golden("embed/" + set + ".safetensors")), Files.readAllBytes(tmp.resolve("out/" + set
                + ".safetensors")));
    }
}
