package org.encodertraces.knn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.encodertraces.linalg.FloatMatrix;

/**
 * A minimal reader of the tensors in a safetensors file (F32, F64, I32, I64), enough for the
 * experiments to read embedding sets ({@code image_embeddings} plus integer tensors such as
 * {@code label}, {@code subject}, {@code device}). A stand-in until the embedding-set format
 * ({@code org.encodertraces.embed}) lands; it reads the same files.
 */
public final class TensorFile {
    private final Path path;
    private final Map<String, Tensor> tensors;

    /**
     * One tensor, widened: floating types to float, integer types to long.
     *
     * @param dtype  safetensors dtype
     * @param shape  dimensions
     * @param floats values for F32/F64, else null
     * @param longs  values for I32/I64, else null
     */
    public record Tensor(String dtype, long[] shape, float[] floats, long[] longs) {
    }

    private TensorFile(Path path, Map<String, Tensor> tensors) {
        this.path = path;
        this.tensors = tensors;
    }

    /** Reads every tensor of {@code file}; a malformed file gives an IOException naming it and the reason. */
    public static TensorFile read(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        ByteBuffer buf = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        if (all.length < 8) {
            throw new IOException(file + ": not a safetensors file (shorter than 8 bytes)");
        }
        long hlen = buf.getLong(0);
        if (hlen < 2 || hlen > all.length - 8) {
            throw new IOException(file + ": not a safetensors file (header length " + hlen + ")");
        }
        JsonNode header = new ObjectMapper().readTree(new String(all, 8, (int) hlen, StandardCharsets.UTF_8));
        int base = 8 + (int) hlen;
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("__metadata__")) {
                continue;
            }
            JsonNode t = e.getValue();
            String dtype = t.path("dtype").asText();
            JsonNode shapeNode = t.path("shape");
            long[] shape = new long[shapeNode.size()];
            long count = 1;
            for (int i = 0; i < shape.length; i++) {
                shape[i] = shapeNode.get(i).asLong();
                count *= shape[i];
            }
            long start = t.path("data_offsets").path(0).asLong(-1);
            long end = t.path("data_offsets").path(1).asLong(-1);
            int width = switch (dtype) {
                case "F32", "I32" -> 4;
                case "F64", "I64" -> 8;
                default -> throw new IOException(file + ": tensor " + e.getKey() + " has unsupported dtype " + dtype);
            };
            if (start < 0 || end < start || base + end > all.length || end - start != count * width) {
                throw new IOException(file + ": tensor " + e.getKey() + " has bad data offsets [" + start + ", " + end + ")");
            }
            int n = (int) count;
            int o = base + (int) start;
            float[] f = null;
            long[] l = null;
            switch (dtype) {
                case "F32" -> {
                    f = new float[n];
                    buf.slice(o, n * 4).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
                }
                case "F64" -> {
                    f = new float[n];
                    for (int i = 0; i < n; i++) {
                        f[i] = (float) buf.getDouble(o + 8 * i);
                    }
                }
                case "I32" -> {
                    l = new long[n];
                    for (int i = 0; i < n; i++) {
                        l[i] = buf.getInt(o + 4 * i);
                    }
                }
                default -> {
                    l = new long[n];
                    buf.slice(o, n * 8).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(l);
                }
            }
            out.put(e.getKey(), new Tensor(dtype, shape, f, l));
        }
        return new TensorFile(file, out);
    }

    /** Tensor names in file order. */
    public Iterable<String> names() {
        return tensors.keySet();
    }

    /** A 2-d floating tensor as a matrix. */
    public FloatMatrix matrix(String name) throws IOException {
        Tensor t = get(name);
        if (t.floats() == null || t.shape().length != 2) {
            throw new IOException(path + ": tensor " + name + " is not a 2-d float tensor");
        }
        return new FloatMatrix((int) t.shape()[0], (int) t.shape()[1], t.floats());
    }

    /** A 1-d integer tensor as ints. */
    public int[] ints(String name) throws IOException {
        Tensor t = get(name);
        if (t.longs() == null || t.shape().length != 1) {
            throw new IOException(path + ": tensor " + name + " is not a 1-d integer tensor");
        }
        int[] r = new int[t.longs().length];
        for (int i = 0; i < r.length; i++) {
            r[i] = Math.toIntExact(t.longs()[i]);
        }
        return r;
    }

    private Tensor get(String name) throws IOException {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new IOException(path + ": no tensor named " + name + " (has " + tensors.keySet() + ")");
        }
        return t;
    }
}
