package org.encodertraces.encoder.hub;

import java.io.IOException;
import java.util.Objects;

/**
 * A download or cache look-up that failed for a reason the user can act on: what was asked
 * for, from where, and why it failed are all in the message.
 *
 * <p>The {@link Reason} lets a caller (the CLI) choose an exit code or a hint without parsing
 * the message. No message ever contains the access token.
 */
public final class HubException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Why a download failed. */
    public enum Reason {
        /** The server answered 404: no such repository, revision or file. */
        NOT_FOUND,
        /** The server answered 401 or 403: the repository is private or gated, or the token is wrong. */
        UNAUTHORIZED,
        /** The downloaded bytes do not hash to the expected sha256. */
        CHECKSUM_MISMATCH,
        /** The file arrived but is not what was asked for (an HTML page instead of an ONNX model, say). */
        INVALID_CONTENT,
        /** Offline mode is on and the file is not in the cache. */
        OFFLINE_MISSING,
        /** Any other HTTP status, or a reply the client cannot use. */
        HTTP_ERROR,
        /** The network failed and retries did not help. */
        NETWORK
    }

    private final Reason reason;

    /** An error for {@code reason} with a full message. */
    public HubException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason);
    }

    /** An error for {@code reason} with a full message and the failure underneath. */
    public HubException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason);
    }

    /** Why it failed. */
    public Reason reason() {
        return reason;
    }
}
