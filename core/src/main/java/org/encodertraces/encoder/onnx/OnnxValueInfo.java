package org.encodertraces.encoder.onnx;

import java.util.List;

/**
 * A named tensor's declared type as an ONNX graph states it ({@code ValueInfoProto}): element
 * type and, when declared, the shape, where {@code -1} marks a symbolic or unknown dimension.
 *
 * @param name tensor name
 * @param elemType ONNX {@code TensorProto.DataType} code (1 = FLOAT, 7 = INT64, ...); 0 when undeclared
 * @param dims declared dimensions, {@code -1} for symbolic ones; empty when {@code shapeKnown} is false
 * @param shapeKnown whether the graph declares a shape (rank) at all
 */
public record OnnxValueInfo(String name, int elemType, List<Long> dims, boolean shapeKnown) {
    /** ONNX element type code of float32. */
    public static final int FLOAT = 1;

    /** Copies the dimension list. */
    public OnnxValueInfo {
        dims = List.copyOf(dims);
    }

    /** The declared rank, or -1 when the graph declares no shape. */
    public int rank() {
        return shapeKnown ? dims.size() : -1;
    }

    /** The ONNX name of an element type code, such as "FLOAT" or "INT64". */
    public static String elemTypeName(int code) {
        return switch (code) {
            case 0 -> "UNDEFINED";
            case 1 -> "FLOAT";
            case 2 -> "UINT8";
            case 3 -> "INT8";
            case 4 -> "UINT16";
            case 5 -> "INT16";
            case 6 -> "INT32";
            case 7 -> "INT64";
            case 8 -> "STRING";
            case 9 -> "BOOL";
            case 10 -> "FLOAT16";
            case 11 -> "DOUBLE";
            case 12 -> "UINT32";
            case 13 -> "UINT64";
            case 16 -> "BFLOAT16";
            default -> "type " + code;
        };
    }

    /** Human-readable form such as {@code FLOAT[N,3,224,224]}. */
    public String describe() {
        StringBuilder sb = new StringBuilder(elemTypeName(elemType));
        if (!shapeKnown) {
            return sb.append("[?]").toString();
        }
        sb.append('[');
        for (int i = 0; i < dims.size(); i++) {
            sb.append(i > 0 ? "," : "").append(dims.get(i) < 0 ? "?" : dims.get(i).toString());
        }
        return sb.append(']').toString();
    }
}
