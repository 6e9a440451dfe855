package org.encodertraces.embed;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An open safetensors file whose header has been read and checked; tensor data is read on
 * demand, in chunks through the file channel, so files larger than memory-mappable regions
 * (2 GiB) and larger than the tensors asked for are fine.
 *
 * <p>Checks made on open, each failing with an {@link EmbeddingFormatException} naming the file:
 * the header length fits the file and the reference's 100 MB limit; the header is UTF-8 JSON
 * holding an object, with no duplicate keys; each entry has a known {@code dtype}, a shape of
 * non-negative integers and {@code data_offsets} {@code [begin, end]}; {@code __metadata__} maps
 * strings to strings; sorted by offset the tensors tile the data section from 0 with no gap or
 * overlap, each spanning exactly shape x dtype size bytes, and the last ends at the end of the file.
 */
public final class SafetensorsFile implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final int CHUNK_BYTES = 1 << 20;

    private final Path file;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;

    private SafetensorsFile(Path file, FileChannel channel, long dataStart, Map<String, TensorInfo> tensors,
                            Map<String, String> metadata) {
        this.file = file;
        this.channel = channel;
        this.dataStart = dataStart;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    static SafetensorsFile open(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        try {
            return parse(file, ch);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static SafetensorsFile parse(Path file, FileChannel ch) throws IOException {
        long size = ch.size();
        if (size < 8) {
            throw new EmbeddingFormatException(file, "not a safetensors file: " + size + " bytes, fewer than the 8-byte header length");
        }
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, lenBuf, 0, file);
        long n = lenBuf.getLong(0);
        if (n < 0 || n > Safetensors.MAX_HEADER_BYTES) {
            throw new EmbeddingFormatException(file, "header length " + Long.toUnsignedString(n)
                    + " exceeds the 100 MB limit (not a safetensors file?)");
        }
        if (8 + n > size) {
            throw new EmbeddingFormatException(file, "header length " + n + " runs past the end of the "
                    + size + "-byte file (truncated?)");
        }
        ByteBuffer hb = ByteBuffer.allocate((int) n);
        readFully(ch, hb, 8, file);
        hb.flip();
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(hb).toString();
        } catch (CharacterCodingException e) {
            throw new EmbeddingFormatException(file, "header is not valid UTF-8", e);
        }
        if (!text.stripLeading().startsWith("{")) {
            throw new EmbeddingFormatException(file, "header does not start with a JSON object");
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new EmbeddingFormatException(file, "header is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (!(root instanceof ObjectNode obj)) {
            throw new EmbeddingFormatException(file, "header is not a JSON object");
        }
        Map<String, String> metadata = Map.of();
        List<TensorInfo> infos = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = obj.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals(Safetensors.METADATA_KEY)) {
                metadata = metadata(file, e.getValue());
            } else {
                infos.add(info(file, e.getKey(), e.getValue()));
            }
        }
        infos.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        long expectedBegin = 0;
        Map<String, TensorInfo> byName = new LinkedHashMap<>();
        for (TensorInfo t : infos) {
            if (t.begin() != expectedBegin) {
                throw new EmbeddingFormatException(file, "tensor '" + t.name() + "' starts at data offset " + t.begin()
                        + " but the previous tensor ends at " + expectedBegin
                        + (t.begin() < expectedBegin ? " (overlapping offsets)" : " (gap: data not contiguous)"));
            }
            long want;
            try {
                want = Math.multiplyExact(t.elementCount(), t.dtype().size());
            } catch (ArithmeticException ex) {
                throw new EmbeddingFormatException(file, "tensor '" + t.name() + "' has a shape too large to address " + t.shape());
            }
            if (t.byteLength() != want) {
                throw new EmbeddingFormatException(file, "tensor '" + t.name() + "' spans " + t.byteLength()
                        + " bytes but " + t.dtype() + " " + t.shape() + " needs " + want);
            }
            expectedBegin = t.end();
            byName.put(t.name(), t);
        }
        long dataBytes = size - 8 - n;
        if (expectedBegin != dataBytes) {
            throw new EmbeddingFormatException(file, "the tensors cover " + expectedBegin + " data bytes but the file holds "
                    + dataBytes + (expectedBegin > dataBytes ? " (out-of-range offsets or truncated file)" : " (trailing bytes)"));
        }
        return new SafetensorsFile(file, ch, 8 + n, Collections.unmodifiableMap(byName), metadata);
    }

    private static Map<String, String> metadata(Path file, JsonNode node) throws EmbeddingFormatException {
        if (!node.isObject()) {
            throw new EmbeddingFormatException(file, "'" + Safetensors.METADATA_KEY + "' is not a JSON object");
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new EmbeddingFormatException(file, "metadata value of '" + e.getKey() + "' is not a string");
            }
            m.put(e.getKey(), e.getValue().textValue());
        }
        return Collections.unmodifiableMap(m);
    }

    private static TensorInfo info(Path file, String name, JsonNode node) throws EmbeddingFormatException {
        if (!node.isObject()) {
            throw new EmbeddingFormatException(file, "header entry '" + name + "' is not a JSON object");
        }
        JsonNode dt = node.get("dtype");
        if (dt == null || !dt.isTextual()) {
            throw new EmbeddingFormatException(file, "tensor '" + name + "' has no dtype");
        }
        Optional<Dtype> dtype = Dtype.fromName(dt.textValue());
        if (dtype.isEmpty()) {
            throw new EmbeddingFormatException(file, "tensor '" + name + "' has an unknown dtype '" + dt.textValue() + "'");
        }
        JsonNode sh = node.get("shape");
        if (sh == null || !sh.isArray()) {
            throw new EmbeddingFormatException(file, "tensor '" + name + "' has no shape array");
        }
        List<Long> shape = new ArrayList<>();
        for (JsonNode d : sh) {
            if (!d.canConvertToExactIntegral() || !d.canConvertToLong() || d.asLong() < 0) {
                throw new EmbeddingFormatException(file, "tensor '" + name + "' has a bad dimension " + d + " in its shape");
            }
            shape.add(d.asLong());
        }
        JsonNode off = node.get("data_offsets");
        if (off == null || !off.isArray() || off.size() != 2) {
            throw new EmbeddingFormatException(file, "tensor '" + name + "' has no data_offsets [begin, end]");
        }
        for (JsonNode o : off) {
            if (!o.isIntegralNumber() || !o.canConvertToLong() || o.asLong() < 0) {
                throw new EmbeddingFormatException(file, "tensor '" + name + "' has a bad data offset " + o);
            }
        }
        long begin = off.get(0).asLong();
        long end = off.get(1).asLong();
        if (end < begin) {
            throw new EmbeddingFormatException(file, "tensor '" + name + "' ends (" + end + ") before it begins (" + begin + ")");
        }
        return new TensorInfo(name, dtype.get(), shape, begin, end);
    }

    /** The file this was opened from. */
    public Path file() {
        return file;
    }

    /** The tensors' header entries by name, in data-offset order. */
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    /** The {@code __metadata__} strings (empty when there are none). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Where the data section starts in the file (8 + header length). */
    public long dataStart() {
        return dataStart;
    }

    /** The header entry of tensor {@code name}, or an error naming the file and the tensors it has. */
    public TensorInfo info(String name) throws EmbeddingFormatException {
        TensorInfo t = tensors.get(name);
        if (t == null) {
            throw new EmbeddingFormatException(file, "no tensor named '" + name + "' (it has " + tensors.keySet() + ")");
        }
        return t;
    }

    /** Reads tensor {@code name} whole, into the Java array that fits its dtype (see {@link Tensor}). */
    public Tensor read(String name) throws IOException {
        TensorInfo t = info(name);
        long[] shape = t.shape().stream().mapToLong(Long::longValue).toArray();
        int n = checkedCount(t);
        return switch (t.dtype()) {
            case F32 -> {
                float[] a = new float[n];
                stream(t, (bb, at, cnt) -> bb.asFloatBuffer().get(a, at, cnt));
                yield Tensor.f32(shape, a);
            }
            case F64 -> {
                double[] a = new double[n];
                stream(t, (bb, at, cnt) -> bb.asDoubleBuffer().get(a, at, cnt));
                yield Tensor.f64(shape, a);
            }
            case I64 -> {
                long[] a = new long[n];
                stream(t, (bb, at, cnt) -> bb.asLongBuffer().get(a, at, cnt));
                yield Tensor.i64(shape, a);
            }
            case I32 -> {
                int[] a = new int[n];
                stream(t, (bb, at, cnt) -> bb.asIntBuffer().get(a, at, cnt));
                yield Tensor.i32(shape, a);
            }
            case I16 -> {
                short[] a = new short[n];
                stream(t, (bb, at, cnt) -> bb.asShortBuffer().get(a, at, cnt));
                yield Tensor.i16(shape, a);
            }
            case I8, U8 -> {
                byte[] a = new byte[n];
                stream(t, (bb, at, cnt) -> bb.get(a, at, cnt));
                yield t.dtype() == Dtype.I8 ? Tensor.i8(shape, a) : Tensor.u8(shape, a);
            }
            case BOOL -> {
                boolean[] a = new boolean[n];
                stream(t, (bb, at, cnt) -> {
                    for (int i = 0; i < cnt; i++) {
                        a[at + i] = bb.get(i) != 0;
                    }
                });
                yield Tensor.bool(shape, a);
            }
            default -> {
                byte[] a = new byte[Math.toIntExact(t.byteLength())];
                readRaw(t, a);
                yield Tensor.raw(t.dtype(), shape, a);
            }
        };
    }

    /** Reads tensor {@code name} as floats (F32, F64, F16 or BF16). */
    public float[] readFloats(String name) throws IOException {
        TensorInfo t = info(name);
        if (!t.dtype().isFloat()) {
            throw new EmbeddingFormatException(file, "tensor '" + name + "' is " + t.dtype() + ", not a float type");
        }
        return read(name).toFloatArray();
    }

    /** Reads tensor {@code name} as longs (any integer type or BOOL). */
    public long[] readLongs(String name) throws IOException {
        TensorInfo t = info(name);
        if (!t.dtype().isInteger()) {
            throw new EmbeddingFormatException(file, "tensor '" + name + "' is " + t.dtype() + ", not an integer type");
        }
        return read(name).toLongArray();
    }

    /**
     * Reads rows {@code [fromRow, toRow)} of the 2-D float tensor {@code name} (F32, F64, F16 or BF16)
     * as floats, converted as {@link #readFloats} converts them; only those rows' bytes are read.
     */
    public float[] readFloatRows(String name, long fromRow, long toRow) throws IOException {
        TensorInfo t = info(name);
        if (!t.dtype().isFloat()) {
            throw new EmbeddingFormatException(file, "tensor '" + name + "' is " + t.dtype() + ", not a float type");
        }
        if (t.shape().size() != 2) {
            throw new EmbeddingFormatException(file, "tensor '" + name + "' has shape " + t.shape() + ", not [N, D]");
        }
        long rows = t.shape().get(0);
        long cols = t.shape().get(1);
        if (fromRow < 0 || toRow < fromRow || toRow > rows) {
            throw new IllegalArgumentException(file + ": rows [" + fromRow + ", " + toRow + ") are outside tensor '" + name
                    + "' of " + rows + " rows");
        }
        long count = (toRow - fromRow) * cols;
        if (count > Integer.MAX_VALUE - 8) {
            throw new EmbeddingFormatException(file, "rows [" + fromRow + ", " + toRow + ") of '" + name + "' hold " + count
                    + " elements, more than a Java array holds");
        }
        int n = (int) count;
        long first = fromRow * cols;
        long[] shape = {toRow - fromRow, cols};
        return switch (t.dtype()) {
            case F32 -> {
                float[] a = new float[n];
                stream(t, first, n, (bb, at, cnt) -> bb.asFloatBuffer().get(a, at, cnt));
                yield a;
            }
            case F64 -> {
                double[] a = new double[n];
                stream(t, first, n, (bb, at, cnt) -> bb.asDoubleBuffer().get(a, at, cnt));
                yield Tensor.f64(shape, a).toFloatArray();
            }
            default -> {
                byte[] a = new byte[Math.multiplyExact(n, t.dtype().size())];
                ByteBuffer bb = ByteBuffer.wrap(a);
                readFully(channel, bb, dataStart + t.begin() + first * t.dtype().size(), file);
                yield Tensor.raw(t.dtype(), shape, a).toFloatArray();
            }
        };
    }

    /** Closes the file. */
    @Override
    public void close() throws IOException {
        channel.close();
    }

    private int checkedCount(TensorInfo t) throws EmbeddingFormatException {
        long n = t.elementCount();
        if (n > Integer.MAX_VALUE - 8) {
            throw new EmbeddingFormatException(file, "tensor '" + t.name() + "' has " + n
                    + " elements, more than a Java array holds");
        }
        return (int) n;
    }

    private interface Sink {
        void take(ByteBuffer littleEndian, int firstElement, int count);
    }

    private void stream(TensorInfo t, Sink sink) throws IOException {
        stream(t, 0, t.elementCount(), sink);
    }

    /** Elements {@code [first, first + total)} of {@code t}, chunk by chunk; the sink's positions count from {@code first}. */
    private void stream(TensorInfo t, long first, long total, Sink sink) throws IOException {
        int size = t.dtype().size();
        int perChunk = CHUNK_BYTES / size;
        ByteBuffer bb = ByteBuffer.allocateDirect(perChunk * size).order(ByteOrder.LITTLE_ENDIAN);
        for (long done = 0; done < total; ) {
            int cnt = (int) Math.min(perChunk, total - done);
            bb.clear().limit(cnt * size);
            readFully(channel, bb, dataStart + t.begin() + (first + done) * size, file);
            bb.flip();
            sink.take(bb, (int) done, cnt);
            done += cnt;
        }
    }

    private void readRaw(TensorInfo t, byte[] into) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(into);
        readFully(channel, bb, dataStart + t.begin(), file);
    }

    private static void readFully(FileChannel ch, ByteBuffer bb, long position, Path file) throws IOException {
        long pos = position;
        while (bb.hasRemaining()) {
            int r = ch.read(bb, pos);
            if (r < 0) {
                throw new EmbeddingFormatException(file, "unexpected end of file at byte " + pos);
            }
            pos += r;
        }
    }
}
