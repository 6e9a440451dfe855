package org.encodertraces.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.encodertraces.data.Dataset;
import org.encodertraces.data.ImageFolders;
import org.encodertraces.data.Manifests;

/** Opens what a user passes to {@code --images}: a manifest or a folder. */
final class DatasetArgs {
    private DatasetArgs() {
    }

    static Dataset open(Path p) throws IOException {
        if (!java.nio.file.Files.exists(p)) {
            throw new IOException(p + ": no such file or folder");
        }
        return Manifests.isManifest(p) ? Manifests.open(p) : ImageFolders.open(p);
    }
}
