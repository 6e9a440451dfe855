package org.encodertraces.encoder;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.encodertraces.encoder.onnx.OnnxModelEditor;
import org.encodertraces.encoder.onnx.ProtoWriter;

/**
 * Builds small ONNX models in tests with the project's own protobuf writer, so that no Python
 * onnx package is needed. Field numbers follow onnx.proto.
 */
public final class TinyOnnx {
    public static final int FLOAT = 1;
    public static final int INT64 = 7;

    private final List<ProtoWriter> nodes = new ArrayList<>();
    private final List<ProtoWriter> inputs = new ArrayList<>();
    private final List<ProtoWriter> outputs = new ArrayList<>();

    /** Adds a graph input; -1 dims are symbolic. */
    public TinyOnnx input(String name, int elemType, long... dims) {
        inputs.add(OnnxModelEditor.valueInfo(name, elemType, dims));
        return this;
    }

    /** Adds a graph output; -1 dims are symbolic, no dims leaves the shape undeclared. */
    public TinyOnnx output(String name, int elemType, long... dims) {
        outputs.add(OnnxModelEditor.valueInfo(name, elemType, dims));
        return this;
    }

    /** Adds a node with one input and one output and no attributes. */
    public TinyOnnx node(String opType, String in, String out) {
        nodes.add(new ProtoWriter().string(1, in).string(2, out).string(3, opType + "_" + out).string(4, opType));
        return this;
    }

    /**
     * Adds a node with any number of inputs, one output and integer attributes: a {@code long}
     * value is an INT attribute, a {@code long[]} an INTS one (e.g. ReduceMean's {@code axes}).
     */
    public TinyOnnx node(String opType, List<String> ins, String out, Map<String, Object> attributes) {
        ProtoWriter n = new ProtoWriter();
        for (String in : ins) {
            n.string(1, in);
        }
        n.string(2, out).string(3, opType + "_" + out).string(4, opType);
        for (Map.Entry<String, Object> a : attributes.entrySet()) {
            ProtoWriter attr = new ProtoWriter().string(1, a.getKey());
            if (a.getValue() instanceof long[] values) {
                for (long v : values) {
                    attr.varint(8, v);
                }
                attr.varint(20, 7);
            } else {
                attr.varint(3, ((Number) a.getValue()).longValue()).varint(20, 2);
            }
            n.message(5, attr);
        }
        nodes.add(n);
        return this;
    }

    private final List<ProtoWriter> initializers = new ArrayList<>();

    /** Adds a float initializer (a weight) of the given shape, row-major. */
    public TinyOnnx initializer(String name, float[] values, long... dims) {
        java.nio.ByteBuffer raw = java.nio.ByteBuffer.allocate(values.length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            raw.putFloat(v);
        }
        ProtoWriter t = new ProtoWriter();
        for (long d : dims) {
            t.varint(1, d);
        }
        t.varint(2, FLOAT).string(8, name).bytes(9, raw.array());
        initializers.add(t);
        return this;
    }

    /** The serialized ModelProto (IR version 8, default opset 13). */
    public byte[] build() {
        ProtoWriter graph = new ProtoWriter();
        for (ProtoWriter n : nodes) {
            graph.message(1, n);
        }
        graph.string(2, "tiny");
        for (ProtoWriter t : initializers) {
            graph.message(5, t);
        }
        for (ProtoWriter i : inputs) {
            graph.message(11, i);
        }
        for (ProtoWriter o : outputs) {
            graph.message(12, o);
        }
        return new ProtoWriter()
                .varint(1, 8)
                .string(2, "encoder-traces-test")
                .message(7, graph)
                .message(8, new ProtoWriter().string(1, "").varint(2, 13))
                .toByteArray();
    }
}
