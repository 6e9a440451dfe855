package org.encodertraces.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * iNaturalist 2018 as a dataset with the label tensor {@code label} (the category id), from
 * either of two descriptions of the images under a root folder:
 *
 * <ul>
 *   <li><b>the COCO-style annotation files</b> of the release ({@code train2018.json},
 *       {@code val2018.json}): {@code images[{id, file_name}]} with paths relative to the root
 *       (e.g. {@code train_val2018/Plantae/7477/3b60c9486db1d2ee875f11a669fbde4a.jpg}),
 *       {@code annotations[{image_id, category_id}]} and {@code categories[{id, name}]}. An image
 *       with no annotation is an error (the test set has none).</li>
 *   <li><b>a list file</b> (the train/val lists the study's processing experiments use): one image
 *       per line, {@code <relative path><white space><category id>}; the path may hold spaces
 *       (the last field is the label); blank lines and lines starting with {@code #} are skipped.
 *       Class names come from a {@code categories.json} (the release's list of
 *       {@code {id, name}}) or an annotation file's {@code categories} beside the list, if given.</li>
 * </ul>
 *
 * <p>The label value is the category id itself (0..8141, contiguous in the 2018 release), so the
 * labels of the two forms agree; the class names are indexed by id ({@code "<id>"} where no name
 * is known).
 */
public final class INaturalist2018 {
    private INaturalist2018() {
    }

    /**
     * Opens a COCO-style annotation file.
     *
     * @param annotations the JSON file ({@code train2018.json} or {@code val2018.json})
     * @param imageRoot   the folder the {@code file_name}s are relative to
     */
    public static Dataset openAnnotations(Path annotations, Path imageRoot) throws IOException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(annotations.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(annotations + ": malformed JSON: " + e.getOriginalMessage(), e);
        }
        for (String k : List.of("images", "annotations", "categories")) {
            if (root == null || !root.path(k).isArray()) {
                throw new IOException(annotations + ": no '" + k + "' list (not a COCO-style iNaturalist annotation file)");
            }
        }
        Map<Long, Long> catOf = new HashMap<>();
        for (JsonNode a : root.get("annotations")) {
            if (!a.path("image_id").canConvertToLong() || !a.path("category_id").canConvertToLong()) {
                throw new IOException(annotations + ": annotation without integer image_id and category_id: " + a);
            }
            catOf.put(a.get("image_id").asLong(), a.get("category_id").asLong());
        }
        List<Sample> samples = new ArrayList<>();
        for (JsonNode im : root.get("images")) {
            if (!im.path("id").canConvertToLong() || !im.path("file_name").isTextual()) {
                throw new IOException(annotations + ": image without integer id and file_name: " + im);
            }
            long id = im.get("id").asLong();
            Long cat = catOf.get(id);
            if (cat == null) {
                throw new IOException(annotations + ": image " + id + " (" + im.get("file_name").asText() + ") has no annotation");
            }
            String rel = im.get("file_name").asText();
            samples.add(new Sample(rel, imageRoot.resolve(rel).normalize(), Map.of("label", cat)));
        }
        List<String> names = classNames(root.get("categories"), annotations,
                samples.stream().mapToLong(s -> s.labels().get("label")).max().orElse(-1));
        return new Dataset(Dataset.sanitize(stem(annotations)), annotations.toString(), samples, Map.of("label", names));
    }

    /**
     * Opens a list file.
     *
     * @param list       the list ({@code <relative path> <category id>} per line)
     * @param imageRoot  the folder the paths are relative to
     * @param categories a JSON file with the categories ({@code [{id,name}]} or an object with a
     *                   {@code categories} list), or null for names {@code "<id>"}
     */
    public static Dataset openList(Path list, Path imageRoot, Path categories) throws IOException {
        List<String> lines = Files.readAllLines(list, StandardCharsets.UTF_8);
        List<Sample> samples = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int sp = Math.max(line.lastIndexOf(' '), line.lastIndexOf('\t'));
            long cat;
            try {
                cat = sp < 0 ? -1 : Long.parseLong(line.substring(sp + 1));
            } catch (NumberFormatException e) {
                cat = -1;
            }
            if (cat < 0) {
                throw new IOException(list + ":" + (i + 1) + ": expected '<relative path> <category id>', got '" + line + "'");
            }
            String rel = line.substring(0, sp).strip();
            Integer prev = seen.put(rel, i + 1);
            if (prev != null) {
                throw new IOException(list + ":" + (i + 1) + ": " + rel + " already listed on line " + prev);
            }
            samples.add(new Sample(rel, imageRoot.resolve(rel).normalize(), Map.of("label", cat)));
        }
        if (samples.isEmpty()) {
            throw new IOException(list + ": no images listed");
        }
        long max = samples.stream().mapToLong(s -> s.labels().get("label")).max().orElse(-1);
        JsonNode cats = null;
        if (categories != null) {
            JsonNode n = new ObjectMapper().readTree(categories.toFile());
            cats = n != null && n.isObject() ? n.path("categories") : n;
            if (cats == null || !cats.isArray()) {
                throw new IOException(categories + ": no list of categories");
            }
        }
        return new Dataset(Dataset.sanitize(stem(list)), list.toString(), samples, Map.of("label", classNames(cats, categories, max)));
    }

    private static List<String> classNames(JsonNode cats, Path file, long maxLabel) throws IOException {
        Map<Long, String> byId = new TreeMap<>();
        if (cats != null) {
            for (JsonNode c : cats) {
                if (!c.path("id").canConvertToLong()) {
                    throw new IOException(file + ": category without an integer id: " + c);
                }
                byId.put(c.get("id").asLong(), c.path("name").asText(c.get("id").asText()));
            }
        }
        long n = Math.max(maxLabel + 1, byId.isEmpty() ? 0 : ((TreeMap<Long, String>) byId).lastKey() + 1);
        if (n > 1_000_000) {
            throw new IOException(file + ": category ids up to " + (n - 1) + " are not iNaturalist's contiguous ids");
        }
        List<String> names = new ArrayList<>();
        for (long i = 0; i < n; i++) {
            names.add(byId.getOrDefault(i, Long.toString(i)));
        }
        return names;
    }

    private static String stem(Path p) {
        String n = p.getFileName().toString();
        return n.contains(".") ? n.substring(0, n.lastIndexOf('.')) : n;
    }

}
