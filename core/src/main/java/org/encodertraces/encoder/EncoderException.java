package org.encodertraces.encoder;

/**
 * A model cannot be opened or run as an encoder: a missing or corrupt file, an input that
 * does not fit the preprocessing spec, an unknown tensor name, an unavailable execution
 * provider. The message names the model file and the reason.
 */
public class EncoderException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An error with the given message. */
    public EncoderException(String message) {
        super(message);
    }

    /** An error with the given message and cause. */
    public EncoderException(String message, Throwable cause) {
        super(message, cause);
    }
}
