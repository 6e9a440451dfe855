package org.encodertraces.data;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.JsonFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One train/val/test split of the FlickrExif benchmark for one target attribute, in the JSON
 * format of the study's release ({@code split_data_target_attribute=<attribute>.json}).
 *
 * <p>The format, as found in all ten published files: one object with the keys
 * {@code train_ids}, {@code val_ids}, {@code test_ids} (Flickr photo ids as JSON integers),
 * {@code encoded_train_labels}, {@code encoded_val_labels}, {@code encoded_test_labels} (class
 * index per id, JSON integers, same order as the ids), {@code label_encoder_classes} (class names,
 * JSON strings, index order) and {@code target_attribute} (a string such as {@code "ISO Speed"}).
 * The key order differs between the published files (Model puts val before test, Smartphone
 * Model starts with {@code target_attribute}); it is kept in {@link #keyOrder()} so that a file
 * read and written back is byte-identical. The files were written by Python's {@code json.dump}
 * with default separators ({@code ", "} and {@code ": "}), ASCII escapes and no final newline;
 * {@link #toJson()} writes the same.
 *
 * <p>Ids are kept as strings here so that collections whose ids are not numbers (file names) can
 * use the same format; {@link #numericIds()} says whether they are written as JSON integers (the
 * published files) or as JSON strings.
 *
 * @param targetAttribute the attribute, e.g. "Make", "ISO Speed"
 * @param classes         class names in index order ({@code label_encoder_classes})
 * @param trainIds        training ids
 * @param trainLabels     class index of each training id
 * @param valIds          validation ids
 * @param valLabels       class index of each validation id
 * @param testIds         test ids
 * @param testLabels      class index of each test id
 * @param numericIds      ids are written as JSON integers (each id must then be a decimal integer)
 * @param keyOrder        the order of the eight keys in the file
 */
public record SplitFile(String targetAttribute, List<String> classes, List<String> trainIds, List<Integer> trainLabels,
                        List<String> valIds, List<Integer> valLabels, List<String> testIds, List<Integer> testLabels,
                        boolean numericIds, List<String> keyOrder) {

    /** The keys of the format in the order most published files use. */
    public static final List<String> KEYS = List.of("train_ids", "test_ids", "val_ids", "encoded_train_labels",
            "encoded_test_labels", "encoded_val_labels", "label_encoder_classes", "target_attribute");

    public SplitFile {
        classes = List.copyOf(classes);
        trainIds = List.copyOf(trainIds);
        trainLabels = List.copyOf(trainLabels);
        valIds = List.copyOf(valIds);
        valLabels = List.copyOf(valLabels);
        testIds = List.copyOf(testIds);
        testLabels = List.copyOf(testLabels);
        keyOrder = List.copyOf(keyOrder);
        if (!new HashSet<>(keyOrder).equals(new HashSet<>(KEYS)) || keyOrder.size() != KEYS.size()) {
            throw new IllegalArgumentException("keyOrder must be a permutation of " + KEYS + ": " + keyOrder);
        }
        check("train", trainIds, trainLabels, classes.size(), numericIds);
        check("val", valIds, valLabels, classes.size(), numericIds);
        check("test", testIds, testLabels, classes.size(), numericIds);
    }

    /** A split in the published key order. */
    public SplitFile(String targetAttribute, List<String> classes, List<String> trainIds, List<Integer> trainLabels,
                     List<String> valIds, List<Integer> valLabels, List<String> testIds, List<Integer> testLabels,
                     boolean numericIds) {
        this(targetAttribute, classes, trainIds, trainLabels, valIds, valLabels, testIds, testLabels, numericIds, KEYS);
    }

    private static void check(String part, List<String> ids, List<Integer> labels, int nClasses, boolean numeric) {
        if (ids.size() != labels.size()) {
            throw new IllegalArgumentException(part + ": " + ids.size() + " ids but " + labels.size() + " labels");
        }
        for (int i = 0; i < labels.size(); i++) {
            int l = labels.get(i);
            if (l < 0 || l >= nClasses) {
                throw new IllegalArgumentException(part + " label " + l + " at position " + i + " is outside 0.." + (nClasses - 1));
            }
            if (numeric && !ids.get(i).matches("-?\\d{1,19}")) {
                throw new IllegalArgumentException(part + " id '" + ids.get(i) + "' is not an integer but numericIds is set");
            }
        }
    }

    /** The file name the study uses for an attribute: {@code split_data_target_attribute=<attribute>.json}. */
    public static String fileName(String attribute) {
        return "split_data_target_attribute=" + attribute + ".json";
    }

    /** Ids that appear in more than one of train, val and test (a leak; the published Model split has 45). */
    public Set<String> overlappingIds() {
        Set<String> train = new HashSet<>(trainIds);
        Set<String> val = new HashSet<>(valIds);
        Set<String> out = new LinkedHashSet<>();
        for (String id : valIds) {
            if (train.contains(id)) {
                out.add(id);
            }
        }
        for (String id : testIds) {
            if (train.contains(id) || val.contains(id)) {
                out.add(id);
            }
        }
        return out;
    }

    /** Reads a split file; errors name the file and what is wrong. */
    public static SplitFile read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, file.toString());
        }
    }

    private static SplitFile parse(InputStream in, String name) throws IOException {
        JsonFactory f = JsonFactory.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
        String attr = null;
        List<String> classes = null;
        List<String> trainIds = null;
        List<String> valIds = null;
        List<String> testIds = null;
        List<Integer> trainL = null;
        List<Integer> valL = null;
        List<Integer> testL = null;
        Boolean numeric = null;
        List<String> order = new ArrayList<>();
        try (JsonParser p = f.createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException(name + ": not a split file (expected a JSON object)");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.getCurrentName();
                p.nextToken();
                if (order.contains(key)) {
                    throw new IOException(name + ": key '" + key + "' appears twice");
                }
                order.add(key);
                switch (key) {
                    case "target_attribute" -> {
                        if (p.currentToken() != JsonToken.VALUE_STRING) {
                            throw new IOException(name + ": target_attribute is not a string");
                        }
                        attr = p.getText();
                    }
                    case "label_encoder_classes" -> classes = strings(p, name, key);
                    case "train_ids", "val_ids", "test_ids" -> {
                        IdList ids = ids(p, name, key);
                        if (ids.values.size() > 0) {
                            if (numeric != null && numeric != ids.numeric) {
                                throw new IOException(name + ": " + key + " mixes integer and string ids with the other id lists");
                            }
                            numeric = ids.numeric;
                        }
                        switch (key) {
                            case "train_ids" -> trainIds = ids.values;
                            case "val_ids" -> valIds = ids.values;
                            default -> testIds = ids.values;
                        }
                    }
                    case "encoded_train_labels" -> trainL = ints(p, name, key);
                    case "encoded_val_labels" -> valL = ints(p, name, key);
                    case "encoded_test_labels" -> testL = ints(p, name, key);
                    default -> throw new IOException(name + ": unexpected key '" + key + "' (a split file has " + KEYS + ")");
                }
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(name + ": malformed JSON: " + e.getOriginalMessage(), e);
        }
        for (String k : KEYS) {
            if (!order.contains(k)) {
                throw new IOException(name + ": missing key '" + k + "'");
            }
        }
        try {
            return new SplitFile(attr, classes, trainIds, trainL, valIds, valL, testIds, testL, numeric == null || numeric, order);
        } catch (IllegalArgumentException e) {
            throw new IOException(name + ": " + e.getMessage(), e);
        }
    }

    private record IdList(List<String> values, boolean numeric) {
    }

    private static IdList ids(JsonParser p, String name, String key) throws IOException {
        expectArray(p, name, key);
        List<String> out = new ArrayList<>();
        Boolean numeric = null;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            boolean isNum = t == JsonToken.VALUE_NUMBER_INT;
            if (!isNum && t != JsonToken.VALUE_STRING) {
                throw new IOException(name + ": " + key + "[" + out.size() + "] is neither an integer nor a string");
            }
            if (numeric != null && numeric != isNum) {
                throw new IOException(name + ": " + key + " mixes integer and string ids");
            }
            numeric = isNum;
            out.add(p.getText());
        }
        return new IdList(out, numeric == null || numeric);
    }

    private static List<Integer> ints(JsonParser p, String name, String key) throws IOException {
        expectArray(p, name, key);
        List<Integer> out = new ArrayList<>();
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.VALUE_NUMBER_INT) {
                throw new IOException(name + ": " + key + "[" + out.size() + "] is not an integer");
            }
            out.add(p.getIntValue());
        }
        return out;
    }

    private static List<String> strings(JsonParser p, String name, String key) throws IOException {
        expectArray(p, name, key);
        List<String> out = new ArrayList<>();
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.VALUE_STRING) {
                throw new IOException(name + ": " + key + "[" + out.size() + "] is not a string");
            }
            out.add(p.getText());
        }
        return out;
    }

    private static void expectArray(JsonParser p, String name, String key) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw new IOException(name + ": " + key + " is not a list");
        }
    }

    /** The JSON text exactly as Python's {@code json.dumps} writes it (no trailing newline). */
    public String toJson() {
        StringBuilder sb = new StringBuilder(16 * (trainIds.size() + valIds.size() + testIds.size()) + 1024);
        sb.append('{');
        boolean first = true;
        for (String k : keyOrder) {
            if (!first) {
                sb.append(", ");
            }
            first = false;
            pyString(sb, k);
            sb.append(": ");
            switch (k) {
                case "train_ids" -> idList(sb, trainIds);
                case "val_ids" -> idList(sb, valIds);
                case "test_ids" -> idList(sb, testIds);
                case "encoded_train_labels" -> intList(sb, trainLabels);
                case "encoded_val_labels" -> intList(sb, valLabels);
                case "encoded_test_labels" -> intList(sb, testLabels);
                case "label_encoder_classes" -> {
                    sb.append('[');
                    for (int i = 0; i < classes.size(); i++) {
                        if (i > 0) {
                            sb.append(", ");
                        }
                        pyString(sb, classes.get(i));
                    }
                    sb.append(']');
                }
                case "target_attribute" -> pyString(sb, targetAttribute);
                default -> throw new IllegalStateException(k);
            }
        }
        return sb.append('}').toString();
    }

    /** Writes {@link #toJson()} to a file (through a temporary file and a move, so a reader never sees half a file). */
    public void write(Path file) throws IOException {
        org.encodertraces.io.AtomicFiles.writeString(file, toJson()); // ASCII: toJson escapes everything else
    }

    private void idList(StringBuilder sb, List<String> ids) {
        sb.append('[');
        for (int i = 0; i < ids.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            if (numericIds) {
                sb.append(ids.get(i));
            } else {
                pyString(sb, ids.get(i));
            }
        }
        sb.append(']');
    }

    private static void intList(StringBuilder sb, List<Integer> v) {
        sb.append('[');
        for (int i = 0; i < v.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(v.get(i).intValue());
        }
        sb.append(']');
    }

    /** A JSON string as Python's json module writes it with ensure_ascii (the default). */
    static void pyString(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
