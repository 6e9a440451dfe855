package org.encodertraces.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.encodertraces.result.ResultDocument;
import org.encodertraces.embed.EmbeddingSet;
import org.encodertraces.embed.OperationSets;
import org.encodertraces.erase.ErasureFit;
import org.encodertraces.probe.ResultWriter;

/** The {@code --set OP=FILE} embedding sets of the erase commands, read once into aligned {@link OperationSets}. */
final class TaskSets {
    private TaskSets() {
    }

    /** Parses {@code OP=FILE} entries (or one bare {@code FILE}, keyed "embeddings") and reads them. */
    static OperationSets read(List<String> specs) throws IOException {
        OperationSets.Builder sets = OperationSets.builder(null);
        Set<String> given = new HashSet<>();
        for (String s : specs) {
            int eq = s.indexOf('=');
            String op = eq > 0 ? s.substring(0, eq).trim().toUpperCase(Locale.ROOT) : "embeddings";
            Path f = Path.of(eq > 0 ? s.substring(eq + 1) : s);
            if (!given.add(op)) {
                throw new IllegalArgumentException("--set " + op + " given twice");
            }
            if (!Files.isRegularFile(f)) {
                throw new IOException(f + ": no such embedding set");
            }
            sets.add(op, f, EmbeddingInputs.read(f));
        }
        return sets.build();
    }

    /** The sets of these operations, in this order, or an error naming the missing ones. */
    static List<EmbeddingSet> of(OperationSets sets, List<String> ops, String task) {
        List<EmbeddingSet> out = new ArrayList<>();
        for (String op : ops) {
            if (!sets.has(op)) {
                throw new IllegalArgumentException("task " + task + " needs --set OP=FILE for " + ops + "; missing " + op + " (got "
                        + sets.operations() + ")");
            }
            out.add(sets.set(op));
        }
        return out;
    }

    /** The fitting inputs of an eraser: each operation's file and its sha256. */
    static List<ErasureFit.Input> fitInputs(OperationSets sets, List<String> ops) throws IOException {
        List<ErasureFit.Input> in = new ArrayList<>();
        for (String op : ops) {
            ResultDocument.Input i = ResultDocument.Input.of(op, sets.file(op));
            in.add(new ErasureFit.Input(op, sets.file(op).getFileName().toString(), i.sha256()));
        }
        return in;
    }
}
