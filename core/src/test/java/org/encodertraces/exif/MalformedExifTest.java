package org.encodertraces.exif;

import static org.encodertraces.exif.FlickrExifLabels.UNKNOWN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hand-built EXIF segments with bad values: never an exception for the file, "unknown" labels. */
class MalformedExifTest {

    record Entry(int tag, int type, int count, byte[] value) {
    }

    static Entry ascii(int tag, String s) {
        byte[] b = (s + "\0").getBytes(StandardCharsets.ISO_8859_1);
        return new Entry(tag, 2, b.length, b);
    }

    static Entry rational(int tag, long num, long den, boolean signed) {
        ByteBuffer bb = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        bb.putInt((int) num).putInt((int) den);
        return new Entry(tag, signed ? 10 : 5, 1, bb.array());
    }

    static Entry shorts(int tag, int... v) {
        ByteBuffer bb = ByteBuffer.allocate(2 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int x : v) {
            bb.putShort((short) x);
        }
        return new Entry(tag, 3, v.length, bb.array());
    }

    static Entry sshort(int tag, int v) {
        ByteBuffer bb = ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) v);
        return new Entry(tag, 8, 1, bb.array());
    }

    /** A little-endian TIFF with IFD0 entries and an Exif sub-IFD. */
    static byte[] tiff(List<Entry> ifd0, List<Entry> exif) {
        int ifd0Size = 2 + 12 * (ifd0.size() + 1) + 4;
        int exifOffset = 8 + ifd0Size;
        int exifSize = 2 + 12 * exif.size() + 4;
        ByteBuffer bb = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        bb.put(new byte[] {'I', 'I', 42, 0}).putInt(8);
        List<Entry> first = new ArrayList<>(ifd0);
        first.add(new Entry(0x8769, 4, 1, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(exifOffset).array()));
        int[] data = {exifOffset + exifSize};
        ByteBuffer dataArea = ByteBuffer.allocate(2048).order(ByteOrder.LITTLE_ENDIAN);
        writeIfd(bb, first, data, dataArea);
        writeIfd(bb, exif, data, dataArea);
        bb.put(dataArea.array(), 0, dataArea.position());
        return Arrays.copyOf(bb.array(), bb.position());
    }

    private static void writeIfd(ByteBuffer bb, List<Entry> es, int[] dataOffset, ByteBuffer dataArea) {
        bb.putShort((short) es.size());
        for (Entry e : es) {
            bb.putShort((short) e.tag()).putShort((short) e.type()).putInt(e.count());
            if (e.value().length <= 4) {
                bb.put(Arrays.copyOf(e.value(), 4));
            } else {
                bb.putInt(dataOffset[0]);
                dataArea.put(e.value());
                dataOffset[0] += e.value().length;
            }
        }
        bb.putInt(0);
    }

    static byte[] smallJpeg() throws IOException {
        BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        ImageIO.write(img, "jpeg", bos);
        return bos.toByteArray();
    }

    /** A JPEG whose first segment is an APP1 Exif segment holding {@code tiff} (possibly cut short). */
    static byte[] jpegWithExif(byte[] tiff, int declaredExtra) throws IOException {
        byte[] jpeg = smallJpeg();
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0xFF);
        b.write(0xD8);
        int len = 2 + 6 + tiff.length + declaredExtra;
        b.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xE1, (byte) (len >> 8), (byte) len});
        b.writeBytes("Exif\0\0".getBytes(StandardCharsets.ISO_8859_1));
        b.writeBytes(tiff);
        b.write(jpeg, 2, jpeg.length - 2);
        return b.toByteArray();
    }

    @Test
    void cleanHandBuiltExifReadsBack() throws IOException {
        byte[] t = tiff(List.of(ascii(0x010F, "NIKON CORPORATION"), ascii(0x0110, "NIKON D750")),
                List.of(rational(0x829A, 10, 1000, false), rational(0x829D, 28, 10, false), shorts(0x8827, 400),
                        ascii(0x9003, "2019:06:09 12:57:32"), shorts(0x9209, 0x19), rational(0x920A, 240, 10, false)));
        Acquisition a = new ExifReader().read(jpegWithExif(t, 0), "clean.jpg");
        assertEquals(List.of(), a.warnings());
        assertEquals(new Acquisition.Labels("NIKON", "NIKON D750", "1/100", "2.8", "24.0 mm", "400", "with flash", "2019.0",
                "False", UNKNOWN), a.labels());
        assertEquals(16, a.width());
    }

    @Test
    void malformedValuesGiveUnknownAndWarningsNotExceptions() throws IOException {
        byte[] t = tiff(List.of(ascii(0x010F, "\u0001\u0002\u0003"), ascii(0x0110, "   ")),
                List.of(rational(0x829A, 1, 0, false), rational(0x829D, -28, 10, true), sshort(0x8827, -5),
                        ascii(0x9003, "garbage!"), ascii(0x9209, "fired"), ascii(0x920A, "abc")));
        Acquisition a = new ExifReader().read(jpegWithExif(t, 0), "bad.jpg");
        assertNull(a.exposureTime());
        assertTrue(a.warnings().stream().anyMatch(w -> w.contains("ExposureTime: zero denominator")), a.warnings().toString());
        assertTrue(a.warnings().stream().anyMatch(w -> w.contains("FocalLength: not a number")), a.warnings().toString());
        assertEquals(-2.8, a.fNumber(), 1e-12); // raw keeps what the file says; the label rejects it
        assertEquals(new Acquisition.Labels(UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN,
                UNKNOWN), a.labels());
    }

    @Test
    void zeroOverZeroAndAbsurdNumbersAreUnknown() throws IOException {
        byte[] t = tiff(List.of(ascii(0x010F, "Canon")),
                List.of(rational(0x829A, 0, 0, false), rational(0x829D, 0xFFFFFFFFL, 1, false), shorts(0x8827, 65535),
                        rational(0x920A, 0, 0, false), ascii(0x9003, "0000:00:00 00:00:00")));
        Acquisition.Labels l = new ExifReader().read(jpegWithExif(t, 0), "absurd.jpg").labels();
        assertEquals("Canon", l.make());
        assertEquals(UNKNOWN, l.exposure());
        assertEquals(UNKNOWN, l.aperture());
        assertEquals(UNKNOWN, l.iso());
        assertEquals(UNKNOWN, l.focalLength());
        assertEquals(UNKNOWN, l.year());
        assertEquals("False", l.isSmartphone());
    }

    @Test
    void truncatedExifSegmentsNeverThrow() throws IOException {
        byte[] t = tiff(List.of(ascii(0x010F, "Apple"), ascii(0x0110, "iPhone 7")),
                List.of(rational(0x829A, 1, 100, false), ascii(0x9003, "2018:09:10 12:16:13")));
        ExifReader r = new ExifReader();
        for (int cut = 0; cut <= t.length; cut += 3) {
            Acquisition a = r.read(jpegWithExif(Arrays.copyOf(t, cut), 0), "cut" + cut);
            assertEquals("JPEG", a.format());
            a.labels(); // labels never throw either
        }
        // an APP1 whose declared length runs past the end of the file
        byte[] runaway = jpegWithExif(t, 0);
        runaway[5] = (byte) 0xFF;
        runaway[4] = (byte) 0x7F;
        Acquisition a = r.read(Arrays.copyOf(runaway, 200), "runaway.jpg");
        assertFalse(a.warnings().isEmpty());
        // a first-IFD offset pointing outside the TIFF (metadata-extractor warns and tries offset 8)
        byte[] badOffset = t.clone();
        badOffset[4] = (byte) 0xF0;
        badOffset[5] = (byte) 0xFF;
        assertFalse(r.read(jpegWithExif(badOffset, 0), "offset.jpg").warnings().isEmpty());
    }

    @Test
    void randomGarbageInsideExifNeverThrows() throws IOException {
        Random rnd = new Random(42);
        ExifReader r = new ExifReader();
        for (int i = 0; i < 200; i++) {
            byte[] t = new byte[8 + rnd.nextInt(300)];
            rnd.nextBytes(t);
            t[0] = 'I';
            t[1] = 'I';
            t[2] = 42;
            t[3] = 0;
            t[4] = 8;
            t[5] = t[6] = t[7] = 0;
            r.read(jpegWithExif(t, 0), "garbage" + i).labels();
        }
    }

    @Test
    void unreadableFilesThrowAnErrorNamingTheFile(@TempDir Path dir) {
        ExifReader r = new ExifReader();
        ExifReadException e = assertThrows(ExifReadException.class, () -> r.read(new byte[0], "empty.jpg"));
        assertEquals("empty.jpg: empty file", e.getMessage());
        byte[] random = new byte[1000];
        new Random(3).nextBytes(random);
        random[0] = 0x13;
        e = assertThrows(ExifReadException.class, () -> r.read(random, "random.jpg"));
        assertTrue(e.getMessage().startsWith("random.jpg: unrecognised file format"), e.getMessage());
        Path missing = dir.resolve("missing.jpg");
        e = assertThrows(ExifReadException.class, () -> r.read(missing));
        assertEquals(missing + ": no such file", e.getMessage());
    }

    @Test
    void truncatedJpegStillGivesItsExif() throws IOException {
        byte[] t = tiff(List.of(ascii(0x010F, "Apple"), ascii(0x0110, "iPhone 7")), List.of(rational(0x829A, 1, 100, false)));
        byte[] whole = jpegWithExif(t, 0);
        Acquisition a = new ExifReader().read(Arrays.copyOf(whole, whole.length - 100), "cut.jpg");
        assertEquals("True", a.labels().isSmartphone());
        assertEquals("iPhone 7", a.labels().smartphoneModel());
    }
}
