package org.encodertraces.image;

import java.util.zip.CRC32;

/**
 * Checks a PNG file's chunk structure without decoding pixels: the signature, every chunk's
 * length and CRC, and an IEND at the end. A failed CRC or a cut-short chunk is the usual sign of
 * a damaged download, which a metadata reader alone would not notice.
 */
public final class PngStructure {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    private PngStructure() {
    }

    /**
     * Verifies the chunks of PNG bytes.
     *
     * @param name the file or sample name used in error messages
     * @throws ImageDecodeException naming the file, the chunk and the byte offset of the first problem
     */
    public static void verify(byte[] data, String name) throws ImageDecodeException {
        if (data.length < SIGNATURE.length) {
            throw new ImageDecodeException(name, "not a PNG (file too short for the signature)");
        }
        for (int i = 0; i < SIGNATURE.length; i++) {
            if (data[i] != SIGNATURE[i]) {
                throw new ImageDecodeException(name, "not a PNG (bad signature)");
            }
        }
        int pos = SIGNATURE.length;
        boolean first = true;
        while (true) {
            if (pos + 12 > data.length) {
                throw new ImageDecodeException(name, "truncated PNG: file ends at byte " + data.length + " before the IEND chunk");
            }
            long len = ((data[pos] & 0xFFL) << 24) | ((data[pos + 1] & 0xFF) << 16) | ((data[pos + 2] & 0xFF) << 8) | (data[pos + 3] & 0xFF);
            String type = new String(data, pos + 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
            if (first && !type.equals("IHDR")) {
                throw new ImageDecodeException(name, "corrupt PNG: first chunk is '" + type + "', not IHDR");
            }
            first = false;
            if (len > data.length - pos - 12L) {
                throw new ImageDecodeException(name, "truncated PNG: chunk '" + type + "' at byte " + pos + " claims " + len
                        + " bytes but only " + (data.length - pos - 12) + " remain");
            }
            CRC32 crc = new CRC32();
            crc.update(data, pos + 4, 4 + (int) len);
            int at = pos + 8 + (int) len;
            long stored = ((data[at] & 0xFFL) << 24) | ((data[at + 1] & 0xFF) << 16) | ((data[at + 2] & 0xFF) << 8) | (data[at + 3] & 0xFF);
            if (stored != crc.getValue()) {
                throw new ImageDecodeException(name, String.format("corrupt PNG: CRC mismatch in chunk '%s' at byte %d (stored %08x, computed %08x)",
                        type, pos, stored, crc.getValue()));
            }
            pos = at + 4;
            if (type.equals("IEND")) {
                return;
            }
        }
    }
}
