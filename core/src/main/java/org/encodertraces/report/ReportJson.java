package org.encodertraces.report;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.encodertraces.io.JsonErrors;

/**
 * {@link ReportData} to and from JSON, with snake_case keys (the study's CSV column style:
 * {@code pos_same}, {@code encoder_id}). Unknown keys are an error, so a misspelt field in a
 * hand-edited file is caught rather than silently dropped. Each note is an object with its section
 * and text; a file written before notes carried their section (plain strings) still reads.
 */
public final class ReportJson {
    /** File name of the report's data beside its page. */
    public static final String FILE = "report.json";

    private final ObjectMapper mapper;

    /** A reader/writer; each instance has its own mapper. */
    public ReportJson() {
        mapper = new ObjectMapper()
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(SerializationFeature.INDENT_OUTPUT)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    }

    /** The JSON text of a report. */
    public String toJson(ReportData data) throws IOException {
        return mapper.writeValueAsString(data) + "\n";
    }

    /** Parses JSON text written by {@link #toJson}, or by an earlier version (notes as plain strings). */
    public ReportData fromJson(String json) throws IOException {
        com.fasterxml.jackson.databind.JsonNode tree = mapper.readTree(json);
        upgradeNotes(tree);
        return mapper.treeToValue(tree, ReportData.class);
    }

    /**
     * A report written before notes carried their section lists them as plain strings: each becomes a
     * note in the section the page of that time gave it ({@link LegacyNotes}), so the old file renders
     * as it did.
     */
    private static void upgradeNotes(com.fasterxml.jackson.databind.JsonNode tree) {
        if (tree != null && tree.get("notes") instanceof com.fasterxml.jackson.databind.node.ArrayNode notes) {
            for (int i = 0; i < notes.size(); i++) {
                if (notes.get(i).isTextual()) {
                    String text = notes.get(i).asText();
                    notes.set(i, notes.objectNode().put("section", LegacyNotes.section(text).name()).put("text", text));
                }
            }
        }
    }

    /** Writes {@code data} to {@code file} (UTF-8). */
    public void write(ReportData data, Path file) throws IOException {
        Files.writeString(file, toJson(data));
    }

    /** Reads a report written by {@link #write}; the error names the file. */
    public ReportData read(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException(file + ": no such file", e);
        } catch (java.nio.charset.MalformedInputException e) {
            throw new IOException(file + ": not a report.json (not UTF-8 text)", e);
        }
        com.fasterxml.jackson.databind.JsonNode tree;
        try {
            tree = mapper.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(file + ": not a report.json written by traces: " + JsonErrors.describe(e, null, ""), e);
        }
        if (tree == null || !tree.isObject()) {
            throw new IOException(file + ": not a report.json written by traces: the document is "
                    + (tree == null || tree.isMissingNode() ? "empty" : tree.isArray() ? "a JSON array" : "a single JSON value")
                    + ", not an object with the report's fields");
        }
        upgradeNotes(tree);
        try {
            return mapper.treeToValue(tree, ReportData.class);
        } catch (com.fasterxml.jackson.databind.exc.InvalidFormatException e) {
            Object[] allowed = e.getTargetType() != null && e.getTargetType().isEnum() ? e.getTargetType().getEnumConstants() : null;
            throw new IOException(file + ": not a valid report.json: " + where(e) + " has value '" + e.getValue() + "'"
                    + (allowed == null ? "" : ", not one of " + java.util.Arrays.toString(allowed)), e);
        } catch (com.fasterxml.jackson.databind.exc.ValueInstantiationException e) {
            Throwable c = e.getCause();
            String what = c instanceof NullPointerException && c.getMessage() != null && c.getMessage().matches("[A-Za-z_]+")
                    ? "required field '" + c.getMessage() + "' is missing" + (e.getPath().isEmpty() ? "" : " in " + where(e))
                    : where(e) + " is invalid" + (c != null && c.getMessage() != null ? " (" + c.getMessage() + ")" : "");
            throw new IOException(file + ": not a report.json written by traces: " + what, e);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(file + ": not a report.json written by traces: " + JsonErrors.describe(e, tree, ""), e);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IOException(file + ": not a report.json written by traces: " + e.getMessage(), e);
        }
    }

    private static String where(com.fasterxml.jackson.databind.JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (com.fasterxml.jackson.databind.JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                sb.append(sb.length() == 0 ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.length() == 0 ? "the document" : "field '" + sb + "'";
    }
}
