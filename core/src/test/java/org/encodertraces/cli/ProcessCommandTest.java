package org.encodertraces.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import org.encodertraces.BadFiles;
import org.encodertraces.image.ImageDecoder;
import org.encodertraces.image.RgbImage;
import org.encodertraces.process.ProcessingOp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessCommandTest {
    static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void badFilesAreReportedByNameAndReasonWhileGoodFilesAreProcessed(@TempDir Path tmp) throws Exception {
        Path in = tmp.resolve("in");
        Map<String, String> bad = BadFiles.write(in);
        Path out = tmp.resolve("out");
        CliRun r = run("process", "--op", "JPEG75_420,SHARPEN_2", "--seed", "5", in.toString(), "-o", out.toString());
        assertEquals(1, r.exit(), "exit status says some failed\n" + r.err());
        assertTrue(Files.exists(out.resolve("JPEG75_420").resolve("bomb.jpg.png")) == false);
        for (Map.Entry<String, String> e : bad.entrySet()) {
            String line = r.err().lines().filter(l -> l.contains(e.getKey())).findFirst().orElse("");
            assertTrue(line.toLowerCase().contains(e.getValue()), "error for " + e.getKey() + " should say '" + e.getValue() + "': " + line);
        }
        for (String good : new String[] {"good.jpg", "good.png"}) {
            for (String op : new String[] {"JPEG75_420", "SHARPEN_2"}) {
                // good.jpg and good.png share a stem, so both keep their extension
                Path f = out.resolve(op).resolve(good + ".png");
                assertTrue(Files.exists(f), "missing " + f);
                RgbImage img = new ImageDecoder().decode(f).image();
                assertTrue(img.width() > 10);
            }
        }
        JsonNode prov = new ObjectMapper().readTree(out.resolve("processing.json").toFile());
        assertEquals(bad.size(), prov.get("failed").asInt());
        assertEquals(4, prov.get("written").asInt());
        assertEquals(5, prov.get("provenance").get("seed").asInt());
        assertTrue(prov.get("outputs").get(0).get("processing").get("steps").size() >= 1);
    }

    @Test
    void rerunKeepsExistingOutputsAndFinishesTheRest(@TempDir Path tmp) throws Exception {
        Path in = tmp.resolve("in");
        Files.createDirectories(in);
        org.encodertraces.image.PngIo.write(BadFiles.sample(30, 20), in.resolve("a.png"));
        org.encodertraces.image.PngIo.write(BadFiles.sample(20, 30), in.resolve("b.png"));
        Path out = tmp.resolve("out");
        assertEquals(0, run("process", "--op", "INTERPOLATION_BICUBIC", in.toString(), "-o", out.toString()).exit());
        Path a = out.resolve("INTERPOLATION_BICUBIC/a.png");
        Path b = out.resolve("INTERPOLATION_BICUBIC/b.png");
        byte[] bBytes = Files.readAllBytes(b);
        Files.setLastModifiedTime(a, FileTime.fromMillis(1000));
        Files.delete(b); // as if interrupted before b was written
        CliRun r = run("process", "--op", "INTERPOLATION_BICUBIC", in.toString(), "-o", out.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("1 images written, 1 already present"), r.out());
        assertEquals(1000, Files.getLastModifiedTime(a).toMillis(), "existing output not redone");
        assertEquals(java.util.Arrays.toString(bBytes), java.util.Arrays.toString(Files.readAllBytes(b)), "same draw, same pixels");
    }

    @Test
    void unknownOperationIsAUsageError(@TempDir Path tmp) {
        CliRun r = run("process", "--op", "BLUR_3", tmp.toString(), "-o", tmp.resolve("o").toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("BLUR_3"), r.err());
    }

    @Test
    void helpListsTheOperations() {
        CliRun r = run("process", "--help");
        assertEquals(0, r.exit());
        assertTrue(r.out().contains("INTERPOLATION_BILINEAR") && r.out().contains("MASK_"), r.out());
        assertTrue(ProcessingOp.JPEG_TASK.size() == 6);
    }
}
