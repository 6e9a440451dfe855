package org.encodertraces.encoder.onnx;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * An ONNX model built by {@link OnnxGraphWriter} whose float weights are still values, written
 * one of two ways: every weight inside the {@code ModelProto} ({@link #inlineBytes}), or, for a
 * model whose weights pass what one protobuf message can hold (2 GB), the model file with each
 * weight of {@link #EXTERNAL_MIN_BYTES} or more in one external data file beside it
 * ({@link #externalBytes} and {@link #writeExternalData}): ONNX's {@code external_data} entries
 * {@code location} (relative to the model's folder), {@code offset} and {@code length}, with
 * {@code data_location = EXTERNAL}, each offset a multiple of {@link #ALIGNMENT} as the onnx
 * package's {@code save_external_data} aligns them. ONNX Runtime reads such a model from its path
 * (not from bytes: the path is what it resolves {@code location} against).
 */
public final class OnnxModel {
    /** The most weight bytes a model written inline takes: protobuf cannot encode a message of 2 GB or more. */
    public static final long MAX_INLINE_BYTES = 2_000_000_000L;
    /** Weights smaller than this stay inside the model file even when the others go external (onnx's default threshold). */
    public static final int EXTERNAL_MIN_BYTES = 1024;
    /** The alignment of each weight's offset in the external data file. */
    public static final int ALIGNMENT = 4096;

    private static final int MODEL_GRAPH = 7;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int DATA_LOCATION_EXTERNAL = 1;

    /** A float initializer kept as values. */
    record FloatTensor(String name, long[] dims, float[] values) {
    }

    private final byte[] head;
    private final List<Object> graphParts;
    private final byte[] tail;
    private final long weightBytes;
    private final byte[] prebuilt;

    OnnxModel(byte[] head, List<Object> graphParts, byte[] tail, long weightBytes) {
        this.head = head;
        this.graphParts = List.copyOf(graphParts);
        this.tail = tail;
        this.weightBytes = weightBytes;
        this.prebuilt = null;
    }

    private OnnxModel(byte[] prebuilt) {
        this.head = null;
        this.graphParts = List.of();
        this.tail = null;
        this.weightBytes = prebuilt.length;
        this.prebuilt = prebuilt;
    }

    /** A model already encoded with every weight inside (it can only be written inline). */
    public static OnnxModel inline(byte[] model) {
        return new OnnxModel(model.clone());
    }

    /** The float weights' bytes (for a model given encoded: its size). */
    public long weightBytes() {
        return weightBytes;
    }

    /** Whether the model must be written with external data when at most {@code maxInlineBytes} of weights may sit inside. */
    public boolean needsExternalData(long maxInlineBytes) {
        return prebuilt == null && weightBytes > maxInlineBytes;
    }

    /**
     * The model with every weight inside.
     *
     * @throws IllegalArgumentException when the weights pass {@link #MAX_INLINE_BYTES}
     */
    public byte[] inlineBytes() {
        if (prebuilt != null) {
            return prebuilt.clone();
        }
        if (weightBytes > MAX_INLINE_BYTES) {
            throw new IllegalArgumentException("the model's weights take " + weightBytes / 1_000_000 + " MB: one ONNX file cannot hold "
                    + MAX_INLINE_BYTES / 1_000_000 + " MB or more (protobuf's limit); write it with external data");
        }
        return encode(null);
    }

    /**
     * The model file whose large weights point into the external data file {@code location}
     * (a file name in the model's folder), which {@link #writeExternalData} writes.
     */
    public byte[] externalBytes(String location) {
        if (prebuilt != null) {
            throw new IllegalStateException("a model given encoded has no weights to move to external data");
        }
        if (location.isEmpty() || location.contains("/") || location.contains("\\") || location.startsWith(".")) {
            throw new IllegalArgumentException("external data location must be a plain file name: " + location);
        }
        return encode(location);
    }

    /**
     * Writes the external data file that {@link #externalBytes} points into.
     *
     * @return the bytes written
     */
    public long writeExternalData(OutputStream out) throws IOException {
        long pos = 0;
        byte[] zeros = new byte[ALIGNMENT];
        for (Object p : graphParts) {
            if (p instanceof FloatTensor t && external(t)) {
                long aligned = align(pos);
                out.write(zeros, 0, (int) (aligned - pos));
                pos = aligned;
                ByteBuffer bb = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
                float[] v = t.values();
                for (int i = 0; i < v.length; ) {
                    bb.clear();
                    int n = Math.min(v.length - i, bb.capacity() / 4);
                    bb.asFloatBuffer().put(v, i, n);
                    out.write(bb.array(), 0, 4 * n);
                    i += n;
                }
                pos += 4L * v.length;
            }
        }
        return pos;
    }

    private static long align(long pos) {
        return (pos + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    private static boolean external(FloatTensor t) {
        return 4L * t.values().length >= EXTERNAL_MIN_BYTES;
    }

    private byte[] encode(String location) {
        ProtoWriter graph = new ProtoWriter();
        long offset = 0;
        for (Object p : graphParts) {
            if (p instanceof byte[] b) {
                graph.raw(b, 0, b.length);
            } else {
                FloatTensor t = (FloatTensor) p;
                ProtoWriter tp = new ProtoWriter();
                for (long d : t.dims()) {
                    tp.varint(1, d);
                }
                tp.varint(2, OnnxGraphWriter.FLOAT);
                tp.string(8, t.name());
                if (location != null && external(t)) {
                    offset = align(offset);
                    long length = 4L * t.values().length;
                    tp.message(13, entry("location", location));
                    tp.message(13, entry("offset", Long.toString(offset)));
                    tp.message(13, entry("length", Long.toString(length)));
                    tp.varint(14, DATA_LOCATION_EXTERNAL);
                    offset += length;
                } else {
                    ByteBuffer bb = ByteBuffer.allocate(4 * t.values().length).order(ByteOrder.LITTLE_ENDIAN);
                    bb.asFloatBuffer().put(t.values());
                    tp.bytes(9, bb.array());
                }
                graph.message(GRAPH_INITIALIZER, tp);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            out.write(head);
            out.write(new ProtoWriter().message(MODEL_GRAPH, graph).toByteArray());
            out.write(tail);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static ProtoWriter entry(String key, String value) {
        return new ProtoWriter().string(1, key).string(2, value);
    }
}
