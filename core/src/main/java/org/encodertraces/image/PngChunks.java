package org.encodertraces.image;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The checks Pillow 9.4's PngImagePlugin makes on a PNG's chunks (not its pixels) when it opens
 * and loads the file, so that we refuse exactly the files it refuses: header chunks with a bad
 * CRC, compressed text or ICC chunks that inflate beyond Pillow's 1 MiB limit (its defence against
 * decompression bombs), more than 64 MiB of text, unknown compression methods, and APNG frame
 * sequence errors. Chunks after the image data are read as Pillow's {@code load_end} reads them:
 * damage there (a truncated or garbled trailing chunk) ends the reading without an error.
 *
 * <p>The JDK's PNG reader checks none of this: it decodes such files silently.
 */
final class PngChunks {
    /** Pillow's MAX_TEXT_CHUNK (ImageFile.SAFEBLOCK): the most one compressed chunk may inflate to. */
    static final int MAX_TEXT_CHUNK = 1024 * 1024;
    /** Pillow's MAX_TEXT_MEMORY: the most text all chunks together may hold. */
    static final long MAX_TEXT_MEMORY = 64L * MAX_TEXT_CHUNK;

    /** What the chunks said that decoding needs: IHDR's colour type and bit depth. */
    record Header(int width, int height, int bitDepth, int colorType) {
        /** The Pillow mode the file opens as. */
        String pillowMode() {
            return switch (colorType) {
                case 0 -> bitDepth == 1 ? "1" : bitDepth == 16 ? "I" : "L";
                case 2 -> "RGB";
                case 3 -> "P";
                case 4 -> "LA";
                case 6 -> "RGBA";
                default -> "?";
            };
        }
    }

    private PngChunks() {
    }

    static Header check(byte[] b, String name) throws ImageDecodeException {
        int pos = 8;
        Header header = null;
        long textMemory = 0;
        Integer seq = null;
        Integer frames = null;
        boolean inData = false;
        boolean defaultImage = false;
        while (true) {
            if (pos + 8 > b.length) {
                if (!inData) {
                    throw new ImageDecodeException(name, "truncated PNG: the file ends at byte " + b.length + " before any image data");
                }
                return header; // Pillow's load_end: a cut-off trailer ends reading quietly
            }
            long len = u32(b, pos);
            String type = new String(b, pos + 4, 4, StandardCharsets.ISO_8859_1);
            if (!isChunkType(type)) {
                if (!inData) {
                    throw new ImageDecodeException(name, "broken PNG file: chunk type " + printable(type) + " at byte " + pos);
                }
                return header;
            }
            boolean fits = len <= b.length - pos - 12L;
            if (type.equals("IDAT") || (type.equals("fdAT") && inData)) {
                if (header == null) {
                    throw new ImageDecodeException(name, "corrupt PNG: image data before the IHDR header");
                }
                if (type.equals("fdAT")) {
                    seq = checkFdat(b, pos, len, seq, name);
                }
                if (!inData && seq == null) {
                    defaultImage = true;
                }
                inData = true;
                if (!fits) {
                    throw new ImageDecodeException(name, "image file is truncated: the " + type + " chunk at byte " + pos + " claims " + len
                            + " bytes but only " + Math.max(0, b.length - pos - 12) + " remain");
                }
                pos += 12 + (int) len;
                continue;
            }
            if (type.equals("IEND")) {
                if (!inData) {
                    throw new ImageDecodeException(name, "corrupt PNG: IEND before any image data");
                }
                return header;
            }
            if (!fits) {
                if (!inData) {
                    throw new ImageDecodeException(name, "truncated PNG: chunk " + type + " at byte " + pos + " claims " + len
                            + " bytes but only " + Math.max(0, b.length - pos - 12) + " remain");
                }
                return header;
            }
            int data = pos + 8;
            int n = (int) len;
            if (!inData) {
                CRC32 crc = new CRC32();
                crc.update(b, pos + 4, 4 + n);
                if (u32(b, data + n) != crc.getValue()) {
                    throw new ImageDecodeException(name, "broken PNG file: bad CRC in chunk " + type + " at byte " + pos);
                }
            }
            switch (type) {
                case "IHDR" -> {
                    if (n < 13) {
                        throw new ImageDecodeException(name, "truncated PNG: IHDR chunk of " + n + " bytes");
                    }
                    header = new Header((int) Math.min(Integer.MAX_VALUE, u32(b, data)), (int) Math.min(Integer.MAX_VALUE, u32(b, data + 4)),
                            b[data + 8] & 0xFF, b[data + 9] & 0xFF);
                }
                case "tEXt" -> {
                    int zero = indexOf(b, data, data + n);
                    if (zero != data) {
                        textMemory += zero < 0 ? 0 : data + n - zero - 1;
                    }
                }
                case "zTXt" -> {
                    int zero = indexOf(b, data, data + n);
                    int method = zero >= 0 && zero + 1 < data + n ? b[zero + 1] & 0xFF : 0;
                    if (method != 0) {
                        throw new ImageDecodeException(name, "unknown compression method " + method + " in zTXt chunk");
                    }
                    long size = zero < 0 ? 0 : inflatedSize(b, zero + 2, data + n, type, name);
                    if (zero != data) {
                        textMemory += size;
                    }
                }
                case "iTXt" -> {
                    int zero = indexOf(b, data, data + n);
                    if (zero >= 0 && zero + 2 < data + n) {
                        int flag = b[zero + 1] & 0xFF;
                        int method = b[zero + 2] & 0xFF;
                        int lang = indexOf(b, zero + 3, data + n);
                        int key = lang < 0 ? -1 : indexOf(b, lang + 1, data + n);
                        if (key >= 0) {
                            long size = data + n - key - 1;
                            if (flag != 0 && method == 0) {
                                size = inflatedSize(b, key + 1, data + n, type, name);
                            }
                            if (flag == 0 || method == 0) {
                                textMemory += size;
                            }
                        }
                    }
                }
                case "iCCP" -> {
                    if (n > 0) {
                        // Pillow: s.find(b"\0") may be -1, and then s[-1] is read as the method
                        int zero = indexOf(b, data, data + n);
                        if (zero >= 0 && zero + 1 >= data + n) {
                            throw new ImageDecodeException(name, "truncated iCCP chunk (no compression method)");
                        }
                        int method = zero < 0 ? b[data + n - 1] & 0xFF : b[zero + 1] & 0xFF;
                        if (method != 0) {
                            throw new ImageDecodeException(name, "unknown compression method " + method + " in iCCP chunk");
                        }
                        inflatedSize(b, zero < 0 ? data + 1 : zero + 2, data + n, type, name);
                    }
                }
                case "acTL" -> {
                    if (n < 8) {
                        throw new ImageDecodeException(name, "APNG contains a truncated acTL chunk");
                    }
                    long f = u32(b, data);
                    frames = frames != null || f == 0 || f > 0x80000000L ? null : (int) f;
                }
                case "fcTL" -> {
                    // Pillow counts an IDAT with no fcTL before it as one more frame (the default image)
                    if (inData && frames != null && frames + (defaultImage ? 1 : 0) > 1) {
                        return header; // the next frame starts: Pillow stops reading the first one here
                    }
                    if (n < 26) {
                        throw new ImageDecodeException(name, "APNG contains a truncated fcTL chunk");
                    }
                    int s = (int) u32(b, data);
                    if ((seq == null && s != 0) || (seq != null && seq != s - 1)) {
                        throw new ImageDecodeException(name, "APNG contains frame sequence errors (fcTL sequence number " + s + ")");
                    }
                    seq = s;
                    if (header != null && !inData && (u32(b, data + 12) + u32(b, data + 4) > header.width()
                            || u32(b, data + 16) + u32(b, data + 8) > header.height())) {
                        throw new ImageDecodeException(name, "APNG contains invalid frames (a frame outside the image)");
                    }
                }
                case "fdAT" -> seq = checkFdat(b, pos, len, seq, name);
                default -> {
                    // other chunks: nothing Pillow checks
                }
            }
            if (textMemory > MAX_TEXT_MEMORY) {
                throw new ImageDecodeException(name, "too much memory used in PNG text chunks (" + textMemory + " bytes, Pillow's limit is "
                        + MAX_TEXT_MEMORY + ")");
            }
            pos += 12 + n;
        }
    }

