package org.encodertraces.encoder.hub;

/**
 * Told how far a download has got, so that a caller (the CLI) can draw a progress bar; the
 * library itself never prints.
 *
 * <p>Called on the downloading thread, after each chunk written and once at the end.
 */
@FunctionalInterface
public interface DownloadProgress {

    /** A listener that ignores every update. */
    DownloadProgress NONE = (done, total) -> { };

    /**
     * @param bytesDone  bytes of the file on disk so far, including any resumed part
     * @param totalBytes the file's full size, or -1 when the server did not say
     */
    void update(long bytesDone, long totalBytes);
}
