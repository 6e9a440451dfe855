package org.encodertraces.encoder.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes an ONNX {@code ModelProto} (one graph, the default opset domain) node by node, with float
 * initializers, through {@link ProtoWriter}: what the train module's export and the checkpoint
 * graph builders share, so no Python onnx package is needed to make a model ONNX Runtime runs.
 * Field numbers follow onnx.proto.
 */
public final class OnnxGraphWriter {
    /** ONNX element type of float32. */
    public static final int FLOAT = 1;
    /** ONNX element type of int64. */
    public static final int INT64 = 7;
    private static final int ATTR_FLOAT = 1;
    private static final int ATTR_INT = 2;
    private static final int ATTR_INTS = 7;

    /**
     * The most weight bytes one model file takes: protobuf cannot encode a message of 2 GB or more,
     * and larger models go to ONNX external data ({@link #build}, {@link OnnxModel}).
     */
    public static final long MAX_WEIGHT_BYTES = OnnxModel.MAX_INLINE_BYTES;

    /** The graph's fields in order: encoded ones, and float initializers kept as values until the model is written. */
    private final List<Object> parts = new ArrayList<>();
    private ProtoWriter graph = new ProtoWriter();
    private long weightBytes;

    /** A graph with the given name. */
    public OnnxGraphWriter(String name) {
        graph.string(2, name);
    }

    /** An attribute of a node. */
    public static final class Attr {
        private final ProtoWriter proto;

        private Attr(ProtoWriter proto) {
            this.proto = proto;
        }
    }

    /** An INT attribute. */
    public static Attr intAttr(String name, long v) {
        return new Attr(new ProtoWriter().string(1, name).varint(3, v).varint(20, ATTR_INT));
    }

    /** An INTS attribute. */
    public static Attr intsAttr(String name, long... v) {
        ProtoWriter a = new ProtoWriter().string(1, name);
        for (long x : v) {
            a.varint(8, x);
        }
        return new Attr(a.varint(20, ATTR_INTS));
    }

    /** A FLOAT attribute. */
    public static Attr floatAttr(String name, float v) {
        return new Attr(new ProtoWriter().string(1, name).float32(2, v).varint(20, ATTR_FLOAT));
    }

    /**
     * Adds a node.
     *
     * @param op the operator type, such as {@code Conv}
     * @param name the node's name
     * @param inputs its inputs (an empty string for an omitted optional input)
     * @param output its one output
     * @param attrs its attributes
     * @return {@code output}, to chain
     */
    public String node(String op, String name, List<String> inputs, String output, Attr... attrs) {
        ProtoWriter n = new ProtoWriter();
        inputs.forEach(i -> n.string(1, i));
        n.string(2, output);
        n.string(3, name);
        n.string(4, op);
        for (Attr a : attrs) {
            n.message(5, a.proto);
        }
        graph.message(1, n);
        return output;
    }

    /**
     * Adds a float initializer.
     *
     * @throws IllegalArgumentException when {@code values} is null or does not fill {@code dims}
     */
    public String initializer(String name, float[] values, long... dims) {
        if (values == null) {
            throw new IllegalArgumentException("weights lack tensor '" + name + "'");
        }
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        if (n != values.length) {
            throw new IllegalArgumentException("tensor '" + name + "' has " + values.length + " values, shape needs " + n);
        }
        weightBytes += 4L * values.length;
        parts.add(graph);
        parts.add(new OnnxModel.FloatTensor(name, dims.clone(), values));
        graph = new ProtoWriter();
        return name;
    }

    /** Adds an int64 initializer (shapes, axes). */
    public String int64Initializer(String name, long... values) {
        ProtoWriter t = new ProtoWriter().varint(1, values.length).varint(2, INT64).string(8, name);
        ByteBuffer bb = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        bb.asLongBuffer().put(values);
        t.bytes(9, bb.array());
        graph.message(5, t);
        return name;
    }

    /** Adds an int64 scalar (rank 0) initializer, such as a Gather index. */
    public String int64Scalar(String name, long value) {
        ProtoWriter t = new ProtoWriter().varint(2, INT64).string(8, name);
        t.bytes(9, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array());
        graph.message(5, t);
        return name;
    }

    /** Declares a float graph input; a dimension given as a string is symbolic ({@code "N"}), a number fixed. */
    public OnnxGraphWriter input(String name, Object... dims) {
        return typedInput(name, FLOAT, dims);
    }

    /** Declares a graph input of element type {@code elementType} ({@link #FLOAT}, {@link #INT64}), dimensions as {@link #input}. */
    public OnnxGraphWriter typedInput(String name, int elementType, Object... dims) {
        graph.message(11, valueInfo(name, elementType, dims));
        return this;
    }

    /** Declares a float graph output, dimensions as {@link #input}. */
    public OnnxGraphWriter output(String name, Object... dims) {
        graph.message(12, valueInfo(name, FLOAT, dims));
        return this;
    }

    private static ProtoWriter valueInfo(String name, int elementType, Object... dims) {
        ProtoWriter shape = new ProtoWriter();
        for (Object d : dims) {
            if (d instanceof String s) {
                shape.message(1, new ProtoWriter().string(2, s));
            } else {
                shape.message(1, new ProtoWriter().varint(1, ((Number) d).longValue()));
            }
        }
        ProtoWriter tensorType = new ProtoWriter().varint(1, elementType).message(2, shape);
        return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensorType));
    }

    /**
     * The model's bytes, every weight inside: IR version 8, the default domain at {@code opset}.
     *
     * @param producerVersion the producing tool's version
     * @param docString the model's doc string (what it was built from)
     * @throws IllegalArgumentException when the weights pass {@link #MAX_WEIGHT_BYTES} (use {@link #build})
     */
    public byte[] model(int opset, String producerVersion, String docString) {
        return build(opset, producerVersion, docString).inlineBytes();
    }

    /**
     * The model, its weights kept as values, to be written with every weight inside or with the
     * large ones in an external data file ({@link OnnxModel}).
     *
     * @param producerVersion the producing tool's version
     * @param docString the model's doc string (what it was built from)
     */
    public OnnxModel build(int opset, String producerVersion, String docString) {
        ProtoWriter head = new ProtoWriter();
        head.varint(1, 8);
        head.string(2, "encoder-traces");
        head.string(3, producerVersion);
        head.string(6, docString);
        List<Object> graphParts = new ArrayList<>();
        for (Object p : parts) {
            graphParts.add(p instanceof ProtoWriter w ? w.toByteArray() : p);
        }
        graphParts.add(graph.toByteArray());
        byte[] opsetImport = new ProtoWriter().message(8, new ProtoWriter().string(1, "").varint(2, opset)).toByteArray();
        return new OnnxModel(head.toByteArray(), graphParts, opsetImport, weightBytes);
    }
}
