package org.encodertraces.data;

import java.nio.file.Path;

/**
 * A file a dataset reader could not read (labels then unknown), kept so that a batch job can say
 * what failed and why instead of dying on it.
 *
 * @param file   the file
 * @param reason what went wrong, in words
 */
public record ReadFailure(Path file, String reason) {
}
