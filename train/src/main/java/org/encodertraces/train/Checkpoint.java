package org.encodertraces.train;

import ai.djl.ndarray.NDArray;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.encodertraces.io.AtomicFiles;

/**
 * A training run's checkpoint file: everything the next epoch depends on (parameters, batch-norm
 * running statistics, momentum buffers, the epochs done) under the run key of the settings and data
 * that made it, so a killed run resumes to the same weights as an uninterrupted one and a run of
 * other settings is refused rather than resumed.
 *
 * <p>Format: the UTF string {@value #MAGIC}, the run key, the epochs done, the number of arrays,
 * then per array its name, its length and its float32 values (big-endian, {@link DataOutputStream});
 * momentum buffers are named {@code momentum:<parameter>}. Written atomically ({@link AtomicFiles}).
 */
public final class Checkpoint {
    static final String MAGIC = "encoder-traces checkpoint v1";
    /** Prefix of the optimizer's state (SGD's momentum, AdamW's moments) in the file. */
    static final String MOMENTUM = "momentum:";

    private Checkpoint() {
    }

    /** Writes the state after {@code epochsDone} epochs, replacing the file atomically. */
    static void save(Path file, String runKey, int epochsDone, ResNet net, Map<String, NDArray> momentum) throws IOException {
        save(file, runKey, epochsDone, net.state(), momentum);
    }

    /** Writes a model's state and its optimizer's after {@code epochsDone} epochs, replacing the file atomically. */
    static void save(Path file, String runKey, int epochsDone, Map<String, NDArray> state, Map<String, NDArray> momentum) throws IOException {
        AtomicFiles.write(file, os -> {
            DataOutputStream out = new DataOutputStream(os);
            out.writeUTF(MAGIC);
            out.writeUTF(runKey);
            out.writeInt(epochsDone);
            Map<String, NDArray> all = new LinkedHashMap<>(state);
            momentum.forEach((k, v) -> all.put(MOMENTUM + k, v));
            out.writeInt(all.size());
            for (Map.Entry<String, NDArray> e : all.entrySet()) {
                float[] v = e.getValue().toFloatArray();
                out.writeUTF(e.getKey());
                out.writeInt(v.length);
                for (float f : v) {
                    out.writeFloat(f);
                }
            }
            out.flush();
        });
    }

    /**
     * Restores {@code net} and {@code momentum} from a checkpoint of the run {@code runKey}.
     *
     * @return the epochs the checkpoint had done: the next epoch to run
     * @throws IOException not a checkpoint, another run's, truncated, or lacking a momentum buffer
     */
    static int resume(Path file, String runKey, ResNet net, Map<String, NDArray> momentum) throws IOException {
        Contents c = read(file, runKey, true);
        net.restore(c.values());
        for (Map.Entry<String, NDArray> e : momentum.entrySet()) {
            float[] v = c.values().get(MOMENTUM + e.getKey());
            if (v == null) {
                throw new IOException(file + ": checkpoint lacks the momentum of " + e.getKey());
            }
            // a new array, not NDArray.set (see ResNet.restore)
            NDArray old = e.getValue();
            e.setValue(old.getManager().create(v, old.getShape()));
            old.close();
        }
        return c.epochs();
    }

    /** The weights a run saved (parameters and batch-norm statistics, without the momentum), whatever its run key. */
    public static Map<String, float[]> readWeights(Path checkpoint) throws IOException {
        return read(checkpoint, null, false).values();
    }

    /** What a checkpoint holds: the epochs done and every array by name. */
    record Contents(int epochs, Map<String, float[]> values) {
    }

    /**
     * Reads a checkpoint.
     *
     * @param runKey       the run it must belong to, or null for any
     * @param withMomentum whether the momentum buffers are kept in the values
     */
    static Contents read(Path file, String runKey, boolean withMomentum) throws IOException {
        Map<String, float[]> values = new LinkedHashMap<>();
        try (InputStream is = Files.newInputStream(file);
             DataInputStream in = new DataInputStream(new BufferedInputStream(is))) {
            if (!MAGIC.equals(in.readUTF())) {
                throw new IOException(file + ": not a training checkpoint of this tool");
            }
            String key = in.readUTF();
            if (runKey != null && !key.equals(runKey)) {
                throw new IOException(file + ": the checkpoint belongs to a run with other settings or data; "
                        + "use another output folder, or delete it to start again");
            }
            int epochs = in.readInt();
            int count = in.readInt();
            for (int i = 0; i < count; i++) {
                String name = in.readUTF();
                float[] v = new float[in.readInt()];
                for (int j = 0; j < v.length; j++) {
                    v[j] = in.readFloat();
                }
                if (withMomentum || !name.startsWith(MOMENTUM)) {
                    values.put(name, v);
                }
            }
            return new Contents(epochs, values);
        } catch (EOFException e) {
            throw new IOException(file + ": truncated checkpoint", e);
        }
    }
}
