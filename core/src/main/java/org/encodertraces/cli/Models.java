package org.encodertraces.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.encodertraces.encoder.Encoder;
import org.encodertraces.encoder.EncoderFactory;
import org.encodertraces.encoder.ExecutionProvider;
import org.encodertraces.encoder.ModelRef;

/**
 * The models of one command run, parsed and prepared (downloaded and verified) before any work,
 * opened by name when their turn comes.
 */
final class Models {
    private final Map<String, EncoderFactory.Prepared> byName;
    private final EncoderFactory.Settings settings;

    private Models(Map<String, EncoderFactory.Prepared> byName, EncoderFactory.Settings settings) {
        this.byName = byName;
        this.settings = settings;
    }

    /**
     * Parses the command's {@code --model} values ({@code fallback} when none) and prepares each.
     *
     * @throws IllegalArgumentException or IOException saying what is wrong and how to fix it
     */
    static Models prepare(ModelOptions options, Map<String, String> env, List<String> fallback, int threads, PrintWriter err,
                          boolean quiet) throws IOException {
        return prepare(options.parse(env, fallback), env, threads, err, quiet);
    }

    /** Prepares already parsed references. */
    static Models prepare(List<ModelRef> refs, Map<String, String> env, int threads, PrintWriter err, boolean quiet)
            throws IOException {
        EncoderFactory.Settings s = ModelOptions.settings(env, threads, ExecutionProvider.CPU, err, quiet);
        Map<String, EncoderFactory.Prepared> m = new LinkedHashMap<>();
        for (EncoderFactory.Prepared p : EncoderFactory.prepareAll(refs, s)) {
            m.put(p.ref().name(), p);
        }
        return new Models(m, s);
    }

    /** The shared folder these models were resolved against (the report reads the study's figures from it). */
    java.nio.file.Path sharedDir() {
        return settings.sharedDir();
    }

    /** The names, as result rows carry them. */
    List<String> names() {
        return List.copyOf(byName.keySet());
    }

    /** The text tower of the model of this name (found beside it, or fetched from its Hub repository). */
    org.encodertraces.encoder.TextTower.Files textTower(String name) throws IOException {
        EncoderFactory.Prepared p = byName.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no prepared model named " + name);
        }
        return EncoderFactory.textTower(p, settings);
    }

    /** Opens the model of this name. */
    Encoder open(String name) {
        EncoderFactory.Prepared p = byName.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no prepared model named " + name);
        }
        return EncoderFactory.open(p, settings);
    }

    /** Opens the model of this name with another ONNX Runtime thread count and spinning choice. */
    Encoder open(String name, int intraOpThreads, boolean spinning) {
        EncoderFactory.Prepared p = byName.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no prepared model named " + name);
        }
        return EncoderFactory.open(p, settings.withRuntime(intraOpThreads, spinning));
    }
}
