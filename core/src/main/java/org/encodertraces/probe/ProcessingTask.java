package org.encodertraces.probe;

import java.util.List;
import java.util.Locale;
import org.encodertraces.process.ProcessingOp;

/** The study's named processing-prediction tasks and the operations each one tells apart. */
public enum ProcessingTask {
    JPEG(ProcessingOp.JPEG_TASK),
    SHARPENING(ProcessingOp.SHARPENING_TASK),
    RESIZING(ProcessingOp.RESIZING_TASK),
    INTERPOLATION(ProcessingOp.INTERPOLATION_TASK);

    private final List<String> operations;

    ProcessingTask(List<String> operations) {
        this.operations = operations;
    }

    /** Operation names in label order. */
    public List<String> operations() {
        return operations;
    }

    /** Parses "jpeg", "sharpening", "resizing" or "interpolation". */
    public static ProcessingTask parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown task '" + s + "' (jpeg, sharpening, resizing, interpolation)");
        }
    }
}
