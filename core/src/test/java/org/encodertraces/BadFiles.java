package org.encodertraces;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.encodertraces.image.ChromaSubsampling;
import org.encodertraces.image.JpegCodec;
import org.encodertraces.image.PngIo;
import org.encodertraces.image.RgbImage;

/** Generates the corrupt and hostile files every batch command must survive, next to good ones. */
public final class BadFiles {
    private BadFiles() {
    }

    /** A small test image with some structure. */
    public static RgbImage sample(int w, int h) {
        byte[] d = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int o = (y * w + x) * 3;
                d[o] = (byte) (x * 255 / w);
                d[o + 1] = (byte) (y * 255 / h);
                d[o + 2] = (byte) ((x ^ y) * 4);
            }
        }
        return new RgbImage(w, h, d);
    }

    /**
     * Writes good files (good.jpg, good.png) and bad ones into {@code dir}; returns bad file name
     * to the phrase its error message must contain.
     */
    public static Map<String, String> write(Path dir) throws IOException {
        Files.createDirectories(dir);
        byte[] jpeg = JpegCodec.encode(sample(40, 30), 90, ChromaSubsampling.S420);
        Files.write(dir.resolve("good.jpg"), jpeg);
        PngIo.write(sample(33, 21), dir.resolve("good.png"));
        Map<String, String> bad = new LinkedHashMap<>();
        Files.write(dir.resolve("empty.jpg"), new byte[0]);
        bad.put("empty.jpg", "empty file");
        Files.write(dir.resolve("truncated.jpg"), java.util.Arrays.copyOf(jpeg, jpeg.length / 2));
        bad.put("truncated.jpg", "truncated");
        Files.write(dir.resolve("header-only.jpg"), java.util.Arrays.copyOf(jpeg, 40));
        bad.put("header-only.jpg", "truncated");
        byte[] random = new byte[5000];
        new Random(1).nextBytes(random);
        Files.write(dir.resolve("random.jpg"), random);
        bad.put("random.jpg", "unrecognised image format");
        Files.writeString(dir.resolve("notes.png"), "this is a text file with a .png extension\n");
        bad.put("notes.png", "unrecognised image format");
        Files.write(dir.resolve("bomb.png"), pngHeaderOnly(100_000, 100_000));
        bad.put("bomb.png", "decompression bomb");
        Files.write(dir.resolve("bomb.jpg"), jpegBombHeader(65_000, 65_000, jpeg));
        bad.put("bomb.jpg", "decompression bomb");
        byte[] png = PngIo.encode(sample(16, 16));
        byte[] badCrc = png.clone();
        // corrupt the IHDR chunk's CRC (bytes 29..32), which Pillow verifies on open
        badCrc[30] ^= 0x55;
        Files.write(dir.resolve("bad-crc.png"), badCrc);
        bad.put("bad-crc.png", "crc");
        return bad;
    }

    /** A PNG whose IHDR declares the given size, with a tiny IDAT: refused from the header alone. */
    public static byte[] pngHeaderOnly(int w, int h) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        Deflater def = new Deflater();
        def.setInput(new byte[1024]);
        def.finish();
        byte[] buf = new byte[2048];
        int n = def.deflate(buf);
        chunk(out, "IDAT", java.util.Arrays.copyOf(buf, n));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] body) throws IOException {
        out.write(ByteBuffer.allocate(4).putInt(body.length).array());
        byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        out.write(t);
        out.write(body);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(body);
        out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /** A real JPEG whose frame header is rewritten to declare a huge size. */
    public static byte[] jpegBombHeader(int w, int h, byte[] jpeg) {
        byte[] b = jpeg.clone();
        for (int i = 2; i + 9 < b.length; i++) {
            if ((b[i] & 0xFF) == 0xFF && (b[i + 1] & 0xFF) == 0xC0) {
                b[i + 5] = (byte) (h >> 8);
                b[i + 6] = (byte) h;
                b[i + 7] = (byte) (w >> 8);
                b[i + 8] = (byte) w;
                return b;
            }
        }
        throw new IllegalStateException("no SOF0 in the sample JPEG");
    }
}
