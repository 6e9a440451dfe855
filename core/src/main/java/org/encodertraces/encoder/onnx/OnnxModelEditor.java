package org.encodertraces.encoder.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Edits serialized ONNX {@code ModelProto} bytes in place of the onnx Python package: promoting
 * intermediate tensors to graph outputs (ONNX Runtime can only fetch graph outputs, and exported
 * classifiers often expose only their logits, so the embedding tensor must be made an output
 * before the session is created), and appending nodes with their weights after a tensor of the
 * graph (an eraser's affine map after the embedding), with the encoders of nodes, attributes and
 * tensors that needs.
 */
public final class OnnxModelEditor {
    /** ONNX element type code of double tensors ({@code TensorProto.DOUBLE}). */
    public static final int TENSOR_DOUBLE = 11;
    /** ONNX element type code of int64 tensors ({@code TensorProto.INT64}). */
    public static final int TENSOR_INT64 = 7;
    // onnx.proto field numbers of NodeProto, AttributeProto and TensorProto
    private static final int NODE_INPUT = 1;
    private static final int NODE_NAME = 3;
    private static final int NODE_OP_TYPE = 4;
    private static final int NODE_ATTRIBUTE = 5;
    private static final int ATTRIBUTE_NAME = 1;
    private static final int ATTRIBUTE_I = 3;
    private static final int ATTRIBUTE_INTS = 8;
    private static final int ATTRIBUTE_TYPE = 20;
    private static final int ATTRIBUTE_TYPE_INT = 2;
    private static final int ATTRIBUTE_TYPE_INTS = 7;
    private static final int TENSOR_DIMS = 1;
    private static final int TENSOR_DATA_TYPE = 2;
    private static final int TENSOR_RAW_DATA = 9;

    private OnnxModelEditor() {
    }

    /**
     * Returns a copy of the model with {@code ValueInfoProto(name, tensor(elemType))} appended to
     * the main graph's outputs. The shape is left undeclared so that ONNX Runtime infers it.
     * Every other field is copied byte for byte.
     *
     * @param model serialized ModelProto
     * @param tensorName name of a tensor a node of the graph produces
     * @param elemType ONNX element type code of that tensor (1 for float32)
     * @throws ProtoFormatException when the bytes hold no graph
     */
    public static byte[] appendOutput(byte[] model, String tensorName, int elemType) {
        ProtoWriter out = new ProtoWriter();
        ProtoReader m = new ProtoReader(model);
        boolean edited = false;
        while (m.next()) {
            if (m.field() == OnnxGraphInfo.MODEL_GRAPH && m.wireType() == ProtoWriter.LEN && !edited) {
                ProtoWriter graph = new ProtoWriter().raw(model, m.valueOffset(), m.valueLength());
                graph.message(OnnxGraphInfo.GRAPH_OUTPUT, valueInfo(tensorName, elemType));
                out.message(OnnxGraphInfo.MODEL_GRAPH, graph);
                edited = true;
            } else {
                out.raw(model, m.fieldStart(), m.fieldEnd() - m.fieldStart());
            }
        }
        if (!edited) {
            throw new ProtoFormatException("no graph (ModelProto field 7) in the model");
        }
        return out.toByteArray();
    }

    /**
     * Returns a copy of the model with {@code nodes} and {@code initializers} appended to the main
     * graph and its outputs replaced by {@code outputs} (or, when {@code keepOutputs}, the given ones
     * appended after the graph's own). Every other field is copied byte for byte. The caller names
     * the new tensors and nodes so that they do not collide with the graph's.
     *
     * @param model serialized ModelProto
     * @param nodes encoded {@code NodeProto}s ({@link #node}), in execution order
     * @param initializers encoded {@code TensorProto}s ({@link #doubleTensor}, {@link #int64Tensor})
     * @param outputs encoded {@code ValueInfoProto}s ({@link #valueInfo})
     * @throws ProtoFormatException when the bytes hold no graph
     */
    public static byte[] appendNodes(byte[] model, List<ProtoWriter> nodes, List<ProtoWriter> initializers,
                                     List<ProtoWriter> outputs, boolean keepOutputs) {
        ProtoWriter out = new ProtoWriter();
        ProtoReader m = new ProtoReader(model);
        boolean edited = false;
        while (m.next()) {
            if (m.field() == OnnxGraphInfo.MODEL_GRAPH && m.wireType() == ProtoWriter.LEN && !edited) {
                ProtoWriter graph = new ProtoWriter();
                ProtoReader g = new ProtoReader(model, m.valueOffset(), m.valueLength());
                while (g.next()) {
                    if (!keepOutputs && g.field() == OnnxGraphInfo.GRAPH_OUTPUT) {
                        continue;
                    }
                    graph.raw(model, g.fieldStart(), g.fieldEnd() - g.fieldStart());
                }
                nodes.forEach(n -> graph.message(OnnxGraphInfo.GRAPH_NODE, n));
                initializers.forEach(t -> graph.message(OnnxGraphInfo.GRAPH_INITIALIZER, t));
                outputs.forEach(o -> graph.message(OnnxGraphInfo.GRAPH_OUTPUT, o));
                out.message(OnnxGraphInfo.MODEL_GRAPH, graph);
                edited = true;
            } else {
                out.raw(model, m.fieldStart(), m.fieldEnd() - m.fieldStart());
            }
        }
        if (!edited) {
            throw new ProtoFormatException("no graph (ModelProto field 7) in the model");
        }
        return out.toByteArray();
    }

    /**
     * Returns a copy of the model with every named tensor appended to the main graph's outputs as
     * a float tensor of undeclared shape (see {@link #appendOutput}); names that already are graph
     * outputs are skipped.
     */
    public static byte[] appendOutputs(byte[] model, List<String> tensorNames) {
        OnnxGraphInfo info = OnnxGraphInfo.read(model);
        List<ProtoWriter> outs = new ArrayList<>();
        for (String t : tensorNames) {
            if (!info.isOutput(t)) {
                outs.add(valueInfo(t, OnnxValueInfo.FLOAT));
            }
        }
        return appendNodes(model, List.of(), List.of(), outs, true);
    }

    /**
     * An encoded {@code NodeProto} of the default (ai.onnx) domain.
     *
     * @param attributes encoded {@code AttributeProto}s ({@link #intAttribute}, {@link #intsAttribute})
     */
    public static ProtoWriter node(String opType, String name, List<String> inputs, List<String> outputs, ProtoWriter... attributes) {
        ProtoWriter n = new ProtoWriter();
        inputs.forEach(i -> n.string(NODE_INPUT, i));
        outputs.forEach(o -> n.string(OnnxGraphInfo.NODE_OUTPUT, o));
        n.string(NODE_NAME, name);
        n.string(NODE_OP_TYPE, opType);
        for (ProtoWriter a : attributes) {
            n.message(NODE_ATTRIBUTE, a);
        }
        return n;
    }

    /** An encoded INT {@code AttributeProto}. */
    public static ProtoWriter intAttribute(String name, long value) {
        return new ProtoWriter().string(ATTRIBUTE_NAME, name).varint(ATTRIBUTE_I, value).varint(ATTRIBUTE_TYPE, ATTRIBUTE_TYPE_INT);
    }

    /** An encoded INTS {@code AttributeProto}. */
    public static ProtoWriter intsAttribute(String name, long... values) {
        ProtoWriter a = new ProtoWriter().string(ATTRIBUTE_NAME, name);
        for (long v : values) {
            a.varint(ATTRIBUTE_INTS, v);
        }
        return a.varint(ATTRIBUTE_TYPE, ATTRIBUTE_TYPE_INTS);
    }

    /** An encoded DOUBLE {@code TensorProto} (data as little-endian raw bytes). */
    public static ProtoWriter doubleTensor(String name, long[] dims, double[] data) {
        ByteBuffer b = ByteBuffer.allocate(data.length * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : data) {
            b.putDouble(v);
        }
        return tensor(name, dims, TENSOR_DOUBLE, b.array());
    }

    /** An encoded INT64 {@code TensorProto} (data as little-endian raw bytes); empty {@code dims} for a scalar. */
    public static ProtoWriter int64Tensor(String name, long[] dims, long[] data) {
        ByteBuffer b = ByteBuffer.allocate(data.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : data) {
            b.putLong(v);
        }
        return tensor(name, dims, TENSOR_INT64, b.array());
    }

    private static ProtoWriter tensor(String name, long[] dims, int dataType, byte[] raw) {
        ProtoWriter t = new ProtoWriter();
        for (long d : dims) {
            t.varint(TENSOR_DIMS, d);
        }
        t.varint(TENSOR_DATA_TYPE, dataType);
        t.string(OnnxGraphInfo.TENSOR_NAME, name);
        t.bytes(TENSOR_RAW_DATA, raw);
        return t;
    }

    /**
     * An encoded {@code ValueInfoProto} for a tensor of the given element type; {@code dims}
     * gives its shape ({@code -1} or a null array entry for a symbolic dimension named
     * {@code d<i>}), or null for an undeclared shape.
     */
    public static ProtoWriter valueInfo(String name, int elemType, long... dims) {
        ProtoWriter tensorType = new ProtoWriter().varint(OnnxGraphInfo.TENSOR_TYPE_ELEM, elemType);
        if (dims != null && dims.length > 0) {
            ProtoWriter shape = new ProtoWriter();
            for (int i = 0; i < dims.length; i++) {
                ProtoWriter dim = new ProtoWriter();
                if (dims[i] >= 0) {
                    dim.varint(OnnxGraphInfo.DIM_VALUE, dims[i]);
                } else {
                    dim.string(OnnxGraphInfo.DIM_PARAM, "d" + i);
                }
                shape.message(OnnxGraphInfo.SHAPE_DIM, dim);
            }
            tensorType.message(OnnxGraphInfo.TENSOR_TYPE_SHAPE, shape);
        }
        ProtoWriter type = new ProtoWriter().message(OnnxGraphInfo.TYPE_TENSOR, tensorType);
        return new ProtoWriter().string(OnnxGraphInfo.VALUE_INFO_NAME, name).message(OnnxGraphInfo.VALUE_INFO_TYPE, type);
    }
}
