package org.encodertraces.embed;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes and opens files in the safetensors format: an 8-byte little-endian header length, a
 * JSON header, then the raw little-endian tensor data.
 *
 * <p>The writer produces the same bytes as the reference implementation (huggingface/safetensors,
 * which the Python {@code save_file} calls): tensors ordered by descending dtype (in
 * {@link Dtype}'s declaration order) then by name (byte-wise), compact JSON with
 * {@code __metadata__} first and each entry's fields in the order {@code dtype},
 * {@code shape}, {@code data_offsets}, the header padded with spaces to a multiple of 8 bytes.
 * The reference keeps {@code __metadata__} in a hash map, so its key order is arbitrary there;
 * here it is sorted, which is one of the orders the reference may produce.
 */
public final class Safetensors {

    /** The header key that holds free-form string metadata. */
    public static final String METADATA_KEY = "__metadata__";
    /** The largest header the reference implementation accepts. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    private Safetensors() {
    }

    /**
     * Writes {@code tensors} to {@code file} (created or replaced; not atomic, see
     * {@link EmbeddingSetIO} for an atomic write).
     *
     * @param metadata string metadata for {@code __metadata__}, or null for none
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            write(out, tensors, metadata);
        }
    }

    /** The file's bytes, for small tensor sets. */
    public static byte[] toBytes(Map<String, Tensor> tensors, Map<String, String> metadata) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            write(out, tensors, metadata);
        } catch (IOException e) {
            throw new IllegalStateException("Writing to memory failed", e);
        }
        return out.toByteArray();
    }

    /** Writes {@code tensors} to {@code out}, streaming the data in chunks; does not close it. */
    public static void write(OutputStream out, Map<String, Tensor> tensors, Map<String, String> metadata)
            throws IOException {
        List<Map.Entry<String, Tensor>> ordered = layoutOrder(tensors);
        byte[] header = header(ordered, metadata);
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length);
        out.write(len.array());
        out.write(header);
        ByteBuffer bb = ByteBuffer.allocate(Tensor.Chunk.ELEMENTS * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (Map.Entry<String, Tensor> e : ordered) {
            Tensor t = e.getValue();
            long n = t.elementCount();
            for (long i = 0; i < n; i += Tensor.Chunk.ELEMENTS) {
                bb.clear();
                Tensor.Chunk.fill(t, bb, i, (int) Math.min(Tensor.Chunk.ELEMENTS, n - i));
                out.write(bb.array(), 0, bb.position());
            }
        }
    }

    /**
     * Opens {@code file} for reading, validating its header; tensors are read on demand.
     *
     * @throws EmbeddingFormatException when the file is not valid safetensors
     */
    public static SafetensorsFile open(Path file) throws IOException {
        return SafetensorsFile.open(file);
    }

    /** The tensors in the order the reference writer lays them out. */
    static List<Map.Entry<String, Tensor>> layoutOrder(Map<String, Tensor> tensors) {
        List<Map.Entry<String, Tensor>> list = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String name = Objects.requireNonNull(e.getKey(), "tensor name");
            Objects.requireNonNull(e.getValue(), "tensor " + name);
            if (name.equals(METADATA_KEY)) {
                throw new IllegalArgumentException("'" + METADATA_KEY + "' is reserved and cannot name a tensor");
            }
            list.add(Map.entry(name, e.getValue()));
        }
        Comparator<Map.Entry<String, Tensor>> byDtypeDesc =
                Comparator.comparing((Map.Entry<String, Tensor> e) -> e.getValue().dtype()).reversed();
        list.sort(byDtypeDesc.thenComparing(Map.Entry::getKey, Safetensors::compareUtf8));
        return list;
    }

    /** Compares strings by their UTF-8 bytes, as Rust orders {@code String}s. */
    static int compareUtf8(String a, String b) {
        return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] header(List<Map.Entry<String, Tensor>> ordered, Map<String, String> metadata) {
        StringBuilder j = new StringBuilder("{");
        boolean first = true;
        if (metadata != null) {
            j.append(quote(METADATA_KEY)).append(":{");
            List<String> keys = new ArrayList<>(metadata.keySet());
            keys.sort(Safetensors::compareUtf8);
            for (int i = 0; i < keys.size(); i++) {
                String v = Objects.requireNonNull(metadata.get(keys.get(i)), "metadata value of " + keys.get(i));
                j.append(i == 0 ? "" : ",").append(quote(keys.get(i))).append(':').append(quote(v));
            }
            j.append('}');
            first = false;
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : ordered) {
            Tensor t = e.getValue();
            long end = offset + t.byteLength();
            j.append(first ? "" : ",").append(quote(e.getKey())).append(":{\"dtype\":\"").append(t.dtype().name())
                    .append("\",\"shape\":[");
            long[] shape = t.shape();
            for (int i = 0; i < shape.length; i++) {
                j.append(i == 0 ? "" : ",").append(shape[i]);
            }
            j.append("],\"data_offsets\":[").append(offset).append(',').append(end).append("]}");
            offset = end;
            first = false;
        }
        j.append('}');
        byte[] raw = j.toString().getBytes(StandardCharsets.UTF_8);
        int pad = (8 - raw.length % 8) % 8;
        byte[] padded = Arrays.copyOf(raw, raw.length + pad);
        Arrays.fill(padded, raw.length, padded.length, (byte) ' ');
        return padded;
    }

    /** A JSON string literal escaped exactly as serde_json escapes it. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
