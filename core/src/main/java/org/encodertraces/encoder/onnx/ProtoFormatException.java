package org.encodertraces.encoder.onnx;

/** The bytes are not valid protocol-buffers wire format (a truncated or corrupt model file). */
public final class ProtoFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An error with the given reason. */
    public ProtoFormatException(String message) {
        super(message);
    }
}
