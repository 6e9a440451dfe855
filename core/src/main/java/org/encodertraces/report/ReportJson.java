package org.encodertraces.report;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@link ReportData} to and from JSON, with snake_case keys (the study's CSV column style:
 * {@code pos_same}, {@code encoder_id}). Unknown keys are an error, so a misspelt field in a
 * hand-edited file is caught rather than silently dropped.
 */
public final class ReportJson {
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

    /** Parses JSON text written by {@link #toJson}. */
    public ReportData fromJson(String json) throws IOException {
        return mapper.readValue(json, ReportData.class);
    }

    /** Writes {@code data} to {@code file} (UTF-8). */
    public void write(ReportData data, Path file) throws IOException {
        Files.writeString(file, toJson(data));
    }

    /** Reads a report written by {@link #write}; the error names the file. */
    public ReportData read(Path file) throws IOException {
        try {
            return fromJson(Files.readString(file));
        } catch (IOException | IllegalArgumentException e) {
            throw new IOException(file + ": not a report.json: " + e.getMessage(), e);
        }
    }
}
