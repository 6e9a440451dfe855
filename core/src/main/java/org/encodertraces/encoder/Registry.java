package org.encodertraces.encoder;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The encoders the toolkit knows by id: the 47 of the study plus ready local models, loaded
 * from the JSON resource {@code org/encodertraces/encoder/registry.json}. Immutable once
 * loaded; a malformed or inconsistent registry fails to load with the entry named.
 */
public final class Registry {
    /** Classpath location of the built-in registry. */
    public static final String RESOURCE = "/org/encodertraces/encoder/registry.json";

    private final Map<String, RegistryEntry> byId;
    private final List<RegistryEntry> order;

    private Registry(List<RegistryEntry> entries) {
        Map<String, RegistryEntry> m = new LinkedHashMap<>();
        Map<String, String> studyNames = new LinkedHashMap<>();
        for (RegistryEntry e : entries) {
            if (m.putIfAbsent(e.id(), e) != null) {
                throw new IllegalArgumentException("duplicate registry id: " + e.id());
            }
            if (e.inStudy()) {
                String other = studyNames.putIfAbsent(e.studyName(), e.id());
                if (other != null) {
                    throw new IllegalArgumentException("study name '" + e.studyName() + "' used by both " + other
                            + " and " + e.id());
                }
            }
        }
        this.byId = Map.copyOf(m);
        this.order = List.copyOf(m.values());
    }

    /** The built-in registry. */
    public static Registry builtIn() {
        try (InputStream in = Registry.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("registry resource " + RESOURCE + " missing from the classpath");
            }
            return load(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read registry resource " + RESOURCE, e);
        }
    }

    /**
     * Loads a registry from JSON: {@code {"entries": [ ... ]}}.
     *
     * @throws IOException when the JSON is malformed or an entry is invalid (the message names it)
     */
    public static Registry load(InputStream json) throws IOException {
        ObjectMapper mapper = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        JsonNode root = mapper.readTree(json);
        JsonNode array = root == null ? null : root.get("entries");
        if (array == null || !array.isArray()) {
            throw new IOException("registry JSON has no \"entries\" array");
        }
        try {
            List<RegistryEntry> entries = new ArrayList<>();
            for (JsonNode node : array) {
                try {
                    entries.add(mapper.treeToValue(node, RegistryEntry.class));
                } catch (IOException | IllegalArgumentException e) {
                    throw new IOException("invalid registry entry " + node.path("id").asText("(no id)") + ": "
                            + e.getMessage(), e);
                }
            }
            return new Registry(entries);
        } catch (IllegalArgumentException e) {
            throw new IOException("invalid registry: " + e.getMessage(), e);
        }
    }

    /** Environment variable naming an extra registry JSON file whose entries are added to the built-in ones. */
    public static final String ENV_EXTRA = "TRACES_REGISTRY";

    /**
     * The built-in registry plus the entries of the file {@code TRACES_REGISTRY} names, if set
     * (your own Hub exports or mirrors, in the same JSON format).
     *
     * @throws IllegalArgumentException naming the file when it cannot be read or its entries are invalid
     */
    public static Registry fromEnvironment(Map<String, String> env) {
        Registry base = builtIn();
        String extra = env.get(ENV_EXTRA);
        if (extra == null || extra.isBlank()) {
            return base;
        }
        try (InputStream in = java.nio.file.Files.newInputStream(java.nio.file.Path.of(extra.trim()))) {
            List<RegistryEntry> all = new ArrayList<>(base.entries());
            all.addAll(load(in).entries());
            return new Registry(all);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException(ENV_EXTRA + "=" + extra + ": cannot use this registry file: " + e.getMessage(), e);
        }
    }

    /** Up to {@code n} ids closest to {@code text} (edit distance), closest first, for "did you mean". */
    public List<String> closest(String text, int n) {
        String t = text.toLowerCase(java.util.Locale.ROOT);
        return order.stream().map(RegistryEntry::id)
                .map(id -> Map.entry(id, editDistance(t, id)))
                .filter(e -> e.getValue() <= Math.max(3, t.length() / 2) || e.getKey().contains(t) || t.contains(e.getKey()))
                .sorted(Map.Entry.<String, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                .limit(n).map(Map.Entry::getKey).toList();
    }

    /**
     * Levenshtein distance (insertions, deletions, substitutions, each 1) between two strings: the
     * "did you mean" suggestions of the registry and of the CLI's option errors rank by it.
     */
    public static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] x = prev;
            prev = cur;
            cur = x;
        }
        return prev[b.length()];
    }

    /** All entries, in file order. */
    public List<RegistryEntry> entries() {
        return order;
    }

    /** The study's encoders, in file order. */
    public List<RegistryEntry> studyEntries() {
        return order.stream().filter(RegistryEntry::inStudy).toList();
    }

    /** The entry with this id, if any. */
    public Optional<RegistryEntry> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /**
     * The entry with this id.
     *
     * @throws IllegalArgumentException listing the known ids when there is none
     */
    public RegistryEntry get(String id) {
        RegistryEntry e = byId.get(id);
        if (e == null) {
            throw new IllegalArgumentException("no encoder '" + id + "' in the registry; known ids: "
                    + order.stream().map(RegistryEntry::id).toList());
        }
        return e;
    }
}
