package org.encodertraces.probe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.encodertraces.io.JsonErrors;

/**
 * The text prompts that describe each class of each processing task, for zero-shot readout
 * ({@link ZeroShot}): the documented defaults ({@code zero-shot-prompts.json}, a resource of this
 * package) and a user's file in the same layout, which adds prompts to the defaults ({@code "mode":
 * "add"}, the default) or replaces the prompts of every class it names ({@code "mode": "replace"}).
 *
 * <pre>{"mode": "add", "tasks": {"jpeg": {"JPEG75_420": ["a blocky, over-compressed photo"]}}}</pre>
 */
public final class PromptSet {
    /** The defaults' resource name beside this class. */
    public static final String DEFAULTS = "zero-shot-prompts.json";

    private final Map<ProcessingTask, Map<String, List<String>>> prompts;
    private final String source;

    private PromptSet(Map<ProcessingTask, Map<String, List<String>>> prompts, String source) {
        this.prompts = prompts;
        this.source = source;
    }

    /** The documented default prompts. */
    public static PromptSet defaults() {
        try (InputStream in = PromptSet.class.getResourceAsStream(DEFAULTS)) {
            if (in == null) {
                throw new IllegalStateException("resource " + DEFAULTS + " is missing beside " + PromptSet.class.getName());
            }
            JsonNode doc = new ObjectMapper().readTree(in);
            PromptSet empty = new PromptSet(new EnumMap<>(ProcessingTask.class), "defaults");
            return empty.merged(doc, "the default prompts (" + DEFAULTS + ")", false);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + DEFAULTS, e);
        }
    }

    /**
     * These prompts with a user's file applied.
     *
     * @throws IOException naming the file and what is wrong (not JSON, an unknown task or operation, an empty prompt)
     */
    public PromptSet withFile(Path file) throws IOException {
        JsonNode doc;
        try {
            doc = new ObjectMapper().readTree(Files.readString(file));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException(file + ": no such file", e);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(file + ": not a prompts file: " + JsonErrors.describe(e, null, ""), e);
        } catch (java.nio.charset.MalformedInputException e) {
            throw new IOException(file + ": not a prompts file (not UTF-8 text)", e);
        }
        String mode = doc != null && doc.has("mode") ? doc.get("mode").asText() : "add";
        if (!mode.equals("add") && !mode.equals("replace")) {
            throw new IOException(file + ": \"mode\" is '" + mode + "', not \"add\" or \"replace\"");
        }
        try {
            return merged(doc, file.toString(), mode.equals("replace"));
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private PromptSet merged(JsonNode doc, String where, boolean replace) {
        if (doc == null || !doc.isObject() || !(doc.get("tasks") instanceof com.fasterxml.jackson.databind.node.ObjectNode tasks)) {
            throw new IllegalArgumentException(where + ": needs an object \"tasks\" of task name -> operation -> list of prompts");
        }
        Map<ProcessingTask, Map<String, List<String>>> out = new EnumMap<>(ProcessingTask.class);
        prompts.forEach((t, m) -> {
            Map<String, List<String>> c = new LinkedHashMap<>();
            m.forEach((op, l) -> c.put(op, new ArrayList<>(l)));
            out.put(t, c);
        });
        for (Iterator<Map.Entry<String, JsonNode>> it = tasks.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> t = it.next();
            ProcessingTask task;
            try {
                task = ProcessingTask.parse(t.getKey());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage());
            }
            if (!t.getValue().isObject()) {
                throw new IllegalArgumentException(where + ": tasks." + t.getKey() + " must map operations to lists of prompts");
            }
            Map<String, List<String>> m = out.computeIfAbsent(task, k -> new LinkedHashMap<>());
            for (Iterator<Map.Entry<String, JsonNode>> ops = t.getValue().fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                if (!task.operations().contains(op.getKey())) {
                    throw new IllegalArgumentException(where + ": tasks." + t.getKey() + "." + op.getKey() + ": not a class of the "
                            + t.getKey() + " task (its classes: " + String.join(", ", task.operations()) + ")");
                }
                if (!op.getValue().isArray() || op.getValue().isEmpty()) {
                    throw new IllegalArgumentException(where + ": tasks." + t.getKey() + "." + op.getKey() + " must be a non-empty list of prompts");
                }
                List<String> l = replace ? new ArrayList<>() : m.getOrDefault(op.getKey(), new ArrayList<>());
                for (JsonNode p : op.getValue()) {
                    if (!p.isTextual() || p.asText().isBlank()) {
                        throw new IllegalArgumentException(where + ": tasks." + t.getKey() + "." + op.getKey() + " holds " + p
                                + ", not a prompt (a non-empty string)");
                    }
                    if (!l.contains(p.asText())) {
                        l.add(p.asText());
                    }
                }
                m.put(op.getKey(), l);
            }
        }
        return new PromptSet(out, source.equals("defaults") && where.startsWith("the default") ? "defaults" : source + " + " + where);
    }

    /**
     * The prompts of each class of {@code task}, in the task's label order.
     *
     * @throws IllegalArgumentException naming the classes that have no prompt
     */
    public Map<String, List<String>> prompts(ProcessingTask task) {
        Map<String, List<String>> m = prompts.getOrDefault(task, Map.of());
        Map<String, List<String>> out = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (String op : task.operations()) {
            List<String> l = m.get(op);
            if (l == null || l.isEmpty()) {
                missing.add(op);
            } else {
                out.put(op, List.copyOf(l));
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("zero-shot prompts (" + source + ") have none for " + String.join(", ", missing)
                    + " of the " + task.name().toLowerCase(java.util.Locale.ROOT) + " task");
        }
        return Collections.unmodifiableMap(out);
    }

    /** Where the prompts come from: {@code defaults}, or the defaults and the files applied. */
    public String source() {
        return source;
    }
}
