package org.encodertraces.probe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A train/val/test split of the FlickrExif benchmark for one acquisition attribute, as the
 * study's code release publishes it: {@code train_ids}/{@code val_ids}/{@code test_ids} (Flickr
 * photo ids), {@code encoded_train_labels}/... (class index per id), {@code label_encoder_classes}
 * (class names in index order) and {@code target_attribute}.
 *
 * @param targetAttribute the attribute (e.g. "Make")
 * @param classes         class names in label order
 * @param train           training part
 * @param val             validation part
 * @param test            test part
 */
public record FlickrExifSplit(String targetAttribute, List<String> classes, Part train, Part val, Part test) {
    public FlickrExifSplit {
        classes = List.copyOf(classes);
    }

    /**
     * Ids and labels of one part, in file order.
     *
     * @param ids    photo ids as text (exactly as written in the file)
     * @param labels class index of each id
     */
    public record Part(List<String> ids, int[] labels) {
        public Part {
            ids = List.copyOf(ids);
            if (ids.size() != labels.length) {
                throw new IllegalArgumentException(ids.size() + " ids but " + labels.length + " labels");
            }
        }
    }

    /** The split of a {@link org.encodertraces.data.SplitFile} (the same format, built or read). */
    public static FlickrExifSplit of(org.encodertraces.data.SplitFile s) {
        return new FlickrExifSplit(s.targetAttribute(), s.classes(), part(s.trainIds(), s.trainLabels()), part(s.valIds(), s.valLabels()),
                part(s.testIds(), s.testLabels()));
    }

    private static Part part(List<String> ids, List<Integer> labels) {
        return new Part(ids, labels.stream().mapToInt(Integer::intValue).toArray());
    }

    /** Reads a split file; errors name the file and the missing or malformed key. */
    public static FlickrExifSplit read(Path file) throws IOException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException(file + ": not a readable JSON split file: " + e.getMessage(), e);
        }
        List<String> classes = new ArrayList<>();
        for (JsonNode c : need(root, "label_encoder_classes", file)) {
            classes.add(c.asText());
        }
        String target = root.has("target_attribute") ? root.get("target_attribute").asText() : file.getFileName().toString();
        return new FlickrExifSplit(target, classes, part(root, "train", classes.size(), file), part(root, "val", classes.size(), file),
                part(root, "test", classes.size(), file));
    }

    private static Part part(JsonNode root, String name, int k, Path file) throws IOException {
        JsonNode ids = need(root, name + "_ids", file);
        JsonNode labels = need(root, "encoded_" + name + "_labels", file);
        if (ids.size() != labels.size()) {
            throw new IOException(file + ": " + name + "_ids has " + ids.size() + " entries but encoded_" + name + "_labels " + labels.size());
        }
        List<String> idList = new ArrayList<>(ids.size());
        int[] y = new int[labels.size()];
        for (int i = 0; i < ids.size(); i++) {
            idList.add(ids.get(i).asText());
            int label = labels.get(i).asInt(-1);
            if (label < 0 || label >= k) {
                throw new IOException(file + ": encoded_" + name + "_labels[" + i + "] = " + labels.get(i) + " outside [0, " + k + ")");
            }
            y[i] = label;
        }
        return new Part(idList, y);
    }

    private static JsonNode need(JsonNode root, String key, Path file) throws IOException {
        JsonNode n = root.get(key);
        if (n == null || !n.isArray()) {
            throw new IOException(file + ": missing array '" + key + "' (not a FlickrExif split file?)");
        }
        return n;
    }
}
