package org.encodertraces.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import org.encodertraces.data.Dataset;
import org.encodertraces.data.Datasets;
import org.encodertraces.data.ReadFailure;

/**
 * Opens what a user passes to {@code --images} (a folder, manifest, table or a
 * {@code kind:path?options} spec; see {@link Datasets}) and reports files that could not be
 * read while listing it. Part of the CLI-support API the optional modules' commands use.
 */
public final class DatasetArgs {
    private DatasetArgs() {
    }

    /** Opens {@code p}, listing on {@code err} the files that could not be read and the reader's notes. */
    public static Dataset open(Path p, PrintWriter err) throws IOException {
        return opened(p, err).dataset();
    }

    /** As {@link #open(Path, PrintWriter)}, with the Make rule of EXIF folders that do not name one in their spec. */
    static Dataset open(Path p, PrintWriter err, org.encodertraces.exif.MakeLabels make) throws IOException {
        return opened(p, err, make).dataset();
    }

    /** Opens and reports as {@link #open}, keeping the reader's notes (copies merged, photos missing) for the report. */
    static Datasets.Opened opened(Path p, PrintWriter err) throws IOException {
        return opened(p, err, org.encodertraces.exif.MakeLabels.NORMALISED);
    }

    /** As {@link #opened(Path, PrintWriter)}, with the Make rule of EXIF folders that do not name one in their spec. */
    static Datasets.Opened opened(Path p, PrintWriter err, org.encodertraces.exif.MakeLabels make) throws IOException {
        Datasets.Opened opened = Datasets.open(p.toString(), make);
        if (!opened.failures().isEmpty()) {
            err.printf("%d file(s) could not be read while listing %s (%s):%n", opened.failures().size(), p, opened.kind());
            for (ReadFailure f : opened.failures().subList(0, Math.min(10, opened.failures().size()))) {
                err.println("  " + f.file() + ": " + f.reason());
            }
            if (opened.failures().size() > 10) {
                err.println("  ...");
            }
            err.flush();
        }
        for (String n : opened.notes()) {
            err.println("note: " + n);
        }
        err.flush();
        return opened;
    }
}
