package org.encodertraces.encoder.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads the tensors of a torch {@code .pth} / {@code .pth.tar} file in the zip format torch has
 * written since 1.6 ({@code ARCHIVE/data.pkl} and one {@code ARCHIVE/data/KEY} record per storage),
 * through {@link TorchPickle}, which executes nothing. The older tar/pickle format is refused with
 * a message saying how to re-save the file.
 */
final class TorchCheckpoint {
    private TorchCheckpoint() {
    }

    /** Every tensor reachable through dicts from the pickle's top-level value, keyed by its dotted path. */
    static Map<String, WeightTensor> read(Path file) throws IOException {
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new CheckpointException(file, "not a torch zip checkpoint (" + e.getMessage() + "); checkpoints saved before "
                    + "torch 1.6 are not read: load and re-save it with torch >= 1.6, or convert it to safetensors");
        }
        try (zip) {
            String prefix = null;
            for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
                String n = en.nextElement().getName();
                if (n.endsWith("/data.pkl") && n.indexOf('/') == n.length() - "/data.pkl".length()) {
                    prefix = n.substring(0, n.length() - "data.pkl".length());
                    break;
                }
            }
            if (prefix == null) {
                throw new CheckpointException(file, "zip file without ARCHIVE/data.pkl: not a torch checkpoint");
            }
            ZipEntry order = zip.getEntry(prefix + "byteorder");
            if (order != null) {
                String bo = new String(readAll(zip, order, file), java.nio.charset.StandardCharsets.US_ASCII).trim();
                if (!bo.equals("little")) {
                    throw new CheckpointException(file, "storages are " + bo + "-endian; only little-endian checkpoints are read");
                }
            }
            Object root;
            try {
                root = TorchPickle.load(readAll(zip, zip.getEntry(prefix + "data.pkl"), file));
            } catch (TorchPickle.PickleException e) {
                throw new CheckpointException(file, e.getMessage());
            }
            Map<String, TorchPickle.TensorRef> refs = new LinkedHashMap<>();
            collect(root, "", refs);
            Map<String, ByteBuffer> storages = new HashMap<>();
            Map<String, WeightTensor> out = new LinkedHashMap<>();
            for (Map.Entry<String, TorchPickle.TensorRef> e : refs.entrySet()) {
                TorchPickle.TensorRef t = e.getValue();
                ByteBuffer data = storages.get(t.storage().key());
                if (data == null) {
                    ZipEntry entry = zip.getEntry(prefix + "data/" + t.storage().key());
                    if (entry == null) {
                        throw new CheckpointException(file, "tensor '" + e.getKey() + "': storage record data/" + t.storage().key() + " missing");
                    }
                    data = ByteBuffer.wrap(readAll(zip, entry, file)).order(ByteOrder.LITTLE_ENDIAN);
                    storages.put(t.storage().key(), data);
                }
                out.put(e.getKey(), materialise(file, e.getKey(), t, data));
            }
            return out;
        }
    }

    /** Dotted keys of the tensors under maps (lists and tuples are not walked: optimizer state is not wanted). */
    private static void collect(Object v, String path, Map<String, TorchPickle.TensorRef> out) {
        if (v instanceof TorchPickle.TensorRef t) {
            out.put(path, t);
        } else if (v instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (e.getKey() instanceof String k) {
                    collect(e.getValue(), path.isEmpty() ? k : path + "." + k, out);
                }
            }
        }
    }

    private static byte[] readAll(ZipFile zip, ZipEntry e, Path file) throws IOException {
        if (e.getSize() > Integer.MAX_VALUE - 16) {
            throw new CheckpointException(file, e.getName() + " is over 2 GB: one storage that large is not read");
        }
        try (InputStream s = zip.getInputStream(e)) {
            return s.readAllBytes();
        }
    }

    private static WeightTensor materialise(Path file, String name, TorchPickle.TensorRef t, ByteBuffer data) throws CheckpointException {
        String dtype = t.storage().dtype();
        int width = switch (dtype) {
            case "F64", "I64" -> 8;
            case "F32", "I32" -> 4;
            case "F16", "BF16", "I16" -> 2;
            default -> 1;
        };
        if ((long) data.capacity() < t.storage().numel() * width) {
            throw new CheckpointException(file, "tensor '" + name + "': storage data/" + t.storage().key() + " holds "
                    + data.capacity() + " bytes, " + t.storage().numel() + " " + dtype + " elements need " + t.storage().numel() * width);
        }
        long[] size = t.size();
        long n = 1;
        long last = t.offset();
        for (int d = 0; d < size.length; d++) {
            n *= size[d];
            if (size[d] > 0) {
                last += (size[d] - 1) * t.stride()[d];
            }
        }
        if (n > Integer.MAX_VALUE - 16 || (n > 0 && (t.offset() < 0 || last >= t.storage().numel()))) {
            throw new CheckpointException(file, "tensor '" + name + "': view " + java.util.Arrays.toString(size) + " at offset "
                    + t.offset() + " lies outside its storage of " + t.storage().numel() + " elements");
        }
        float[] v = new float[(int) n];
        long[] idx = new long[size.length];
        for (int i = 0; i < v.length; i++) {
            long at = t.offset();
            for (int d = 0; d < size.length; d++) {
                at += idx[d] * t.stride()[d];
            }
            v[i] = element(data, dtype, (int) (at * width));
            for (int d = size.length - 1; d >= 0; d--) {
                if (++idx[d] < size[d]) {
                    break;
                }
                idx[d] = 0;
            }
        }
        return new WeightTensor(name, dtype, size, v);
    }

    static float element(ByteBuffer b, String dtype, int at) {
        return switch (dtype) {
            case "F32" -> b.getFloat(at);
            case "F64" -> (float) b.getDouble(at);
            case "F16" -> halfToFloat(b.getShort(at));
            case "BF16" -> Float.intBitsToFloat((b.getShort(at) & 0xFFFF) << 16);
            case "I64" -> b.getLong(at);
            case "I32" -> b.getInt(at);
            case "I16" -> b.getShort(at);
            case "U8", "BOOL" -> b.get(at) & 0xFF;
            default -> b.get(at);
        };
    }

    /** IEEE half to float (Java 17 has no {@code Float.float16ToFloat}). */
    static float halfToFloat(short h) {
        int bits = h & 0xFFFF;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1F;
        int mant = bits & 0x3FF;
        if (exp == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
        }
        if (exp == 0) {
            float f = mant * 0x1p-24f;
            return sign == 0 ? f : -f;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }
}
