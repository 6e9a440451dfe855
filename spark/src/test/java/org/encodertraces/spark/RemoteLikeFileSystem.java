package org.encodertraces.spark;

import java.net.URI;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * A Hadoop file system under the scheme {@code remotelike:} that stores files on the local disk
 * but is not {@code file:}: the jobs treat it as they treat {@code hdfs:} or {@code s3a:} (work in a
 * temporary folder, upload finished parts, download them to assemble), so tests exercise that path
 * without a cluster. Registered with {@code fs.remotelike.impl}.
 */
public final class RemoteLikeFileSystem extends RawLocalFileSystem {
    @Override
    public URI getUri() {
        return URI.create("remotelike:///");
    }

    @Override
    public String getScheme() {
        return "remotelike";
    }
}
