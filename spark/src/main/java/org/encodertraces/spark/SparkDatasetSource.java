package org.encodertraces.spark;

import java.io.IOException;
import org.encodertraces.data.Dataset;
import org.encodertraces.data.Datasets;

/**
 * Opens {@code --images} on an executor from the same text the driver opened.
 *
 * <p>Why: a listing (with zip entries and manifest rows) is cheaper to redo than to ship, and the
 * job checks that both ends saw the same samples.
 *
 * @param spec what the user gave {@code --images}
 */
public record SparkDatasetSource(String spec) implements SparkEmbed.DatasetSource {
    private static final long serialVersionUID = 1L;

    @Override
    public Dataset open() throws IOException {
        return Datasets.open(spec).dataset();
    }
}
