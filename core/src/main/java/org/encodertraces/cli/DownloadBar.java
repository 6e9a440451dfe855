package org.encodertraces.cli;

import java.io.PrintWriter;
import org.encodertraces.encoder.hub.DownloadProgress;

/** The CLI's progress bar for one file download; it finishes its line when the last byte arrives. */
final class DownloadBar implements DownloadProgress {
    private final Progress bar;
    private boolean closed;

    private DownloadBar(Progress bar) {
        this.bar = bar;
    }

    static DownloadBar of(PrintWriter err, String what, boolean quiet) {
        return new DownloadBar(new Progress(err, "download " + what + " (bytes)", 0, quiet));
    }

    @Override
    public synchronized void update(long bytesDone, long totalBytes) {
        if (closed) {
            return;
        }
        bar.set(bytesDone, Math.max(totalBytes, bytesDone));
        if (totalBytes >= 0 && bytesDone >= totalBytes) {
            closed = true;
            bar.close();
        }
    }
}
