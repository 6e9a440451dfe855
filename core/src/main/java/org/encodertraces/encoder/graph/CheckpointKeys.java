package org.encodertraces.encoder.graph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.encodertraces.encoder.checkpoint.Checkpoint;
import org.encodertraces.encoder.checkpoint.CheckpointException;
import org.encodertraces.encoder.checkpoint.WeightTensor;

/**
 * A checkpoint's tensors as a graph builder takes them: each by its key with the shape the
 * architecture needs, so a missing key, a wrong shape or a key the architecture does not have is
 * an error naming it, never a silently wrong graph.
 */
final class CheckpointKeys {
    private final Checkpoint checkpoint;
    private final String layout;
    private final Set<String> used = new LinkedHashSet<>();

    CheckpointKeys(Checkpoint checkpoint, String layout) {
        this.checkpoint = checkpoint;
        this.layout = layout;
    }

    /** The checkpoint's file, for messages. */
    java.nio.file.Path file() {
        return checkpoint.file();
    }

    /** Whether the checkpoint has the key. */
    boolean has(String key) {
        return checkpoint.tensors().containsKey(key);
    }

    /** The tensor under {@code key}, which must have shape {@code dims}. */
    WeightTensor take(String key, long... dims) throws CheckpointException {
        WeightTensor t = checkpoint.tensors().get(key);
        if (t == null) {
            throw new CheckpointException(checkpoint.file(), "missing key '" + key + "' of the " + layout + " layout" + near(key));
        }
        if (!Arrays.equals(t.shape(), dims)) {
            throw new CheckpointException(checkpoint.file(), "key '" + key + "' has shape " + t.shapeText() + ", the " + layout
                    + " layout needs " + Arrays.toString(dims));
        }
        used.add(key);
        return t;
    }

    /** The shape of {@code key} (which must exist), to read a width from. */
    long[] shape(String key) throws CheckpointException {
        WeightTensor t = checkpoint.tensors().get(key);
        if (t == null) {
            throw new CheckpointException(checkpoint.file(), "missing key '" + key + "' of the " + layout + " layout" + near(key));
        }
        return t.shape();
    }

    /**
     * Fails on the first key neither taken nor matched by {@code ignored} (a classifier head the
     * embedding does not use, batch norm's step counter).
     */
    void requireAllUsed(Pattern ignored) throws CheckpointException {
        List<String> extra = new ArrayList<>();
        for (String k : checkpoint.tensors().keySet()) {
            if (!used.contains(k) && !ignored.matcher(k).matches()) {
                extra.add(k);
            }
        }
        if (!extra.isEmpty()) {
            throw new CheckpointException(checkpoint.file(), "unexpected key '" + extra.get(0) + "' for the " + layout + " layout"
                    + (extra.size() > 1 ? " (and " + (extra.size() - 1) + " more)" : "")
                    + "; a checkpoint of another architecture, or one that needs a key prefix removed");
        }
    }

    private String near(String key) {
        String tail = key.contains(".") ? key.substring(key.lastIndexOf('.')) : key;
        List<String> similar = checkpoint.tensors().keySet().stream().filter(k -> k.endsWith(tail)).limit(3).toList();
        if (similar.isEmpty()) {
            return "";
        }
        return "; the checkpoint has keys such as " + similar + " (a key prefix to remove?)";
    }
}
