package org.encodertraces.encoder.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The weights of a published checkpoint, by key: a safetensors file (timm's {@code model.safetensors},
 * OpenCLIP's {@code open_clip_model.safetensors}) or a torch {@code .pth} / {@code .pth.tar} zip file
 * read without executing its pickle ({@link TorchPickle}).
 *
 * <p>A torch file often nests its weights ({@code {"state_dict": {...}, "epoch": 100, ...}}): keys
 * are the dotted path ({@code state_dict.module.base_encoder.conv1.weight}), and {@link #read} with a
 * prefix keeps only the keys under it, with the prefix removed. With no prefix, a lone
 * {@code state_dict} or {@code model} level is removed.
 */
public final class Checkpoint {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final Map<String, WeightTensor> tensors;

    private Checkpoint(Path file, Map<String, WeightTensor> tensors) {
        this.file = file;
        this.tensors = Collections.unmodifiableMap(tensors);
    }

    /** Reads every tensor of a checkpoint. */
    public static Checkpoint read(Path file) throws IOException {
        return read(file, null);
    }

    /**
     * Reads the tensors under a key prefix.
     *
     * @param file a {@code .safetensors} or torch zip checkpoint (recognised by content, not name)
     * @param prefix the key prefix to keep and remove, such as {@code state_dict.module.base_encoder.}, or null
     * @throws CheckpointException naming the file and what is wrong
     */
    public static Checkpoint read(Path file, String prefix) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException(file, "no such checkpoint file");
        }
        byte[] head = new byte[9];
        try (var s = Files.newInputStream(file)) {
            int n = s.readNBytes(head, 0, 9);
            if (n < 8) {
                throw new CheckpointException(file, "too short (" + n + " bytes) for a checkpoint");
            }
        }
        Map<String, WeightTensor> all;
        if (head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
            all = TorchCheckpoint.read(file);
        } else if ((head[0] & 0xFF) == 0x80 && head[8] != '{') {
            // a pickle's PROTO opcode; a safetensors file whose header length's low byte is 0x80 has its JSON header at byte 8
            throw new CheckpointException(file, "a pickle outside a zip archive: the serialization torch used before 1.6, which is "
                    + "not read; load and re-save it with torch >= 1.6, or convert it to safetensors");
        } else {
            all = safetensors(file);
        }
        return new Checkpoint(file, select(file, all, prefix));
    }

    private static Map<String, WeightTensor> select(Path file, Map<String, WeightTensor> all, String prefix) throws CheckpointException {
        String p = prefix;
        if (p == null || p.isEmpty()) {
            for (String level : new String[] {"state_dict.", "model."}) {
                boolean under = !all.isEmpty() && all.keySet().stream().allMatch(k -> k.startsWith(level));
                if (under) {
                    p = level;
                    break;
                }
            }
            if (p == null || p.isEmpty()) {
                return all;
            }
        }
        Map<String, WeightTensor> out = new LinkedHashMap<>();
        for (WeightTensor t : all.values()) {
            if (t.name().startsWith(p)) {
                String k = t.name().substring(p.length());
                out.put(k, t.renamed(k));
            }
        }
        if (out.isEmpty()) {
            TreeSet<String> tops = new TreeSet<>();
            all.keySet().forEach(k -> tops.add(k.contains(".") ? k.substring(0, k.indexOf('.') + 1) : k));
            throw new CheckpointException(file, "no tensor key starts with '" + p + "'; its keys start with " + tops);
        }
        return out;
    }

    private static Map<String, WeightTensor> safetensors(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(lenBuf, 0);
            long headerLen = lenBuf.getLong(0);
            long size = ch.size();
            if (headerLen <= 1 || headerLen > 100_000_000L || 8 + headerLen > size) {
                throw new CheckpointException(file, "neither a torch zip checkpoint nor a safetensors file (header length "
                        + headerLen + " in a file of " + size + " bytes)");
            }
            ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
            ch.read(hb, 8);
            JsonNode header;
            try {
                header = JSON.readTree(hb.array());
            } catch (IOException e) {
                throw new CheckpointException(file, "safetensors header is not JSON: " + e.getMessage());
            }
            if (header == null || !header.isObject()) {
                throw new CheckpointException(file, "safetensors header is not a JSON object");
            }
            long dataStart = 8 + headerLen;
            Map<String, WeightTensor> out = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("__metadata__")) {
                    continue;
                }
                out.put(e.getKey(), safetensor(file, ch, dataStart, size, e.getKey(), e.getValue()));
            }
            return out;
        }
    }

    private static WeightTensor safetensor(Path file, FileChannel ch, long dataStart, long size, String name, JsonNode info)
            throws IOException {
        String dtype = info.path("dtype").asText("");
        int width = switch (dtype) {
            case "F64", "I64" -> 8;
            case "F32", "I32" -> 4;
            case "F16", "BF16", "I16" -> 2;
            case "I8", "U8", "BOOL" -> 1;
            default -> throw new CheckpointException(file, "tensor '" + name + "' has dtype '" + dtype + "', which is not read");
        };
        JsonNode shapeNode = info.path("shape");
        JsonNode offs = info.path("data_offsets");
        if (!shapeNode.isArray() || !offs.isArray() || offs.size() != 2) {
            throw new CheckpointException(file, "tensor '" + name + "' lacks shape or data_offsets");
        }
        long[] shape = new long[shapeNode.size()];
        long n = 1;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = shapeNode.get(i).asLong(-1);
            if (shape[i] < 0) {
                throw new CheckpointException(file, "tensor '" + name + "' has a negative dimension");
            }
            n *= shape[i];
        }
        long from = offs.get(0).asLong(-1);
        long to = offs.get(1).asLong(-1);
        if (from < 0 || to - from != n * width || dataStart + to > size || n > Integer.MAX_VALUE - 16) {
            throw new CheckpointException(file, "tensor '" + name + "' data_offsets [" + from + ", " + to + "] do not fit shape "
                    + java.util.Arrays.toString(shape) + " of " + dtype + " within the file's " + size + " bytes");
        }
        ByteBuffer b = ByteBuffer.allocate((int) (to - from)).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (ch.read(b, dataStart + from + b.position()) < 0) {
                throw new CheckpointException(file, "ends inside tensor '" + name + "'");
            }
        }
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = TorchCheckpoint.element(b, dtype, i * width);
        }
        return new WeightTensor(name, dtype, shape, v);
    }

    /**
     * The tensors under a key prefix, with the prefix removed.
     *
     * @throws CheckpointException when no key starts with it (the message lists the keys' first parts)
     */
    public Checkpoint under(String prefix) throws CheckpointException {
        return new Checkpoint(file, select(file, tensors, prefix));
    }

    /** The file read. */
    public Path file() {
        return file;
    }

    /** The tensors by key, in the file's order. */
    public Map<String, WeightTensor> tensors() {
        return tensors;
    }
}
