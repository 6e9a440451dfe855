package org.encodertraces.encoder.onnx;

/**
 * Edits serialized ONNX {@code ModelProto} bytes in place of the onnx Python package: today,
 * promoting an intermediate tensor to a graph output. ONNX Runtime can only fetch graph
 * outputs, and exported classifiers often expose only their logits, so the embedding tensor
 * must be made an output before the session is created.
 */
public final class OnnxModelEditor {
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
