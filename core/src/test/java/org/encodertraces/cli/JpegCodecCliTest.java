package org.encodertraces.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.encodertraces.BadFiles;
import org.encodertraces.Requirements;
import org.encodertraces.image.ChromaSubsampling;
import org.encodertraces.image.JpegBackend;
import org.encodertraces.image.JpegCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code traces process} on JPEG input and a JPEG operation, once per codec path chosen with the
 * {@code traces.jpeg.codec} property: both paths write the same pixels (both are Pillow's), and
 * processing.json names the codec that ran. A bad property value is a usage error (exit 2).
 */
class JpegCodecCliTest {
    @AfterEach
    void clearProperty() {
        System.clearProperty(JpegBackend.PROPERTY);
    }

    private static Path input(Path tmp) throws Exception {
        Path in = tmp.resolve("in");
        Files.createDirectories(in);
        Files.write(in.resolve("a.jpg"), JpegCodec.encode(BadFiles.sample(61, 43), 90, ChromaSubsampling.S420, JpegBackend.JDK));
        Files.write(in.resolve("b.jpg"), JpegCodec.encode(BadFiles.sample(40, 70), 80, ChromaSubsampling.S444, JpegBackend.JDK));
        return in;
    }

    private static JsonNode process(Path in, Path out, String codec) throws Exception {
        System.setProperty(JpegBackend.PROPERTY, codec);
        CliRun r = CliRun.of("process", "--op", "IDENTITY,JPEG75_420", in.toString(), "-o", out.toString());
        assertEquals(0, r.exit(), r.err());
        return new ObjectMapper().readTree(out.resolve("processing.json").toFile());
    }

    @Test
    void bothCodecPathsWriteTheSamePixelsAndRecordWhichRan(@TempDir Path tmp) throws Exception {
        Requirements.turboJpeg();
        Path in = input(tmp);
        JsonNode turbo = process(in, tmp.resolve("turbo"), "turbojpeg");
        JsonNode jdk = process(in, tmp.resolve("jdk"), "jdk");
        for (String op : new String[] {"IDENTITY", "JPEG75_420"}) {
            for (String f : new String[] {"a.png", "b.png"}) {
                assertArrayEquals(Files.readAllBytes(tmp.resolve("jdk").resolve(op).resolve(f)),
                        Files.readAllBytes(tmp.resolve("turbo").resolve(op).resolve(f)), op + "/" + f + " differs between codec paths");
            }
        }
        String t = turbo.toString();
        String j = jdk.toString();
        assertTrue(t.contains("TurboJPEG"), "processing.json names TurboJPEG: " + t);
        assertTrue(!j.contains("TurboJPEG") && j.contains("JDK ImageIO JPEG"), "processing.json names the JDK codec: " + j);
    }

    @Test
    void aBadCodecNameIsAUsageError(@TempDir Path tmp) throws Exception {
        Path in = input(tmp);
        System.setProperty(JpegBackend.PROPERTY, "libjpeg9");
        CliRun r = CliRun.of("process", "--op", "IDENTITY", in.toString(), "-o", tmp.resolve("out").toString());
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("traces.jpeg.codec must be auto, turbojpeg or jdk, not 'libjpeg9'"), r.err());
    }
}