    private static Integer checkFdat(byte[] b, int pos, long len, Integer seq, String name) throws ImageDecodeException {
        if (len < 4 || pos + 12 > b.length) {
            throw new ImageDecodeException(name, "APNG contains a truncated fdAT chunk");
        }
        int s = (int) u32(b, pos + 8);
        if (seq == null || seq != s - 1) {
            throw new ImageDecodeException(name, "APNG contains frame sequence errors (fdAT sequence number " + s
                    + (seq == null ? " without a frame control chunk" : " after " + seq) + ")");
        }
        return s;
    }

    /**
     * Inflates a compressed chunk's payload as Pillow's _safe_zlib_decompress does: more than
     * {@link #MAX_TEXT_CHUNK} bytes out is refused; a damaged stream counts as empty.
     */
    private static long inflatedSize(byte[] b, int from, int to, String type, String name) throws ImageDecodeException {
        if (from >= to) {
            return 0;
        }
        Inflater inf = new Inflater();
        try {
            inf.setInput(b, from, to - from);
            byte[] buf = new byte[64 * 1024];
            long total = 0;
            while (!inf.finished()) {
                int got = inf.inflate(buf);
                total += got;
                if (total > MAX_TEXT_CHUNK) {
                    throw new ImageDecodeException(name, "decompressed data too large: a " + type + " chunk inflates beyond "
                            + MAX_TEXT_CHUNK + " bytes (Pillow's limit against decompression bombs)");
                }
                if (got == 0 && (inf.needsInput() || inf.needsDictionary())) {
                    break;
                }
            }
            return total;
        } catch (DataFormatException e) {
            return 0;
        } finally {
            inf.end();
        }
    }

    private static boolean isChunkType(String t) {
        for (int i = 0; i < 4; i++) {
            char c = t.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
                return false;
            }
        }
        return true;
    }

    private static String printable(String t) {
        StringBuilder sb = new StringBuilder("'");
        for (char c : t.toCharArray()) {
            sb.append(c >= 32 && c < 127 ? String.valueOf(c) : String.format("\\x%02x", (int) c));
        }
        return sb.append('\'').toString();
    }

    private static int indexOf(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    private static long u32(byte[] b, int o) {
        return ((b[o] & 0xFFL) << 24) | ((b[o + 1] & 0xFFL) << 16) | ((b[o + 2] & 0xFFL) << 8) | (b[o + 3] & 0xFFL);
    }
}
