package org.encodertraces.encoder.onnx;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What an ONNX model file declares about its main graph, read straight from the
 * {@code ModelProto} bytes: inputs (initializers excluded), outputs, the intermediate tensors
 * that nodes produce, and the declared types. Lets a model be checked before ONNX Runtime
 * loads it, and tells which tensors can be promoted to outputs.
 *
 * @param inputs graph inputs that are not initializers, in graph order
 * @param outputs graph outputs, in graph order
 * @param nodeOutputs every tensor name a node produces, in node order
 * @param valueInfo declared types of intermediate tensors ({@code GraphProto.value_info}), by name
 */
public record OnnxGraphInfo(List<OnnxValueInfo> inputs, List<OnnxValueInfo> outputs, List<String> nodeOutputs,
                            Map<String, OnnxValueInfo> valueInfo) {
    // onnx.proto field numbers (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto)
    static final int MODEL_GRAPH = 7;
    static final int GRAPH_NODE = 1;
    static final int GRAPH_INITIALIZER = 5;
    static final int GRAPH_INPUT = 11;
    static final int GRAPH_OUTPUT = 12;
    static final int GRAPH_VALUE_INFO = 13;
    static final int NODE_OUTPUT = 2;
    static final int TENSOR_NAME = 8;
    static final int VALUE_INFO_NAME = 1;
    static final int VALUE_INFO_TYPE = 2;
    static final int TYPE_TENSOR = 1;
    static final int TENSOR_TYPE_ELEM = 1;
    static final int TENSOR_TYPE_SHAPE = 2;
    static final int SHAPE_DIM = 1;
    static final int DIM_VALUE = 1;
    static final int DIM_PARAM = 2;

    /** Copies the collections. */
    public OnnxGraphInfo {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        nodeOutputs = List.copyOf(nodeOutputs);
        valueInfo = Map.copyOf(valueInfo);
    }

    /**
     * Reads the main graph's declarations from serialized {@code ModelProto} bytes.
     *
     * @throws ProtoFormatException when the bytes are not a protobuf message or hold no graph
     */
    public static OnnxGraphInfo read(byte[] model) {
        ProtoReader m = new ProtoReader(model);
        ProtoReader graph = null;
        while (m.next()) {
            if (m.field() == MODEL_GRAPH && m.wireType() == ProtoWriter.LEN) {
                graph = m.message();
            }
        }
        if (graph == null) {
            throw new ProtoFormatException("no graph (ModelProto field 7) in the model");
        }
        List<OnnxValueInfo> declaredInputs = new ArrayList<>();
        List<OnnxValueInfo> outputs = new ArrayList<>();
        Set<String> nodeOutputs = new LinkedHashSet<>();
        Set<String> initializers = new LinkedHashSet<>();
        Map<String, OnnxValueInfo> valueInfo = new LinkedHashMap<>();
        while (graph.next()) {
            switch (graph.field()) {
                case GRAPH_NODE -> {
                    ProtoReader node = graph.message();
                    while (node.next()) {
                        if (node.field() == NODE_OUTPUT && node.wireType() == ProtoWriter.LEN) {
                            String name = node.string();
                            if (!name.isEmpty()) {
                                nodeOutputs.add(name);
                            }
                        }
                    }
                }
                case GRAPH_INITIALIZER -> {
                    ProtoReader tensor = graph.message();
                    while (tensor.next()) {
                        if (tensor.field() == TENSOR_NAME && tensor.wireType() == ProtoWriter.LEN) {
                            initializers.add(tensor.string());
                        }
                    }
                }
                case GRAPH_INPUT -> declaredInputs.add(readValueInfo(graph.message()));
                case GRAPH_OUTPUT -> outputs.add(readValueInfo(graph.message()));
                case GRAPH_VALUE_INFO -> {
                    OnnxValueInfo vi = readValueInfo(graph.message());
                    valueInfo.put(vi.name(), vi);
                }
                default -> {
                    // other GraphProto fields are not needed here
                }
            }
        }
        List<OnnxValueInfo> inputs = new ArrayList<>();
        for (OnnxValueInfo in : declaredInputs) {
            if (!initializers.contains(in.name())) {
                inputs.add(in);
            }
        }
        return new OnnxGraphInfo(inputs, outputs, new ArrayList<>(nodeOutputs), valueInfo);
    }

    static OnnxValueInfo readValueInfo(ProtoReader r) {
        String name = "";
        int elemType = 0;
        List<Long> dims = new ArrayList<>();
        boolean shapeKnown = false;
        while (r.next()) {
            if (r.field() == VALUE_INFO_NAME && r.wireType() == ProtoWriter.LEN) {
                name = r.string();
            } else if (r.field() == VALUE_INFO_TYPE && r.wireType() == ProtoWriter.LEN) {
                ProtoReader type = r.message();
                while (type.next()) {
                    if (type.field() != TYPE_TENSOR || type.wireType() != ProtoWriter.LEN) {
                        continue;
                    }
                    ProtoReader tensorType = type.message();
                    while (tensorType.next()) {
                        if (tensorType.field() == TENSOR_TYPE_ELEM && tensorType.wireType() == ProtoWriter.VARINT) {
                            elemType = (int) tensorType.varint();
                        } else if (tensorType.field() == TENSOR_TYPE_SHAPE && tensorType.wireType() == ProtoWriter.LEN) {
                            shapeKnown = true;
                            ProtoReader shape = tensorType.message();
                            while (shape.next()) {
                                if (shape.field() == SHAPE_DIM && shape.wireType() == ProtoWriter.LEN) {
                                    dims.add(readDim(shape.message()));
                                }
                            }
                        }
                    }
                }
            }
        }
        return new OnnxValueInfo(name, elemType, dims, shapeKnown);
    }

    private static long readDim(ProtoReader dim) {
        long value = -1;
        while (dim.next()) {
            if (dim.field() == DIM_VALUE && dim.wireType() == ProtoWriter.VARINT) {
                value = dim.varint();
            }
        }
        return value;
    }

    /** Prefix of an embedding tensor written as "the input of the classifier producing this output". */
    public static final String CLASSIFIER_INPUT = "classifier-input:";

    /**
     * The tensor feeding the final classifier layer that produces {@code output}: input 0 of a
     * {@code Gemm} or {@code MatMul} producing it, or of the {@code MatMul} behind an {@code Add}
     * (bias) producing it. That is the pre-logits feature a logits-only export hides.
     *
     * @throws ProtoFormatException when the model bytes are malformed
     * @throws IllegalArgumentException when no such layer produces {@code output}
     */
    public static String classifierInput(byte[] model, String output) {
        Map<String, String[]> producer = new LinkedHashMap<>(); // output -> {opType, input0, input1}
        ProtoReader m = new ProtoReader(model);
        while (m.next()) {
            if (m.field() != MODEL_GRAPH || m.wireType() != ProtoWriter.LEN) {
                continue;
            }
            ProtoReader g = m.message();
            while (g.next()) {
                if (g.field() != GRAPH_NODE || g.wireType() != ProtoWriter.LEN) {
                    continue;
                }
                ProtoReader node = g.message();
                List<String> ins = new ArrayList<>();
                List<String> outs = new ArrayList<>();
                String op = "";
                while (node.next()) {
                    if (node.wireType() != ProtoWriter.LEN) {
                        continue;
                    }
                    switch (node.field()) {
                        case 1 -> ins.add(node.string());
                        case NODE_OUTPUT -> outs.add(node.string());
                        case 4 -> op = node.string();
                        default -> { }
                    }
                }
                for (String o : outs) {
                    producer.put(o, new String[] {op, ins.isEmpty() ? "" : ins.get(0), ins.size() > 1 ? ins.get(1) : ""});
                }
            }
        }
        String[] p = producer.get(output);
        if (p != null && p[0].equals("Add")) {
            String[] a = producer.get(p[1]);
            String[] b = producer.get(p[2]);
            p = a != null && a[0].equals("MatMul") ? a : b != null && b[0].equals("MatMul") ? b : p;
        }
        if (p == null || !(p[0].equals("Gemm") || p[0].equals("MatMul")) || p[1].isEmpty()) {
            throw new IllegalArgumentException("no Gemm or MatMul (+ Add) layer produces '" + output + "'"
                    + (p == null ? "" : " (it comes from a " + p[0] + " node)"));
        }
        return p[1];
    }

    /** Names of the graph outputs, in order. */
    public List<String> outputNames() {
        return outputs.stream().map(OnnxValueInfo::name).toList();
    }

    /** Whether a tensor of this name is a graph output. */
    public boolean isOutput(String name) {
        return outputs.stream().anyMatch(o -> o.name().equals(name));
    }

    /** Whether some node produces a tensor of this name (so it can be promoted to an output). */
    public boolean isNodeOutput(String name) {
        return nodeOutputs.contains(name);
    }
}
