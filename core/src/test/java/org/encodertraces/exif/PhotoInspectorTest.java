package org.encodertraces.exif;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.encodertraces.data.DeadLeaves;
import org.encodertraces.image.ChromaSubsampling;
import org.encodertraces.image.JpegCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-file verdict behind {@code traces exif}, on generated files: read fully, with odd extensions, or not at all. */
class PhotoInspectorTest {
    @TempDir
    Path dir;

    private static byte[] jpeg(int quality, ChromaSubsampling s) {
        return JpegCodec.encode(DeadLeaves.render(DeadLeaves.CLASSES.get(0), 0, 48, 32, 1), quality, s);
    }

    @Test
    void aJpegGivesItsQualityAndSubsamplingAndAWrongExtensionIsAWarning() throws IOException {
        Path good = Files.write(dir.resolve("a.jpg"), jpeg(85, ChromaSubsampling.S420));
        PhotoInspector.Inspection in = new PhotoInspector().inspect(good);
        assertEquals(PhotoInspector.Status.OK, in.status(), in.toString());
        assertNull(in.error());
        assertEquals("JPEG", in.acquisition().format());
        assertEquals(new PhotoInspector.JpegTables(85, true, 0.0, "4:2:0"), in.jpeg());
        assertEquals(List.of(), in.warnings());

        Path named = Files.write(dir.resolve("b.png"), jpeg(95, ChromaSubsampling.S444));
        PhotoInspector.Inspection odd = new PhotoInspector().inspect(named);
        assertEquals(PhotoInspector.Status.OK, odd.status());
        assertEquals("4:4:4", odd.jpeg().subsampling());
        assertEquals(List.of("file extension .png but the content is JPEG"), odd.warnings());
    }

    @Test
    void aFileThatCannotBeReadIsAnErrorWithItsReasonNotAnException() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.jpg"), "not a photo");
        PhotoInspector.Inspection in = new PhotoInspector().inspect(text);
        assertEquals(PhotoInspector.Status.ERROR, in.status());
        assertNull(in.acquisition());
        assertNull(in.jpeg());
        assertNotNull(in.error());

        PhotoInspector.Inspection missing = new PhotoInspector().inspect(dir.resolve("gone.jpg"));
        assertEquals(PhotoInspector.Status.ERROR, missing.status());
        assertTrue(missing.error().startsWith(dir.resolve("gone.jpg") + ": cannot read file: "), missing.error());

        // a JPEG whose tables are cut off: its metadata is read, the quantization is not
        byte[] full = jpeg(75, ChromaSubsampling.S420);
        Path cut = Files.write(dir.resolve("cut.jpg"), Arrays.copyOf(full, 40));
        PhotoInspector.Inspection truncated = new PhotoInspector().inspect(cut);
        assertEquals(PhotoInspector.Status.ERROR, truncated.status(), truncated.toString());
        assertNull(truncated.jpeg());
        assertNotNull(truncated.error());
    }
}
