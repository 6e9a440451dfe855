package org.encodertraces.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.encodertraces.embed.EmbeddingSet;
import org.encodertraces.erase.ErasureFit;
import org.encodertraces.probe.ResultWriter;

/** The {@code --set OP=FILE} embedding sets of the erase commands: read once, checked to hold the same images in the same order. */
final class TaskSets {
    final Map<String, Path> files = new LinkedHashMap<>();
    final Map<String, EmbeddingSet> sets = new LinkedHashMap<>();

    /** Parses {@code OP=FILE} entries (or one bare {@code FILE}, keyed "embeddings") and reads them. */
    static TaskSets read(List<String> specs) throws IOException {
        TaskSets t = new TaskSets();
        for (String s : specs) {
            int eq = s.indexOf('=');
            String op = eq > 0 ? s.substring(0, eq).trim().toUpperCase(Locale.ROOT) : "embeddings";
            Path f = Path.of(eq > 0 ? s.substring(eq + 1) : s);
            if (t.files.put(op, f) != null) {
                throw new IllegalArgumentException("--set " + op + " given twice");
            }
            if (!Files.isRegularFile(f)) {
                throw new IOException(f + ": no such embedding set");
            }
            EmbeddingSet set = EmbeddingInputs.read(f);
            if (!t.sets.isEmpty()) {
                Map.Entry<String, EmbeddingSet> first = t.sets.entrySet().iterator().next();
                if (!first.getValue().ids().equals(set.ids())) {
                    throw new IllegalArgumentException(f + " (" + op + ") does not hold the same images in the same order as the "
                            + first.getKey() + " set (sample ids differ)");
                }
            }
            t.sets.put(op, set);
        }
        return t;
    }

    /** The sets of these operations, in this order, or an error naming the missing ones. */
    List<EmbeddingSet> of(List<String> ops, String task) {
        List<EmbeddingSet> out = new ArrayList<>();
        for (String op : ops) {
            EmbeddingSet s = sets.get(op);
            if (s == null) {
                throw new IllegalArgumentException("task " + task + " needs --set OP=FILE for " + ops + "; missing " + op + " (got " + sets.keySet() + ")");
            }
            out.add(s);
        }
        return out;
    }

    EmbeddingSet first() {
        return sets.values().iterator().next();
    }

    List<ErasureFit.Input> fitInputs(List<String> ops) throws IOException {
        List<ErasureFit.Input> in = new ArrayList<>();
        for (String op : ops) {
            ResultWriter.Input i = ResultWriter.Input.of(op, files.get(op));
            in.add(new ErasureFit.Input(op, files.get(op).getFileName().toString(), i.sha256()));
        }
        return in;
    }
}
