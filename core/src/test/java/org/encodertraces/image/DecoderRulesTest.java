package org.encodertraces.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.encodertraces.BadFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The refusal rules on generated files: a JPEG missing only its EOI marker (one rule with
 * {@code traces exif}), PNG failures that the JDK reports without a reason, Pillow's limit on
 * compressed text chunks, and the pixel limit applied to a GIF frame's true extent.
 */
class DecoderRulesTest {
    private static ImageDecodeException refused(byte[] bytes, String name) {
        return assertThrows(ImageDecodeException.class, () -> new ImageDecoder().decode(bytes, name));
    }

    private static void assertClear(ImageDecodeException e, String name, String phrase) {
        String m = e.getMessage();
        assertTrue(m.startsWith(name + ": "), m);
        assertTrue(m.toLowerCase().contains(phrase), "want '" + phrase + "' in: " + m);
        assertFalse(m.contains("Caught exception") || m.contains("Error reading PNG metadata") || m.contains("I/O error reading PNG header"), m);
        assertFalse(m.trim().endsWith(":"), "empty reason: " + m);
    }

    @Test
    void jpegMissingOnlyItsEoiIsRefusedByDecoderAndExifAlike() {
        byte[] jpeg = JpegCodec.encode(BadFiles.sample(40, 30), 90, ChromaSubsampling.S420);
        byte[] noEoi = Arrays.copyOf(jpeg, jpeg.length - 2);
        assertClear(refused(noEoi, "no-eoi.jpg"), "no-eoi.jpg", "before the eoi marker");
        ImageDecodeException exif = assertThrows(ImageDecodeException.class, () -> JpegQuantization.parse(noEoi, "no-eoi.jpg"));
        assertTrue(exif.getMessage().contains("before the EOI marker"), exif.getMessage());
    }

    /** The JPEG rules hold on both codec paths (TurboJPEG skipped, with the reason, where it is missing). */
    @ParameterizedTest(name = "{0}")
    @EnumSource(JpegBackend.class)
    void jpegRefusalsHoldOnEveryCodecPath(JpegBackend backend) throws Exception {
        JpegCodecParityTest.assumeBackend(backend);
        ImageDecoder decoder = new ImageDecoder(ImageDecoder.PILLOW_MAX_PIXELS, true, true, backend);
        byte[] jpeg = JpegCodec.encode(BadFiles.sample(40, 30), 90, ChromaSubsampling.S420, backend);
        byte[] noEoi = Arrays.copyOf(jpeg, jpeg.length - 2);
        assertClear(assertThrows(ImageDecodeException.class, () -> decoder.decode(noEoi, "no-eoi.jpg")), "no-eoi.jpg", "before the eoi marker");
        // the scan cut in half, then EOI: libjpeg warns "premature end of data segment"
        byte[] cut = Arrays.copyOf(jpeg, jpeg.length / 2 + 2);
        cut[cut.length - 2] = (byte) 0xFF;
        cut[cut.length - 1] = (byte) 0xD9;
        assertClear(assertThrows(ImageDecodeException.class, () -> decoder.decode(cut, "cut.jpg")), "cut.jpg", "truncated");
        ImageDecoder small = new ImageDecoder(1199, true, true, backend);
        assertClear(assertThrows(ImageDecodeException.class, () -> small.decode(jpeg, "bomb.jpg")), "bomb.jpg", "exceeds the limit of 1199 pixels");
        assertEquals(40, new ImageDecoder(1200, true, true, backend).decode(jpeg, "ok.jpg").image().width(), "at the limit decodes");
    }

    @Test
    void pngFailuresNameTheFileAndARealReason() throws Exception {
        byte[] png = PngIo.encode(BadFiles.sample(64, 48));
        int idat = indexOf(png, "IDAT") + 4;
        byte[] garbled = png.clone();
        for (int i = idat + 2; i < idat + 40; i++) {
            garbled[i] ^= (byte) 0xA5;
        }
        assertClear(refused(garbled, "garbled.png"), "garbled.png", "corrupt");
        assertClear(refused(Arrays.copyOf(png, idat + 20), "cut.png"), "cut.png", "truncated");
        assertClear(refused(Arrays.copyOf(png, 20), "cut-header.png"), "cut-header.png", "truncated");
    }

    @Test
    void compressedTextInflatingBeyondPillowsLimitIsRefused() throws Exception {
        byte[] png = PngIo.encode(BadFiles.sample(8, 8));
        Deflater d = new Deflater(9);
        d.setInput(new byte[2 * 1024 * 1024]);
        d.finish();
        byte[] buf = new byte[64 * 1024];
        int n = d.deflate(buf);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write("Comment".getBytes());
        body.write(0);
        body.write(0);
        body.write(buf, 0, n);
        byte[] bomb = insertAfterIhdr(png, chunk("zTXt", body.toByteArray()));
        assertClear(refused(bomb, "ztxt-bomb.png"), "ztxt-bomb.png", "decompressed data too large");
        // the same text within the limit decodes
        d = new Deflater(9);
        d.setInput(new byte[1000]);
        d.finish();
        n = d.deflate(buf);
        body.reset();
        body.write("Comment".getBytes());
        body.write(0);
        body.write(0);
        body.write(buf, 0, n);
        new ImageDecoder().decode(insertAfterIhdr(png, chunk("zTXt", body.toByteArray())), "ztxt-ok.png");
    }

    @Test
    void gifPixelLimitAppliesToTheFirstFramesExtent() {
        ByteArrayOutputStream g = new ByteArrayOutputStream();
        g.writeBytes("GIF89a".getBytes());
        g.writeBytes(new byte[] {10, 0, 10, 0, 0, 0, 0}); // 10x10 screen, no global colour table
        g.write(0x2C);
        // left 60000, top 60000, 60000x60000: the frame reaches to 120000x120000 (Pillow grows the image to that)
        g.writeBytes(new byte[] {(byte) 0x60, (byte) 0xEA, (byte) 0x60, (byte) 0xEA, (byte) 0x60, (byte) 0xEA, (byte) 0x60, (byte) 0xEA});
        g.writeBytes(new byte[] {0, 2, 2, 0x4C, 0x01, 0, 0x3B});
        ImageDecodeException e = refused(g.toByteArray(), "wide-frame.gif");
        assertClear(e, "wide-frame.gif", "120000x120000");
    }

    private static int indexOf(byte[] b, String s) {
        byte[] t = s.getBytes();
        outer:
        for (int i = 0; i + t.length <= b.length; i++) {
            for (int k = 0; k < t.length; k++) {
                if (b[i + k] != t[k]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError(s + " not found");
    }

    private static byte[] insertAfterIhdr(byte[] png, byte[] chunk) {
        int at = 8 + 12 + 13;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(png, 0, at);
        out.writeBytes(chunk);
        out.write(png, at, png.length - at);
        return out.toByteArray();
    }

    private static byte[] chunk(String type, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(4).putInt(body.length).array());
        out.writeBytes(type.getBytes());
        out.writeBytes(body);
        CRC32 crc = new CRC32();
        crc.update(type.getBytes());
        crc.update(body);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
        return out.toByteArray();
    }
}
