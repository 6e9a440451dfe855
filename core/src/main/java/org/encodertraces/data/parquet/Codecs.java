package org.encodertraces.data.parquet;

import io.airlift.compress.MalformedInputException;
import io.airlift.compress.lz4.Lz4Decompressor;
import io.airlift.compress.snappy.SnappyDecompressor;
import io.airlift.compress.zstd.ZstdDecompressor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.zip.GZIPInputStream;

/** Page decompression for parquet's codecs (snappy, zstd and LZ4 by aircompressor, gzip by the JDK). */
final class Codecs {
    static final int UNCOMPRESSED = 0;
    static final int SNAPPY = 1;
    static final int GZIP = 2;
    static final int ZSTD = 6;
    static final int LZ4_RAW = 7;

    private static final String[] NAMES = {"UNCOMPRESSED", "SNAPPY", "GZIP", "LZO", "BROTLI", "LZ4", "ZSTD", "LZ4_RAW"};

    private Codecs() {
    }

    static String name(int codec) {
        return codec >= 0 && codec < NAMES.length ? NAMES[codec] : "codec #" + codec;
    }

    /** Fails for a codec that {@link #decompress} cannot undo. */
    static void check(int codec) throws IOException {
        if (codec != UNCOMPRESSED && codec != SNAPPY && codec != GZIP && codec != ZSTD && codec != LZ4_RAW) {
            throw new IOException("compression " + name(codec) + " is not supported (UNCOMPRESSED, SNAPPY, GZIP, ZSTD and LZ4_RAW are)");
        }
    }

    /** The {@code size} bytes that {@code in[off, off + len)} decompresses to. */
    static byte[] decompress(int codec, byte[] in, int off, int len, int size) throws IOException {
        if (codec == UNCOMPRESSED) {
            if (len != size) {
                throw new IOException("uncompressed page of " + len + " bytes says it holds " + size);
            }
            return java.util.Arrays.copyOfRange(in, off, off + len);
        }
        byte[] out = new byte[size];
        int got;
        try {
            got = switch (codec) {
                case SNAPPY -> new SnappyDecompressor().decompress(in, off, len, out, 0, size);
                case ZSTD -> new ZstdDecompressor().decompress(in, off, len, out, 0, size);
                case LZ4_RAW -> new Lz4Decompressor().decompress(in, off, len, out, 0, size);
                case GZIP -> gunzip(in, off, len, out);
                default -> {
                    check(codec);
                    throw new IllegalStateException(name(codec));
                }
            };
        } catch (MalformedInputException | IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new IOException(name(codec) + " data does not decompress: " + e.getMessage(), e);
        }
        if (got != size) {
            throw new IOException(name(codec) + " page decompressed to " + got + " bytes, its header says " + size);
        }
        return out;
    }

    private static int gunzip(byte[] in, int off, int len, byte[] out) throws IOException {
        try (GZIPInputStream z = new GZIPInputStream(new ByteArrayInputStream(in, off, len))) {
            int n = z.readNBytes(out, 0, out.length);
            if (z.read() != -1) {
                throw new IOException("GZIP page decompresses to more than its header's " + out.length + " bytes");
            }
            return n;
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
            throw new IOException("GZIP data does not decompress: " + e.getMessage(), e);
        }
    }
}
