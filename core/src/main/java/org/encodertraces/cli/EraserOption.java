package org.encodertraces.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.encodertraces.embed.EmbeddingSet;
import org.encodertraces.erase.ErasedSets;
import org.encodertraces.erase.EraserFile;
import picocli.CommandLine.Option;

/**
 * The {@code --eraser FILE} option of the experiment commands (probe, knn, retrieval): every
 * embedding set read is erased on the fly (another encoder's sets are refused), and the images an
 * experiment evaluates on must be ones the eraser was not fitted on.
 */
final class EraserOption {
    @Option(names = "--eraser", paramLabel = "FILE",
            description = "apply this eraser (traces erase fit) to every embedding set first; refused for another encoder's sets "
                    + "and when the eraser was fitted on any of the evaluated images")
    Path file;

    private EraserFile loaded;

    /** Whether an eraser was given. */
    boolean active() {
        return file != null;
    }

    /** The set, erased when an eraser was given. */
    EmbeddingSet apply(EmbeddingSet set, Path setFile) throws IOException {
        if (file == null) {
            return set;
        }
        if (loaded == null) {
            loaded = EraserFile.read(file);
        }
        return ErasedSets.apply(loaded, file, set, setFile);
    }

    /** Refuses evaluation images the eraser was fitted on (does nothing without an eraser). */
    void requireUnseen(EmbeddingSet set, List<String> evaluatedIds, String what) throws IOException {
        if (file == null) {
            return;
        }
        if (loaded == null) {
            loaded = EraserFile.read(file);
        }
        int seen = ErasedSets.fittedAmong(loaded, set, evaluatedIds);
        if (seen > 0) {
            throw new IllegalArgumentException("the eraser " + file + " was fitted on " + seen + " of the " + evaluatedIds.size() + " " + what
                    + ": evaluate on images it never saw (fit it with the same --seed and --test-fraction as this run, or on other images)");
        }
    }
}
