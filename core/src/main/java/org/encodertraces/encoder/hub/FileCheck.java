package org.encodertraces.encoder.hub;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A check a downloaded file must pass before it is moved into the cache, and that a cached copy
 * must pass before it is used: for model files, that the bytes are an ONNX model with the
 * expected input, so an error page served with status 200 is never kept.
 */
@FunctionalInterface
public interface FileCheck {
    /** Accepts every file. */
    FileCheck NONE = file -> { };

    /**
     * @param file the downloaded (or cached) file
     * @throws IOException with the reason when the file is not what was asked for
     */
    void check(Path file) throws IOException;
}
