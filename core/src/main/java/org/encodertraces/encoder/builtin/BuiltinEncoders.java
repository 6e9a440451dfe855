package org.encodertraces.encoder.builtin;

import java.util.List;
import org.encodertraces.encoder.Encoder;

/** The built-in reference encoders by id: the one place that knows which exist. */
public final class BuiltinEncoders {
    /** The ids, as given to {@code --model}. */
    public static final List<String> IDS = List.of(JpegForensicEncoder.ID, LowLevelStatsEncoder.ID);

    private BuiltinEncoders() {
    }

    /**
     * A new instance of the built-in encoder {@code id}.
     *
     * @throws IllegalArgumentException listing the ids when there is none such
     */
    public static Encoder open(String id) {
        return switch (id) {
            case JpegForensicEncoder.ID -> new JpegForensicEncoder();
            case LowLevelStatsEncoder.ID -> new LowLevelStatsEncoder();
            default -> throw new IllegalArgumentException("unknown built-in encoder '" + id + "'; built-in: " + String.join(", ", IDS));
        };
    }
}
